using System.Collections.Frozen;

namespace FilterProxy.Core.Policy;

/// <summary>
/// The help services a child in crisis needs — Childline, Samaritans, Shout, NHS, Papyrus, Kooth, BEAT, FRANK, CEOP,
/// the NSPCC, Report Harmful Content, YoungMinds and others — which no list, deny entry, schedule, suspension or
/// content check may block: only the sealed (illegal-content) lists win over them. Built in, and a school adds its own
/// with <c>helpServices</c>. A name covers its subdomains.
/// </summary>
public sealed class HelpServices
{
    public static readonly IReadOnlyList<string> BuiltIn =
    [
        "childline.org.uk", "samaritans.org", "giveusashout.org", "nhs.uk", "111.nhs.uk", "papyrus-uk.org", "kooth.com",
        "beateatingdisorders.org.uk", "talktofrank.com", "ceop.police.uk", "thinkuknow.co.uk", "nspcc.org.uk",
        "reportharmfulcontent.com", "youngminds.org.uk", "mind.org.uk", "themix.org.uk", "thecalmzone.net",
        "stopitnow.org.uk", "iwf.org.uk", "report.iwf.org.uk", "refuge.org.uk", "victimsupport.org.uk", "barnardos.org.uk",
        "anti-bullyingalliance.org.uk", "switchboard.lgbt", "papyrus.org.uk", "selfharm.co.uk", "harmless.org.uk",
        "winstonswish.org", "childbereavementuk.org", "hopeagain.org.uk", "shoutmsg.org", "988lifeline.org",
        "kidshelpphone.ca", "kidshelpline.com.au", "lifeline.org.au", "headspace.org.au", "samaritans.ie", "childline.ie",
    ];

    private readonly FrozenSet<string> _names;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public HelpServices(IEnumerable<string> extra)
    {
        _names = BuiltIn.Concat(extra).Select(static n => n.Trim().TrimEnd('.').ToLowerInvariant()).Where(static n => n.Length > 0)
            .ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public static HelpServices Default { get; } = new([]);

    /// <summary>The note on an HTTP event for a visit to a help service (the alert engine's gentle "visited a crisis help service").</summary>
    public const string VisitNote = "help service";

    public IReadOnlyCollection<string> Names => _names;

    /// <summary>The host, or a domain it is under, is a help service.</summary>
    public bool Contains(ReadOnlySpan<char> host)
    {
        host = host.TrimEnd('.');
        while (true)
        {
            if (_lookup.Contains(host))
            {
                return true;
            }

            int dot = host.IndexOf('.');
            if (dot < 0)
            {
                return false;
            }

            host = host[(dot + 1)..];
        }
    }
}
