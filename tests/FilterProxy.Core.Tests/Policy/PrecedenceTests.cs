using FilterProxy.Core.Policy;
using FilterProxy.Tests.Common;

namespace FilterProxy.Core.Tests.Policy;

/// <summary>
/// The precedence as a decision table: sealed &gt; suspension &gt; exception &gt; deny &gt; allow &gt;
/// bare address &gt; schedule &gt; category &gt; default. Every row names a host built to hit exactly one stage.
/// </summary>
public sealed class PrecedenceTests : IDisposable
{
    // Monday 23 Nov 2026 (GMT = UTC in November).
    private static readonly DateTimeOffset s_mondayMorning = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_mondayLunch = new(2026, 11, 23, 12, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_mondayAfternoon = new(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);

    internal const string Config = """
    {
      // comments are allowed
      "timeZone": "Europe/London",
      "lists": [
        { "name": "gambling", "format": "domains", "category": "gambling", "source": "gambling.txt" },
        { "name": "iwf", "format": "domains", "category": "csam", "source": "iwf.txt" },
        { "name": "social", "format": "domains", "category": "social-media", "source": "social.txt" },
        { "name": "games", "format": "domains", "category": "games", "source": "games.txt" },
      ],
      "profiles": {
        "ks2": {
          "allow": [ "bet-allowed.example", "csam.example", "deny-and-allow.example", "198.51.100.9" ],
          "deny": [ "deny.example", "deny-and-allow.example", "exception.example", "games-denied.example" ]
        },
        "walled": { "basedOn": "ks2", "defaultAction": "block", "allow": [ "school.example" ] },
        "lab": { "basedOn": "ks2", "allowAddresses": [ "203.0.113.0/24" ] }
      },
      "schedules": [
        { "name": "lunch-games", "profile": "ks2", "days": ["mon-fri"], "from": "12:00", "to": "13:00", "action": "allow", "categories": ["games"] },
        { "name": "contact-time", "profile": "staff", "days": ["mon-fri"], "from": "09:00", "to": "12:00", "action": "block", "categories": ["social-media"] }
      ],
      "exceptions": [
        { "id": "x-denied", "profile": "ks2", "target": "exception.example", "start": "2026-11-01T00:00:00Z", "end": "2026-12-01T00:00:00Z",
          "requestedBy": "teacher", "approvedBy": "head", "reason": "history topic" },
        { "id": "x-sealed", "profile": "ks2", "target": "csam.example", "start": "2026-11-01T00:00:00Z", "end": "2026-12-01T00:00:00Z",
          "requestedBy": "teacher", "approvedBy": "head", "reason": "must never work" },
        { "id": "x-expired", "profile": "ks2", "target": "expired.example", "start": "2026-10-01T00:00:00Z", "end": "2026-10-02T00:00:00Z",
          "requestedBy": "teacher", "approvedBy": "head", "reason": "lapsed" },
        { "id": "x-pending", "profile": "ks2", "target": "pending.example", "start": "2026-11-01T00:00:00Z", "end": "2026-12-01T00:00:00Z",
          "requestedBy": "teacher", "reason": "not yet approved" }
      ],
      "suspensions": [
        { "user": "suspended-pupil", "from": "2026-11-20T00:00:00Z", "until": "2026-11-27T00:00:00Z", "reason": "misuse", "by": "dsl" }
      ]
    }
    """;

    private readonly TempDirectory _dir = new();
    private readonly PolicySnapshot _snapshot;

    public PrecedenceTests()
    {
        _snapshot = PolicyFixture.Load(_dir, Config, null,
            ("gambling.txt", "bet.example\nbet-allowed.example\nexpired.example\npending.example\n"),
            ("iwf.txt", "csam.example\n"),
            ("social.txt", "social.example\n"),
            ("games.txt", "games.example\ngames-denied.example\n"));
    }

    public static TheoryData<string, string, string?, DateTimeOffset, Verdict, DecisionReason> Table => new()
    {
        // host, profile, user, time → verdict, reason
        { "csam.example", "ks2", null, s_mondayMorning, Verdict.Block, DecisionReason.Sealed },               // allow entry + exception cannot unblock
        { "csam.example", "staff", null, s_mondayMorning, Verdict.Block, DecisionReason.Sealed },             // no profile unblocks
        { "csam.example", "ks2", "suspended-pupil", s_mondayMorning, Verdict.Block, DecisionReason.Sealed },  // sealed > suspension
        { "unlisted.example", "ks2", "suspended-pupil", s_mondayMorning, Verdict.Block, DecisionReason.Suspended },
        { "exception.example", "ks2", "suspended-pupil", s_mondayMorning, Verdict.Block, DecisionReason.Suspended }, // suspension > exception
        { "exception.example", "ks2", null, s_mondayMorning, Verdict.Allow, DecisionReason.Exception },       // exception > deny
        { "deny-and-allow.example", "ks2", null, s_mondayMorning, Verdict.Block, DecisionReason.Deny },       // deny > allow
        { "bet-allowed.example", "ks2", null, s_mondayMorning, Verdict.Allow, DecisionReason.Allow },         // allow > category
        { "games-denied.example", "ks2", null, s_mondayLunch, Verdict.Block, DecisionReason.Deny },           // deny > schedule
        { "games.example", "ks2", null, s_mondayLunch, Verdict.Allow, DecisionReason.Schedule },              // schedule allow > category
        { "games.example", "ks2", null, s_mondayMorning, Verdict.Block, DecisionReason.Category },            // outside the window
        { "social.example", "staff", null, s_mondayMorning, Verdict.Block, DecisionReason.Schedule },         // schedule block
        { "social.example", "staff", null, s_mondayAfternoon, Verdict.Allow, DecisionReason.Default },
        { "bet.example", "ks2", null, s_mondayMorning, Verdict.Block, DecisionReason.Category },
        { "expired.example", "ks2", null, s_mondayMorning, Verdict.Block, DecisionReason.Category },          // exception lapsed
        { "pending.example", "ks2", null, s_mondayMorning, Verdict.Block, DecisionReason.Category },          // never approved
        { "unlisted.example", "ks2", null, s_mondayMorning, Verdict.Allow, DecisionReason.Default },
        { "unlisted.example", "walled", null, s_mondayMorning, Verdict.Block, DecisionReason.Default },
        { "school.example", "walled", null, s_mondayMorning, Verdict.Allow, DecisionReason.Allow },
        { "bet.example", "staff", null, s_mondayMorning, Verdict.Block, DecisionReason.Category },
        { "bad host!", "ks2", null, s_mondayMorning, Verdict.Block, DecisionReason.Invalid },
        { "192.0.2.7", "ks2", null, s_mondayMorning, Verdict.Block, DecisionReason.Address },                 // a bare address, for a pupil profile
        { "3221225991", "ks2", null, s_mondayMorning, Verdict.Block, DecisionReason.Address },                // the same address, spelt as one number
        { "[2001:db8::7]", "ks2", null, s_mondayMorning, Verdict.Block, DecisionReason.Address },
        { "198.51.100.9", "ks2", null, s_mondayMorning, Verdict.Allow, DecisionReason.Allow },                // allow > bare address
        { "203.0.113.7", "lab", null, s_mondayMorning, Verdict.Allow, DecisionReason.Default },               // allowAddresses
        { "192.0.2.7", "staff", null, s_mondayMorning, Verdict.Allow, DecisionReason.Default },               // staff: not blocked as such
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Evaluate_DecisionTable(string host, string profile, string? user, DateTimeOffset at, Verdict verdict, DecisionReason reason)
    {
        Decision d = _snapshot.Check("http://" + host + "/", profile, at: at, user: user);

        Assert.Equal((verdict, reason), (d.Verdict, d.Reason));
        Assert.False(string.IsNullOrWhiteSpace(d.Explain()));
    }

    [Fact]
    public void Evaluate_CategoryBlock_NamesListEntryCategoryAndRule()
    {
        Decision d = _snapshot.Check("https://www.bet.example/poker?x=1", "ks2");

        Assert.Equal(FilterProxy.Core.Categories.Category.Gambling, d.Category);
        Assert.Equal("gambling", d.List?.ListName);
        Assert.Equal("bet.example", d.MatchedEntry);
        Assert.Equal("ks2/category/gambling", d.Rule.Id);
        Assert.Contains("'bet.example' is listed as gambling by list 'gambling'", d.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_Sealed_ExplainsNoOneCanUnblock()
    {
        Decision d = _snapshot.Check("http://sub.csam.example/a", "staff");

        Assert.Equal("iwf", d.List?.ListName);
        Assert.Contains("No profile, exception or allow entry can unblock it", d.Explain(), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_Exception_NamesApprover()
    {
        Decision d = _snapshot.Check("http://exception.example/", "ks2");

        Assert.Equal("exception/x-denied", d.Rule.Id);
        Assert.Contains("approved by head", d.Explain(), StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
