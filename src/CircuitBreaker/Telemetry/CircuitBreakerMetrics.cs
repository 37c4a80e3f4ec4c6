using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace CircuitBreaker.Telemetry;

/// <summary>
/// Publishes the breaker's figures through <see cref="System.Diagnostics.Metrics"/> (meter <see cref="MeterName"/>),
/// for OpenTelemetry, dotnet-counters or any <see cref="MeterListener"/>, following the OpenTelemetry semantic
/// conventions: instrument names and attribute keys in the <c>circuit_breaker.</c> namespace
/// (<see cref="ReasonAttribute"/>, <see cref="ScopeAttribute"/>), durations as a histogram in seconds with explicit
/// bucket advice. Almost every instrument is observable: it reads counters the breaker keeps when a collector asks, so
/// the trading path pays nothing for it. Attaching metrics turns on the gate's own counters (one uncontended atomic
/// increment per check, a second one per rejection, 0 B) and registers a fast kill switch that counts trips (a
/// dictionary increment per trip; the first trip of a new (scope, reason) allocates its cell). Every instrument is
/// listed in docs/metrics.md. <c>AddCircuitBreaker</c> (CircuitBreaker.Extensions.Hosting) registers one by default.
/// Construction allocates; collection callbacks allocate their measurement lists (collector thread only).
/// Thread-safety: any thread may construct, dispose or call <see cref="RecordEvaluatorLatency"/>.
/// </summary>
public sealed class CircuitBreakerMetrics : IDisposable
{
    /// <summary>The meter name: <c>CircuitBreaker</c> (OpenTelemetry: <c>AddMeter(CircuitBreakerMetrics.MeterName)</c>).</summary>
    public const string MeterName = "CircuitBreaker";

    /// <summary>Attribute key of the reject reason or trip reason: <c>circuit_breaker.reason</c>.</summary>
    public const string ReasonAttribute = "circuit_breaker.reason";

    /// <summary>Attribute key of the scope of a trip: <c>circuit_breaker.scope</c> (<c>instrument</c>, <c>group</c>,
    /// <c>account</c>, <c>global</c>).</summary>
    public const string ScopeAttribute = "circuit_breaker.scope";

    /// <summary>Name of the evaluator latency histogram (seconds): <c>circuit_breaker.evaluator.duration</c>.</summary>
    public const string EvaluatorDurationName = "circuit_breaker.evaluator.duration";

    /// <summary>Bucket boundaries (seconds) advised for <see cref="EvaluatorDurationName"/>: 250 ns to 1 s, about three
    /// per decade, where a risk evaluator's latency lives (the OpenTelemetry default buckets start at 5 ms).</summary>
    public static IReadOnlyList<double> EvaluatorDurationBuckets { get; } =
    [
        250e-9, 500e-9, 1e-6, 2.5e-6, 5e-6, 10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3, 250e-3, 1,
    ];

    private static readonly KeyValuePair<string, object?>[][] s_reasonTags = BuildReasonTags();
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly GateCounters _gate;
    private readonly ConcurrentDictionary<(Scope Scope, string Reason), TripCell> _trips = new();
    private readonly Histogram<double> _evaluatorDuration;

