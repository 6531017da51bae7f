using FilterProxy.Admin.Accounts;
using FilterProxy.Admin.Auth;
using FilterProxy.Admin.Keywords;
using FilterProxy.Core.Events;
using FilterProxy.Events.Keywords;
using Microsoft.AspNetCore.Authorization;

namespace FilterProxy.Admin.Pages;

/// <summary>The school's monitored keywords: the DSL adds and removes phrases (audited).</summary>
[Authorize(Policy = AdminPolicies.Safeguarding)]
public sealed class KeywordsModel(SchoolKeywords keywords, IEventStore store, TimeProvider time) : FormPageModel
{
    public static readonly string[] Themes =
        ["self-harm", "suicide", "grooming", "sexting", "bullying", "radicalisation", "extremism", "racism", "misogyny", "drugs", "gambling", "pornography", "violence", "scams"];

    public IReadOnlyList<Keyword> Keywords => keywords.All;

    public void OnGet()
    {
    }

    public async Task OnPostAddAsync(string? phrase, string? theme, string? severity, string? language, CancellationToken cancellationToken)
    {
        string? error = !Enum.TryParse(severity, ignoreCase: true, out AlertSeverity level) ? "choose a severity"
            : await keywords.AddAsync(theme ?? "", level, language ?? "", phrase ?? "");
        if (error is not null)
        {
            Fail(error);
            return;
        }

        await store.AppendAuditAsync(new AuditRecord(time.GetUtcNow(), User.Actor(), "keywords.added", "keywords", $"{theme} {severity} [{language}] {phrase}"), cancellationToken);
        Done = $"Added “{phrase}”.";
    }

    public async Task OnPostRemoveAsync(string? phrase, string? language, CancellationToken cancellationToken)
    {
        if (!await keywords.RemoveAsync(phrase ?? "", language ?? "any"))
        {
            Fail($"“{phrase}” is not in the list");
            return;
        }

        await store.AppendAuditAsync(new AuditRecord(time.GetUtcNow(), User.Actor(), "keywords.removed", "keywords", $"[{language}] {phrase}"), cancellationToken);
        Done = $"Removed “{phrase}”.";
    }
}
