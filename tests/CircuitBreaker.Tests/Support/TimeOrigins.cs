namespace CircuitBreaker.Tests.Support;

/// <summary>
/// The event-time origins every origin-sensitive test runs at: the library claims all of 0 ≤ t ≤ <see cref="long.MaxValue"/>
/// (docs/concepts.md, "Event time"), and a decision or report must not depend on where a session sits in that range.
/// Near the top the origin leaves room for the span the test covers, so its last event is still at most long.MaxValue.
/// </summary>
internal static class TimeOrigins
{
    /// <summary>2026-12-04 00:00 UTC in Unix nanoseconds: what an engine stamps today.</summary>
    public const long PresentDay = 1_796_342_400_000_000_000;
    /// <summary>2025-10-01 in Unix nanoseconds (a day on which the 28-bit rate buckets admitted a second order).</summary>
    public const long PresentDay2 = 1_759_276_800_000_000_000;
    /// <summary>Just below 2^62, off any round bucket boundary.</summary>
    public const long Near2Pow62 = (1L << 62) - 123_456_789;

    /// <summary>The origins for a test whose events span at most <paramref name="span"/> ns after the origin.</summary>
    public static long[] For(long span) => [0, PresentDay, PresentDay2, Near2Pow62, long.MaxValue - span];

    /// <summary>xunit rows of <see cref="For"/>.</summary>
    public static TheoryData<long> Rows(long span)
    {
        var d = new TheoryData<long>();
        foreach (long o in For(span)) d.Add(o);
        return d;
    }
}
