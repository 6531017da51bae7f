using System.Net;
using FilterProxy.Core.Networks;

namespace FilterProxy.Core.Policy;

/// <summary>Suspensions by user name (dictionary) and by client network (short list, usually empty).</summary>
internal sealed class SuspensionTable
{
    public static readonly SuspensionTable Empty = new([]);

    private readonly Dictionary<string, Suspension[]> _byUser;
    private readonly Suspension[] _byClient;

    public SuspensionTable(IReadOnlyList<Suspension> all)
    {
        All = all;
        _byUser = all.Where(static s => s.User is not null)
            .GroupBy(static s => s.User!, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(static g => g.Key, static g => g.ToArray(), StringComparer.OrdinalIgnoreCase);
        _byClient = [.. all.Where(static s => s.Client is not null)];
    }

    public IReadOnlyList<Suspension> All { get; }

    public Suspension? Find(string? user, IPAddress? client, DateTimeOffset now)
    {
        if (user is not null && _byUser.Count > 0 && _byUser.TryGetValue(user, out Suspension[]? mine))
        {
            foreach (Suspension s in mine)
            {
                if (s.IsActive(now))
                {
                    return s;
                }
            }
        }

        if (client is not null && _byClient.Length > 0)
        {
            UInt128 address = IpNetwork.ToUInt128(client);
            foreach (Suspension s in _byClient)
            {
                if (s.Client!.Value.Contains(address) && s.IsActive(now))
                {
                    return s;
                }
            }
        }

        return null;
    }
}
