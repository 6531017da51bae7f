using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Auth;
using FilterProxy.Admin.Policy;
using FilterProxy.Core.Policy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FilterProxy.Admin.Pages.Policy;

/// <summary>Edits one profile: the form becomes a proposed change (or, with approval off, an applied one).</summary>
[Authorize(Policy = AdminPolicies.Technician)]
public sealed class ProfileModel(PolicyEvaluator evaluator, PolicyChangeService changes) : PageModel
{
    public string Name { get; private set; } = "";

    [BindProperty]
    public ProfileForm Form { get; set; } = new();

    public IReadOnlyList<string> Levels { get; } = ["off", "moderate", "strict"];
    public IReadOnlyList<string> Errors { get; private set; } = [];
    public PolicyChange? Proposed { get; private set; }
    public bool RequireApproval => changes.RequireApproval;

    public IActionResult OnGet(string name)
    {
        if (evaluator.Snapshot.FindProfile(name) is not { } profile)
        {
            return NotFound();
        }

        Name = profile.Name;
        Form = ProfileForm.From(profile);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string name, string? reason, CancellationToken cancellationToken)
    {
        if (evaluator.Snapshot.FindProfile(name) is not { } profile)
        {
            return NotFound();
        }

        Name = profile.Name;
        if (!ModelState.IsValid)
        {
            Errors = [.. ModelState.Where(static e => e.Value!.Errors.Count > 0).Select(static e => $"{e.Key}: {e.Value!.Errors[0].ErrorMessage}")];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var (patch, diff) = Form.Compare(profile);
        PolicyChangeService.Outcome outcome = await changes.ProposeAsync($"profiles.{profile.Name}", patch, diff, User.Actor(), reason, cancellationToken);
        Errors = outcome.Errors;
        Proposed = outcome.Change;
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        else if (Proposed?.Status == ChangeStatus.Applied)
        {
            Form = ProfileForm.From(evaluator.Snapshot.FindProfile(profile.Name) ?? profile);
        }

        return Page();
    }
}
