namespace CircuitBreaker.Extensions.Hosting;

/// <summary>
/// What <c>AddCircuitBreaker</c> publishes besides logs. Metrics are on by default: the host creates a
/// <see cref="CircuitBreakerMetrics"/> on the meter <see cref="CircuitBreakerMetrics.MeterName"/> (through the host's
/// <see cref="System.Diagnostics.Metrics.IMeterFactory"/> when it has one), so an OpenTelemetry <c>MeterProvider</c>
/// with <c>AddMeter("CircuitBreaker")</c> collects them with no other wiring. Opt out with
/// <c>services.Configure&lt;CircuitBreakerTelemetryOptions&gt;(o =&gt; o.Metrics = false)</c>.
/// </summary>
public sealed class CircuitBreakerTelemetryOptions
{
    /// <summary>Create <see cref="CircuitBreakerMetrics"/> when the host starts (default true). With false nothing is
    /// published and the gate's counters stay off (the check pays one null test).</summary>
    public bool Metrics { get; set; } = true;
}
