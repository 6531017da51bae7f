using System.Net;

namespace FilterProxy.Admin.Tests;

/// <summary>First-run setup: nothing but setup until the first administrator exists; it needs the code from the data folder; then it is gone.</summary>
public sealed class SetupTests(AdminFixture fixture) : IClassFixture<AdminFixture>
{
    [Fact]
    public async Task Setup_needs_the_code_creates_one_administrator_and_then_closes()
    {
        using var client = new AdminClient(fixture.Admin);
        Assert.Equal("/signin", (await client.GetAsync("/alerts")).Headers.Location?.AbsolutePath);
        Assert.Equal("/setup", AdminClient.PathOf(await client.GetAsync("/signin")));
        string code = (await File.ReadAllTextAsync(Path.Combine(fixture.DataDirectory, "admin", "setup-code"))).Trim();

        HttpResponseMessage wrongCode = await client.PostFormAsync("/setup", [("code", "0000"), ("userName", "head"), ("password", AdminFixture.Password)]);
        Assert.Equal(HttpStatusCode.BadRequest, wrongCode.StatusCode);
        HttpResponseMessage weak = await client.PostFormAsync("/setup", [("code", code), ("userName", "head"), ("password", "short")]);
        Assert.Equal(HttpStatusCode.BadRequest, weak.StatusCode);
        Assert.True(fixture.Accounts.NeedsSetup);

        HttpResponseMessage done = await client.PostFormAsync("/setup", [("code", code), ("userName", "head"), ("displayName", "Head Teacher"), ("password", AdminFixture.Password)]);
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/accounts")).StatusCode);
        Assert.False(File.Exists(Path.Combine(fixture.DataDirectory, "admin", "setup-code")));

        using var other = new AdminClient(fixture.Admin);
        Assert.Equal("/signin", AdminClient.PathOf(await other.GetAsync("/setup")));
        HttpResponseMessage again = await other.PostFormAsync("/setup", [("code", code), ("userName", "intruder"), ("password", AdminFixture.Password)], page: "/signin");
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Null(fixture.Accounts.Find("intruder"));
        Assert.Single(fixture.Accounts.All);
    }
}