    /// <summary>Creates the instruments.</summary>
    /// <param name="breaker">The breaker to observe.</param>
    /// <param name="pipeline">Its pipeline, for ring lag, events and detector faults (default none: those instruments report nothing).</param>
    /// <param name="openIncidents">Reads the number of open incidents, on the collector's thread (default none: the gauge
    /// reports nothing).</param>
    /// <param name="meterFactory">Creates the meter (dependency injection); default a meter owned and disposed by this object.</param>
    public CircuitBreakerMetrics(Breaker breaker, RiskPipeline? pipeline = null, Func<int>? openIncidents = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(breaker);
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(new MeterOptions(MeterName) { Version = "1.0" }) ?? new Meter(MeterName, "1.0");
        _gate = breaker.Gate.EnableCounters();
        breaker.OnTrip(CountTrip);

        _meter.CreateObservableCounter("circuit_breaker.checks", () => _gate.Checks, "{order}", "Orders checked by the pre-trade gate (new, replace, cancel).");
        _meter.CreateObservableCounter("circuit_breaker.rejections", ObserveRejections, "{order}", $"Orders rejected by the pre-trade gate, by reason ({ReasonAttribute}).");
        _meter.CreateObservableCounter("circuit_breaker.trips", ObserveTrips, "{trip}", $"Trading-state trips (to a more restrictive state), by scope and reason ({ScopeAttribute}, {ReasonAttribute}).");
        _meter.CreateObservableGauge("circuit_breaker.working_orders", () => breaker.Gate.WorkingOrders, "{order}", "Working orders tracked by the gate.");
        _meter.CreateObservableCounter("circuit_breaker.kill_switch.faults", () => breaker.Board.Faults, "{fault}", "Kill-switch exceptions caught.");
        _meter.CreateObservableGauge("circuit_breaker.global_state", () => (int)breaker.Board.Global, "{state}", "Global trading state: 0 active, 1 reduce-only, 2 halted.");
        if (pipeline is not null)
        {
            _meter.CreateObservableGauge("circuit_breaker.ring.lag", () => pipeline.Lag, "{event}", "Events published and not yet evaluated.");
            _meter.CreateObservableCounter("circuit_breaker.events.evaluated", () => pipeline.Evaluator.Processed, "{event}", "Events evaluated by the evaluator thread.");
            _meter.CreateObservableCounter("circuit_breaker.events.published", () => pipeline.Evaluator.Processed + pipeline.Lag, "{event}", "Events accepted by the ring (evaluated + waiting).");
            _meter.CreateObservableCounter("circuit_breaker.ring.full", () => pipeline.FullCount, "{event}", "Publishes refused because the ring was full.");
            _meter.CreateObservableCounter("circuit_breaker.events.dropped", () => pipeline.Dropped, "{event}", "Events dropped under the drop-and-count policy.");
            _meter.CreateObservableCounter("circuit_breaker.pipeline.stalls", () => pipeline.Stalls, "{stall}", "Times the watchdog found the evaluator stalled.");
            _meter.CreateObservableCounter("circuit_breaker.detector.faults", () => pipeline.Evaluator.DetectorFaults, "{fault}", "Detector exceptions caught (each quarantines its detector).");
            _meter.CreateObservableCounter("circuit_breaker.findings", () => (long)pipeline.Evaluator.Findings.Count + pipeline.Evaluator.Findings.Dropped, "{finding}", "Findings raised by detectors and post-trade limits.");
        }
        if (openIncidents is not null)
            _meter.CreateObservableGauge("circuit_breaker.incidents.open", openIncidents, "{incident}", "Incidents open (not yet resolved).");
        _evaluatorDuration = _meter.CreateHistogram(EvaluatorDurationName, "s",
            "Latency of the risk evaluator as the engine measures it (for example publish to evaluated, or publish to kill switch), recorded with RecordEvaluatorLatency.",
            tags: null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = EvaluatorDurationBuckets });
    }

    /// <summary>
    /// Records one evaluator latency into <see cref="EvaluatorDurationName"/> (seconds). The engine decides what it
    /// measures (publish to evaluated, publish to kill switch) and how often: with no collector listening it costs a
    /// test and allocates nothing; with one (OpenTelemetry) each record updates the SDK's histogram, which may take the
    /// SDK's own short lock, so call it per batch or from a sampling thread rather than per event on the evaluator.
    /// </summary>
    /// <param name="nanoseconds">The latency in nanoseconds (negative values are recorded as 0).</param>
    public void RecordEvaluatorLatency(long nanoseconds) => _evaluatorDuration.Record(Math.Max(0, nanoseconds) / 1e9);

    /// <summary>The meter the instruments belong to.</summary>
    public Meter Meter => _meter;

    /// <summary>Disposes the meter when this object created it (instruments stop reporting).</summary>
    public void Dispose()
    {
        if (_ownsMeter) _meter.Dispose();
    }

    private void CountTrip(in TripContext t)
    {
        if (!t.IsTrip) return;
        var cell = _trips.GetOrAdd((t.Scope, t.ReasonName), static _ => new TripCell());
        Interlocked.Increment(ref cell.Count);
    }

    private IEnumerable<Measurement<long>> ObserveRejections()
    {
        var list = new List<Measurement<long>>();
        for (int r = 1; r < s_reasonTags.Length; r++)
        {
            long n = _gate.Rejects((RejectReason)r);
            if (n > 0) list.Add(new Measurement<long>(n, s_reasonTags[r]));
        }
        return list;
    }

    private IEnumerable<Measurement<long>> ObserveTrips()
    {
        var list = new List<Measurement<long>>();
        foreach (var (key, cell) in _trips)
            list.Add(new Measurement<long>(Interlocked.Read(ref cell.Count), cell.Tags ??= [new(ScopeAttribute, ScopeName(key.Scope)), new(ReasonAttribute, key.Reason)]));
        return list;
    }

    private static string ScopeName(Scope s) => s switch
    {
        Scope.Instrument => "instrument",
        Scope.Group => "group",
        Scope.Account => "account",
        _ => "global",
    };

    private static KeyValuePair<string, object?>[][] BuildReasonTags()
    {
        int max = Enum.GetValues<RejectReason>().Max(r => (int)r);
        var tags = new KeyValuePair<string, object?>[max + 1][];
        for (int r = 0; r <= max; r++) tags[r] = [new(ReasonAttribute, ((RejectReason)r).ToString())];
        return tags;
    }

    private sealed class TripCell
    {
        public long Count;
        public KeyValuePair<string, object?>[]? Tags;
    }
}
