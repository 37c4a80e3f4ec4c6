using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using CircuitBreaker.Ring;

namespace CircuitBreaker.Benchmarks.Pipeline;

/// <summary>
/// Publish cost on the engine thread, one producer thread: 1,024 publishes of a 64-byte <see cref="RiskEvent"/> per
/// invocation (reported per event), into
/// <list type="bullet">
/// <item>a bare <see cref="RingBuffer{T}"/> (capacity 65,536) drained by an <see cref="EventProcessorThread{T, THandler}"/>
/// with a no-op handler, in <see cref="ProducerMode.Single"/> (the baseline) and <see cref="ProducerMode.Multi"/> mode;</item>
/// <item>a started <see cref="RiskPipeline"/> (its defaults: capacity 65,536, fail-closed, yielding wait; watchdog off)
/// whose evaluator runs the book-keeping and the default incident desk but no detector, in both modes.</item>
/// </list>
/// The consumer runs on its own thread the whole time. Before each batch the producer waits while more than half the
/// ring is pending (until a quarter is), so the ring never fills; those waits are included in the figures, and cleanup
/// prints how many batches waited, the average wait per event and the ring's full count, so the part of a figure
/// bounded by the consumer (or by the scheduler descheduling it) rather than by publishing is visible. The
/// two-producer case is measured by the latency harness (<c>ring_2p1c</c>), not here: BenchmarkDotNet times one thread.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EventsPerSecondConfig))]
public class PublishBenchmarks
{
    private const int Ops = 1024;
    private const int Capacity = 65_536;

    private RingBuffer<RiskEvent>? _ring;
    private EventProcessorThread<RiskEvent, Sink>? _processor;
    private Breaker? _breaker;
    private RiskPipeline? _pipeline;
    private RiskEvent _event = RiskEvent.Trade(1, new InstrumentId(0), 60_000, 0.01, Side.Buy);
    private long _throttleWaits, _waitTicks, _refused, _batches;

    /// <summary>Starts a single-producer ring and its consumer thread.</summary>
    [GlobalSetup(Target = nameof(RingSingleProducer))]
    public void SetupRingSingle() => StartRing(ProducerMode.Single);

    /// <summary>Starts a multi-producer ring and its consumer thread.</summary>
    [GlobalSetup(Target = nameof(RingMultiProducer))]
    public void SetupRingMulti() => StartRing(ProducerMode.Multi);

    /// <summary>Starts a single-producer risk pipeline (evaluator thread, no detectors).</summary>
    [GlobalSetup(Target = nameof(PipelineSingleProducer))]
    public void SetupPipelineSingle() => StartPipeline(ProducerMode.Single);

    /// <summary>Starts a multi-producer risk pipeline (evaluator thread, no detectors).</summary>
    [GlobalSetup(Target = nameof(PipelineMultiProducer))]
    public void SetupPipelineMulti() => StartPipeline(ProducerMode.Multi);

    /// <summary>Stops the consumer (draining) and prints the waits and refusals.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        long full = _ring?.FullCount ?? _pipeline?.FullCount ?? 0;
        _processor?.Dispose();
        _pipeline?.Dispose();
        _breaker?.Dispose();
        double waitNsPerEvent = _batches == 0 ? 0 : _waitTicks * (1e9 / Stopwatch.Frequency) / ((double)_batches * Ops);
        Console.WriteLine($"// publish: {_batches} batches of {Ops}; producer waited for the consumer before {_throttleWaits} batches " +
            $"({waitNsPerEvent:0.0} ns per event on average, included in the figures); refused publishes {_refused}; ring full count {full}");
    }

    /// <summary>Bare ring, single-producer sequencing (plain claim).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public long RingSingleProducer() => PublishBatch(_ring!);

    /// <summary>Bare ring, multi-producer sequencing (atomic claim) used by one thread.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public long RingMultiProducer() => PublishBatch(_ring!);

    /// <summary><see cref="RiskPipeline.Publish"/>, single producer.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public long PipelineSingleProducer() => PublishBatch(_pipeline!);

    /// <summary><see cref="RiskPipeline.Publish"/>, multi-producer mode used by one thread.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public long PipelineMultiProducer() => PublishBatch(_pipeline!);

    private long PublishBatch(RingBuffer<RiskEvent> ring)
    {
        if (ring.Pending > Capacity / 2) WaitForConsumer(ring);
        _batches++;
        for (int i = 0; i < Ops; i++)
        {
            _event.TimeNs++;
            if (ring.TryPublish(in _event) != PublishResult.Published) _refused++;
        }
        return _event.TimeNs;
    }

    private long PublishBatch(RiskPipeline pipeline)
    {
        if (pipeline.Lag > Capacity / 2) WaitForConsumer(pipeline);
        _batches++;
        for (int i = 0; i < Ops; i++)
        {
            _event.TimeNs++;
            if (pipeline.Publish(in _event) != PublishResult.Published) _refused++;
        }
        return _event.TimeNs;
    }

    private void WaitForConsumer(RingBuffer<RiskEvent> ring)
    {
        _throttleWaits++;
        long start = Stopwatch.GetTimestamp();
        var spin = new SpinWait();
        while (ring.Pending > Capacity / 4) spin.SpinOnce(sleep1Threshold: -1);
        _waitTicks += Stopwatch.GetTimestamp() - start;
    }

    private void WaitForConsumer(RiskPipeline pipeline)
    {
        _throttleWaits++;
        long start = Stopwatch.GetTimestamp();
        var spin = new SpinWait();
        while (pipeline.Lag > Capacity / 4) spin.SpinOnce(sleep1Threshold: -1);
        _waitTicks += Stopwatch.GetTimestamp() - start;
    }

    private void StartRing(ProducerMode mode)
    {
        _ring = new RingBuffer<RiskEvent>(new RingBufferOptions
        {
            Capacity = Capacity,
            ProducerMode = mode,
            FullRingPolicy = FullRingPolicy.DropAndCount,
            WaitStrategy = WaitStrategyKind.Yielding,
        });
        _processor = new EventProcessorThread<RiskEvent, Sink>(_ring, new Sink(new Checksum()), new EventProcessorOptions { ThreadName = "bench-publish-consumer" });
        _processor.Start();
    }

    private void StartPipeline(ProducerMode mode)
    {
        var b = new CircuitBreakerBuilder()
            .Instrument("BTC-PERP", InstrumentKind.Perpetual, 0.5, 0.001)
            .Account("mm-1");
        _breaker = new Breaker(b.BuildConfig());
        _pipeline = new RiskPipeline(_breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = Capacity, ProducerMode = mode }, StallThreshold = TimeSpan.Zero });
        _pipeline.Start();
    }

    private sealed class Checksum { public long Value; }

    /// <summary>The bare ring's consumer: reads each event's time (so the slot is really read) and nothing else.</summary>
    private readonly struct Sink(Checksum checksum) : IEventHandler<RiskEvent>
    {
        public void OnEvent(ref RiskEvent e, long sequence, bool endOfBatch) => checksum.Value += e.TimeNs;
    }
}
