using System.CommandLine;
using System.Globalization;
using FilterProxy.Core;
using FilterProxy.Core.Configuration;
using FilterProxy.Core.Events;
using FilterProxy.Events;

namespace FilterProxy.Cli;

/// <summary>Shared by the events, alerts, audit and policy commands: the configured store, and times people type.</summary>
internal static class StoreArguments
{
    public static readonly Option<bool> Json = new("--json") { Description = "One JSON object per line (for scripts)" };

    /// <summary>The store the configuration names; null after saying why on <paramref name="error"/>.</summary>
    public static async Task<(IEventStore Store, CompiledConfig Config)?> OpenAsync(ParseResult parse, TextWriter error)
    {
        if (await PolicyArguments.CompileOrReportAsync(parse.GetValue(CommandLine.ConfigOption), error) is not { } compiled)
        {
            return null;
        }

        try
        {
            IEventStore store = await EventStack.OpenStoreAsync(compiled.Settings);
            await store.PingAsync(CancellationToken.None);
            return (store, compiled);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"cannot open the event store ({compiled.Settings.Events.Store}): {ex.Message}");
            return null;
        }
    }

    /// <summary>An optional time option (<see cref="TryParseSince"/>'s forms); Ok is false after saying why.</summary>
    public static async Task<(bool Ok, DateTimeOffset? Value)> TimeAsync(ParseResult parse, Option<string?> option, TextWriter error)
    {
        if (parse.GetValue(option) is not { } text)
        {
            return (true, null);
        }

        if (TryParseSince(text, TimeZoneInfo.Utc, out DateTimeOffset value))
        {
            return (true, value);
        }

        await error.WriteLineAsync($"{option.Name}: cannot read '{text}' (try 30m, 24h, 7d, or 2026-11-23T09:00Z)");
        return (false, null);
    }

    /// <summary>An optional enum option, written as a word; Ok is false after saying why.</summary>
    public static async Task<(bool Ok, T? Value)> WordAsync<T>(ParseResult parse, Option<string?> option, TextWriter error)
        where T : struct, Enum
    {
        if (parse.GetValue(option) is not { } text)
        {
            return (true, null);
        }

        if (EnumWords.TryParse(text, out T value))
        {
            return (true, value);
        }

        await error.WriteLineAsync($"{option.Name}: '{text}' is not one of {EnumWords.Names<T>()}");
        return (false, null);
    }

    /// <summary>"30m", "24h", "7d" ago; or a time as <see cref="PolicyArguments.TryParseTime"/> reads it.</summary>
    public static bool TryParseSince(string text, TimeZoneInfo zone, out DateTimeOffset result)
    {
        text = text.Trim();
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double n) && n >= 0)
        {
            TimeSpan? ago = char.ToLowerInvariant(text[^1]) switch
            {
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => null,
            };
            if (ago is { } a)
            {
                result = DateTimeOffset.UtcNow - a;
                return true;
            }
        }

        return PolicyArguments.TryParseTime(text, zone, TimeProvider.System, out result);
    }
}
