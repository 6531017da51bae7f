using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Auth;
using FilterProxy.Core.Events;
using FilterProxy.Events.Alerts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FilterProxy.Admin.Pages.Alerts;

/// <summary>A printable record of one alert for a referral (audited like the CSV export).</summary>
[Authorize(Policy = AdminPolicies.Safeguarding)]
public sealed class PrintModel(IEventStore store, AlertService alerts, TimeProvider time) : PageModel
{
    public Alert? Alert { get; private set; }
    public DateTimeOffset Printed { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        Alert = await alerts.GetAsync(id, cancellationToken);
        if (Alert is null)
        {
            return NotFound();
        }

        Printed = time.GetUtcNow();
        await store.AppendAuditAsync(new AuditRecord(Printed, User.Actor(), "export.alert", "alert/" + id, "printable page"), cancellationToken);
        return Page();
    }
}
