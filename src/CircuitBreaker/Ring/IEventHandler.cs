namespace CircuitBreaker.Ring;

/// <summary>
/// Consumes events from a <see cref="RingBuffer{T}"/>. Implement it on a <see langword="struct"/> and pass it as a
/// generic argument (<see cref="RingBuffer{T}.Poll{THandler}"/>) so the JIT devirtualises and inlines the call.
/// </summary>
/// <typeparam name="T">Event type.</typeparam>
public interface IEventHandler<T> where T : unmanaged
{
    /// <summary>Handles one event, in sequence order, on the consumer thread.</summary>
    /// <param name="e">The event, in place in the ring (valid only during this call).</param>
    /// <param name="sequence">Its sequence number.</param>
    /// <param name="endOfBatch"><see langword="true"/> for the last event of the current batch (flush point).</param>
    void OnEvent(ref T e, long sequence, bool endOfBatch);
}
