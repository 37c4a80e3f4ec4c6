using CircuitBreaker.Ring;

namespace CircuitBreaker.Benchmarks.Pipeline;

/// <summary>
/// Our ring as an <see cref="IEventPipe"/>: a preallocated <see cref="RingBuffer{T}"/> of <see cref="RiskEvent"/>
/// (single- or multi-producer sequencing by producer count), consumed in batches by a dedicated
/// <see cref="EventProcessorThread{T, THandler}"/> with the yielding wait strategy (what the risk pipeline defaults to),
/// or another one (<see cref="For"/>: publish_to_trip is stated per wait strategy).
/// </summary>
internal sealed class RingEventPipe : IEventPipe
{
    private readonly RingBuffer<RiskEvent> _ring;
    private EventProcessorThread<RiskEvent, Forward>? _processor;

    public RingEventPipe(int producers, int capacity, WaitStrategyKind waitStrategy = WaitStrategyKind.Yielding)
    {
        _ring = new RingBuffer<RiskEvent>(new RingBufferOptions
        {
            Capacity = capacity,
            ProducerMode = producers == 1 ? ProducerMode.Single : ProducerMode.Multi,
            FullRingPolicy = FullRingPolicy.DropAndCount, // the harness retries a refused publish: nothing is lost
            WaitStrategy = waitStrategy,
        });
    }

    public static IEventPipe Create(int producers, int capacity) => new RingEventPipe(producers, capacity);

    /// <summary>A factory of rings whose consumer waits with <paramref name="waitStrategy"/>.</summary>
    public static EventPipeFactory For(WaitStrategyKind waitStrategy) => (producers, capacity) => new RingEventPipe(producers, capacity, waitStrategy);

    public string Impl => "ring";

    public void Start(IRiskEventHandler handler)
    {
        _processor = new EventProcessorThread<RiskEvent, Forward>(_ring, new Forward(handler), new EventProcessorOptions { ThreadName = "bench-ring-consumer" });
        _processor.Start();
    }

    public bool TryPublish(in RiskEvent e) => _ring.TryPublish(in e) == PublishResult.Published;

    public void Complete() => _processor?.Stop();

    public void Dispose() => _processor?.Dispose();

    private readonly struct Forward(IRiskEventHandler handler) : IEventHandler<RiskEvent>
    {
        public void OnEvent(ref RiskEvent e, long sequence, bool endOfBatch) => handler.OnEvent(in e);
    }
}
