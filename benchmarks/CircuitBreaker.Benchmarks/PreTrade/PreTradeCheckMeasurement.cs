using System.Diagnostics;
using System.Runtime.CompilerServices;
using CircuitBreaker.Benchmarks.Latency;

namespace CircuitBreaker.Benchmarks.PreTrade;

/// <summary>
/// <c>pretrade_check</c>: the shared order stream through one gate on the measuring thread. A single check is
/// ~20-200 ns, close to the cost of <see cref="Stopwatch.GetTimestamp"/> itself, so each sample times a batch of
/// <see cref="HarnessSettings.BatchSize"/> consecutive checks and records the per-check average: percentiles are of
/// batch averages (they smooth single-check outliers; max is the worst batch average). Allocation is read with
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> around the timed part.
/// Before timing, <see cref="PreTradeScenario.VerifyCycles"/> full cycles (past the rate window) are each checked against <see cref="PreTradeScenario.ExpectedPerCycle"/>; an
/// implementation that decides differently fails the run instead of producing a misleading figure; the decisions of the
/// warm-up and the timed part are checked too, after timing (their reason codes are summed anyway).
/// </summary>
internal sealed class PreTradeCheckMeasurement<TCheck>(string impl, bool isOurs, PreTradeScenario scenario, TCheck check, bool verify = true)
    : ILatencyMeasurement where TCheck : struct, IPreTradeCheck
{
    private TCheck _check = check;
    private long _sequence;

    public string Name => "pretrade_check";
    public string Impl => impl;
    public bool IsOurs => isOurs;

    public LatencyResult Run(HarnessSettings settings)
    {
        if (verify) scenario.VerifySteadyState(ref _check, ref _sequence, impl);
        int batch = settings.BatchSize;
        long sink = 0;
        long firstUnverified = _sequence;
        // Warm up by count AND by time: a count-only warm-up can end before tiered JIT has promoted the check to
        // optimised code, which made some runs measure tier-0/OSR code (bimodal medians).
        long warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency * ScalingCheckMeasurement.MinWarmupMs / 1000;
        for (long i = 0; i < settings.PreTradeWarmupOps || Stopwatch.GetTimestamp() < warmUntil; i++) sink += CheckNext();

        var histogram = new LatencyHistogram();
        long gcBefore = Clock.GcCount();
        long allocBefore = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        for (int s = 0; s < settings.PreTradeSamples; s++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int k = 0; k < batch; k++) sink += CheckNext();
            long t1 = Stopwatch.GetTimestamp();
            histogram.Record((long)Math.Round(Clock.ToNs(t1 - t0) / batch));
        }
        long end = Stopwatch.GetTimestamp();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocBefore;
        long gcs = Clock.GcCount() - gcBefore;
        if (verify && sink != scenario.ExpectedReasonSum(firstUnverified, _sequence))
            throw new InvalidOperationException($"{impl}: decisions during the warm-up and timed part differ from the scenario's (reason codes sum to {sink}, expected {scenario.ExpectedReasonSum(firstUnverified, _sequence)}): the figure would not be of the scenario's work");

        long ops = (long)settings.PreTradeSamples * batch;
        return LatencyResult.From(this, histogram, ops, Clock.Seconds(start, end), allocated, gcs,
            verify ? $"{batch} checks per timed sample; 7/8 accepted" : $"{batch} requests per timed sample; no check (harness cost)");
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int CheckNext()
    {
        var order = scenario.At(_sequence++);
        return (int)_check.Check(in order).Reason;
    }
}
