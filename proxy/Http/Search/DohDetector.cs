namespace FilterProxy.Http.Search;

/// <summary>
/// DNS-over-HTTPS requests (RFC 8484 <c>application/dns-message</c>, and the JSON APIs' <c>application/dns-json</c>)
/// to any host: a resolver that no list knows yet is still a way around the school's DNS filtering.
/// </summary>
internal static class DohDetector
{
    public static bool IsDnsOverHttps(HttpRequest request) =>
        Mentions(request.ContentType) || Mentions(request.Headers.Accept.ToString());

    private static bool Mentions(string? value) =>
        value is not null && (value.Contains("application/dns-message", StringComparison.OrdinalIgnoreCase) || value.Contains("application/dns-json", StringComparison.OrdinalIgnoreCase));
}
