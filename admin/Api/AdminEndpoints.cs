using System.Globalization;
using System.Net;
using FilterProxy.Core.Health;
using FilterProxy.Core.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace FilterProxy.Admin.Api;

/// <summary>
/// The admin API the gateway hosts on the admin port: health, list freshness and "test a URL". These expose no personal
/// data and are served only to allowed client networks, without signing in (monitoring and scripts use them); everything
/// with personal data is in the signed-in UI (<see cref="AdminHosting"/>).
/// </summary>
public static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapFilterProxyAdmin(this IEndpointRouteBuilder app)
    {
        // Anonymous (to allowed client networks only): health for monitoring, and policy facts that carry no personal data.
        app.MapGet("/healthz", (PolicyEvaluator evaluator, IEnumerable<IHealthReporter> components) => Results.Json(Health.From(evaluator.Snapshot, components))).AllowAnonymous();
        app.MapGet("/api/lists", (PolicyEvaluator evaluator) => Results.Json(evaluator.Snapshot.Lists.Reports)).AllowAnonymous();
        app.MapGet("/api/check", Check).AllowAnonymous();
        return app;
    }

    private static IResult Check(PolicyEvaluator evaluator, string? url, string? profile, string? client, string? user, string? at)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(url))
        {
            errors["url"] = ["give the URL or domain to test, e.g. ?url=https://example.com/&profile=ks2"];
        }

        IPAddress? clientAddress = null;
        if (client is not null && !IPAddress.TryParse(client, out clientAddress))
        {
            errors["client"] = [$"'{client}' is not an IP address"];
        }

        DateTimeOffset time = default;
        if (at is not null && !DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time))
        {
            errors["at"] = [$"'{at}' is not a date and time (ISO 8601)"];
        }

        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors);
        }

        FilterRequest request = FilterRequest.ForUrl(url!, clientAddress, profile, time, user);
        Decision decision = evaluator.Evaluate(in request);
        return Results.Json(DecisionReport.From(in decision, url!));
    }

    /// <summary>What /healthz answers: alive, which policy, and whether every list is fresh.</summary>
    public sealed record Health(string Status, long PolicyVersion, DateTimeOffset PolicyBuiltAt, string? ConfigFile, int Profiles, long ListedDomains, long ListedUrls, IReadOnlyList<ListHealth> Lists, IReadOnlyDictionary<string, object> Components)
    {
        public static Health From(PolicySnapshot s, IEnumerable<IHealthReporter> components) => new(
            s.Lists.Reports.Any(static r => r.Stale) || components.Any(static c => !c.Healthy) ? "degraded" : "ok",
            s.Version,
            s.BuiltAt,
            s.Source,
            s.Profiles.Count,
            s.Lists.Domains.Count,
            s.Lists.Urls.Count,
            [.. s.Lists.Reports.Select(static r => new ListHealth(r.Name, r.Domains + r.Urls, r.Rejected, r.LastRefresh, r.Error))],
            components.ToDictionary(static c => c.Name, static c => c.Report()));
    }

    public sealed record ListHealth(string Name, long Entries, long Rejected, DateTimeOffset? LastRefresh, string? Error);
}
