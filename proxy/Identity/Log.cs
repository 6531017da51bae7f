namespace FilterProxy.Identity;

/// <summary>Identity log messages (ids 60–69). No user names, passwords or client addresses: those belong in the event store.</summary>
internal static partial class IdentityLog
{
    [LoggerMessage(60, LogLevel.Information, "Identity: {Devices} devices, {Leases} active leases, {People} people loaded; {Problems} lines refused")]
    public static partial void Loaded(ILogger logger, int devices, int leases, int people, int problems);

    [LoggerMessage(61, LogLevel.Warning, "Identity file problem: {Problem}")]
    public static partial void FileProblem(ILogger logger, string problem);

    [LoggerMessage(62, LogLevel.Warning, "The identity header {Header} arrived from an address not in trustedHeaderFrom; it was ignored (the event records the client)")]
    public static partial void UntrustedHeader(ILogger logger, string header);

    [LoggerMessage(63, LogLevel.Warning, "The directory could not check a sign-in ({Reason}); the client was refused (fail closed)")]
    public static partial void DirectoryUnavailable(ILogger logger, string reason);

    [LoggerMessage(64, LogLevel.Warning, "A user name was locked after repeated wrong passwords (the event store records which)")]
    public static partial void LockedOut(ILogger logger);

    [LoggerMessage(65, LogLevel.Warning, "Session sync with the store failed ({Reason}); this node keeps its current bindings and retries")]
    public static partial void SyncFailed(ILogger logger, string reason);

    [LoggerMessage(66, LogLevel.Warning, "Could not save a sign-in to the store ({Reason}); the client is identified on this node only until it signs in again")]
    public static partial void BindFailed(ILogger logger, string reason);
}
