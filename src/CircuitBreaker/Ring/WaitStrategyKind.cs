namespace CircuitBreaker.Ring;

/// <summary>
/// How the consumer waits when no event is published. A latency/CPU trade-off: the lower the wake-up latency, the
/// more CPU an idle consumer burns.
/// </summary>
public enum WaitStrategyKind
{
    /// <summary>
    /// The default. The consumer spins briefly, then blocks on a signal; producers touch the signal only while a
    /// consumer is blocked (one flag read otherwise), so publishing stays cheap. No CPU when idle; wake-up costs an OS
    /// signal (typically tens of microseconds).
    /// </summary>
    Blocking = 0,

    /// <summary>Spins without yielding. Lowest latency (sub-microsecond); burns a whole core forever, so only with a dedicated, isolated core.</summary>
    BusySpin = 1,

    /// <summary>Spins briefly, then calls <see cref="Thread.Yield"/> in a loop. Low latency (around a microsecond); an idle consumer still takes a core whenever nothing else wants it.</summary>
    Yielding = 2,

    /// <summary>Spins, then yields, then sleeps 1 ms per idle step. Little CPU when idle; wake-up latency up to a scheduler tick (around a millisecond).</summary>
    Sleeping = 3,
}
