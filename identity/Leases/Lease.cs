using System.Net;

namespace FilterProxy.Identity.Leases;

/// <summary>One DHCP lease: this address was handed to this MAC address until <see cref="Expires"/> (null: no end).</summary>
public sealed record Lease(IPAddress Address, string Mac, string? HostName, DateTimeOffset? Expires)
{
    public bool IsActive(DateTimeOffset now) => Expires is null || Expires > now;
}

/// <summary>A line a file reader could not use, with the reason (the rest of the file is still read).</summary>
public sealed record LineError(int Line, string Message)
{
    public override string ToString() => $"line {Line}: {Message}";
}

/// <summary>What a lease file held: the latest lease per address (files are append-only logs), and the lines it refused.</summary>
public sealed record LeaseReadResult(IReadOnlyList<Lease> Leases, IReadOnlyList<LineError> Errors);
