using Polly;

namespace CircuitBreaker.Benchmarks.PreTrade;

/// <summary>
/// What the pre-trade measurement calls. Implemented by structs so <see cref="PreTradeCheckMeasurement{TCheck}"/>
/// is specialised per implementation by the JIT (direct, inlinable call; no delegate, no interface dispatch).
/// Wiring a new gate is one struct with one method.
/// </summary>
internal interface IPreTradeCheck
{
    /// <summary>Checks one order.</summary>
    Decision Check(in OrderRequest order);
}

/// <summary>No check at all: accepts every order. Its row (<c>stream-only</c>) is what the harness itself costs per
/// order (building the request from the stream, the loop, the call), so readers can see how much of every other row's
/// figure is not the gate. Its decisions are not verified (it accepts the planted rejects).</summary>
internal readonly struct StreamOnlyCheck : IPreTradeCheck
{
    public Decision Check(in OrderRequest order) => Decision.Accept;
}

/// <summary>The lock + dictionary + decimal baseline.</summary>
internal readonly struct NaiveCheck(NaivePreTradeGate gate) : IPreTradeCheck
{
    public Decision Check(in OrderRequest order) => gate.Check(in order);
}

/// <summary>
/// The baseline decision guarded by a Polly.Core circuit breaker: <c>ResiliencePipeline&lt;Decision&gt;</c>, the
/// TState <c>Execute</c> overload and a static lambda, so no closure is allocated per call.
/// </summary>
internal readonly struct PollyCheck(ResiliencePipeline<Decision> pipeline, NaivePreTradeGate gate) : IPreTradeCheck
{
    public Decision Check(in OrderRequest order)
        => pipeline.Execute(static state => state.Gate.Check(in state.Order), (Gate: gate, Order: order));

    /// <summary>
    /// A pipeline with one circuit breaker (Polly defaults except a 10 s sampling window): it opens when at least half
    /// of 100+ executions in the window throw. A reject is a normal result, not a failure.
    /// </summary>
    public static PollyCheck Create(NaivePreTradeGate gate)
    {
        var pipeline = new ResiliencePipelineBuilder<Decision>()
            .AddCircuitBreaker(new Polly.CircuitBreaker.CircuitBreakerStrategyOptions<Decision>
            {
                FailureRatio = 0.5,
                MinimumThroughput = 100,
                SamplingDuration = TimeSpan.FromSeconds(10),
                BreakDuration = TimeSpan.FromSeconds(5),
            })
            .Build();
        return new PollyCheck(pipeline, gate);
    }
}
