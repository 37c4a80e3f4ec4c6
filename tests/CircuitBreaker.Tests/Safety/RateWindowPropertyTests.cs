using FsCheck;
using FsCheck.Fluent;

namespace CircuitBreaker.Tests.Safety;

/// <summary>
/// The sliding window on its own, with event time that jumps back and forth. The gate's window is conservative: it may
/// refuse more, never admit more than the limit in any window of length W. Time is taken as the window sees it:
/// monotone (a late event counts at the newest time seen), so no stamp in the past buys extra budget.
/// </summary>
public class RateWindowPropertyTests
{
    public const int Cases = 2_000;

    private static Gen<(int Seed, int Events)> CaseGen =>
        from seed in Gen.Choose(0, int.MaxValue)
        from events in Gen.Choose(10, 400)
        select (seed, events);

    [Fact]
    public void TryAcquire_RandomTimesWithBackwardJumps2000Cases_NeverMoreThanLimitInAnyWindow()
    {
        long acceptedTotal = 0, refusedTotal = 0;
        var prop = Prop.ForAll(Arb.From(CaseGen), c =>
        {
            var r = new Random(c.Seed);
            long window = r.Next(7, 5_000), bucket = RateWindow.BucketWidth(window);
            int limit = r.Next(1, 10);
            var w = default(RateWindow);
            long t = r.NextInt64(0, 1_000_000), newest = 0;
            var accepted = new List<long>();
            for (int k = 0; k < c.Events; k++)
            {
                t = r.Next(20) switch
                {
                    < 3 => Math.Max(0, t - r.NextInt64(0, 20 * window)), // late, up to 20 windows back
                    < 5 => t,
                    5 => t + r.NextInt64(window, 30 * window),           // a gap
                    _ => t + r.NextInt64(0, window / 2 + 1),
                };
                long effective = Math.Max(newest, t);
                newest = effective;
                if (RateWindow.TryAcquire<AtomicSync>(ref w, t, bucket, 1, 1, limit, int.MaxValue - 1) != RateWindow.Ok) { refusedTotal++; continue; }
                if (r.Next(6) == 0) { RateWindow.Release<AtomicSync>(ref w, t, bucket, 1, 1, limit, int.MaxValue - 1); continue; } // a later check refused: rolled back
                acceptedTotal++;
                accepted.Add(effective);
                int inWindow = accepted.Count(x => x >= effective - window && x <= effective);
                if (inWindow > limit)
                    return false.Label($"seed {c.Seed}: {inWindow} admitted in [{effective - window}, {effective}] with limit {limit}, window {window}");
            }
            return true.Label("ok");
        });
        Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(Cases), prop);
        Assert.True(acceptedTotal > Cases * 5 && refusedTotal > Cases, $"accepted {acceptedTotal}, refused {refusedTotal}: the generator must exercise both");
    }
}
