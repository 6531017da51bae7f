using FilterProxy.Core.Events;

namespace FilterProxy.Admin.Reports;

/// <summary>A search of one person's, device's or address's history, from the form or the export link.</summary>
public static class HistorySearch
{
    public static EventQuery? Query(string? user, string? device, string? ip, DateTimeOffset? since, DateTimeOffset? until)
    {
        user = Blank(user);
        device = Blank(device);
        ip = Blank(ip);
        return user is null && device is null && ip is null ? null
            : new EventQuery { User = user, Device = device, ClientIp = ip, Since = since, Until = until, Limit = 500 };
    }

    public static string Describe(EventQuery q) =>
        q.User is not null ? "user/" + q.User : q.Device is not null ? "device/" + q.Device : "client/" + q.ClientIp;

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
