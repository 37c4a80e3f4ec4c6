namespace CircuitBreaker.Benchmarks.Latency;

/// <summary>Sizes of each measurement. <see cref="Quick"/> finishes in well under a minute on 2 cores.</summary>
internal sealed record HarnessSettings
{
    /// <summary>True for the quick profile.</summary>
    public bool IsQuick { get; init; }
    /// <summary>Operations per timed sample for ~20 ns operations (Stopwatch.GetTimestamp costs about as much).</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Timed samples for <c>pretrade_check</c>.</summary>
    public int PreTradeSamples { get; init; } = 1_000_000;
    /// <summary>Untimed warm-up operations for <c>pretrade_check</c> (JIT tiering, queues at steady size).</summary>
    public int PreTradeWarmupOps { get; init; } = 2_000_000;
    /// <summary>Events for <c>ring_1p1c</c>.</summary>
    public int Ring1P1CEvents { get; init; } = 20_000_000;
    /// <summary>Events per producer for <c>ring_4p1c</c>.</summary>
    public int Ring4P1CEventsPerProducer { get; init; } = 2_500_000;
    /// <summary>Warm-up events for the pipe measurements.</summary>
    public int PipeWarmupEvents { get; init; } = 1_000_000;
    /// <summary>Capacity of the pipe under test (channel bound, ring size).</summary>
    public int PipeCapacity { get; init; } = 4096;
    /// <summary>Offending events for <c>publish_to_trip</c>.</summary>
    public int TripEvents { get; init; } = 200_000;
    /// <summary>Pacing of <c>publish_to_trip</c>: one offending event every this many ns.</summary>
    public long TripIntervalNs { get; init; } = 25_000;

    /// <summary>Full profile: a few minutes.</summary>
    public static HarnessSettings Full => new();

    /// <summary>Quick profile: under a minute.</summary>
    public static HarnessSettings Quick => new()
    {
        IsQuick = true,
        PreTradeSamples = 100_000,
        PreTradeWarmupOps = 400_000,
        Ring1P1CEvents = 2_000_000,
        Ring4P1CEventsPerProducer = 250_000,
        PipeWarmupEvents = 200_000,
        TripEvents = 20_000,
    };
}
