namespace CircuitBreaker;

/// <summary>
/// Who may call <see cref="PreTradeGate.Check"/> (set with <see cref="CircuitBreakerBuilder.Concurrency"/>; fixed for
/// the life of the gate).
/// </summary>
public enum GateConcurrency
{
    /// <summary>
    /// Default. Any thread may call <c>Check</c>, concurrently: the gate's counters are updated with atomics
    /// (reserve first, check after, roll back on refusal). Fills release working quantity directly from the
    /// position keeper's thread.
    /// </summary>
    MultiThreaded = 0,

    /// <summary>
    /// One thread calls <c>Check</c> at a time (typically the order-gateway thread that sends every order; calls
    /// from different threads must be ordered by the caller, e.g. a lock or a hand-off). The gate then owns its
    /// counters outright and updates them with plain stores, several times faster. Fills do not touch the gate's
    /// state: the position keeper posts a release record (account, order id, lots) to a preallocated
    /// single-producer/single-consumer queue that the gate drains at the start of each <c>Check</c>. Calling
    /// <c>Check</c> from two threads at once in this mode corrupts the counters.
    /// </summary>
    SingleWriter = 1,
}
