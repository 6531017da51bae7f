using System.Net;
using FilterProxy.Core.Identity;
using FilterProxy.Identity.Leases;
using FilterProxy.Identity.People;

namespace FilterProxy.Identity.Directory;

/// <summary>
/// Devices and people as the files and configuration say right now: immutable, rebuilt when a lease or people file
/// changes and swapped in whole. Address → device: a fixed address first, else the active lease's MAC → the
/// registered device; a lease for an unregistered MAC is reported as that (never matched to a person).
/// </summary>
public sealed class IdentityDirectory
{
    public static readonly IdentityDirectory Empty = new(new IdentitySettings(), [], [], [], DateTimeOffset.MinValue);

    private readonly Dictionary<IPAddress, Device> _byIp = [];
    private readonly Dictionary<string, Device> _byMac = new(StringComparer.Ordinal);
    private readonly Dictionary<IPAddress, Lease> _leases = [];
    private readonly Dictionary<string, Person> _people = new(StringComparer.OrdinalIgnoreCase);

    public IdentityDirectory(IdentitySettings settings, IReadOnlyList<Lease> leases, IReadOnlyList<Person> people, IReadOnlyList<string> problems, DateTimeOffset builtAt)
    {
        Settings = settings;
        foreach (Device d in settings.Devices)
        {
            if (d.Ip is { } ip)
            {
                _byIp[ip] = d;
            }

            if (d.Mac is { } mac)
            {
                _byMac[mac] = d;
            }
        }

        foreach (Lease l in leases)
        {
            _leases[Unmap(l.Address)] = l;
        }

        foreach (Person p in people)
        {
            _people.TryAdd(p.UserName, p);
        }

        Problems = problems;
        BuiltAt = builtAt;
    }

    public IdentitySettings Settings { get; }

    /// <summary>How strict a profile is (from the policy snapshot), to pick the strictest of several mapped groups.</summary>
    public Func<string, double> Strictness { get; init; } = static _ => 0;

    /// <summary>Lines the lease and people files refused, "file: line N: reason".</summary>
    public IReadOnlyList<string> Problems { get; }

    public DateTimeOffset BuiltAt { get; }

    public int DeviceCount => Settings.Devices.Count;
    public int LeaseCount => _leases.Count;
    public int PeopleCount => _people.Count;

    /// <summary>Reads every configured lease and people file (missing lease files are empty: nothing leased yet).</summary>
    public static IdentityDirectory Load(IdentitySettings settings, Func<string, double> strictness, DateTimeOffset now)
    {
        var problems = new List<string>();
        List<Lease> leases = ReadAll(settings.Leases, static s => s.Path, LeaseFile.Read, static r => (r.Leases, r.Errors), problems);
        List<Person> people = ReadAll(settings.PeopleFiles, static f => f, PeopleFile.Read, static r => (r.People, r.Errors), problems);
        return new IdentityDirectory(settings, leases, people, problems, now) { Strictness = strictness };
    }

    /// <summary>Reads each file; what it refused (or that it could not be read) goes to <paramref name="problems"/> as "file: line N: reason".</summary>
    private static List<TItem> ReadAll<TSource, TResult, TItem>(IEnumerable<TSource> sources, Func<TSource, string> path, Func<TSource, TResult> read,
        Func<TResult, (IReadOnlyList<TItem> Items, IReadOnlyList<LineError> Errors)> parts, List<string> problems)
    {
        var items = new List<TItem>();
        foreach (TSource source in sources)
        {
            try
            {
                (IReadOnlyList<TItem> found, IReadOnlyList<LineError> errors) = parts(read(source));
                items.AddRange(found);
                problems.AddRange(errors.Select(e => $"{path(source)}: {e}"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                problems.Add($"{path(source)}: cannot be read ({ex.Message})");
            }
        }

        return items;
    }

    /// <summary>The device at an address and how it was found; null (and <see cref="IdentitySource.None"/>) when unknown.</summary>
    public Device? DeviceAt(IPAddress address, DateTimeOffset now, out IdentitySource source)
    {
        address = Unmap(address);
        if (_byIp.TryGetValue(address, out Device? fixedDevice))
        {
            source = IdentitySource.Static;
            return fixedDevice;
        }

        if (_leases.TryGetValue(address, out Lease? lease) && lease.IsActive(now))
        {
            source = IdentitySource.Dhcp;
            return _byMac.TryGetValue(lease.Mac, out Device? registered)
                ? registered
                : new Device($"unregistered {lease.Mac}", lease.HostName ?? "", lease.Mac, null, null, DeviceType.Unregistered, null);
        }

        source = IdentitySource.None;
        return null;
    }

    public Person? FindPerson(string user) => _people.GetValueOrDefault(user);

    private static IPAddress Unmap(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;
}
