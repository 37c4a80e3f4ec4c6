using CircuitBreaker.Tests.Support;
namespace CircuitBreaker.Tests.Detectors;

public sealed class HalfSpaceTreesTests
{
    private static double Gauss(ref SplitMix64 rng)
    {
        double u = 1.0 - rng.NextDouble(), v = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }

    /// <summary>A tight 3-d cluster around 0.5 (inliers).</summary>
    private static double[] Inlier(ref SplitMix64 rng)
        => new[] { 0.5 + 0.05 * Gauss(ref rng), 0.5 + 0.05 * Gauss(ref rng), 0.5 + 0.05 * Gauss(ref rng) };

    /// <summary>A point near a random corner of the cube (outliers).</summary>
    private static double[] Outlier(ref SplitMix64 rng)
    {
        var x = new double[3];
        for (int q = 0; q < 3; q++) x[q] = rng.NextDouble() < 0.5 ? 0.05 * rng.NextDouble() : 1 - 0.05 * rng.NextDouble();
        return x;
    }

    private static HalfSpaceTrees Trained(ulong seed, int points = 1000)
    {
        var model = new HalfSpaceTrees(new HalfSpaceTreesOptions { Dimensions = 3, Seed = seed });
        var rng = new SplitMix64(1234);
        for (int k = 0; k < points; k++) model.Update(Inlier(ref rng));
        return model;
    }

    [Fact]
    public void NextUInt64_SeedZero_MatchesReferenceSequence()
    {
        var rng = new SplitMix64(0);
        Assert.Equal(0xE220A8397B1DCDAFUL, rng.NextUInt64());
        Assert.Equal(0x6E789E6AA1B965F4UL, rng.NextUInt64());
    }

    [Fact]
    public void AnomalyScore_OutliersVsInliers_ClearlySeparated()
    {
        var model = Trained(42);
        var rng = new SplitMix64(99);
        var inliers = Enumerable.Range(0, 200).Select(_ => model.AnomalyScore(Inlier(ref rng))).OrderBy(x => x).ToArray();
        var outliers = Enumerable.Range(0, 200).Select(_ => model.AnomalyScore(Outlier(ref rng))).ToArray();
        double inlier95 = inliers[(int)(0.95 * inliers.Length)];
        Assert.True(outliers.Min() > inlier95, $"min outlier {outliers.Min():0.000} vs 95th pct inlier {inlier95:0.000}");
        Assert.True(outliers.Average() - inliers.Average() > 0.3, $"{outliers.Average():0.000} vs {inliers.Average():0.000}");
    }

    [Fact]
    public void Score_MassOfInlierFarAboveOutlier()
    {
        var model = Trained(42);
        Assert.True(model.Score(new[] { 0.5, 0.5, 0.5 }) > 20 * Math.Max(1, model.Score(new[] { 0.02, 0.98, 0.02 })));
        Assert.InRange(model.Score(new[] { 0.5, 0.5, 0.5 }), 1, model.MaxScore);
    }

    [Fact]
    public void ScoreRecordingLeavesThenUpdateRecorded_SameScoresAndCountsAsScoreThenUpdate()
    {
        // The ML detector's one-walk path against the two walks it replaces: same scores bit for bit, over several window
        // swaps, points outside [0, 1] (clamped) included; a model trained the old way must score the same afterwards.
        var walkTwice = new HalfSpaceTrees(new HalfSpaceTreesOptions { Dimensions = 3, Seed = 3, WindowSize = 50 });
        var walkOnce = new HalfSpaceTrees(new HalfSpaceTreesOptions { Dimensions = 3, Seed = 3, WindowSize = 50 });
        var rng = new SplitMix64(77);
        int differentFromFirst = 0;
        double first = double.NaN;
        for (int k = 0; k < 1000; k++)
        {
            var x = k % 7 == 0 ? Outlier(ref rng) : Inlier(ref rng);
            if (k % 31 == 0) x[1] = 1.3; // clamped to 1
            double expected = walkTwice.AnomalyScore(x);
            double actual = walkOnce.AnomalyScoreRecordingLeaves(x);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expected), BitConverter.DoubleToInt64Bits(actual));
            if (k == 300) first = actual;
            else if (k > 300 && actual != first) differentFromFirst++;
            walkTwice.Update(x);
            walkOnce.UpdateRecorded();
        }
        Assert.Equal(walkTwice.Updates, walkOnce.Updates);
        Assert.True(differentFromFirst > 100, "scores must vary, or the comparison proves nothing");
        var probe = new SplitMix64(9);
        for (int k = 0; k < 200; k++)
        {
            var x = k % 2 == 0 ? Inlier(ref probe) : Outlier(ref probe);
            Assert.Equal(BitConverter.DoubleToInt64Bits(walkTwice.Score(x)), BitConverter.DoubleToInt64Bits(walkOnce.Score(x)));
        }
    }

    [Fact]
    public void Score_SameSeedSameStream_BitIdentical()
    {
        var a = Trained(7);
        var b = Trained(7);
        var c = Trained(8);
        var rng = new SplitMix64(5);
        bool differsWithOtherSeed = false;
        for (int k = 0; k < 300; k++)
        {
            var x = k % 2 == 0 ? Inlier(ref rng) : Outlier(ref rng);
            Assert.Equal(BitConverter.DoubleToInt64Bits(a.AnomalyScore(x)), BitConverter.DoubleToInt64Bits(b.AnomalyScore(x)));
            differsWithOtherSeed |= a.Score(x) != c.Score(x);
        }
        Assert.True(differsWithOtherSeed, "the seed must matter");
    }

    [Fact]
    public void Score_BeforeFirstWindowSwap_ZeroMass()
    {
        var model = Trained(42, points: 249);
        Assert.False(model.IsReady);
        Assert.Equal(0, model.Score(new[] { 0.5, 0.5, 0.5 }));
        model.Update(new[] { 0.5, 0.5, 0.5 });
        Assert.True(model.IsReady);
        Assert.True(model.Score(new[] { 0.5, 0.5, 0.5 }) > 0);
    }

    [Fact]
    public void Score_WrongLengthOrNaN_ClearResult()
    {
        var model = Trained(42);
        Assert.Throws<ArgumentException>(() => model.Score(new[] { 0.5, 0.5 }));
        Assert.True(double.IsNaN(model.Score(new[] { 0.5, double.NaN, 0.5 })));
        long before = model.Updates;
        model.Update(new[] { double.NaN, 0.5, 0.5 });
        Assert.Equal(before, model.Updates);
    }

    [Fact]
    public void ScoreAndUpdate_AfterConstruction_AllocateNothing()
    {
        var model = Trained(42);
        var x = new[] { 0.4, 0.6, 0.5 };
        model.Score(x); model.Update(x);
        double sum = 0;
        long bytes = AllocationProbe.MinAllocated(() =>
        {
            for (int k = 0; k < 2000; k++) { x[k % 3] = (k % 97) / 97.0; sum += model.AnomalyScore(x); model.Update(x); }
        });
        Assert.Equal(0, bytes);
        Assert.True(sum > 0);
    }

    [Fact]
    public void ScoreAndUpdate_ControlThatCopiesInput_AllocationIsSeen()
    {
        var model = Trained(42);
        var x = new[] { 0.4, 0.6, 0.5 };
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 100; k++) model.Update(x.ToArray());
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before > 0);
    }
}
