using FilterProxy.Core.Networks;
using FilterProxy.Core.Policy;

namespace FilterProxy.Core.Configuration;

public static partial class PolicyCompiler
{
    private static (List<CurriculumException>, RuleSet<CurriculumException>) CompileExceptions(
        List<ExceptionConfig?>? configs, Dictionary<string, Profile> profiles, List<ClientGroup> groups, List<ConfigError> e)
    {
        var list = new List<CurriculumException>();
        var rules = new RuleSetBuilder<CurriculumException>();
        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < (configs?.Count ?? 0); i++)
        {
            string path = $"exceptions[{i}]";
            ExceptionConfig? x = configs![i];
            if (x is null)
            {
                e.Add(new ConfigError(path, "empty exception"));
                continue;
            }

            int before = e.Count;
            string id = x.Id ?? "";
            if (x.Id is null || !ids.Add(x.Id))
            {
                e.Add(new ConfigError($"{path}.id", x.Id is null ? "an exception needs an id" : $"another exception has the id '{x.Id}'"));
            }

            if (x.Profile is null && x.Group is null)
            {
                e.Add(new ConfigError(path, "an exception is for a profile or a group (a class): give 'profile' or 'group'"));
            }

            if (x.Profile is not null && !profiles.ContainsKey(x.Profile))
            {
                e.Add(new ConfigError($"{path}.profile", $"no profile is named '{x.Profile}'"));
            }

            if (x.Group is not null && !groups.Any(g => string.Equals(g.Name, x.Group, StringComparison.OrdinalIgnoreCase)))
            {
                e.Add(new ConfigError($"{path}.group", $"no group is named '{x.Group}'"));
            }

            if (x.Start is null || x.End is null)
            {
                e.Add(new ConfigError(path, "an exception needs a 'start' and an 'end' (ISO 8601, e.g. 2026-11-23T09:00:00+00:00)"));
            }
            else if (x.End <= x.Start)
            {
                e.Add(new ConfigError($"{path}.end", "ends before it starts"));
            }

            if (string.IsNullOrWhiteSpace(x.RequestedBy))
            {
                e.Add(new ConfigError($"{path}.requestedBy", "who asked for it must be recorded"));
            }

            if (x.ApprovedBy is not null && string.Equals(x.ApprovedBy.Trim(), x.RequestedBy?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                e.Add(new ConfigError($"{path}.approvedBy", "must be approved by someone other than the person who asked"));
            }

            if (string.IsNullOrWhiteSpace(x.Reason))
            {
                e.Add(new ConfigError($"{path}.reason", "the curricular reason must be recorded"));
            }

            if (string.IsNullOrWhiteSpace(x.Target))
            {
                e.Add(new ConfigError($"{path}.target", "an exception needs a target (domain, URL prefix or regex:…)"));
            }

            if (e.Count > before)
            {
                continue;
            }

            string scope = x.Group is not null ? $"group '{x.Group}'" : $"profile '{x.Profile}'";
            string approval = x.ApprovedBy is null ? "not yet approved" : $"approved by {x.ApprovedBy}";
            var exception = new CurriculumException
            {
                Id = id,
                Profile = x.Profile,
                Group = x.Group,
                Target = x.Target!,
                Start = x.Start!.Value,
                End = x.End!.Value,
                RequestedBy = x.RequestedBy!.Trim(),
                Teacher = string.IsNullOrWhiteSpace(x.Teacher) ? null : x.Teacher.Trim(),
                ApprovedBy = x.ApprovedBy,
                Reason = x.Reason!,
                Rule = new PolicyRule($"exception/{id}", DecisionReason.Exception,
                    $"curriculum exception '{id}' for {scope} ({x.Reason}; asked by {x.RequestedBy}{(string.IsNullOrWhiteSpace(x.Teacher) ? "" : $" for {x.Teacher}")}, {approval}; until {x.End:yyyy-MM-dd HH:mm}Z)", x.Target),
            };
            if (!rules.TryAdd(x.Target!, exception, out string? error))
            {
                e.Add(new ConfigError($"{path}.target", $"'{x.Target}': {error}"));
                continue;
            }

            list.Add(exception);
        }

        return (list, rules.Build());
    }

    private static List<Suspension> CompileSuspensions(List<SuspensionConfig?>? configs, List<ConfigError> e)
    {
        var list = new List<Suspension>();
        for (int i = 0; i < (configs?.Count ?? 0); i++)
        {
            string path = $"suspensions[{i}]";
            SuspensionConfig? s = configs![i];
            if (s is null)
            {
                e.Add(new ConfigError(path, "empty suspension"));
                continue;
            }

            int before = e.Count;
            IpNetwork? client = null;
            if (s.User is null && s.Client is null)
            {
                e.Add(new ConfigError(path, "a suspension is for a 'user' or a 'client' (address or network)"));
            }

            if (s.Client is not null)
            {
                if (IpNetwork.TryParse(s.Client, out IpNetwork? n, out string? error))
                {
                    client = n;
                }
                else
                {
                    e.Add(new ConfigError($"{path}.client", error!));
                }
            }

            if (s.From is null || s.Until is null)
            {
                e.Add(new ConfigError(path, "a suspension needs 'from' and 'until'"));
            }
            else if (s.Until <= s.From)
            {
                e.Add(new ConfigError($"{path}.until", "ends before it starts"));
            }

            if (string.IsNullOrWhiteSpace(s.Reason) || string.IsNullOrWhiteSpace(s.By))
            {
                e.Add(new ConfigError(path, "a suspension records its 'reason' and who decided it ('by')"));
            }

            if (e.Count > before)
            {
                continue;
            }

            string who = s.User ?? s.Client!;
            list.Add(new Suspension
            {
                User = s.User,
                Client = client,
                From = s.From!.Value,
                Until = s.Until!.Value,
                Reason = s.Reason!,
                By = s.By!,
                Rule = new PolicyRule($"suspension/{i}", DecisionReason.Suspended, $"{who} until {s.Until:yyyy-MM-dd HH:mm}Z: {s.Reason}, by {s.By}"),
            });
        }

        return list;
    }
}
