using FilterProxy.Core.Categories;
using FilterProxy.Core.Lists;

namespace FilterProxy.Core.Configuration;

public static partial class PolicyCompiler
{
    private static List<ListSource> CompileLists(List<ListConfig?>? configs, string baseDirectory, List<ConfigError> e)
    {
        var result = new List<ListSource>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { BuiltInLists.Name, StarterLists.Name };
        for (int i = 0; i < (configs?.Count ?? 0); i++)
        {
            string path = $"lists[{i}]";
            ListConfig? l = configs![i];
            if (l is null)
            {
                e.Add(new ConfigError(path, "empty list definition"));
                continue;
            }

            int before = e.Count;
            if (l.Name is null || !IsValidName(l.Name))
            {
                e.Add(new ConfigError($"{path}.name", "a list needs a name of letters, digits, '-' and '_'"));
            }
            else if (!names.Add(l.Name))
            {
                e.Add(new ConfigError($"{path}.name", $"another list is already named '{l.Name}'"));
            }

            ListFormat format = ParseEnum(l.Format, ListFormat.Domains, $"{path}.format", e);
            if (l.Format is null)
            {
                e.Add(new ConfigError($"{path}.format", "a list needs a format: domains, hosts, adblock, urls or ut1"));
            }

            Category? category = null;
            if (format == ListFormat.Ut1)
            {
                if (l.Category is not null)
                {
                    e.Add(new ConfigError($"{path}.category", "a ut1 folder takes its categories from its sub-folders; use 'categoryMap'"));
                }
            }
            else if (l.Category is null)
            {
                e.Add(new ConfigError($"{path}.category", "a list needs the category of its entries"));
            }
            else if (Categories.Categories.TryParse(l.Category, out Category? c))
            {
                category = c;
            }
            else
            {
                e.Add(new ConfigError($"{path}.category", $"unknown category '{l.Category}'"));
            }

            var map = new Dictionary<string, Category?>(StringComparer.OrdinalIgnoreCase);
            foreach ((string folder, string? target) in l.CategoryMap ?? [])
            {
                if (target is null || target is "ignore" or "none" or "")
                {
                    map[folder] = null;
                }
                else if (Categories.Categories.TryParse(target, out Category? c))
                {
                    map[folder] = c;
                }
                else
                {
                    e.Add(new ConfigError($"{path}.categoryMap.{folder}", $"unknown category '{target}' (or 'ignore')"));
                }
            }

            if (string.IsNullOrWhiteSpace(l.Source))
            {
                e.Add(new ConfigError($"{path}.source", "a list needs a source: a path or an http(s) URL"));
            }

            TimeSpan? refresh = null;
            if (l.RefreshMinutes is { } minutes)
            {
                if (minutes < 1 || minutes > 60 * 24 * 31)
                {
                    e.Add(new ConfigError($"{path}.refreshMinutes", $"{minutes} is outside 1 minute – 31 days"));
                }
                else
                {
                    refresh = TimeSpan.FromMinutes(minutes);
                }
            }

            if (e.Count > before)
            {
                continue;
            }

            string source = l.Source!.Trim();
            bool remote = source.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            if (!remote)
            {
                source = Path.GetFullPath(source, baseDirectory);
            }
            else if (!Uri.TryCreate(source, UriKind.Absolute, out _))
            {
                e.Add(new ConfigError($"{path}.source", $"'{source}' is not a valid URL"));
                continue;
            }

            result.Add(new ListSource(l.Name!, format, source, category, map, refresh));
        }

        return result;
    }
}
