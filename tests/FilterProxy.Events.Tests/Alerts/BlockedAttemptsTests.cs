using FilterProxy.Events.Alerts;

namespace FilterProxy.Events.Tests.Alerts;

public sealed class BlockedAttemptsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    [Fact]
    public void CountsEveryAttempt_WithinTheWindow()
    {
        var a = new BlockedAttempts();
        for (int i = 1; i <= 7; i++)
        {
            Assert.Equal(i, a.Add(Start.AddSeconds(i * 30), Window));
        }
    }

    [Fact]
    public void AttemptsOlderThanTheWindow_AreForgotten()
    {
        var a = new BlockedAttempts();
        a.Add(Start, Window);
        a.Add(Start.AddMinutes(1), Window);
        Assert.Equal(3, a.Add(Start.AddMinutes(10), Window));           // the first is exactly 10 minutes old: still counted
        Assert.Equal(3, a.Add(Start.AddMinutes(10).AddSeconds(1), Window)); // now it is not
        Assert.Equal(1, a.Add(Start.AddMinutes(30), Window));
    }

    [Fact]
    public void AFlood_HoldsOneEntryPerSecond_AndCountsIt()
    {
        var a = new BlockedAttempts();
        int count = 0;
        for (int second = 0; second < 900; second++)
        {
            for (int i = 0; i < 200; i++)
            {
                count = a.Add(Start.AddSeconds(second).AddMilliseconds(i * 5), Window);
            }
        }

        Assert.Equal(601 * 200, count);                               // seconds 299..899
        Assert.Equal(601, a.Seconds);
        Assert.Equal(Start.AddSeconds(899).AddMilliseconds(995), a.Last);
    }

    [Fact]
    public void AnAttemptOutOfOrder_IsCounted_AndDoesNotMoveLastBack()
    {
        var a = new BlockedAttempts();
        a.Add(Start.AddSeconds(5), Window);
        Assert.Equal(2, a.Add(Start.AddSeconds(3), Window));
        Assert.Equal(Start.AddSeconds(5), a.Last);
        Assert.Equal(1, a.Seconds);
    }
}
