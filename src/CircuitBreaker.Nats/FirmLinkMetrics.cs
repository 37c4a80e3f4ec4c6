using System.Diagnostics.Metrics;

namespace CircuitBreaker.Nats;

/// <summary>
/// The firm link's metrics on the meter <c>CircuitBreaker.Nats</c>: <c>circuit_breaker.firm.connected</c> (1 in contact,
/// 0 not), <c>circuit_breaker.firm.safe</c> (1 in the safe state), <c>circuit_breaker.firm.lag</c> (ms since the last
/// acknowledged heartbeat), counters <c>circuit_breaker.firm.applied</c>, <c>circuit_breaker.firm.ignored</c>,
/// <c>circuit_breaker.firm.safe_entries</c>, <c>circuit_breaker.firm.raised</c> and <c>circuit_breaker.firm.exposure_puts</c>.
/// All observable: read when a listener collects, nothing on the hot path. Dispose to remove them.
/// </summary>
public sealed class FirmLinkMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "CircuitBreaker.Nats";
    private readonly Meter _meter;

    /// <summary>Creates the instruments over <paramref name="link"/>.</summary>
    /// <param name="link">The link to observe.</param>
    /// <param name="factory">The host's meter factory (default none: a meter of its own).</param>
    public FirmLinkMetrics(FirmLink link, IMeterFactory? factory = null)
    {
        ArgumentNullException.ThrowIfNull(link);
        _meter = factory?.Create(MeterName) ?? new Meter(MeterName);
        _meter.CreateObservableGauge("circuit_breaker.firm.connected", () => link.IsConnected ? 1 : 0, description: "1 while in contact with the firm plane");
        _meter.CreateObservableGauge("circuit_breaker.firm.safe", () => link.IsSafe ? 1 : 0, description: "1 while in the firm safe state");
        _meter.CreateObservableGauge("circuit_breaker.firm.lag", () => link.SinceContact.TotalMilliseconds, unit: "ms", description: "time since the last acknowledged heartbeat");
        _meter.CreateObservableCounter("circuit_breaker.firm.applied", () => link.Applied, description: "firm messages applied");
        _meter.CreateObservableCounter("circuit_breaker.firm.ignored", () => link.Ignored, description: "firm messages ignored (malformed, relaxing fast path, ...)");
        _meter.CreateObservableCounter("circuit_breaker.firm.safe_entries", () => link.SafeEntries, description: "entries into the safe state");
        _meter.CreateObservableCounter("circuit_breaker.firm.raised", () => link.Raised, description: "local trips raised to the firm");
        _meter.CreateObservableCounter("circuit_breaker.firm.exposure_puts", () => link.ExposurePuts, description: "exposure figures written for the aggregator");
    }

    /// <summary>Removes the instruments.</summary>
    public void Dispose() => _meter.Dispose();
}
