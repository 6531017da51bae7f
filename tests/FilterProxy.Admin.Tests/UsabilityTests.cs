using FilterProxy.Admin.Accounts;
using Microsoft.Playwright;

namespace FilterProxy.Admin.Tests;

/// <summary>
/// Every page in Chromium at tablet and laptop sizes: each form field has a label, nothing scrolls sideways but the
/// wide tables (which sit in their own scrolling box), the keyboard reaches the main content first, and each page has one h1.
/// </summary>
public sealed class UsabilityTests(AdminFixture fixture) : IClassFixture<AdminFixture>, IAsyncLifetime
{
    private static readonly string[] s_pages =
        ["/", "/alerts", "/history?user=nobody", "/policy/profiles", "/policy/profiles/ks2", "/policy/changes", "/policy/test?url=example.com",
         "/reports", "/audit", "/health", "/accounts", "/policy/reviews", "/policy/exceptions", "/policy/suspensions", "/compliance", "/reports/governors", "/policy/groups", "/policy/lists", "/policy/schedules", "/keywords"];

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = "/usr/bin/chromium", Headless = true, Args = ["--no-sandbox"] });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    [Theory]
    [InlineData(768, 1024)]
    [InlineData(1366, 768)]
    public async Task Every_page_has_labelled_fields_one_heading_a_skip_link_and_fits_the_screen(int width, int height)
    {
        await fixture.AccountAsync("everyone", [.. AdminRoles.All]);
        IBrowserContext context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = fixture.Admin.ToString(), ViewportSize = new() { Width = width, Height = height } });
        IPage page = await context.NewPageAsync();
        await page.GotoAsync("/signin");
        await page.GetByLabel("User name").FillAsync("everyone");
        await page.GetByLabel("Password").FillAsync(AdminFixture.Password);
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(fixture.Admin.ToString());
        var problems = new List<string>();
        foreach (string path in s_pages)
        {
            IResponse? response = await page.GotoAsync(path);
            if (response?.Status != 200)
            {
                problems.Add($"{path}: HTTP {response?.Status}");
                continue;
            }

            string[] unlabelled = await page.EvaluateAsync<string[]>(
                "() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter(e => e.labels.length === 0 && !e.getAttribute('aria-label')).map(e => e.name || e.id)");
            problems.AddRange(unlabelled.Select(n => $"{path}: field '{n}' has no label"));
            int headings = await page.Locator("h1").CountAsync();
            if (headings != 1)
            {
                problems.Add($"{path}: {headings} h1 headings");
            }

            bool overflows = await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth > window.innerWidth + 1");
            if (overflows)
            {
                problems.Add($"{path}: scrolls sideways at {width}px");
            }

            await page.Keyboard.PressAsync("Tab");
            string first = await page.EvaluateAsync<string>("() => document.activeElement.textContent.trim()");
            if (first != "Skip to content")
            {
                problems.Add($"{path}: the first Tab reaches '{first}', not the skip link");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
