using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace CircuitBreaker.Extensions.Hosting;

/// <summary>
/// Watches the configuration section (its reload token, as <c>IOptionsMonitor</c> does) from host start to stop. On a
/// change it reads the section again with the same checks as at start, rebases the new limits onto the running
/// registry (<see cref="RiskConfig.RebaseOnto"/>) and swaps them into the gate atomically
/// (<see cref="PreTradeGate.SwapConfig"/>); checks in flight finish on the old limits. A change that fails is refused
/// and logged with every error, the running limits stay. Each outcome is logged and counted
/// (<see cref="CircuitBreakerReloadStatus"/>, metric <c>circuit_breaker.config.reloads</c>). A change that leaves the
/// section as it was (another section of the file changed) does nothing. Runs on the configuration's reload thread;
/// allocates (reload only).
/// </summary>
internal sealed class CircuitBreakerReloader : IHostedService, IDisposable
{
    private readonly IConfiguration _section;
    private readonly Breaker _breaker;
    private readonly CircuitBreakerReloadStatus _status;
    private readonly ILogger _logger;
    private readonly Meter? _meter;
    private readonly object _gate = new();
    private IDisposable? _subscription;
    private string _lastSeen;

    public CircuitBreakerReloader(IConfiguration section, Breaker breaker, CircuitBreakerReloadStatus status,
        ILogger<CircuitBreakerReloader> logger, IOptions<CircuitBreakerTelemetryOptions> telemetry, IServiceProvider services)
    {
        _section = section;
        _breaker = breaker;
        _status = status;
        _logger = logger;
        _lastSeen = Snapshot(section);
        if (telemetry.Value.Metrics && services.GetService(typeof(IMeterFactory)) is IMeterFactory factory)
        {
            _meter = factory.Create(CircuitBreakerMetrics.MeterName);
            _meter.CreateObservableCounter("circuit_breaker.config.reloads", () => new[]
            {
                new Measurement<long>(_status.Applied, new KeyValuePair<string, object?>("circuit_breaker.outcome", "applied")),
                new Measurement<long>(_status.Refused, new KeyValuePair<string, object?>("circuit_breaker.outcome", "refused")),
            }, "{reload}", "Configuration reloads, by outcome (applied, refused)");
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = ChangeToken.OnChange(_section.GetReloadToken, Reload);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _subscription, null)?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => Interlocked.Exchange(ref _subscription, null)?.Dispose();

    /// <summary>Applies the section as it is now (also called by tests).</summary>
    internal void Reload()
    {
        lock (_gate)
        {
            string now = Snapshot(_section);
            if (now == _lastSeen) return;
            _lastSeen = now;
            long running = _breaker.Config.Version;
            try
            {
                var settings = CircuitBreakerSettings.FromConfiguration(_section);
                var next = settings.Config.RebaseOnto(_breaker.Config);
                _breaker.Gate.SwapConfig(next);
            }
            catch (OptionsValidationException ex) { Refuse(ex.Failures.ToArray()); return; }
            catch (RiskConfigException ex) { Refuse(ex.Errors); return; }
            _status.RecordApplied();
            CircuitBreakerLog.ConfigReloaded(_logger, running, _breaker.Config.Version, _status.Applied);
        }
    }

    private void Refuse(IReadOnlyList<string> errors)
    {
        _status.RecordRefused(errors);
        CircuitBreakerLog.ConfigReloadRefused(_logger, errors.Count, string.Join("; ", errors), _breaker.Config.Version, _status.Refused);
    }

    /// <summary>The section's keys and values, to tell a change of this section from a change elsewhere in the file.</summary>
    private static string Snapshot(IConfiguration section)
        => string.Join("\n", section.AsEnumerable().OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + "=" + kv.Value));
}
