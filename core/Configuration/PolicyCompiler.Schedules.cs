using FilterProxy.Core.Categories;
using FilterProxy.Core.Policy;

namespace FilterProxy.Core.Configuration;

public static partial class PolicyCompiler
{
    private static readonly string[] s_dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    private static Dictionary<string, List<ScheduleRule>> CompileSchedules(List<ScheduleConfig?> configs, Dictionary<string, ProfileConfig> profiles, List<ConfigError> e)
    {
        var result = new Dictionary<string, List<ScheduleRule>>(StringComparer.OrdinalIgnoreCase);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < configs.Count; i++)
        {
            string path = $"schedules[{i}]";
            ScheduleConfig? s = configs[i];
            if (s is null)
            {
                e.Add(new ConfigError(path, "empty schedule"));
                continue;
            }

            int before = e.Count;
            string name = s.Name ?? $"schedule-{i}";
            if (s.Name is null)
            {
                e.Add(new ConfigError($"{path}.name", "a schedule needs a name (it is shown in every decision it makes)"));
            }
            else if (!names.Add(name))
            {
                e.Add(new ConfigError($"{path}.name", $"another schedule is already named '{name}'"));
            }

            if (s.Profile is null || !profiles.ContainsKey(s.Profile))
            {
                e.Add(new ConfigError($"{path}.profile", s.Profile is null ? "a schedule needs a profile" : $"no profile is named '{s.Profile}'"));
            }

            int days = ParseDays(s.Days, $"{path}.days", e);
            if (!TryParseTime(s.From, out TimeOnly from))
            {
                e.Add(new ConfigError($"{path}.from", $"'{s.From}' is not a time of day (HH:mm)"));
            }

            if (!TryParseTime(s.To, out TimeOnly to))
            {
                e.Add(new ConfigError($"{path}.to", $"'{s.To}' is not a time of day (HH:mm)"));
            }
            else if (to == from)
            {
                e.Add(new ConfigError($"{path}.to", "the window is empty ('from' equals 'to')"));
            }

            ScheduleAction action = ParseEnum(s.Action, ScheduleAction.Block, $"{path}.action", e);
            if (s.Action is null)
            {
                e.Add(new ConfigError($"{path}.action", "a schedule needs an action: block or allow"));
            }

            CategorySet categories = ParseCategories(s.Categories, $"{path}.categories", e);
            if (s.Categories is null || s.Categories.Count == 0)
            {
                e.Add(new ConfigError($"{path}.categories", "a schedule needs at least one category"));
            }
            else if (action == ScheduleAction.Allow && categories.Overlaps(Categories.Categories.Sealed))
            {
                e.Add(new ConfigError($"{path}.categories", "sealed categories (csam, terrorism) can never be allowed"));
            }

            if (e.Count > before)
            {
                continue;
            }

            string verb = action == ScheduleAction.Block ? "blocks" : "allows";
            var rule = new PolicyRule($"schedule/{name}", DecisionReason.Schedule,
                $"schedule '{name}' {verb} {categories} for profile '{s.Profile}' ({DaysText(days)} {from:HH:mm}–{to:HH:mm})");
            if (!result.TryGetValue(s.Profile!, out List<ScheduleRule>? list))
            {
                list = [];
                result[s.Profile!] = list;
            }

            list.Add(new ScheduleRule { Name = name, Profile = s.Profile!, Days = days, From = from, To = to, Action = action, Categories = categories, Rule = rule });
        }

        return result;
    }

    private static int ParseDays(List<string>? days, string path, List<ConfigError> e)
    {
        if (days is null || days.Count == 0)
        {
            e.Add(new ConfigError(path, "a schedule needs days, e.g. [\"mon-fri\"] or [\"sat\", \"sun\"]"));
            return 0;
        }

        int mask = 0;
        for (int i = 0; i < days.Count; i++)
        {
            string d = days[i].Trim().ToLowerInvariant();
            string[] range = d.Split('-');
            int start = Array.IndexOf(s_dayNames, range[0].Length >= 3 ? range[0][..3] : range[0]);
            int end = range.Length == 2 ? Array.IndexOf(s_dayNames, range[1].Length >= 3 ? range[1][..3] : range[1]) : start;
            if (d is "daily" or "all" or "every day")
            {
                mask |= 0b111_1111;
                continue;
            }

            if (d is "weekdays")
            {
                mask |= 0b011_1110;
                continue;
            }

            if (start < 0 || end < 0 || range.Length > 2)
            {
                e.Add(new ConfigError($"{path}[{i}]", $"'{days[i]}' is not a day or range (mon, tue, … sun; mon-fri; weekdays; daily)"));
                continue;
            }

            for (int day = start; ; day = (day + 1) % 7)
            {
                mask |= 1 << day;
                if (day == end)
                {
                    break;
                }
            }
        }

        return mask;
    }

    private static string DaysText(int mask) => mask switch
    {
        0b011_1110 => "Mon–Fri",
        0b111_1111 => "daily",
        0b100_0001 => "Sat–Sun",
        _ => string.Join(',', Enumerable.Range(0, 7).Where(d => (mask & (1 << d)) != 0).Select(static d => s_dayNames[d])),
    };
}
