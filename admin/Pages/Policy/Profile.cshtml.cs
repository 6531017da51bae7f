using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Auth;
using FilterProxy.Admin.Policy;
using FilterProxy.Core.Policy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FilterProxy.Admin.Pages.Policy;

/// <summary>Edits one profile: the form becomes a proposed change (or, with approval off, an applied one).</summary>
[Authorize(Policy = AdminPolicies.Technician)]
public sealed class ProfileModel(PolicyEvaluator evaluator, PolicyChangeService changes) : FormPageModel
{
    public string Name { get; private set; } = "";

    [BindProperty]
    public ProfileForm Form { get; set; } = new();

    public IReadOnlyList<string> Levels { get; } = ["off", "moderate", "strict"];
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
            Fail(ModelState.Where(static e => e.Value!.Errors.Count > 0).Select(static e => $"{e.Key}: {e.Value!.Errors[0].ErrorMessage}"));
            return Page();
        }

        var (patch, diff) = Form.Compare(profile);
        PolicyChangeService.Outcome outcome = await changes.ProposeAsync($"profiles.{profile.Name}", patch, diff, User.Actor(), reason, cancellationToken);
        Proposed = outcome.Change;
        if (outcome.Errors.Count > 0)
        {
            Fail(outcome.Errors);
        }
        else if (Proposed?.Status == ChangeStatus.Applied)
        {
            Form = ProfileForm.From(evaluator.Snapshot.FindProfile(profile.Name) ?? profile);
        }

        return Page();
    }
}
