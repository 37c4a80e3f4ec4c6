using FsCheck;
using FsCheck.Fluent;

namespace CircuitBreaker.Tests.Safety;

/// <summary>
/// The sliding window on its own, with event time that jumps back and forth. The gate's window is conservative: it may
/// refuse more, never admit more than the limit in any window of length W. Time is taken as the window sees it:
/// monotone (a late event counts at the newest time seen), so no stamp in the past buys extra budget.
/// Each case runs at every origin of <see cref="TimeOrigins"/>, in both modes (atomic and single-writer): with the bucket
/// grid anchored at the origin the decisions are those of origin 0, one by one; with the grid anchored at 0 (absolute
/// bucket numbers, ~10¹⁰ of them at present-day timestamps) the limit still holds.
/// </summary>
public class RateWindowPropertyTests
{
    public const int Cases = 2_000;

    private static Gen<(int Seed, int Events)> CaseGen =>
        from seed in Gen.Choose(0, int.MaxValue)
        from events in Gen.Choose(10, 400)
        select (seed, events);

    /// <summary>Relative times stay below 1e6 + 400 × 30 windows of at most 5,000 ns.</summary>
    private const long Span = 100_000_000;

    [Fact]
    public void TryAcquire_RandomTimesWithBackwardJumps2000Cases_NeverMoreThanLimitInAnyWindow_SameDecisionsAtEveryOrigin()
    {
        long acceptedTotal = 0, refusedTotal = 0;
        var prop = Prop.ForAll(Arb.From(CaseGen), c =>
        {
            string? baseline = null;
            foreach (long origin in TimeOrigins.For(Span))
                foreach (bool anchored in new[] { true, false })
                    foreach (bool single in new[] { false, true })
                    {
                        var (failure, decisions, accepted, refused) = single ? RunCase<PlainSync>(c.Seed, c.Events, origin, anchored) : RunCase<AtomicSync>(c.Seed, c.Events, origin, anchored);
                        if (failure is not null) return false.Label($"origin {origin}, anchored {anchored}, single-writer {single}: {failure}");
                        if (origin == 0) { acceptedTotal += accepted; refusedTotal += refused; }
                        if (!anchored && origin != 0) continue; // another bucket grid: other (still safe) decisions
                        baseline ??= decisions;
                        if (decisions != baseline) return false.Label($"seed {c.Seed}: decisions at origin {origin} (single-writer {single}) differ from origin 0");
                    }
            return true.Label("ok");
        });
        Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(Cases), prop);
        Assert.True(acceptedTotal > Cases * 5 * 4 && refusedTotal > Cases * 4, $"accepted {acceptedTotal}, refused {refusedTotal}: the generator must exercise both");
    }

    private static (string? Failure, string Decisions, long Accepted, long Refused) RunCase<TSync>(int seed, int events, long origin, bool anchored) where TSync : struct, ISync
    {
        var r = new Random(seed);
        long window = r.Next(7, 5_000), bucket = RateWindow.BucketWidth(window);
        int limit = r.Next(1, 10);
        long anchor = anchored ? origin : 0;
        var w = default(RateWindow);
        long t = r.NextInt64(0, 1_000_000), newest = 0, acceptedCount = 0, refused = 0;
        var accepted = new List<long>();
        var decisions = new System.Text.StringBuilder();
        for (int k = 0; k < events; k++)
        {
            t = r.Next(20) switch
            {
                < 3 => Math.Max(0, t - r.NextInt64(0, 20 * window)), // late, up to 20 windows back
                < 5 => t,
                5 => t + r.NextInt64(window, 30 * window),           // a gap
                _ => t + r.NextInt64(0, window / 2 + 1),
            };
            bool rollBack = r.Next(6) == 0;
            long effective = Math.Max(newest, t);
            newest = effective;
            if (RateWindow.TryAcquire<TSync>(ref w, origin + t, bucket, 1, 1, limit, int.MaxValue - 1, anchor) != RateWindow.Ok) { refused++; decisions.Append('r'); continue; }
            if (rollBack) { RateWindow.Release<TSync>(ref w, origin + t, bucket, 1, 1, limit, int.MaxValue - 1, anchor); decisions.Append('b'); continue; } // a later check refused: rolled back
            acceptedCount++;
            decisions.Append('a');
            accepted.Add(effective);
            int inWindow = accepted.Count(x => x >= effective - window && x <= effective);
            if (inWindow > limit)
                return ($"seed {seed}: {inWindow} admitted in [{effective - window}, {effective}] (+ origin) with limit {limit}, window {window}", "", 0, 0);
        }
        return (null, decisions.ToString(), acceptedCount, refused);
    }
}
