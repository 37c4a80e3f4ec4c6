using System.Diagnostics;

namespace CircuitBreaker.Benchmarks.Latency;

/// <summary>Figures of one measurement. Latencies are in nanoseconds.</summary>
internal sealed record LatencyResult(
    string Name, string Impl, bool IsOurs, long Samples,
    double MeanNs, long P50Ns, long P90Ns, long P99Ns, long P999Ns, long P9999Ns, long MaxNs,
    double OpsPerSec, double AllocBytesPerOp, long GcCount, string Note)
{
    /// <summary>Builds a result from a histogram and the counters taken around the measured part.</summary>
    public static LatencyResult From(ILatencyMeasurement m, LatencyHistogram h, long ops, double elapsedSeconds,
        long allocatedBytes, long gcCount, string note)
        => new(m.Name, m.Impl, m.IsOurs, h.Count, h.Mean,
            h.ValueAtPercentile(50), h.ValueAtPercentile(90), h.ValueAtPercentile(99),
            h.ValueAtPercentile(99.9), h.ValueAtPercentile(99.99), h.Max,
            ops / elapsedSeconds, ops == 0 ? 0 : (double)allocatedBytes / ops, gcCount, note);
}

/// <summary>Clock and counter helpers shared by the measurements.</summary>
internal static class Clock
{
    private static readonly double NsPerTick = 1e9 / Stopwatch.Frequency;

    /// <summary>Stopwatch ticks to nanoseconds.</summary>
    public static double ToNs(long ticks) => ticks * NsPerTick;

    /// <summary>Seconds between two Stopwatch timestamps.</summary>
    public static double Seconds(long start, long end) => (end - start) / (double)Stopwatch.Frequency;

    /// <summary>Sum of collections of every generation so far.</summary>
    public static long GcCount() => GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);

    /// <summary>Busy-waits until the Stopwatch reaches <paramref name="timestamp"/> (pacing without sleeping).</summary>
    public static void SpinUntil(long timestamp)
    {
        while (Stopwatch.GetTimestamp() < timestamp) Thread.SpinWait(8);
    }
}
