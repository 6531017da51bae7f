using System.Net;
using FilterProxy.Admin.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FilterProxy.Admin.Tests;

/// <summary>
/// Server-side authorisation on every endpoint: each one declares who may use it, and every role gets exactly the pages
/// its job needs — checked with real HTTP requests against the running gateway, not by reading attributes alone.
/// </summary>
public sealed class AuthorizationTests(AdminFixture fixture) : IClassFixture<AdminFixture>
{
    private const string Dsl = "dsl-user", Technician = "tech-user", Senior = "senior-user", Viewer = "viewer-user", Administrator = "admin-user";

    /// <summary>What each GET answers per role: the roles listed may open it; everyone else is refused.</summary>
    private static readonly (string Path, string Pattern, string[] Allowed)[] s_pages =
    [
        ("/", "/", [Dsl, Technician, Senior, Viewer, Administrator]),
        ("/alerts", "/alerts", [Dsl]),
        ("/alerts/no-such-alert", "/alerts/{id}", [Dsl]),
        ("/alerts/no-such-alert/print", "/alerts/{id}/print", [Dsl]),
        ("/alerts/no-such-alert/chronology.csv", "/alerts/{id}/chronology.csv", [Dsl]),
        ("/history?user=amy", "/history", [Dsl]),
        ("/keywords", "/keywords", [Dsl]),
        ("/history/export.csv?user=amy", "/history/export.csv", [Dsl]),
        ("/policy/profiles", "/policy/profiles", [Technician, Senior]),
        ("/policy/profiles/ks2", "/policy/profiles/{name}", [Technician]),
        ("/policy/changes", "/policy/changes", [Technician, Senior]),
        ("/policy/test?url=example.com", "/policy/test", [Technician]),
        ("/policy/reviews", "/policy/reviews", [Technician]),
        ("/policy/groups", "/policy/groups", [Technician]),
        ("/policy/schedules", "/policy/schedules", [Technician]),
        ("/policy/lists", "/policy/lists", [Technician]),
        ("/policy/exceptions", "/policy/exceptions", [Technician, Senior]),
        ("/policy/suspensions", "/policy/suspensions", [Dsl, Technician]),
        ("/compliance", "/compliance", [Dsl, Technician, Senior, Viewer, Administrator]),
        ("/reports/governors", "/reports/governors", [Dsl, Technician, Senior, Viewer, Administrator]),
        ("/reports", "/reports", [Dsl, Technician, Senior, Viewer, Administrator]),
        ("/reports/blocked.csv", "/reports/blocked.csv", [Dsl, Technician, Senior, Viewer, Administrator]),
        ("/audit", "/audit", [Dsl, Senior, Administrator]),
        ("/health", "/health", [Dsl, Technician, Senior, Viewer, Administrator]),
        ("/accounts", "/accounts", [Administrator]),
        ("/denied", "/denied", [Dsl, Technician, Senior, Viewer, Administrator]),
    ];

    /// <summary>
    /// Served without signing in, on purpose: sign-in itself, assets, and the gateway's public endpoints (no personal data);
    /// /metrics is for Prometheus (no personal data either; metrics.bearerToken when set, MetricsTests covers it).
    /// </summary>
    private static readonly string[] s_anonymous =
        ["/setup", "/signin", "/signout", "/assets/{name}", "/healthz", "/api/lists", "/api/check", "/school-ca.crt", "/ca", "/proxy.pac", "/dns-query", "/metrics"];

    private async Task SignInEveryoneAsync()
    {
        await fixture.AccountAsync(Dsl, AdminRoles.Dsl);
        await fixture.AccountAsync(Technician, AdminRoles.Technician);
        await fixture.AccountAsync(Senior, AdminRoles.SeniorLeader);
        await fixture.AccountAsync(Viewer, AdminRoles.Viewer);
        await fixture.AccountAsync(Administrator, AdminRoles.Administrator);
    }

    [Fact]
    public void Every_endpoint_says_who_may_use_it_and_only_the_known_ones_are_anonymous()
    {
        RouteEndpoint[] endpoints = [.. fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];
        Assert.NotEmpty(endpoints);
        var anonymous = new SortedSet<string>(StringComparer.Ordinal);
        var protectedRoutes = new SortedSet<string>(StringComparer.Ordinal);
        foreach (RouteEndpoint e in endpoints)
        {
            string pattern = "/" + e.RoutePattern.RawText!.TrimStart('/');
            bool open = e.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            bool guarded = e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0;
            Assert.True(open || guarded, $"{e.DisplayName} ({pattern}) declares neither [Authorize] nor [AllowAnonymous]");
            (open ? anonymous : protectedRoutes).Add(pattern);
        }

        Assert.Equal(new SortedSet<string>(s_anonymous, StringComparer.Ordinal), anonymous);
        // Every protected route is in the role matrix below (a new page must say who may open it there too).
        Assert.Equal(new SortedSet<string>(s_pages.Select(static p => p.Pattern).Append("/alerts/live"), StringComparer.Ordinal), protectedRoutes);
    }

