using System.Globalization;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Lists;
using FilterProxy.Core.Policy;

namespace FilterProxy.Cli;

/// <summary>Shared by the commands: load the configured policy offline (lists from files and the download cache).</summary>
internal static class PolicyArguments
{
    public static async Task<PolicySnapshot> LoadOfflineAsync(string? configPath, IProgress<ListProgress>? progress, CancellationToken cancellationToken)
    {
        IReadOnlyDictionary<string, string> environment = PolicyLoader.ProcessEnvironment();
        string? path = ConfigLoader.Locate(configPath, environment);
        return await new PolicyLoader(http: null, TimeProvider.System).LoadAsync(path, environment, null, progress, cancellationToken);
    }

    /// <summary>The configuration (file and environment), validated; null after writing every error to <paramref name="error"/>.</summary>
    public static async Task<CompiledConfig?> CompileOrReportAsync(string? configPath, TextWriter error)
    {
        IReadOnlyDictionary<string, string> environment = PolicyLoader.ProcessEnvironment();
        try
        {
            return PolicyCompiler.Compile(ConfigLoader.Load(ConfigLoader.Locate(configPath, environment), environment));
        }
        catch (ConfigException ex)
        {
            await error.WriteLineAsync(ex.Message);
            return null;
        }
    }

    /// <summary>
    /// Reads "--at": ISO 8601 with an offset ("2026-11-23T12:30:00Z"), a local date and time in the
    /// school's time zone ("2026-11-23 12:30"), or a time today ("12:30").
    /// </summary>
    public static bool TryParseTime(string text, TimeZoneInfo zone, TimeProvider time, out DateTimeOffset result)
    {
        text = text.Trim();
        bool hasOffset = text.EndsWith('Z') || text.EndsWith('z') || System.Text.RegularExpressions.Regex.IsMatch(text, @"[+-]\d\d:?\d\d$");
        if (hasOffset && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out result))
        {
            return true;
        }

        DateTime local;
        if (TimeOnly.TryParseExact(text, ["HH:mm", "H:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out TimeOnly t))
        {
            DateTime today = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).Date;
            local = today + t.ToTimeSpan();
        }
        else if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out local))
        {
            result = default;
            return false;
        }

        result = new DateTimeOffset(local, zone.GetUtcOffset(DateTime.SpecifyKind(local, DateTimeKind.Unspecified)));
        return true;
    }
}
