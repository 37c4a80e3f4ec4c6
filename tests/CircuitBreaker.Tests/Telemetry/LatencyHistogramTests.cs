namespace CircuitBreaker.Tests.Telemetry;

public sealed class LatencyHistogramTests
{
    // Exact percentile of a sorted sample using the same rank definition as the histogram: ceil(p/100 * n).
    private static long ExactPercentile(long[] sorted, double p)
    {
        long rank = Math.Max(1, (long)Math.Ceiling(p / 100.0 * sorted.Length));
        return sorted[rank - 1];
    }

    private static void AssertWithinRelativeError(long expected, long actual, double relativeError)
    {
        double error = expected == 0 ? actual : Math.Abs(actual - expected) / (double)expected;
        Assert.True(error <= relativeError, $"expected {expected} ± {relativeError:P2}, got {actual} (error {error:P3})");
    }

    public static TheoryData<string> Distributions => new() { "uniform", "exponential", "lognormal", "bimodal" };

    private static long[] Sample(string distribution, int n, int seed)
    {
        var random = new Random(seed);
        var values = new long[n];
        for (int i = 0; i < n; i++)
        {
            values[i] = distribution switch
            {
                "uniform" => random.NextInt64(0, 1_000_000),
                "exponential" => (long)(-Math.Log(1 - random.NextDouble()) * 5_000),
                "lognormal" => (long)Math.Exp(4 + 2 * Gaussian(random)),
                "bimodal" => random.Next(10) == 0 ? 20_000 + random.Next(5_000) : 20 + random.Next(30),
                _ => throw new ArgumentException(distribution),
            };
        }
        return values;
    }

