using CircuitBreaker.Tests.Support;
namespace CircuitBreaker.Tests.Detectors;

public sealed class EwmaTests
{
    private const long Second = 1_000_000_000;

    [Fact]
    public void Update_FewSamples_IsPlainRunningMeanAndVariance()
    {
        var e = new Ewma(60 * Second);
        e.Update(0, 1); e.Update(0, 2); e.Update(0, 3);
        Assert.Equal(2.0, e.Mean, 12);
        Assert.Equal(2.0 / 3.0, e.Variance, 12);
        Assert.Equal(3, e.Count);
    }

    [Fact]
    public void Update_AfterOneHalfLife_NewSampleWeighsHalf()
    {
        var e = new Ewma(Second);
        for (int k = 0; k < 1000; k++) e.Update(k, 0);   // 1 ns apart: the 1/(n+1) floor dominates
        e.Update(999 + Second, 100);
        Assert.Equal(50.0, e.Mean, 9);
    }

    [Fact]
    public void Update_IrregularSpacing_LongGapCountsMore()
    {
        var shortGap = new Ewma(Second);
        var longGap = new Ewma(Second);
        for (int k = 0; k < 100; k++) { shortGap.Update(k * Second, 10); longGap.Update(k * Second, 10); }
        shortGap.Update(99 * Second + Second / 10, 20);
        longGap.Update(99 * Second + 3 * Second, 20);
        Assert.True(longGap.Mean > shortGap.Mean, $"{longGap.Mean} vs {shortGap.Mean}");
        Assert.InRange(longGap.Mean, 18.74, 18.76);   // 10 + 10 × (1 − 2^−3)
    }

    [Fact]
    public void Update_NonFiniteOrOutOfOrder_IgnoredOrZeroDelta()
    {
        var e = new Ewma(Second);
        e.Update(10 * Second, 5);
        e.Update(11 * Second, double.NaN);
        e.Update(12 * Second, double.PositiveInfinity);
        Assert.Equal((5.0, 1L), (e.Mean, e.Count));
        e.Update(5 * Second, 7);   // out of order: Δt = 0, counts with the floor weight 1/2
        Assert.Equal(6.0, e.Mean, 12);
        Assert.Equal(10 * Second, e.LastTimeNs);
    }

    [Fact]
    public void ZScore_UsesStdDevFloor()
    {
        var e = new Ewma(Second);
        for (int k = 0; k < 10; k++) e.Update(k, 4);
        Assert.Equal(0, e.StdDev);
        Assert.Equal(3.0, e.ZScore(10, 2), 12);
        Assert.Equal(0, new Ewma(Second).ZScore(10, 1));
    }

    [Fact]
    public void Constructor_NonPositiveHalfLife_Throws()
        => Assert.Throws<ArgumentOutOfRangeException>(() => new Ewma(0));

    [Fact]
    public void Update_AfterWarmup_AllocatesNothing()
    {
        var e = new Ewma(Second);
        e.Update(0, 1);
        long t0 = 0;
        Assert.Equal(0, AllocationProbe.MinAllocated(() =>
        {
            for (int k = 1; k < 10_000; k++) e.Update(t0 + k * 1000, k % 7);
            t0 += 10_000 * 1000; // each round later in event time
        }));
    }
}
