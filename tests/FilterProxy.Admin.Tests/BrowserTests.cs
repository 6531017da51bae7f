using FilterProxy.Core.Policy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace FilterProxy.Admin.Tests;

/// <summary>
/// The admin UI in a real browser: Debian's Chromium (/usr/bin/chromium) driven by Playwright, against the running
/// gateway. One school's first morning: setup, a blocked attempt that appears live, the DSL's handling of it, a
/// profile change with approval, and a role refused.
/// </summary>
public sealed class BrowserTests(AdminFixture fixture) : IClassFixture<AdminFixture>, IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    private async Task<IPage> SignInAsync(string userName)
    {
        IBrowserContext context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.Admin.ToString(), AcceptDownloads = true });
        IPage page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(AdminFixture.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForURLAsync(fixture.Admin + "");
        return page;
    }

    [Fact]
    public async Task A_school_sets_up_sees_a_blocked_attempt_live_handles_it_and_changes_a_profile_with_approval()
    {
        // First-run setup: the only page until an administrator exists; the code is in the data folder.
        IBrowserContext first = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.Admin.ToString() });
        IPage setup = await first.NewPageAsync();
        await setup.GotoAsync("/alerts");
        Assert.EndsWith("/setup", setup.Url, StringComparison.Ordinal);
        string code = (await File.ReadAllTextAsync(Path.Combine(fixture.DataDirectory, "admin", "setup-code"))).Trim();
        await setup.GetByLabel("Setup code").FillAsync(code);
        await setup.GetByLabel("User name").FillAsync("head");
        await setup.GetByLabel("Your name").FillAsync("Head Teacher");
        await setup.GetByLabel("Password").FillAsync(AdminFixture.Password);
        await setup.GetByRole(AriaRole.Button, new() { Name = "Create administrator" }).ClickAsync();
        await setup.GetByRole(AriaRole.Heading, new() { Name = "Overview" }).WaitForAsync();

        // The administrator adds the DSL, a technician, a senior leader and a viewer through the accounts page.
        foreach ((string user, string role) in new[] { ("dsl", "Designated Safeguarding Lead"), ("tech", "Technician"), ("head-of-year", "Senior leader (approver)"), ("governor", "Viewer") })
        {
            await setup.GotoAsync("/accounts");
            await setup.GetByLabel("User name").FillAsync(user);
            await setup.GetByLabel("Initial password").FillAsync(AdminFixture.Password);
            await setup.GetByLabel(role, new() { Exact = true }).CheckAsync();
            await setup.GetByRole(AriaRole.Button, new() { Name = "Add account" }).ClickAsync();
            await Assertions.Expect(setup.GetByRole(AriaRole.Status)).ToContainTextAsync($"Account {user} added");
        }

        // The DSL watches the alerts page; a pupil's blocked request through the proxy appears without a reload.
        IPage dsl = await SignInAsync("dsl");
        await dsl.GotoAsync("/alerts");
        await Assertions.Expect(dsl.Locator("#live-state")).ToHaveAttributeAsync("data-live", "yes");
        string blocked = await fixture.CurlThroughProxy("http://harm.example/ways");
        Assert.Contains("403", blocked.Split('\n')[0], StringComparison.Ordinal);
        ILocator row = dsl.Locator("#alerts tbody tr", new() { HasText = "self-harm" });
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(row).ToContainTextAsync("critical");

        // The alert page: who, where, what; acknowledge, then resolve with a note.
        await row.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(dsl.Locator("dl.facts")).ToContainTextAsync("harm.example");
        await Assertions.Expect(dsl.Locator("dl.facts")).ToContainTextAsync("127.0.0.1");
        await dsl.GetByLabel("Note").FillAsync("Spoke to the pupil with their form tutor.");
        await dsl.GetByRole(AriaRole.Button, new() { Name = "Acknowledge" }).ClickAsync();
        await Assertions.Expect(dsl.Locator("#alert-status")).ToHaveTextAsync("acknowledged");
        await dsl.GetByLabel("Note").FillAsync("Parents informed; no further action.");
        await dsl.GetByRole(AriaRole.Button, new() { Name = "Resolve" }).ClickAsync();
        await Assertions.Expect(dsl.Locator("#alert-status")).ToHaveTextAsync("resolved");
        await Assertions.Expect(dsl.Locator("#chronology")).ToContainTextAsync("admin:dsl: resolved: Parents informed; no further action.");

        // The chronology downloads as CSV for a referral.
        IDownload download = await dsl.RunAndWaitForDownloadAsync(() => dsl.GetByRole(AriaRole.Link, new() { Name = "Download chronology (CSV)" }).ClickAsync());
        string csv = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Contains("acknowledged,Spoke to the pupil with their form tutor.", csv, StringComparison.Ordinal);
        Assert.Contains("resolved,Parents informed; no further action.", csv, StringComparison.Ordinal);
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);

        // The technician blocks streaming for ks2; it waits for a senior leader's approval.
        PolicyEvaluator evaluator = fixture.App.Services.GetRequiredService<PolicyEvaluator>();
        Assert.False(evaluator.Snapshot.FindProfile("ks2")!.Blocked.Contains(FilterProxy.Core.Categories.Category.Streaming));
        IPage tech = await SignInAsync("tech");
        await tech.GotoAsync("/policy/profiles/ks2");
        await tech.GetByLabel("Streaming video").CheckAsync();
        await tech.GetByLabel("Why").FillAsync("Year 6 watch videos in lessons");
        await tech.GetByRole(AriaRole.Button, new() { Name = "Propose change" }).ClickAsync();
        await Assertions.Expect(tech.GetByRole(AriaRole.Status)).ToContainTextAsync("waiting for a senior leader's approval");
        await Assertions.Expect(tech.GetByRole(AriaRole.Status)).ToContainTextAsync("blocked categories: + streaming");
        Assert.False(evaluator.Snapshot.FindProfile("ks2")!.Blocked.Contains(FilterProxy.Core.Categories.Category.Streaming));

        IPage senior = await SignInAsync("head-of-year");
        await senior.GotoAsync("/policy/changes");
        await senior.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Approve chg-") }).ClickAsync();
        await Assertions.Expect(senior.GetByRole(AriaRole.Status)).ToContainTextAsync("approved and applied");
        Assert.True(evaluator.Snapshot.FindProfile("ks2")!.Blocked.Contains(FilterProxy.Core.Categories.Category.Streaming));
        string nowBlocked = await fixture.CurlThroughProxy("http://tube.example/");
        Assert.Contains("403", nowBlocked.Split('\n')[0], StringComparison.Ordinal);

        // The audit trail shows both people and the readable difference.
        await senior.GotoAsync("/audit?action=policy.change");
        ILocator audit = senior.Locator("#audit tbody");
        await Assertions.Expect(audit.Locator("tr", new() { HasText = "policy.change.proposed" })).ToContainTextAsync("admin:tech");
        await Assertions.Expect(audit.Locator("tr", new() { HasText = "policy.change.approved" })).ToContainTextAsync("admin:head-of-year");
        await Assertions.Expect(audit.Locator("tr", new() { HasText = "policy.change.approved" })).ToContainTextAsync("blocked categories: + streaming");
        await Assertions.Expect(senior.Locator("#chain")).ToContainTextAsync("Chain intact");

        // A viewer is refused the alerts page (and is not offered it).
        IPage viewer = await SignInAsync("governor");
        await Assertions.Expect(viewer.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Alerts" })).ToHaveCountAsync(0);
        IResponse? refused = await viewer.GotoAsync("/alerts");
        Assert.Equal(403, refused!.Status);
        await Assertions.Expect(viewer.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Not available to your role");
    }
}
