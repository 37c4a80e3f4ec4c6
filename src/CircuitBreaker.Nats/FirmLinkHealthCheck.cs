using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CircuitBreaker.Nats;

/// <summary>
/// The firm link's health (registered as <c>firm_link</c> by <c>AddFirmLink</c>): <see cref="HealthStatus.Degraded"/> while
/// the link is out of contact with the plane or in its safe state, <see cref="HealthStatus.Healthy"/> otherwise. Data:
/// <c>connected</c>, <c>safe</c>, <c>since_contact_ms</c>, <c>applied</c>, <c>ignored</c>, <c>applied_revision</c>.
/// Allocates the result only. Thread-safe.
/// </summary>
public sealed class FirmLinkHealthCheck : IHealthCheck
{
    private readonly FirmLink _link;

    /// <summary>Creates the check over a link.</summary>
    /// <param name="link">The link the host runs.</param>
    public FirmLinkHealthCheck(FirmLink link)
    {
        ArgumentNullException.ThrowIfNull(link);
        _link = link;
    }

    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        bool connected = _link.IsConnected, safe = _link.IsSafe;
        var since = _link.SinceContact;
        var data = new Dictionary<string, object>
        {
            ["connected"] = connected, ["safe"] = safe, ["since_contact_ms"] = (long)since.TotalMilliseconds,
            ["applied"] = _link.Applied, ["ignored"] = _link.Ignored, ["applied_revision"] = _link.AppliedRevision,
        };
        var result = connected && !safe ? HealthCheckResult.Healthy("in contact with the firm plane", data)
            : HealthCheckResult.Degraded(connected ? "in the firm safe state (re-reading the firm state)"
                : $"out of contact with the firm plane for {since.TotalMilliseconds:0} ms{(safe ? "; in the safe state" : "")}", data: data);
        return Task.FromResult(result);
    }
}
