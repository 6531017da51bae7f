using FilterProxy.Core.Policy;
using FilterProxy.Tests.Common;

namespace FilterProxy.Core.Tests.Policy;

/// <summary>The allow and block paths must not allocate (counted, not timed).</summary>
public sealed class AllocationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Evaluate_AllowAndBlockPaths_AllocateNothing()
    {
        PolicySnapshot s = PolicyFixture.Load(_dir, PrecedenceTests.Config, null,
            ("gambling.txt", "bet.example\n"), ("iwf.txt", "csam.example\n"), ("social.txt", "social.example\n"), ("games.txt", "games.example\n"));
        var client = System.Net.IPAddress.Parse("10.0.0.1");
        var at = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
        string[] urls = ["http://www.unlisted.example/a/b?c=d", "https://a.b.bet.example/x", "http://social.example/", "http://csam.example/"];
        foreach (string url in urls)
        {
            Run(url); // warm up (JIT, static state)
        }

        foreach (string url in urls)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            Run(url);
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        void Run(string url)
        {
            for (int i = 0; i < 100; i++)
            {
                FilterRequest r = FilterRequest.ForUrl(url, client, "ks2", at);
                _ = s.Evaluate(in r, at);
            }
        }
    }

    public void Dispose() => _dir.Dispose();
}
