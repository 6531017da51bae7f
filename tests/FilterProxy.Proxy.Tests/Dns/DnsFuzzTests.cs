using FilterProxy.Dns;
using FilterProxy.Dns.Wire;

namespace FilterProxy.Proxy.Tests.Dns;

/// <summary>Mutational fuzzing of the codec and the resolver's fast path: nothing may throw, whatever arrives.</summary>
public sealed class DnsFuzzTests
{
    [Fact]
    public void Parser_And_Resolver_NeverThrow_On_100k_CorruptPackets()
    {
        using var f = new ResolverFixture("""{ "rateLimitPerSecond": 0 }""");
        var random = new Random(42);
        byte[][] seeds = [DnsPackets.Query("allowed.test"), DnsPackets.Query("bad.example", 65, edns: true), DnsPackets.Query("www.google.com", 1, edns: true, dnssecOk: true)];
        byte[] response = new byte[65535];
        char[] name = new char[DnsLimits.MaxNameChars];
        var outcomes = new Dictionary<DnsSource, int>();
        for (int i = 0; i < 100_000; i++)
        {
            byte[] packet = DnsServerTests.Mutate(random, seeds[i % seeds.Length]);
            DnsResult r = f.Resolver.Answer(packet, ResolverFixture.Client, udp: true, name, response);
            outcomes[r.Source] = outcomes.GetValueOrDefault(r.Source) + 1;
            if (r.Outcome == DnsOutcome.Answered)
            {
                Assert.InRange(r.Length, 12, 65535);
                Assert.True((response[2] & 0x80) != 0, "every answer is a response");
            }
        }

        // The fuzzer reached deep code, not just the header checks.
        Assert.True(outcomes.GetValueOrDefault(DnsSource.Malformed) > 1000);
        Assert.True(outcomes.GetValueOrDefault(DnsSource.Blocked) + outcomes.GetValueOrDefault(DnsSource.None) > 1000);
    }
}
