using System.Diagnostics;
using CircuitBreaker.Benchmarks.Latency;
using CircuitBreaker.Benchmarks.PreTrade;

namespace CircuitBreaker.Benchmarks.Evaluation;

/// <summary>
/// <c>evaluator_throughput</c>: <see cref="Evaluator.Evaluate"/> over the <see cref="EventMix"/> tape on the measuring
/// thread, impl <c>limits-only</c> (book-keeping and incident desk, no detector) or <c>all-detectors</c>
/// (<see cref="DefaultDetectors.Create"/>). Each sample times <see cref="HarnessSettings.BatchSize"/> consecutive events
/// and records the per-event average; ops/s is events evaluated per second. Warm-up: 8 tapes (~2 min of event time)
/// so detector baselines are warm, and at least 1 s of wall time so the evaluator runs tier-1 code. After timing, the run fails if
/// the benign tape tripped anything or raised a finding (it would no longer measure the mix it names). Sizes follow <c>pretrade_check</c>'s sample count, a quarter of it in events.
/// </summary>
internal sealed class EvaluatorThroughputMeasurement(DetectorSet detectors) : ILatencyMeasurement
{
    public string Name => "evaluator_throughput";
    public string Impl => detectors.Name;
    public bool IsOurs => true;

    public LatencyResult Run(HarnessSettings settings)
    {
        var mix = new EventMix();
        var (breaker, evaluator) = detectors.CreateEvaluator();
        using var _ = breaker;
        long sequence = 0;
        long warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency * ScalingCheckMeasurement.MinWarmupMs / 1000;
        for (long i = 0; i < 8 * EventMix.Length || Stopwatch.GetTimestamp() < warmUntil; i++) Next(mix, evaluator, ref sequence);

        int batch = settings.BatchSize;
        int samples = Math.Max(1, settings.PreTradeSamples / 4);
        var histogram = new LatencyHistogram();
        long gcBefore = Clock.GcCount();
        long allocBefore = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        for (int s = 0; s < samples; s++)
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int k = 0; k < batch; k++) Next(mix, evaluator, ref sequence);
            long t1 = Stopwatch.GetTimestamp();
            histogram.Record((long)Math.Round(Clock.ToNs(t1 - t0) / batch));
        }
        long end = Stopwatch.GetTimestamp();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocBefore;
        long gcs = Clock.GcCount() - gcBefore;

        // The tape is benign by design: a trip or a finding would change what later events cost, so the figure would
        // not be of the mix it names. Checked, not assumed.
        long findings = evaluator.Findings.Count + evaluator.Findings.Dropped;
        if (breaker.Board.TransitionCount != 0 || findings != 0)
            throw new InvalidOperationException($"{Impl}: the benign tape tripped {breaker.Board.TransitionCount} state transition(s) and raised {findings} finding(s); widen the limits or fix the detector before publishing this figure");

        long ops = (long)samples * batch;
        return LatencyResult.From(this, histogram, ops, Clock.Seconds(start, end), allocated, gcs,
            $"{batch} events per timed sample; {evaluator.Detectors.Count} detectors; no finding, no trip (checked)");
    }

    private static void Next(EventMix mix, Evaluator evaluator, ref long sequence)
    {
        var e = mix.At(sequence++);
        evaluator.Evaluate(in e);
    }
}
