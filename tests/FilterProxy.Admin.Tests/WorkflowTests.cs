using System.Net;
using FilterProxy.Admin.Accounts;
using FilterProxy.Core.Policy;
using FilterProxy.Tests.Common;
using Microsoft.Extensions.DependencyInjection;

namespace FilterProxy.Admin.Tests;

/// <summary>
/// The technician's and the DSL's other workflows through the running gateway: curriculum exceptions (asked → approved by
/// someone else → active), suspensions, the review queue fed by the real block page, and the compliance page.
/// </summary>
public sealed class WorkflowTests(AdminFixture fixture) : IClassFixture<AdminFixture>
{
    private PolicySnapshot Snapshot => fixture.App.Services.GetRequiredService<PolicyEvaluator>().Snapshot;

    [Fact]
    public async Task A_curriculum_exception_applies_only_after_a_senior_leader_approves_it()
    {
        await fixture.AccountAsync("wf-tech", AdminRoles.Technician);
        await fixture.AccountAsync("wf-head", AdminRoles.SeniorLeader);
        using AdminClient tech = await AdminClient.SignInAsync(fixture.Admin, "wf-tech");
        DateTime now = DateTime.UtcNow;
        HttpResponseMessage asked = await tech.PostFormAsync("/policy/exceptions?handler=Ask",
            [("target", "play.example"), ("scope", "group:juniors"), ("start", now.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm")), ("end", now.AddHours(2).ToString("yyyy-MM-ddTHH:mm")),
             ("reason", "Year 5 media lesson"), ("teacher", "Mr Teacher")], page: "/policy/exceptions");
        Assert.True(asked.StatusCode == HttpStatusCode.OK, await asked.Content.ReadAsStringAsync());
        CurriculumException pending = Assert.Single(Snapshot.Exceptions);
        Assert.Equal(ExceptionState.Pending, pending.StateAt(DateTimeOffset.UtcNow));
        Assert.Contains("403", (await fixture.CurlThroughProxy("http://play.example/lesson")).Split('\n')[0], StringComparison.Ordinal);

        // The technician may not approve; the senior leader does.
        Assert.Equal("/denied", AdminClient.PathOf(await tech.PostFormAsync("/policy/exceptions?handler=Approve", [("id", pending.Id)], page: "/policy/exceptions")));
        using AdminClient head = await AdminClient.SignInAsync(fixture.Admin, "wf-head");
        HttpResponseMessage approved = await head.PostFormAsync("/policy/exceptions?handler=Approve", [("id", pending.Id)], page: "/policy/exceptions");
        Assert.True(approved.StatusCode == HttpStatusCode.OK, await approved.Content.ReadAsStringAsync());
        Assert.Equal(ExceptionState.Active, Assert.Single(Snapshot.Exceptions).StateAt(DateTimeOffset.UtcNow));
        Assert.DoesNotContain("403", (await fixture.CurlThroughProxy("http://play.example/lesson")).Split('\n')[0], StringComparison.Ordinal);
        // It survives a restart of the policy: it is in the admin's edits on disk.
        Assert.Contains(pending.Id, await File.ReadAllTextAsync(Path.Combine(fixture.DataDirectory, "admin", "policy.json")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_suspended_address_gets_nothing_until_the_suspension_is_lifted()
    {
        await fixture.AccountAsync("wf-dsl", AdminRoles.Dsl);
        using AdminClient dsl = await AdminClient.SignInAsync(fixture.Admin, "wf-dsl");
        Assert.DoesNotContain("403", (await ProxyFrom("127.0.0.9")).Split('\n')[0], StringComparison.Ordinal);
        HttpResponseMessage suspended = await dsl.PostFormAsync("/policy/suspensions?handler=Suspend",
            [("client", "127.0.0.9"), ("until", DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm")), ("reason", "misuse, pending a meeting")], page: "/policy/suspensions");
        Assert.True(suspended.StatusCode == HttpStatusCode.OK, await suspended.Content.ReadAsStringAsync());
        Assert.Contains("403", (await ProxyFrom("127.0.0.9")).Split('\n')[0], StringComparison.Ordinal);
        int index = Snapshot.SuspensionList.ToList().FindIndex(static s => s.Client?.ToString() is "127.0.0.9" or "127.0.0.9/32");
        Assert.True(index >= 0, string.Join(", ", Snapshot.SuspensionList.Select(static s => s.Client?.ToString())));
        HttpResponseMessage wrong = await dsl.PostFormAsync("/policy/suspensions?handler=Lift", [("index", index.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("who", "127.0.0.10")], page: "/policy/suspensions");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        string who = Snapshot.SuspensionList[index].Client!.ToString()!;
        HttpResponseMessage lifted = await dsl.PostFormAsync("/policy/suspensions?handler=Lift", [("index", index.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("who", who)], page: "/policy/suspensions");
        Assert.Equal(HttpStatusCode.OK, lifted.StatusCode);
        Assert.DoesNotContain("403", (await ProxyFrom("127.0.0.9")).Split('\n')[0], StringComparison.Ordinal);
    }

    /// <summary>An allowed site from a given loopback address: a name that does not resolve (a 502 page when allowed, a 403 when suspended; no upstream needed).</summary>
    private Task<string> ProxyFrom(string address) =>
        ExternalTool.RunAsync("curl", ["-sS", "-i", "--max-time", "20", "--interface", address, "-x", fixture.ProxyUrl, "http://nowhere.invalid/"]);

    [Fact]
    public async Task A_review_request_from_the_block_page_becomes_a_proposed_allow_entry()
    {
        await fixture.AccountAsync("wf-tech2", AdminRoles.Technician);
        string blocked = await fixture.CurlThroughProxy("http://play.example/science-video");
        Assert.Contains("403", blocked.Split('\n')[0], StringComparison.Ordinal);
        string reference = System.Text.RegularExpressions.Regex.Match(blocked, @"X-FilterProxy-Reference: (\S+)").Groups[1].Value;
        // The pupil presses "please review" on the block page (the form posts to the gateway's own feedback address).
        string feedback = await ExternalTool.RunAsync("curl", ["-sS", "-i", "--max-time", "20", "-x", fixture.ProxyUrl,
            "--data-urlencode", "action=review", "--data-urlencode", "ref=" + reference, "--data-urlencode", "url=http://play.example/science-video", "--data-urlencode", "note=it is for science homework",
            "http://play.example/.filterproxy/feedback"]);
        Assert.Contains("200", feedback.Split('\n')[0], StringComparison.Ordinal);
        using AdminClient tech = await AdminClient.SignInAsync(fixture.Admin, "wf-tech2");
        string queue = "";
        for (int i = 0; i < 50 && !queue.Contains("it is for science homework", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
            queue = await (await tech.GetAsync("/policy/reviews")).Content.ReadAsStringAsync();
        }

        string id = System.Text.RegularExpressions.Regex.Match(queue, "name=\"id\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(id);
        HttpResponseMessage allow = await tech.PostFormAsync("/policy/reviews?handler=Allow", [("id", id)], page: "/policy/reviews");
        string page = await allow.Content.ReadAsStringAsync();
        Assert.True(allow.StatusCode == HttpStatusCode.OK, page);
        Assert.Contains("proposed", page, StringComparison.Ordinal);
        FilterProxy.Admin.Policy.PolicyChange change = fixture.App.Services.GetRequiredService<FilterProxy.Admin.Policy.PolicyChangeService>().All[^1];
        Assert.Contains("always allowed: + play.example", change.Diff);
    }

    [Fact]
    public async Task The_compliance_page_flags_what_is_off()
    {
        await fixture.AccountAsync("wf-viewer", AdminRoles.Viewer);
        using AdminClient viewer = await AdminClient.SignInAsync(fixture.Admin, "wf-viewer");
        string page = await (await viewer.GetAsync("/compliance")).Content.ReadAsStringAsync();
        // This test gateway has no identity source and no e-mail or webhook: both lines must say OFF.
        Assert.Matches("Identifies device, IP address[^<]*</td><td class=\"bad\">OFF", page);
        Assert.Matches("Alerts recorded, communicated and escalated</td><td class=\"bad\">OFF", page);
        Assert.Matches("Manages self-harm and suicide</td><td class=\"ok\">met", page);
    }

    [Fact]
    public async Task A_new_client_group_applies_once_approved_and_lists_refresh_on_demand()
    {
        await fixture.AccountAsync("wf-tech3", AdminRoles.Technician);
        await fixture.AccountAsync("wf-head3", AdminRoles.SeniorLeader);
        using AdminClient tech = await AdminClient.SignInAsync(fixture.Admin, "wf-tech3");
        HttpResponseMessage proposed = await tech.PostFormAsync("/policy/groups", [("name", "sixth-form"), ("profile", "secondary"), ("networks", "10.20.0.0/16\n10.21.0.0/16")]);
        string page = await proposed.Content.ReadAsStringAsync();
        Assert.True(proposed.StatusCode == HttpStatusCode.OK, page);
        Assert.Contains("new group sixth-form: 10.20.0.0/16, 10.21.0.0/16 → secondary", System.Net.WebUtility.HtmlDecode(page), StringComparison.Ordinal);
        Assert.DoesNotContain(Snapshot.Groups, static g => g.Name == "sixth-form");
        string id = System.Text.RegularExpressions.Regex.Match(page, "chg-[0-9]{14}-[0-9a-f]{6}").Value;
        using AdminClient head = await AdminClient.SignInAsync(fixture.Admin, "wf-head3");
        Assert.Equal(HttpStatusCode.OK, (await head.PostFormAsync("/policy/changes?handler=Approve", [("id", id)], page: "/policy/changes")).StatusCode);
        Assert.Equal("secondary", Snapshot.ProfileFor(System.Net.IPAddress.Parse("10.21.3.4")).Name);

        long before = Snapshot.Version;
        HttpResponseMessage refreshed = await tech.PostFormAsync("/policy/lists", []);
        string notice = System.Text.RegularExpressions.Regex.Match(await refreshed.Content.ReadAsStringAsync(), "role=\"(?:status|alert)\">([^<]*)<").Groups[1].Value;
        Assert.Matches("^Lists refreshed: [0-9]+ fresh, 0 stale", notice);
        Assert.True(Snapshot.Version > before);
    }

    [Fact]
    public async Task A_schedule_change_is_approved_and_a_stale_one_is_refused()
    {
        await fixture.AccountAsync("wf-tech4", AdminRoles.Technician);
        await fixture.AccountAsync("wf-head4", AdminRoles.SeniorLeader);
        using AdminClient tech = await AdminClient.SignInAsync(fixture.Admin, "wf-tech4");
        (string Name, string Value)[] Lunch(string name) =>
            [("name", name), ("profile", "ks2"), ("days", "mon"), ("days", "fri"), ("from", "12:00"), ("to", "13:00"), ("action", "allow"), ("categories", "games")];
        string first = await (await tech.PostFormAsync("/policy/schedules?handler=Add", Lunch("lunch-games"), page: "/policy/schedules")).Content.ReadAsStringAsync();
        string second = await (await tech.PostFormAsync("/policy/schedules?handler=Add", Lunch("lunch-games-2"), page: "/policy/schedules")).Content.ReadAsStringAsync();
        string id1 = System.Text.RegularExpressions.Regex.Match(first, "chg-[0-9]{14}-[0-9a-f]{6}").Value;
        string id2 = System.Text.RegularExpressions.Regex.Match(second, "chg-[0-9]{14}-[0-9a-f]{6}").Value;
        Assert.NotEmpty(id1);
        Assert.NotEmpty(id2);
        using AdminClient head = await AdminClient.SignInAsync(fixture.Admin, "wf-head4");
        Assert.Equal(HttpStatusCode.OK, (await head.PostFormAsync("/policy/changes?handler=Approve", [("id", id1)], page: "/policy/changes")).StatusCode);
        ScheduleRule lunch = Assert.Single(Snapshot.FindProfile("ks2")!.ScheduleRules);
        Assert.Equal(ScheduleAction.Allow, lunch.Action);
        Assert.True(lunch.IsActive(DayOfWeek.Friday, new TimeOnly(12, 30)));
        // The second was proposed against the list before the first: approving it would drop the first, so it is refused.
        HttpResponseMessage stale = await head.PostFormAsync("/policy/changes?handler=Approve", [("id", id2)], page: "/policy/changes");
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        Assert.Contains("have changed since this change was proposed", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(Snapshot.FindProfile("ks2")!.ScheduleRules);
    }

    [Fact]
    public async Task A_keyword_the_dsl_adds_raises_an_alert_on_the_next_search_and_can_be_removed()
    {
        await fixture.AccountAsync("wf-dsl5", AdminRoles.Dsl);
        using AdminClient dsl = await AdminClient.SignInAsync(fixture.Admin, "wf-dsl5");
        HttpResponseMessage added = await dsl.PostFormAsync("/keywords?handler=Add",
            [("phrase", "Blue Whale Challenge"), ("theme", "self-harm"), ("severity", "high"), ("language", "en")], page: "/keywords");
        Assert.True(added.StatusCode == HttpStatusCode.OK, await added.Content.ReadAsStringAsync());
        HttpResponseMessage again = await dsl.PostFormAsync("/keywords?handler=Add",
            [("phrase", "blue whale challenge"), ("theme", "self-harm"), ("severity", "high"), ("language", "en")], page: "/keywords");
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);

        // A URL with the phrase (the gateway answers its own block for it, no upstream needed): the keyword rule fires.
        await Task.Delay(1100); // the keyword lists are checked for changes at most once a second
        await fixture.CurlThroughProxy("http://harm.example/blue-whale-challenge-rules");
        var alerts = fixture.App.Services.GetRequiredService<FilterProxy.Events.Alerts.AlertService>();
        var store = fixture.App.Services.GetRequiredService<FilterProxy.Core.Events.IEventStore>();
        IReadOnlyList<FilterProxy.Core.Events.Alert> found = [];
        for (int i = 0; i < 50 && found.Count == 0; i++)
        {
            await Task.Delay(100);
            await alerts.SaveAsync(CancellationToken.None);
            found = [.. (await store.QueryAlertsAsync(new FilterProxy.Core.Events.AlertQuery { Limit = 100 }, CancellationToken.None)).Where(static a => a.Title.Contains("blue whale challenge", StringComparison.Ordinal))];
        }

        Assert.NotEmpty(found);
        HttpResponseMessage removed = await dsl.PostFormAsync("/keywords?handler=Remove", [("phrase", "blue whale challenge"), ("language", "en")], page: "/keywords");
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Empty(fixture.App.Services.GetRequiredService<FilterProxy.Admin.Keywords.SchoolKeywords>().All);
    }
}