    [Fact]
    public async Task Each_role_opens_exactly_its_pages_and_is_refused_the_rest()
    {
        await SignInEveryoneAsync();
        var failures = new List<string>();
        foreach (string role in new[] { Dsl, Technician, Senior, Viewer, Administrator })
        {
            using AdminClient client = await AdminClient.SignInAsync(fixture.Admin, role);
            foreach ((string path, _, string[] allowed) in s_pages)
            {
                HttpResponseMessage response = await client.GetAsync(path);
                bool refused = response.StatusCode == HttpStatusCode.Redirect && AdminClient.PathOf(response) == "/denied";
                bool ok = response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound
                    || (path == "/denied" && response.StatusCode == HttpStatusCode.Forbidden);
                if (allowed.Contains(role) ? !ok : !refused)
                {
                    failures.Add($"{role} GET {path}: {(int)response.StatusCode} {response.Headers.Location} (expected {(allowed.Contains(role) ? "allowed" : "refused")})");
                }
            }

            HttpStatusCode liveStatus = await client.StatusOfStreamAsync("/alerts/live");
            if ((role == Dsl) != (liveStatus == HttpStatusCode.OK) || (role != Dsl && liveStatus != HttpStatusCode.Forbidden))
            {
                failures.Add($"{role} GET /alerts/live: {(int)liveStatus}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Without_signing_in_every_page_sends_the_browser_to_sign_in()
    {
        await SignInEveryoneAsync();
        using var client = new AdminClient(fixture.Admin);
        foreach ((string path, _, _) in s_pages)
        {
            HttpResponseMessage response = await client.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.AbsolutePath == "/signin", $"GET {path}: {(int)response.StatusCode} {response.Headers.Location}");
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await client.StatusOfStreamAsync("/alerts/live"));
    }

    [Fact]
    public async Task Actions_are_refused_to_roles_that_may_not_take_them()
    {
        await SignInEveryoneAsync();
        using AdminClient technician = await AdminClient.SignInAsync(fixture.Admin, Technician);
        // Resolving an alert is the DSL's (the page's policy refuses before any handler runs).
        HttpResponseMessage resolve = await technician.PostFormAsync("/alerts/any?handler=Resolve", [("note", "x")], page: "/policy/changes");
        Assert.Equal("/denied", resolve.Headers.Location?.AbsolutePath);
        // Approving is a senior leader's, although the technician may open the changes page.
        HttpResponseMessage approve = await technician.PostFormAsync("/policy/changes?handler=Approve", [("id", "chg-x")], page: "/policy/changes");
        Assert.Equal("/denied", approve.Headers.Location?.AbsolutePath);
        // A viewer cannot propose a change.
        using AdminClient viewer = await AdminClient.SignInAsync(fixture.Admin, Viewer);
        HttpResponseMessage propose = await viewer.PostFormAsync("/policy/profiles/ks2", [("Form.SafeSearch", "off")], page: "/reports");
        Assert.Equal("/denied", propose.Headers.Location?.AbsolutePath);
        Assert.Equal("strict", fixture.App.Services.GetRequiredService<FilterProxy.Core.Policy.PolicyEvaluator>().Snapshot.FindProfile("ks2")!.SafeSearch.ToString().ToLowerInvariant());
    }

    [Fact]
    public async Task A_form_posted_without_the_anti_forgery_token_is_rejected()
    {
        await SignInEveryoneAsync();
        using AdminClient senior = await AdminClient.SignInAsync(fixture.Admin, Senior);
        HttpResponseMessage response = await senior.PostFormAsync("/policy/changes?handler=Approval", [("require", "false")], withToken: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(fixture.App.Services.GetRequiredService<FilterProxy.Admin.Policy.PolicyChangeService>().RequireApproval);
    }

    [Fact]
    public async Task Wrong_passwords_lock_the_account_and_the_right_one_then_waits()
    {
        await fixture.AccountAsync("locked-user", AdminRoles.Viewer);
        using var client = new AdminClient(fixture.Admin);
        for (int i = 0; i < AdminAccountStore.LockoutFailures; i++)
        {
            HttpResponseMessage wrong = await client.PostFormAsync("/signin", [("userName", "locked-user"), ("password", "not the password " + i)]);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        HttpResponseMessage right = await client.PostFormAsync("/signin", [("userName", "locked-user"), ("password", AdminFixture.Password)]);
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Contains("locked until", await right.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changing_someones_roles_ends_their_session_at_once()
    {
        await fixture.AccountAsync("demoted-user", AdminRoles.Dsl);
        using AdminClient client = await AdminClient.SignInAsync(fixture.Admin, "demoted-user");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alerts")).StatusCode);
        await fixture.Accounts.UpdateAsync("demoted-user", [AdminRoles.Viewer], pupilData: false, disabled: false);
        HttpResponseMessage after = await client.GetAsync("/alerts");
        Assert.Equal("/signin", after.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task The_author_of_a_change_cannot_approve_it()
    {
        await fixture.AccountAsync("both-user", AdminRoles.Technician, AdminRoles.SeniorLeader);
        using AdminClient both = await AdminClient.SignInAsync(fixture.Admin, "both-user");
        HttpResponseMessage proposed = await both.PostFormAsync("/policy/profiles/staff",
            [("Form.Description", "Teaching staff (edited)"), ("Form.SafeSearch", "moderate"), ("Form.YouTube", "moderate"), ("Form.ContentThreshold", "0.9"), ("Form.Tls", "intercept")]);
        string page = await proposed.Content.ReadAsStringAsync();
        Assert.True(proposed.StatusCode == HttpStatusCode.OK, page);
        string id = System.Text.RegularExpressions.Regex.Match(page, "chg-[0-9]{14}-[0-9a-f]{6}").Value;
        Assert.NotEmpty(id);
        HttpResponseMessage approve = await both.PostFormAsync("/policy/changes?handler=Approve", [("id", id)], page: "/policy/changes");
        Assert.Equal(HttpStatusCode.BadRequest, approve.StatusCode);
        Assert.Contains("second person", await approve.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(FilterProxy.Admin.Policy.ChangeStatus.Pending, fixture.App.Services.GetRequiredService<FilterProxy.Admin.Policy.PolicyChangeService>().Find(id)!.Status);
    }
}
