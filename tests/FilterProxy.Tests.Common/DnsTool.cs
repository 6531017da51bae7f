namespace FilterProxy.Tests.Common;

/// <summary>Runs dig or kdig (real DNS clients) and returns what they print.</summary>
public static class DnsTool
{
    public static Task<string> RunAsync(string tool, params string[] args) => ExternalTool.RunAsync(tool, args);

    public static Task<string> Dig(System.Net.IPEndPoint server, params string[] args) =>
        RunAsync("dig", [$"@{server.Address}", "-p", server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "+tries=1", "+time=5", .. args]);

    /// <summary>
    /// Asks one question <paramref name="times"/> times from a single dig process (dig sends its queries one after another),
    /// so the repeats fall within a short window however slow process start-up is on the machine; returns each answer's status.
    /// </summary>
    public static async Task<string[]> DigRepeatedly(System.Net.IPEndPoint server, string name, string type, int times)
    {
        string output = await Dig(server, [.. Enumerable.Range(0, times).SelectMany(_ => new[] { name, type })]);
        return [.. output.Split(";; ->>HEADER<<-").Skip(1).Select(Status)];
    }

    /// <summary>The status word of a dig/kdig answer: NOERROR, NXDOMAIN, SERVFAIL, REFUSED…</summary>
    public static string Status(string output)
    {
        int i = output.IndexOf("status: ", StringComparison.Ordinal);
        if (i < 0)
        {
            return "(no answer)";
        }

        string rest = output[(i + 8)..];
        int end = rest.IndexOfAny([',', ';', '\n']);
        return rest[..end].Trim();
    }
}
