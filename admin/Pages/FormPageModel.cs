using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace FilterProxy.Admin.Pages;

/// <summary>
/// A page with forms: what went wrong (shown, with 400 unless said otherwise) or what was done, as <c>_Messages</c> renders
/// them; and a check of a further policy inside a handler (approving on a page technicians may also open).
/// </summary>
public abstract class FormPageModel : PageModel
{
    public IReadOnlyList<string> Errors { get; private set; } = [];

    public string? Done { get; protected set; }

    protected void Fail(IEnumerable<string> errors, int status = StatusCodes.Status400BadRequest)
    {
        Errors = [.. errors];
        Response.StatusCode = status;
    }

    protected void Fail(string error, int status = StatusCodes.Status400BadRequest) => Fail([error], status);

    protected async Task<bool> MayAsync(string policy) =>
        (await HttpContext.RequestServices.GetRequiredService<IAuthorizationService>().AuthorizeAsync(User, policy)).Succeeded;
}
