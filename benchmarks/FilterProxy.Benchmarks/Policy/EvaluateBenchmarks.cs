using System.Net;
using BenchmarkDotNet.Attributes;
using FilterProxy.Core.Policy;

namespace FilterProxy.Benchmarks.Policy;

/// <summary>
/// One decision against a snapshot of 2,000,000 listed domains (20 lists, every category) and the five
/// built-in profiles, for a client whose group picks ks2 (schedules, allow, deny and regex rules on).
/// </summary>
[MemoryDiagnoser]
public class EvaluateBenchmarks
{
    private PolicySnapshot _snapshot = null!;
    private readonly IPAddress _client = IPAddress.Parse("10.2.7.9");
    private readonly DateTimeOffset _now = new(2026, 11, 23, 10, 30, 0, TimeSpan.Zero);
    private string _sealed = null!;
    private string _gambling = null!;

    [GlobalSetup]
    public void Setup()
    {
        _snapshot = SyntheticLists.Load2M();
        _sealed = "https://www." + SyntheticLists.NameAt(0) + "/path/page.html?q=1";
        _gambling = "https://www." + SyntheticLists.NameAt(5 * (SyntheticLists.TotalDomains / SyntheticLists.ListCount)) + "/poker";

        // Correctness before speed.
        if (Evaluate("https://www.unlisted-school-site.org/lessons/maths?id=7").Verdict != Verdict.Allow
            || Evaluate(_sealed).Reason != DecisionReason.Sealed
            || Evaluate(_gambling).Reason != DecisionReason.Category
            || Evaluate("http://bbc.co.uk/bitesize").Reason != DecisionReason.Allow)
        {
            throw new InvalidOperationException("The benchmark snapshot does not decide as expected.");
        }
    }

    private Decision Evaluate(string url)
    {
        FilterRequest request = FilterRequest.ForUrl(url, _client, null, _now);
        return _snapshot.Evaluate(in request, _now);
    }

    [Benchmark(Description = "allow: unlisted URL (5 labels, path+query)")]
    public Verdict AllowUnlisted() => Evaluate("https://www.unlisted-school-site.org/lessons/maths?id=7").Verdict;

    [Benchmark(Description = "block: sealed list (csam)")]
    public Verdict BlockSealed() => Evaluate(_sealed).Verdict;

    [Benchmark(Description = "block: category (gambling)")]
    public Verdict BlockCategory() => Evaluate(_gambling).Verdict;

    [Benchmark(Description = "allow: allow-list entry")]
    public Verdict AllowListEntry() => Evaluate("https://www.bbc.co.uk/bitesize/topics").Verdict;

    [Benchmark(Description = "allow: safe search (Google)")]
    public Verdict SafeSearch() => Evaluate("https://www.google.co.uk/search?q=volcanoes").Verdict;

    [Benchmark(Description = "dns-style: host only, unlisted")]
    public Verdict HostOnly()
    {
        var request = new FilterRequest { Host = "cdn.assets.unlisted-school-site.org", Client = _client, Time = _now };
        return _snapshot.Evaluate(in request, _now).Verdict;
    }
}
