namespace CircuitBreaker.Ring;

/// <summary>Outcome of <see cref="RingBuffer{T}.TryPublish"/>.</summary>
public enum PublishResult
{
    /// <summary>The event is in the ring and will be seen by the consumer (including by a draining stop).</summary>
    Published = 0,

    /// <summary>The ring was full; the event was not published (see <see cref="FullRingPolicy"/>).</summary>
    Full = 1,

    /// <summary>
    /// The ring is stopped. The event was not accepted; if the stop raced this very publish the event may still be
    /// seen by a draining consumer, so treat it as "not guaranteed", never as "guaranteed absent".
    /// </summary>
    Stopped = 2,
}
