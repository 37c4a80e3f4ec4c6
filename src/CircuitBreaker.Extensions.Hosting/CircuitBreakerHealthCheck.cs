using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CircuitBreaker.Extensions.Hosting;

/// <summary>
/// The breaker's health for <c>/health</c> endpoints and orchestrators (register with
/// <see cref="CircuitBreakerHealthCheckBuilderExtensions.AddCircuitBreaker"/>):
/// <list type="bullet">
/// <item><see cref="HealthStatus.Unhealthy"/> when trading is halted globally (by an operator, a playbook, a full ring or
/// the watchdog);</item>
/// <item><see cref="HealthStatus.Degraded"/> when any scope is restricted (an instrument, group or account halted or
/// reduce-only, or global reduce-only), when the evaluator lags (at least <see cref="LagThreshold"/> events published and
/// not yet evaluated), when the watchdog has seen a stall since the previous check, or when the journal is faulted;</item>
/// <item><see cref="HealthStatus.Healthy"/> otherwise.</item>
/// </list>
/// The result's data carries <c>global_state</c>, <c>restricted_scopes</c>, <c>lag</c>, <c>stalls</c> and
/// <c>journal_faulted</c>. Reads counters and state words (O(scopes)); allocates the result only. Thread-safe.
/// </summary>
public sealed class CircuitBreakerHealthCheck : IHealthCheck
{
    private readonly RiskPipeline _pipeline;
    private long _stallsSeen;

    /// <summary>Creates the check over a pipeline (and its breaker).</summary>
    /// <param name="pipeline">The pipeline the host runs.</param>
    /// <param name="lagThreshold">Events published and not yet evaluated from which the evaluator counts as lagging (&gt;= 1;
    /// <see cref="CircuitBreakerHealthCheckBuilderExtensions.AddCircuitBreaker"/> passes half the ring's capacity by default).</param>
    public CircuitBreakerHealthCheck(RiskPipeline pipeline, long lagThreshold)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentOutOfRangeException.ThrowIfLessThan(lagThreshold, 1);
        _pipeline = pipeline;
        LagThreshold = lagThreshold;
        _stallsSeen = pipeline.Stalls;
    }

    /// <summary>Lag (events) from which the evaluator counts as lagging.</summary>
    public long LagThreshold { get; }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var board = _pipeline.Breaker.Board;
        var global = board.Global;
        int restricted = board.CountRestricted();
        long lag = _pipeline.Lag;
        long stalls = _pipeline.Stalls;
        bool newStall = stalls > Interlocked.Exchange(ref _stallsSeen, stalls);
        bool journalFaulted = _pipeline.JournalFaulted;
        var data = new Dictionary<string, object>
        {
            ["global_state"] = global.ToString(),
            ["restricted_scopes"] = restricted,
            ["lag"] = lag,
            ["stalls"] = stalls,
            ["journal_faulted"] = journalFaulted,
        };
        HealthCheckResult result;
        if (global == TradingState.Halted)
            result = HealthCheckResult.Unhealthy("trading is halted globally", data: data);
        else if (restricted > 0 || lag >= LagThreshold || newStall || journalFaulted)
        {
            var why = new List<string>(4);
            if (restricted > 0) why.Add($"{restricted} scope(s) restricted");
            if (lag >= LagThreshold) why.Add($"evaluator lags by {lag} events");
            if (newStall) why.Add("the evaluator stalled since the last check");
            if (journalFaulted) why.Add("the journal is faulted");
            result = HealthCheckResult.Degraded(string.Join("; ", why), data: data);
        }
        else result = HealthCheckResult.Healthy("trading", data);
        return Task.FromResult(result);
    }
}

/// <summary>Registers <see cref="CircuitBreakerHealthCheck"/> with the health-check system.</summary>
public static class CircuitBreakerHealthCheckBuilderExtensions
{
    /// <summary>Adds the circuit breaker's health check (<see cref="CircuitBreakerHealthCheck"/>) over the
    /// <see cref="RiskPipeline"/> that <c>AddCircuitBreaker</c> registered. Allocates (setup).</summary>
    /// <param name="builder">From <c>services.AddHealthChecks()</c>.</param>
    /// <param name="name">The check's name (default <c>circuit_breaker</c>).</param>
    /// <param name="lagThreshold">Lag (events) from which the evaluator counts as lagging; default half the ring's capacity.</param>
    /// <param name="tags">Tags to filter checks by (e.g. <c>ready</c>); default none.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    public static IHealthChecksBuilder AddCircuitBreaker(this IHealthChecksBuilder builder, string name = "circuit_breaker",
        long? lagThreshold = null, IEnumerable<string>? tags = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (lagThreshold is < 1) throw new ArgumentOutOfRangeException(nameof(lagThreshold), lagThreshold, "the lag threshold must be >= 1 event");
        CircuitBreakerHealthCheck? check = null; // one instance, so "stalled since the last check" spans checks
        return builder.Add(new HealthCheckRegistration(name, sp => check ??= new CircuitBreakerHealthCheck(sp.GetRequiredService<RiskPipeline>(),
            lagThreshold ?? Math.Max(1, sp.GetRequiredService<CircuitBreakerSettings>().Pipeline.Ring.Capacity / 2)), failureStatus: null, tags));
    }
}
