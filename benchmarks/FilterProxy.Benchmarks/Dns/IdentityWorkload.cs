using System.Net;
using FilterProxy.Core.Identity;
using FilterProxy.Core.Policy;
using FilterProxy.Identity;
using FilterProxy.Identity.Directory;
using FilterProxy.Identity.Leases;
using FilterProxy.Identity.Sessions;
using Microsoft.Extensions.Logging.Abstractions;

namespace FilterProxy.Benchmarks.Dns;

/// <summary>
/// A school-sized identity setup for the hot-path benchmarks: 2,000 registered devices (by MAC), 2,000 active DHCP
/// leases in 10.2.0.0/16, 2,000 pupils (years 1–11) and 500 portal sessions on other addresses.
/// </summary>
internal static class IdentityWorkload
{
    public static RequestIdentifier Identifier(PolicySnapshotHolder holder, IPAddress client)
    {
        TimeProvider time = TimeProvider.System;
        DateTimeOffset now = time.GetUtcNow();
        var devices = new List<Device>();
        var leases = new List<Lease>();
        var people = new List<Person>();
        for (int i = 0; i < 2000; i++)
        {
            string mac = $"02:00:00:00:{i >> 8:x2}:{i & 0xff:x2}";
            devices.Add(new Device($"dev-{i}", $"Laptop {i}", mac, null, $"pupil-{i}", DeviceType.SchoolOwned, null));
            leases.Add(new Lease(new IPAddress([10, 2, (byte)(i / 250), (byte)(i % 250 + 1)]), mac, $"laptop-{i}", now.AddHours(8)));
            people.Add(new Person { UserName = $"pupil-{i}", YearGroup = (1 + (i % 11)).ToString(System.Globalization.CultureInfo.InvariantCulture) });
        }

        // The client's own lease, last so it wins.
        leases.Add(new Lease(client, "02:00:00:00:00:07", "laptop-7", now.AddHours(8)));
        var settings = new IdentitySettings { Devices = devices };
        var directory = new IdentityDirectory(settings, leases, people, [], now)
        {
            Strictness = name => holder.Current.FindProfile(name)?.Strictness ?? double.MaxValue,
        };
        IdentityStack stack = IdentityStack.CreateAsync(holder, new MemorySessionStore(), time).GetAwaiter().GetResult();
        stack.Resolver.Swap(directory);
        for (int i = 0; i < 500; i++)
        {
            stack.Sessions.BindAsync(new IPAddress([10, 3, (byte)(i / 250), (byte)(i % 250 + 1)]), $"pupil-{i}", IdentitySource.Portal,
                TimeSpan.FromHours(8), TimeSpan.FromMinutes(30)).GetAwaiter().GetResult();
        }

        return new RequestIdentifier(stack, holder, time, NullLogger<RequestIdentifier>.Instance);
    }
}
