using FilterProxy.Core.Categories;

namespace FilterProxy.Core.Policy;

public enum ScheduleAction : byte
{
    /// <summary>Block these categories during the window (e.g. social media for staff in contact time).</summary>
    Block,
    /// <summary>Allow these categories during the window (e.g. games for pupils at lunch).</summary>
    Allow,
}

/// <summary>
/// A time window in the school's time zone. <see cref="To"/> earlier than <see cref="From"/> means the
/// window runs past midnight into the next day.
/// </summary>
public sealed class ScheduleRule
{
    public required string Name { get; init; }
    public required string Profile { get; init; }
    /// <summary>Bit <c>1 &lt;&lt; (int)DayOfWeek</c> per day.</summary>
    public required int Days { get; init; }
    public required TimeOnly From { get; init; }
    public required TimeOnly To { get; init; }
    public required ScheduleAction Action { get; init; }
    public required CategorySet Categories { get; init; }
    public required PolicyRule Rule { get; init; }

    public bool IsActive(DayOfWeek day, TimeOnly time)
    {
        if (From <= To)
        {
            return HasDay(day) && time >= From && time < To;
        }

        DayOfWeek previous = day == DayOfWeek.Sunday ? DayOfWeek.Saturday : day - 1;
        return (HasDay(day) && time >= From) || (HasDay(previous) && time < To);
    }

    private bool HasDay(DayOfWeek day) => (Days & (1 << (int)day)) != 0;

    public string DaysText()
    {
        if (Days == 0b0011_1110)
        {
            return "Mon–Fri";
        }

        return string.Join(',', Enum.GetValues<DayOfWeek>().Where(HasDay).Select(static d => d.ToString()[..3]));
    }
}
