using System.Diagnostics;
using CircuitBreaker.Benchmarks.Latency;

namespace CircuitBreaker.Benchmarks.Pipeline;

/// <summary>
/// <c>publish_to_trip</c>: paced, unsaturated load. The producer publishes one offending fill every
/// <see cref="HarnessSettings.TripIntervalNs"/> (busy-wait pacing), stamping <see cref="RiskEvent.TimeNs"/> with
/// <see cref="Stopwatch.GetTimestamp"/> just before publishing. The consumer evaluates each event (fill quantity
/// against a limit); an offending one invokes the kill-switch callback on the consumer thread, which records
/// now − stamp into a <see cref="LatencyHistogram"/> it alone writes. Each sample is one event (no batching).
/// </summary>
internal sealed class PublishToTripMeasurement(string impl, bool isOurs, EventPipeFactory factory) : ILatencyMeasurement
{
    private const double MaxFillQuantity = 1.0;

    public string Name => "publish_to_trip";
    public string Impl => impl;
    public bool IsOurs => isOurs;

    /// <summary>Evaluates fills against a quantity limit and trips on breach.</summary>
    private sealed class FillLimitEvaluator(Action<long> killSwitch) : IRiskEventHandler
    {
        public long Evaluated;
        public void OnEvent(in RiskEvent e)
        {
            Evaluated++;
            if (e.Kind == RiskEventKind.Fill && e.FillData.Quantity > MaxFillQuantity) killSwitch(e.TimeNs);
        }
    }

    /// <summary>The kill-switch callback: records publish-to-trip time. Runs on the consumer thread only.</summary>
    private sealed class TripRecorder
    {
        public readonly LatencyHistogram Histogram = new();
        public long Trips;
        public void OnTrip(long publishedAt)
        {
            long now = Stopwatch.GetTimestamp();
            Trips++;
            Histogram.Record((long)Math.Round(Clock.ToNs(now - publishedAt)));
        }
    }

    public LatencyResult Run(HarnessSettings settings)
    {
        RunOnce(settings, Math.Max(1000, settings.TripEvents / 10), out _, out _, out _);
        var recorder = RunOnce(settings, settings.TripEvents, out double seconds, out long allocated, out long gcs);
        return LatencyResult.From(this, recorder.Histogram, settings.TripEvents, seconds, allocated, gcs,
            $"1 offending fill every {settings.TripIntervalNs / 1000.0:0.#} us; per-event, unbatched");
    }

    private TripRecorder RunOnce(HarnessSettings settings, int events, out double seconds, out long allocated, out long gcs)
    {
        using var pipe = factory(1, settings.PipeCapacity) ?? throw new InvalidOperationException($"{impl} pipe not available");
        var recorder = new TripRecorder();
        var evaluator = new FillLimitEvaluator(recorder.OnTrip);
        pipe.Start(evaluator);
        long intervalTicks = Math.Max(1, (long)(settings.TripIntervalNs * Stopwatch.Frequency / 1e9));
        var fill = RiskEvent.Fill(0, new InstrumentId(0), new AccountId(0), 1, Side.Buy, 60_000, 5 * MaxFillQuantity);

        long gcBefore = Clock.GcCount();
        long allocBefore = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        long next = start;
        for (int i = 0; i < events; i++)
        {
            next += intervalTicks;
            long now = Stopwatch.GetTimestamp();
            if (now >= next) next = now; // fell behind (descheduled): resume pacing, no catch-up burst
            else Clock.SpinUntil(next);
            fill.TimeNs = Stopwatch.GetTimestamp();
            while (!pipe.TryPublish(in fill)) Thread.SpinWait(1);
        }
        pipe.Complete();
        long end = Stopwatch.GetTimestamp();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocBefore;
        gcs = Clock.GcCount() - gcBefore;
        seconds = Clock.Seconds(start, end);
        if (recorder.Trips != events)
            throw new InvalidOperationException($"{impl} publish_to_trip: {recorder.Trips} trips for {events} offending events");
        return recorder;
    }
}
