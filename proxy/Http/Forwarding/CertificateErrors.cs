using System.Collections.Concurrent;

namespace FilterProxy.Http.Forwarding;

/// <summary>
/// Why an origin's certificate was rejected, by host, from the validation callback to the error page (the
/// HttpRequestException only says "rejected"). Bounded; an entry is taken once.
/// </summary>
internal static class CertificateErrors
{
    private const int Capacity = 1024;
    private static readonly ConcurrentDictionary<string, string> s_errors = new(StringComparer.OrdinalIgnoreCase);

    public static void Record(string host, string detail)
    {
        if (s_errors.Count > Capacity)
        {
            s_errors.Clear();
        }

        s_errors[host] = detail;
    }

    public static string? Take(string host) => s_errors.TryRemove(host, out string? detail) ? detail : null;
}
