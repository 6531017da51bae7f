using System.Text;

namespace FilterProxy.Core.Policy;

public readonly partial struct Decision
{
    /// <summary>One line a technician (or a teacher on the block page) can read: what, and why.</summary>
    public string Explain()
    {
        var sb = new StringBuilder();
        string? entry = MatchedEntry;
        string listed = entry is null ? "" : $"'{entry}' is listed";
        string categoryTitle = Category is { } c ? FilterProxy.Core.Categories.Categories.Info(c).Title.ToLowerInvariant() : "";
        switch (Reason)
        {
            case DecisionReason.Sealed:
                sb.Append($"Blocked for everyone: {listed} as illegal content ({categoryTitle}) by list '{List}'. No profile, exception or allow entry can unblock it.");
                break;
            case DecisionReason.Suspended:
                sb.Append($"Blocked: internet access is suspended ({Rule.Description}).");
                break;
            case DecisionReason.Exception:
                sb.Append($"Allowed by {Rule.Description}.");
                break;
            case DecisionReason.Deny:
                sb.Append($"Blocked by {Rule.Description}.");
                break;
            case DecisionReason.Allow:
                sb.Append($"Allowed by {Rule.Description}.");
                break;
            case DecisionReason.Schedule:
                sb.Append(Verdict == Verdict.Block
                    ? $"Blocked: {listed} as {categoryTitle} by list '{List}', and {Rule.Description}."
                    : $"Allowed: {Rule.Description}.");
                break;
            case DecisionReason.Category:
                sb.Append($"Blocked: {listed} as {categoryTitle} by list '{List}', and profile '{Profile.Name}' blocks {FilterProxy.Core.Categories.Categories.NameOf(Category!.Value)}.");
                break;
            case DecisionReason.Default:
                sb.Append(Verdict == Verdict.Block
                    ? $"Blocked: profile '{Profile.Name}' only allows sites on its allow list."
                    : Categories.IsEmpty
                        ? $"Allowed: nothing in the lists or rules of profile '{Profile.Name}' blocks it."
                        : $"Allowed: listed as {Categories}, which profile '{Profile.Name}' allows.");
                break;
            case DecisionReason.Address:
                sb.Append($"Blocked: the request names a bare IP address instead of a site, and {Rule.Description}.");
                break;
            case DecisionReason.HelpService:
                sb.Append($"Allowed: a help service a child in crisis may need ({Rule.Description}); only the sealed lists can block it.");
                break;
            case DecisionReason.Invalid:
                sb.Append("Blocked: the host name could not be read, and unreadable requests are blocked for safety.");
                break;
        }

        if (Verdict == Verdict.AllowWithSafeSearch)
        {
            sb.Append($" Safe search is enforced for {SafeSearchEngine} ({SafeSearchLevel.ToString().ToLowerInvariant()}).");
        }

        if (ProfileFallback)
        {
            sb.Append($" (Unknown profile requested: the strictest profile '{Profile.Name}' was used.)");
        }

        return sb.ToString();
    }

    public override string ToString() => $"{Verdict} ({Reason}, {Rule.Id})";
}