    private static double Gaussian(Random random)
        => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Theory]
    [MemberData(nameof(Distributions))]
    public void ValueAtPercentile_KnownDistribution_WithinStatedRelativeError(string distribution)
    {
        var values = Sample(distribution, 200_000, seed: 7);
        var histogram = new LatencyHistogram();
        foreach (var v in values) histogram.Record(v);
        Array.Sort(values);

        foreach (var p in new[] { 1.0, 10, 25, 50, 75, 90, 99, 99.9, 99.99 })
            AssertWithinRelativeError(ExactPercentile(values, p), histogram.ValueAtPercentile(p), histogram.MaxRelativeError);
        Assert.Equal(values[0], histogram.ValueAtPercentile(0));
        Assert.Equal(values[^1], histogram.ValueAtPercentile(100));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(10)]
    public void ValueAtPercentile_AnySubBucketBits_WithinTwoToMinusBitsPlusOne(int bits)
    {
        var values = Sample("lognormal", 50_000, seed: bits);
        var histogram = new LatencyHistogram(bits);
        foreach (var v in values) histogram.Record(v);
        Array.Sort(values);

        Assert.Equal(Math.Pow(2, -(bits + 1)), histogram.MaxRelativeError);
        foreach (var p in new[] { 5.0, 50, 90, 99, 99.9 })
            AssertWithinRelativeError(ExactPercentile(values, p), histogram.ValueAtPercentile(p), histogram.MaxRelativeError);
    }

    [Fact]
    public void CountMinMaxMean_KnownValues_Exact()
    {
        var histogram = new LatencyHistogram();
        long[] values = { 5, 1_000, 123_456_789, 42, 0 };
        foreach (var v in values) histogram.Record(v);

        Assert.Equal(5, histogram.Count);
        Assert.Equal(0, histogram.Min);
        Assert.Equal(123_456_789, histogram.Max);
        Assert.Equal(values.Average(), histogram.Mean, precision: 6);
    }

    [Fact]
    public void Record_ValuesBelowSubBucketCount_AreExact()
    {
        var histogram = new LatencyHistogram(subBucketBits: 6);
        for (long v = 0; v < 128; v++) histogram.Record(v); // exact up to 2^(b+1) - 1: bucket width is 1 there

        for (long v = 0; v < 128; v++)
            Assert.Equal(v, histogram.ValueAtPercentile((v + 1) * 100.0 / 128));
    }

    [Fact]
    public void Queries_EmptyHistogram_ReturnZero()
    {
        var histogram = new LatencyHistogram();

        Assert.Equal(0, histogram.Count);
        Assert.Equal(0, histogram.Min);
        Assert.Equal(0, histogram.Max);
        Assert.Equal(0, histogram.Mean);
        Assert.Equal(0, histogram.ValueAtPercentile(50));
        Assert.Equal(0, histogram.ValueAtPercentile(100));
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MaxValue - 1)]
    [InlineData(1L << 62)]
    public void Record_SingleEdgeValue_EveryPercentileReturnsIt(long value)
    {
        var histogram = new LatencyHistogram();
        histogram.Record(value);

        Assert.Equal(value, histogram.Min);
        Assert.Equal(value, histogram.Max);
        foreach (var p in new[] { 0.0, 0.001, 50, 99.99, 100 })
            Assert.Equal(value, histogram.ValueAtPercentile(p));
    }

    [Fact]
    public void Record_HugeAndTinyValues_BothCountedAndOrdered()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(1);
        histogram.Record(long.MaxValue);

        Assert.Equal(2, histogram.Count);
        Assert.Equal(1, histogram.ValueAtPercentile(50));
        AssertWithinRelativeError(long.MaxValue, histogram.ValueAtPercentile(51), histogram.MaxRelativeError);
        Assert.Equal(long.MaxValue, histogram.ValueAtPercentile(100));
        Assert.True(histogram.Mean > 4e18);
    }

    [Fact]
    public void Record_NegativeValue_RecordedAsZero()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(-5);

        Assert.Equal(1, histogram.Count);
        Assert.Equal(0, histogram.Min);
        Assert.Equal(0, histogram.ValueAtPercentile(50));
    }

    [Fact]
    public void Record_WithTimes_EqualsRepeatedRecord()
    {
        var batched = new LatencyHistogram();
        var repeated = new LatencyHistogram();
        batched.Record(300, 5);
        batched.Record(7, 0);   // ignored
        batched.Record(9, -3);  // ignored
        for (int i = 0; i < 5; i++) repeated.Record(300);

        Assert.Equal(repeated.Count, batched.Count);
        Assert.Equal(repeated.Mean, batched.Mean);
        Assert.Equal(repeated.Min, batched.Min);
        Assert.Equal(repeated.ValueAtPercentile(50), batched.ValueAtPercentile(50));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(100.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void ValueAtPercentile_OutOfRange_Throws(double percentile)
    {
        var histogram = new LatencyHistogram();
        histogram.Record(10);

        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.ValueAtPercentile(percentile));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void Constructor_SubBucketBitsOutOfRange_Throws(int bits)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new LatencyHistogram(bits));

    [Fact]
    public void Reset_AfterRecords_BehavesAsNew()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(1_000_000);
        histogram.Reset();
        histogram.Record(50);

        Assert.Equal(1, histogram.Count);
        Assert.Equal(50, histogram.Min);
        Assert.Equal(50, histogram.Max);
        Assert.Equal(50, histogram.ValueAtPercentile(99));
    }

    [Fact]
    public void Merge_TwoHalves_EqualsOneHistogramOfAll()
    {
        var values = Sample("exponential", 20_000, seed: 3);
        var all = new LatencyHistogram();
        var left = new LatencyHistogram();
        var right = new LatencyHistogram();
        for (int i = 0; i < values.Length; i++)
        {
            all.Record(values[i]);
            (i % 2 == 0 ? left : right).Record(values[i]);
        }

        left.Merge(right);

        Assert.Equal(all.Count, left.Count);
        Assert.Equal(all.Min, left.Min);
        Assert.Equal(all.Max, left.Max);
        Assert.Equal(all.Mean, left.Mean, precision: 6);
        foreach (var p in new[] { 10.0, 50, 90, 99, 99.9 })
            Assert.Equal(all.ValueAtPercentile(p), left.ValueAtPercentile(p));
    }

    [Fact]
    public void Merge_EmptyIntoEmptyAndEmptyIntoFull_ChangesNothing()
    {
        var full = new LatencyHistogram();
        full.Record(77);
        var empty = new LatencyHistogram();

        full.Merge(new LatencyHistogram());
        empty.Merge(new LatencyHistogram());

        Assert.Equal(1, full.Count);
        Assert.Equal(77, full.Min);
        Assert.Equal(0, empty.Count);
        Assert.Equal(0, empty.Min);
    }

    [Fact]
    public void Merge_DifferentSubBucketBits_Throws()
        => Assert.Throws<ArgumentException>(() => new LatencyHistogram(6).Merge(new LatencyHistogram(7)));

    [Fact]
    public void Merge_Null_Throws()
        => Assert.Throws<ArgumentNullException>(() => new LatencyHistogram().Merge(null!));

    [Fact]
    public void IndexOf_EveryBucketBoundary_RoundTripsThroughLowestAndWidth()
    {
        var histogram = new LatencyHistogram(subBucketBits: 4);
        int previous = -1;
        long expectedLowest = 0;
        // Walk bucket by bucket across the whole long range: buckets are contiguous and in order.
        while (true)
        {
            int index = histogram.IndexOf(expectedLowest);
            Assert.Equal(previous + 1, index);
            Assert.Equal(expectedLowest, histogram.LowestOf(index));
            long width = histogram.WidthOf(index);
            Assert.Equal(index, histogram.IndexOf(expectedLowest + width - 1));
            previous = index;
            if (expectedLowest > long.MaxValue - width) break;
            expectedLowest += width;
        }
        Assert.Equal(histogram.IndexOf(long.MaxValue), previous);
    }
}
