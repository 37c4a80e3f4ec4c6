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

    /// <summary>
    /// Any number of threads call <c>Check</c>, but each account is checked by one thread at a time (its orders,
    /// replaces and cancels come from the thread that owns it, e.g. the strategy thread trading it; moving an account
    /// to another thread needs a happens-before, e.g. a lock or a queue, between its last check on the old thread and
    /// its first on the new). The gate then updates the account's own counters (rates, open orders, working lots and
    /// notional, self-match slots) with plain stores and only shared state (instrument and group counters, order-table
    /// slots) with atomics: about 3 locked operations per order instead of about 10. Fills release working quantity
    /// from the position keeper's thread into counters of their own that the gate subtracts, so they never race the
    /// owner. Two threads checking the same account at once in this mode corrupt that account's counters (instrument
    /// and group limits still hold).
    /// </summary>
    AccountOwned = 2,
}
