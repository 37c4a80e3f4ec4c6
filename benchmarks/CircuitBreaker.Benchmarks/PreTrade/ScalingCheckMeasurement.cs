using System.Diagnostics;
using CircuitBreaker.Benchmarks.Latency;

namespace CircuitBreaker.Benchmarks.PreTrade;

/// <summary>
/// <c>pretrade_check_scaling</c>: our gate (multi-threaded mode, full default control set) on the
/// <see cref="ScalingScenario"/> stream spread over <paramref name="instruments"/> instruments, impl name
/// <c>circuitbreaker-&lt;instruments&gt;</c>. Timed like <c>pretrade_check</c> (batches of
/// <see cref="HarnessSettings.BatchSize"/> checks, per-check averages, same sample and warm-up counts, and at least
/// <see cref="MinWarmupMs"/> of warm-up so the gate runs tier-1 code). The scenario
/// and the gate (~160 MB at 100,000 instruments) are built when the measurement runs and dropped after it; one cycle
/// of decisions is verified first.
/// </summary>
internal sealed class ScalingCheckMeasurement(int instruments) : ILatencyMeasurement
{
    /// <summary>Shortest warm-up, in milliseconds of wall time.</summary>
    public const int MinWarmupMs = 1_000;

    public string Name => "pretrade_check_scaling";
    public string Impl => $"circuitbreaker-{instruments}";
    public bool IsOurs => true;

    public LatencyResult Run(HarnessSettings settings)
    {
        var scenario = new ScalingScenario(instruments);
        using var breaker = scenario.CreateGate();
        var check = new OursWiring.GateCheck(breaker.Gate);
        long sequence = 0;
        scenario.VerifyCycle(ref check, ref sequence, Impl);

        int batch = settings.BatchSize;
        int sink = 0;
        // Warm-up by count and by time: the JIT promotes hot methods to tier 1 only after ~100 ms without new tier-0
        // work, which a count alone may not cover at a few hundred ns per check.
        long warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency * MinWarmupMs / 1000;
        for (long i = 0; i < settings.PreTradeWarmupOps || Stopwatch.GetTimestamp() < warmUntil; i++) sink += Next(scenario, ref check, ref sequence);

        var histogram = new LatencyHistogram();
        long gcBefore = Clock.GcCount();
        long allocBefore = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        for (int s = 0; s < settings.PreTradeSamples; s++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int k = 0; k < batch; k++) sink += Next(scenario, ref check, ref sequence);
            long t1 = Stopwatch.GetTimestamp();
            histogram.Record((long)Math.Round(Clock.ToNs(t1 - t0) / batch));
        }
        long end = Stopwatch.GetTimestamp();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocBefore;
        long gcs = Clock.GcCount() - gcBefore;
        GC.KeepAlive(sink);

        long ops = (long)settings.PreTradeSamples * batch;
        return LatencyResult.From(this, histogram, ops, Clock.Seconds(start, end), allocated, gcs,
            $"{batch} checks per timed sample; stream over {scenario.InstrumentsTouched} of {instruments} instruments, {breaker.Gate.Pairs.Count} pairs");
    }

    private static int Next(ScalingScenario scenario, ref OursWiring.GateCheck check, ref long sequence)
    {
        var order = scenario.At(sequence++);
        return (int)check.Check(in order).Reason;
    }
}
