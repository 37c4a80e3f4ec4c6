using CircuitBreaker.Tests.Support;

namespace CircuitBreaker.Tests.Telemetry;

public sealed class LatencyHistogramAllocationTests
{
    private static long AllocatedBy(Action<LatencyHistogram> action, LatencyHistogram histogram)
    {
        action(histogram); // warm-up: JIT, tiering, statics
        action(histogram);
        // The smallest of a few rounds: one-off runtime work (tiering, on-stack replacement) can land in any one window
        // when the suite runs in parallel; an allocation per call shows in every round.
        return AllocationProbe.MinAllocated(() => action(histogram));
    }

    private static void RecordMany(LatencyHistogram h)
    {
        for (long v = 0; v < 100_000; v++) h.Record(v * 977);
        h.Record(long.MaxValue);
        h.Record(-1);
        h.Record(12_345, 64);
    }

    [Fact]
    public void Record_AfterWarmUp_AllocatesNothing()
        => Assert.Equal(0, AllocatedBy(RecordMany, new LatencyHistogram()));

    [Fact]
    public void QueriesResetAndMerge_AfterWarmUp_AllocateNothing()
    {
        var other = new LatencyHistogram();
        other.Record(500);
        long allocated = AllocatedBy(h =>
        {
            RecordMany(h);
            _ = h.ValueAtPercentile(99.9) + h.Count + h.Min + h.Max + (long)h.Mean;
            h.Merge(other);
            h.Reset();
        }, new LatencyHistogram());

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void AllocationProbe_ControlThatAllocates_IsDetected()
    {
        // Control: the same probe must see an allocation, so the zero results above can fail.
        long allocated = AllocatedBy(h =>
        {
            RecordMany(h);
            _ = h.ToString();
        }, new LatencyHistogram());

        Assert.True(allocated > 0);
    }
}
