
namespace FilterProxy.Hosting;

/// <summary>
/// Gateway log messages. Event ids are stable; the highest used is 9. Nothing here carries a pupil's
/// identity, a URL or a search term: those belong in the event store, never in console logs.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Policy {Version} loaded ({Trigger}): {Profiles} profiles, {Domains} listed domains, {Urls} listed URLs, in {Milliseconds} ms")]
    public static partial void PolicyLoaded(ILogger logger, long version, string trigger, int profiles, int domains, int urls, long milliseconds);

    [LoggerMessage(2, LogLevel.Error, "Configuration change rejected ({Trigger}); still using policy {Version}. {Count} error(s) follow.")]
    public static partial void ReloadRejected(ILogger logger, string trigger, long version, int count);

    [LoggerMessage(3, LogLevel.Error, "  {Error}")]
    public static partial void ConfigError(ILogger logger, string error);

    [LoggerMessage(4, LogLevel.Warning, "List '{List}' is stale: {Error}")]
    public static partial void ListStale(ILogger logger, string list, string error);

    [LoggerMessage(5, LogLevel.Warning, "List '{List}': {Rejected} line(s) rejected (see 'lists stats')")]
    public static partial void ListRejectedLines(ILogger logger, string list, long rejected);

    [LoggerMessage(6, LogLevel.Warning, "The listen settings changed; restart FilterProxy to apply them (the rest of the change is live)")]
    public static partial void ListenChanged(ILogger logger);

    [LoggerMessage(7, LogLevel.Debug, "Refused a connection from outside the allowed client networks")]
    public static partial void ClientRefused(ILogger logger);

    [LoggerMessage(8, LogLevel.Error, "Reload failed unexpectedly ({Trigger}); still using the previous policy")]
    public static partial void ReloadFailed(ILogger logger, Exception exception, string trigger);

    [LoggerMessage(9, LogLevel.Information, "Refreshing lists that are due: {Lists}")]
    public static partial void RefreshingLists(ILogger logger, string lists);

    [LoggerMessage(10, LogLevel.Error, "Could not write the policy change to the audit trail")]
    public static partial void AuditFailed(ILogger logger, Exception exception);
}
