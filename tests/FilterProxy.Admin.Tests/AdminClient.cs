using System.Net;
using System.Text.RegularExpressions;

namespace FilterProxy.Admin.Tests;

/// <summary>
/// A signed-in (or anonymous) HTTP client for the admin UI, as a browser without JavaScript: keeps cookies, does not
/// follow redirects (tests assert them), and posts forms with the anti-forgery token read from the page.
/// </summary>
public sealed partial class AdminClient : IDisposable
{
    private readonly HttpClient _http;

    private readonly CookieContainer _cookies = new();
    private readonly Uri _admin;

    public AdminClient(Uri admin)
    {
        _admin = admin;
        _http = new HttpClient(new HttpClientHandler { CookieContainer = _cookies, AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = admin };
    }

    /// <summary>A cookie this client holds (e.g. the session cookie, to replay it after sign-out).</summary>
    public string? Cookie(string name) => _cookies.GetCookies(_admin)[name]?.Value;

    public static async Task<AdminClient> SignInAsync(Uri admin, string userName, string password = AdminFixture.Password)
    {
        var client = new AdminClient(admin);
        HttpResponseMessage response = await client.PostFormAsync("/signin", [("userName", userName), ("password", password)]);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"sign-in as {userName}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    /// <summary>Where a redirect goes (the path only), or "" when it is not one.</summary>
    public static string PathOf(HttpResponseMessage response) => response.Headers.Location is not { } to ? ""
        : to.IsAbsoluteUri ? to.AbsolutePath : to.OriginalString.Split('?')[0];

    /// <summary>A streaming response's body (the live feed), after checking it answered 200.</summary>
    public async Task<Stream> OpenStreamAsync(string path, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStreamAsync(cancellationToken);
    }

    /// <summary>Only the status of a streaming response (the live feed never ends).</summary>
    public async Task<HttpStatusCode> StatusOfStreamAsync(string path)
    {
        using HttpResponseMessage response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        return response.StatusCode;
    }

    /// <summary>Loads <paramref name="page"/> (default: the form's own path) for its anti-forgery token, then posts the fields.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, IEnumerable<(string Name, string Value)> fields, string? page = null, bool withToken = true)
    {
        List<KeyValuePair<string, string>> form = [.. fields.Select(static f => new KeyValuePair<string, string>(f.Name, f.Value))];
        if (withToken)
        {
            string html = await _http.GetStringAsync(page ?? path);
            Match token = TokenPattern().Match(html);
            Assert.True(token.Success, $"no anti-forgery token on {page ?? path}");
            form.Add(new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value)));
        }

        return await _http.PostAsync(path, new FormUrlEncodedContent(form));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();

    public void Dispose() => _http.Dispose();
}
