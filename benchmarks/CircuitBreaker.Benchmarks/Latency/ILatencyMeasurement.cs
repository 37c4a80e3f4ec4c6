namespace CircuitBreaker.Benchmarks.Latency;

/// <summary>
/// One named measurement of one implementation. Implementations of the same <see cref="Name"/> run the same
/// workload so their results compare side by side; ours are flagged with <see cref="IsOurs"/> and ratios are
/// taken against them.
/// </summary>
internal interface ILatencyMeasurement
{
    /// <summary>Workload name, e.g. <c>pretrade_check</c>.</summary>
    string Name { get; }
    /// <summary>Implementation name, e.g. <c>naive</c>, <c>polly</c>, <c>circuitbreaker</c>.</summary>
    string Impl { get; }
    /// <summary>True for CircuitBreaker's own implementation (the ratio reference).</summary>
    bool IsOurs { get; }
    /// <summary>Runs warm-up then the measured part and returns its figures.</summary>
    LatencyResult Run(HarnessSettings settings);
}
