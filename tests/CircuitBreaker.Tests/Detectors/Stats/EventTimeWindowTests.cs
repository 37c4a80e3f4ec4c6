using CircuitBreaker.Tests.Support;
namespace CircuitBreaker.Tests.Detectors;

public sealed class EventTimeWindowTests
{
    private const long Ms = 1_000_000;

    [Fact]
    public void Add_WithinWindow_SumsCountsMinMax()
    {
        var w = new EventTimeWindow(1000 * Ms, 10);
        w.Add(0, 3); w.Add(150 * Ms, 5); w.Add(900 * Ms, -1);
        Assert.Equal((7.0, 3L), (w.Sum, w.Count));
        Assert.Equal((-1.0, 5.0), (w.Min(), w.Max()));
    }

    [Fact]
    public void AdvanceTo_PastWindow_OldBucketsExpire()
    {
        var w = new EventTimeWindow(1000 * Ms, 10);
        w.Add(0, 3); w.Add(150 * Ms, 5);
        w.AdvanceTo(1050 * Ms);            // bucket 0 (t = 0) left, bucket 1 (t = 150 ms) still in
        Assert.Equal((5.0, 1L), (w.Sum, w.Count));
        Assert.Equal(100, w.AdvanceTo(11_000 * Ms));
        Assert.Equal((0.0, 0L), (w.Sum, w.Count));
        Assert.True(double.IsNaN(w.Min()) && double.IsNaN(w.Max()));
    }

    [Fact]
    public void Add_LateButInsideWindow_CountedInItsBucket()
    {
        var w = new EventTimeWindow(1000 * Ms, 10);
        w.Add(800 * Ms, 1);
        Assert.True(w.Add(300 * Ms, 2));
        w.AdvanceTo(1350 * Ms);            // bucket 3 (300 ms) has left, bucket 8 (800 ms) remains
        Assert.Equal(1.0, w.Sum);
    }

    [Fact]
    public void Add_OlderThanWindowOrNotFinite_Dropped()
    {
        var w = new EventTimeWindow(1000 * Ms, 10);
        w.Add(5000 * Ms, 1);
        Assert.False(w.Add(3000 * Ms, 2));
        Assert.False(w.Add(5001 * Ms, double.NaN));
        Assert.Equal((1.0, 2L), (w.Sum, w.Dropped));
    }

    [Fact]
    public void Sum_RandomStream_EqualsBucketRuleAndNeverOlderThanWindow()
    {
        // Conservative coverage: the window holds exactly the values whose bucket is in (k − B, k], k = ⌊t / w⌋.
        var rng = new SplitMix64(11);
        var w = new EventTimeWindow(700 * Ms, 7);
        var seen = new List<(long T, double V)>();
        long t = 0;
        for (int n = 0; n < 5000; n++)
        {
            t += (long)(rng.NextDouble() * 80 * Ms);
            double v = Math.Round(rng.NextDouble() * 10, 3);
            w.Add(t, v);
            seen.Add((t, v));
            long k = t / w.BucketNs;
            double expected = seen.Where(s => s.T / w.BucketNs > k - 7).Sum(s => s.V);
            Assert.Equal(expected, w.Sum, 9);
            Assert.All(seen.Where(s => s.T / w.BucketNs > k - 7), s => Assert.True(t - s.T < 700 * Ms));
            Assert.True(seen.Count(s => t - s.T < 600 * Ms) <= w.Count);
        }
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-3_000_000_000L)]
    [InlineData(1_800_000_000_000_000_000L)]
    public void MinMax_RandomStreamWithLateValuesAndGaps_EqualTheScanOfTheWindowsValues(long origin)
    {
        // Min/Max are kept incrementally (raised by Add, recomputed on a slide): they must equal, bit for bit, the extremes
        // of exactly the values whose bucket is in (k − B, k], as the former O(buckets) scan returned.
        var rng = new SplitMix64(23);
        var w = new EventTimeWindow(500 * Ms, 5);
        var seen = new List<(long Bucket, double V)>();
        long t = origin, head = long.MinValue;
        for (int n = 0; n < 4000; n++)
        {
            double r = rng.NextDouble();
            t += r < 0.05 ? (long)(rng.NextDouble() * 900 * Ms) : (long)(rng.NextDouble() * 60 * Ms); // now and then a gap past the window
            long at = rng.NextDouble() < 0.2 ? t - (long)(rng.NextDouble() * 450 * Ms) : t;        // a late value, mostly still inside
            double v = rng.NextDouble() < 0.1 ? -rng.NextDouble() * 100 : rng.NextDouble() * 100;
            if (rng.NextDouble() < 0.05) w.AdvanceTo(t); // a slide with no value
            if (w.Add(at, v)) seen.Add((w.BucketOf(at), v));
            head = w.HeadBucket;
            var inside = seen.Where(s => s.Bucket > head - 5 && s.Bucket <= head).Select(s => s.V).ToList();
            Assert.Equal(inside.Count, w.Count);
            Assert.Equal(inside.Count == 0 ? double.NaN : inside.Min(), w.Min());
            Assert.Equal(inside.Count == 0 ? double.NaN : inside.Max(), w.Max());
            if (n % 1000 == 999) { w.Reset(); seen.Clear(); Assert.True(double.IsNaN(w.Min()) && double.IsNaN(w.Max())); }
        }
    }

    [Fact]
    public void Constructor_WindowNotMultipleOfBuckets_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventTimeWindow(1001, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EventTimeWindow(1000, 0));
    }

    [Fact]
    public void Add_AfterConstruction_AllocatesNothing()
    {
        var w = new EventTimeWindow(1000 * Ms, 10);
        w.Add(0, 1); w.Min();
        long t0 = 0;
        Assert.Equal(0, AllocationProbe.MinAllocated(() =>
        {
            for (int k = 1; k < 10_000; k++) { w.Add(t0 + k * 37 * Ms, k); _ = w.Max(); }
            t0 += 10_000 * 37 * Ms; // each round later in event time
        }));
    }
}
