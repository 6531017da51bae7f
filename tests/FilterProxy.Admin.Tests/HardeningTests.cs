using System.Net;
using FilterProxy.Admin.Accounts;
using FilterProxy.Core.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FilterProxy.Admin.Tests;

/// <summary>The outside probe's admin-side cases (issue 28), through the running gateway and its admin UI.</summary>
public sealed class HardeningTests(AdminFixture fixture) : IClassFixture<AdminFixture>
{
    private PolicySnapshot Snapshot => fixture.App.Services.GetRequiredService<PolicyEvaluator>().Snapshot;

    [Fact]
    public async Task An_account_holding_every_role_cannot_approve_the_exception_it_asked_for()
    {
        await fixture.AccountAsync("hd-everything", AdminRoles.Administrator, AdminRoles.Technician, AdminRoles.SeniorLeader, AdminRoles.Dsl);
        await fixture.AccountAsync("hd-head", AdminRoles.SeniorLeader);
        using AdminClient first = await AdminClient.SignInAsync(fixture.Admin, "hd-everything");
        DateTime now = DateTime.UtcNow;
        HttpResponseMessage asked = await first.PostFormAsync("/policy/exceptions?handler=Ask",
            [("target", "tube.example"), ("scope", "group:juniors"), ("start", now.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm")), ("end", now.AddHours(1).ToString("yyyy-MM-ddTHH:mm")),
             ("reason", "media studies"), ("teacher", "hd-head")], page: "/policy/exceptions"); // the teacher field names the other account: it must not count
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        CurriculumException pending = Snapshot.Exceptions.Single(static x => x.Target == "tube.example");
        Assert.Equal("hd-everything", pending.RequestedBy);
        Assert.Equal("hd-head", pending.Teacher);

        string refused = await (await first.PostFormAsync("/policy/exceptions?handler=Approve", [("id", pending.Id)], page: "/policy/exceptions")).Content.ReadAsStringAsync();

        Assert.Contains("someone other than the account that asked", refused, StringComparison.Ordinal);
        Assert.Equal(ExceptionState.Pending, Snapshot.Exceptions.Single(x => x.Id == pending.Id).StateAt(DateTimeOffset.UtcNow));
        using AdminClient head = await AdminClient.SignInAsync(fixture.Admin, "hd-head");
        Assert.Equal(HttpStatusCode.OK, (await head.PostFormAsync("/policy/exceptions?handler=Approve", [("id", pending.Id)], page: "/policy/exceptions")).StatusCode);
        Assert.Equal(ExceptionState.Active, Snapshot.Exceptions.Single(x => x.Id == pending.Id).StateAt(DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Sign_out_ends_the_session_on_the_server_so_an_old_cookie_no_longer_works()
    {
        await fixture.AccountAsync("hd-dsl", AdminRoles.Dsl);
        using AdminClient dsl = await AdminClient.SignInAsync(fixture.Admin, "hd-dsl");
        string cookie = dsl.Cookie("filterproxy-admin") ?? throw new Xunit.Sdk.XunitException("no session cookie");
        Assert.Equal(HttpStatusCode.OK, (await WithCookie(cookie, "/alerts")).StatusCode);

        await dsl.PostFormAsync("/signout", [], page: "/");

        HttpResponseMessage replayed = await WithCookie(cookie, "/alerts");
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.Equal("/signin", AdminClient.PathOf(replayed));
    }

    private async Task<HttpResponseMessage> WithCookie(string cookie, string path)
    {
        using var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = fixture.Admin };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", "filterproxy-admin=" + cookie);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Suspending_a_pupil_logs_no_name_at_information_level()
    {
        await fixture.AccountAsync("hd-dsl2", AdminRoles.Dsl);
        using AdminClient dsl = await AdminClient.SignInAsync(fixture.Admin, "hd-dsl2");
        HttpResponseMessage suspended = await dsl.PostFormAsync("/policy/suspensions?handler=Suspend",
            [("user", "amy.pupil"), ("until", DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-ddTHH:mm")), ("reason", "pending a meeting")], page: "/policy/suspensions");
        Assert.Equal(HttpStatusCode.OK, suspended.StatusCode);
        Assert.Contains(Snapshot.SuspensionList, static s => s.User == "amy.pupil");

        Assert.Contains(fixture.Logs.Lines, static l => l.Message.Contains("a suspension was added", StringComparison.Ordinal));
        Assert.DoesNotContain(fixture.Logs.Lines, static l => l.Level >= LogLevel.Information && l.Message.Contains("amy.pupil", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_report_naming_a_whole_top_level_domain_cannot_become_a_profile_entry()
    {
        await fixture.AccountAsync("hd-tech", AdminRoles.Technician);
        // "Report" is for something that got through: its url is the pupil's word. It names all of .com.
        string report = await FilterProxy.Tests.Common.ExternalTool.RunAsync("curl", ["-sS", "-i", "--max-time", "20", "-x", fixture.ProxyUrl,
            "--data-urlencode", "action=report", "--data-urlencode", "url=http://com/", "--data-urlencode", "note=hd-report-com", "http://play.example/.filterproxy/feedback"]);
        Assert.Contains("200", report.Split('\n')[0], StringComparison.Ordinal);
        using AdminClient tech = await AdminClient.SignInAsync(fixture.Admin, "hd-tech");
        string queue = "";
        for (int i = 0; i < 50 && !queue.Contains("hd-report-com", StringComparison.Ordinal); i++)
        {
            await Task.Delay(100);
            queue = await (await tech.GetAsync("/policy/reviews")).Content.ReadAsStringAsync();
        }

        int at = queue.IndexOf("hd-report-com", StringComparison.Ordinal);
        Assert.True(at > 0, "the report never reached the queue");
        string id = System.Text.RegularExpressions.Regex.Match(queue[at..], "name=\"id\" value=\"([^\"]+)\"").Groups[1].Value;
        int changes = fixture.App.Services.GetRequiredService<FilterProxy.Admin.Policy.PolicyChangeService>().All.Count;

        string page = await (await tech.PostFormAsync("/policy/reviews?handler=Block", [("id", id)], page: "/policy/reviews")).Content.ReadAsStringAsync();

        Assert.Contains("public suffix", page, StringComparison.Ordinal);
        Assert.Equal(changes, fixture.App.Services.GetRequiredService<FilterProxy.Admin.Policy.PolicyChangeService>().All.Count);
    }
}
