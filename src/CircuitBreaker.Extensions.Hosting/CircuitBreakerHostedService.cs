using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CircuitBreaker.Extensions.Hosting;

/// <summary>
/// Starts the <see cref="RiskPipeline"/> with the host and, on stop, drains it (every event already published is
/// evaluated) before the host goes down. Trips are logged by a kill switch registered as slow, so logging runs on the
/// board's action thread, never on the thread that tripped; findings are logged by a background loop reading the
/// evaluator's finding log (every <see cref="FindingPollInterval"/>), never on the evaluator thread.
/// </summary>
public sealed class CircuitBreakerHostedService : IHostedService, IDisposable
{
    private readonly RiskPipeline _pipeline;
    private readonly ILogger _logger;
    private readonly int _capacity;
    private CancellationTokenSource? _stopPolling;
    private Task? _polling;
    private int _findingsLogged;
    private long _droppedLogged;

    /// <summary>Creates the service.</summary>
    /// <param name="pipeline">The pipeline to start and drain.</param>
    /// <param name="settings">The settings (the ring capacity is logged at start).</param>
    /// <param name="logger">Where trips, findings and start/stop go.</param>
    public CircuitBreakerHostedService(RiskPipeline pipeline, CircuitBreakerSettings settings, ILogger<CircuitBreakerHostedService> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _capacity = settings.Pipeline.Ring.Capacity;
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(logger);
        _pipeline = pipeline;
        _logger = logger;
    }

    /// <summary>How often new findings are logged. Default 250 ms.</summary>
    public TimeSpan FindingPollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var breaker = _pipeline.Breaker;
        breaker.OnTrip(LogTransition, slow: true);
        _pipeline.Start();
        CircuitBreakerLog.Started(_logger, breaker.Registry.InstrumentCount, _pipeline.Evaluator.Detectors.Count, _capacity);
        _stopPolling = new CancellationTokenSource();
        _polling = PollFindingsAsync(_stopPolling.Token);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _pipeline.Stop(); // drains what was published
        if (_stopPolling is not null)
        {
            await _stopPolling.CancelAsync().ConfigureAwait(false);
            if (_polling is not null) await _polling.ConfigureAwait(false);
        }
        LogNewFindings();
        _pipeline.Breaker.Board.DrainSlow(TimeSpan.FromSeconds(5));
        CircuitBreakerLog.Stopped(_logger, _pipeline.Evaluator.Processed, _pipeline.Evaluator.Findings.Count + _pipeline.Evaluator.Findings.Dropped);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Idempotent: the container disposes this service twice (registered as itself and as IHostedService).
        var cts = Interlocked.Exchange(ref _stopPolling, null);
        if (cts is null) return;
        cts.Cancel();
        cts.Dispose();
    }


    private async Task PollFindingsAsync(CancellationToken token)
    {
        using var timer = new PeriodicTimer(FindingPollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(token).ConfigureAwait(false)) LogNewFindings();
        }
        catch (OperationCanceledException) { /* stopping */ }
    }

    private void LogNewFindings()
    {
        var log = _pipeline.Evaluator.Findings;
        var registry = _pipeline.Breaker.Registry;
        int n = log.Count;
        for (; _findingsLogged < n; _findingsLogged++)
        {
            ref readonly var f = ref log[_findingsLogged];
            if (_logger.IsEnabled(LogLevel.Warning))
                CircuitBreakerLog.Finding(_logger, f.Signature, f.Scope, registry.TargetName(f.Scope, f.Target), f.Severity, f.Score, f.FormatDetail());
        }
        long dropped = log.Dropped;
        if (dropped > _droppedLogged)
        {
            CircuitBreakerLog.FindingsDropped(_logger, dropped - _droppedLogged);
            _droppedLogged = dropped;
        }
    }

    private void LogTransition(in TripContext t)
    {
        string target = _pipeline.Breaker.Registry.TargetName(t.Scope, t.Target);
        if (t.IsTrip) CircuitBreakerLog.Trip(_logger, t.Scope, target, t.Previous, t.State, t.Cause, t.ReasonName, t.TimeNs, t.Sequence);
        else CircuitBreakerLog.Transition(_logger, t.Scope, target, t.Previous, t.State, t.Cause, t.ReasonName, t.Sequence);
    }
}
