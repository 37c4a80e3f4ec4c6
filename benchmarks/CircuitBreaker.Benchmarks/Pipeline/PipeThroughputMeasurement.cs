using System.Diagnostics;
using CircuitBreaker.Benchmarks.Latency;

namespace CircuitBreaker.Benchmarks.Pipeline;

/// <summary>
/// <c>ring_1p1c</c> / <c>ring_4p1c</c>: producers publish as fast as they can (spinning while the pipe is full), one
/// consumer drains. ops/s is events handled per second of wall time, from the start gate to the last event handled.
/// The latency figures are the producers' publish cost per event, including waits on a full pipe: each sample times
/// <see cref="HarnessSettings.BatchSize"/> publishes and records the average (end-to-end latency under saturation is
/// queueing delay, which <c>publish_to_trip</c> measures unsaturated). Allocation and GC counts cover every thread
/// (<see cref="GC.GetTotalAllocatedBytes(bool)"/>); the run fails if any event is lost.
/// </summary>
internal sealed class PipeThroughputMeasurement(string name, string impl, bool isOurs, int producers, EventPipeFactory factory)
    : ILatencyMeasurement
{
    public string Name => name;
    public string Impl => impl;
    public bool IsOurs => isOurs;

    private sealed class CountingHandler : IRiskEventHandler
    {
        public long Count;
        public long Checksum;
        public void OnEvent(in RiskEvent e) { Count++; Checksum += e.TimeNs; }
    }

    public LatencyResult Run(HarnessSettings settings)
    {
        int perProducer = producers == 1 ? settings.Ring1P1CEvents : settings.Ring4P1CEventsPerProducer;
        RunOnce(settings, Math.Max(1, settings.PipeWarmupEvents / producers), out _, out _, out _, out _);
        var histogram = RunOnce(settings, perProducer, out double seconds, out long allocated, out long gcs, out long handled);
        return LatencyResult.From(this, histogram, handled, seconds, allocated, gcs,
            $"{producers}p1c, capacity {settings.PipeCapacity}; latency = publish cost, {settings.BatchSize} per sample");
    }

    private LatencyHistogram RunOnce(HarnessSettings settings, int perProducer, out double seconds, out long allocated, out long gcs, out long handled)
    {
        using var pipe = factory(producers, settings.PipeCapacity) ?? throw new InvalidOperationException($"{impl} pipe not available");
        var handler = new CountingHandler();
        var histograms = new LatencyHistogram[producers];
        using var startGate = new ManualResetEventSlim(false);
        using var ready = new CountdownEvent(producers);
        var threads = new Thread[producers];
        for (int p = 0; p < producers; p++)
        {
            var h = histograms[p] = new LatencyHistogram();
            int batch = settings.BatchSize;
            threads[p] = new Thread(() =>
            {
                ready.Signal();
                startGate.Wait();
                Produce(pipe, h, perProducer, batch);
            }) { IsBackground = true, Name = $"producer-{p}" };
        }
        pipe.Start(handler);
        foreach (var t in threads) t.Start();
        ready.Wait();

        long gcBefore = Clock.GcCount();
        long allocBefore = GC.GetTotalAllocatedBytes(precise: true);
        long start = Stopwatch.GetTimestamp();
        startGate.Set();
        foreach (var t in threads) t.Join();
        pipe.Complete();
        long end = Stopwatch.GetTimestamp();
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocBefore;
        gcs = Clock.GcCount() - gcBefore;
        seconds = Clock.Seconds(start, end);

        handled = handler.Count;
        long expected = (long)perProducer * producers;
        if (handled != expected)
            throw new InvalidOperationException($"{impl} {name}: handled {handled} of {expected} events");
        for (int p = 1; p < producers; p++) histograms[0].Merge(histograms[p]);
        return histograms[0];
    }

    private static void Produce(IEventPipe pipe, LatencyHistogram histogram, int count, int batch)
    {
        var e = RiskEvent.Trade(0, new InstrumentId(0), 60_000, 0.01);
        int published = 0;
        while (published < count)
        {
            int n = Math.Min(batch, count - published);
            long t0 = Stopwatch.GetTimestamp();
            for (int k = 0; k < n; k++)
            {
                e.TimeNs = published + k;
                if (!pipe.TryPublish(in e))
                {
                    var spin = new SpinWait();
                    do spin.SpinOnce(sleep1Threshold: -1); while (!pipe.TryPublish(in e));
                }
            }
            long t1 = Stopwatch.GetTimestamp();
            histogram.Record((long)Math.Round(Clock.ToNs(t1 - t0) / n));
            published += n;
        }
    }
}
