using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace CircuitBreaker;

/// <summary>
/// Publishes the breaker's figures through <see cref="System.Diagnostics.Metrics"/> (meter <see cref="MeterName"/>),
/// for OpenTelemetry, dotnet-counters or any <see cref="MeterListener"/>. Almost every instrument is observable: it reads
/// counters the breaker keeps when a collector asks, so the trading path pays nothing for it. Attaching metrics turns on
/// the gate's own counters (one uncontended atomic increment per check, a second one per rejection, 0 B) and registers
/// a fast kill switch that counts trips (a dictionary increment per trip; the first trip of a new (scope, reason)
/// allocates its cell). Names and units are listed in docs/metrics.md. Construction allocates; collection callbacks
/// allocate their measurement lists (collector thread only).
/// </summary>
public sealed class CircuitBreakerMetrics : IDisposable
{
    /// <summary>The meter name: <c>CircuitBreaker</c>.</summary>
    public const string MeterName = "CircuitBreaker";

    private static readonly KeyValuePair<string, object?>[][] s_reasonTags = BuildReasonTags();
    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly GateCounters _gate;
    private readonly ConcurrentDictionary<(Scope Scope, string Reason), TripCell> _trips = new();

    /// <summary>Creates the instruments.</summary>
    /// <param name="breaker">The breaker to observe.</param>
    /// <param name="pipeline">Its pipeline, for ring lag, events and detector faults (default none: those instruments report nothing).</param>
    /// <param name="openIncidents">Reads the number of open incidents (default none: the gauge reports nothing).</param>
    /// <param name="evaluatorLatency">A histogram of evaluator latencies in ns that the caller records into (single writer);
    /// reported as percentile gauges (default none).</param>
    /// <param name="meterFactory">Creates the meter (dependency injection); default a meter owned and disposed by this object.</param>
    public CircuitBreakerMetrics(Breaker breaker, RiskPipeline? pipeline = null, Func<int>? openIncidents = null,
        LatencyHistogram? evaluatorLatency = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(breaker);
        _ownsMeter = meterFactory is null;
        _meter = meterFactory?.Create(new MeterOptions(MeterName) { Version = "1.0" }) ?? new Meter(MeterName, "1.0");
        _gate = breaker.Gate.EnableCounters();
        breaker.OnTrip(CountTrip);

        _meter.CreateObservableCounter("circuit_breaker.checks", () => _gate.Checks, "{order}", "Orders checked by the pre-trade gate (new, replace, cancel).");
        _meter.CreateObservableCounter("circuit_breaker.rejections", ObserveRejections, "{order}", "Orders rejected by the pre-trade gate, by reason (tag reason).");
        _meter.CreateObservableCounter("circuit_breaker.trips", ObserveTrips, "{trip}", "Trading-state trips (to a more restrictive state), by scope and reason (tags scope, reason).");
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
        if (evaluatorLatency is not null)
            _meter.CreateObservableGauge("circuit_breaker.evaluator.latency", () => ObserveLatency(evaluatorLatency), "ns", "Evaluator latency percentiles (tag quantile) from the supplied histogram.");
    }

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
            list.Add(new Measurement<long>(Interlocked.Read(ref cell.Count), cell.Tags ??= [new("scope", ScopeName(key.Scope)), new("reason", key.Reason)]));
        return list;
    }

    private static IEnumerable<Measurement<double>> ObserveLatency(LatencyHistogram h)
    {
        if (h.Count == 0) return [];
        return
        [
            new Measurement<double>(h.ValueAtPercentile(50), new KeyValuePair<string, object?>("quantile", "0.5")),
            new Measurement<double>(h.ValueAtPercentile(99), new KeyValuePair<string, object?>("quantile", "0.99")),
            new Measurement<double>(h.ValueAtPercentile(99.9), new KeyValuePair<string, object?>("quantile", "0.999")),
            new Measurement<double>(h.Max, new KeyValuePair<string, object?>("quantile", "1")),
        ];
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
        for (int r = 0; r <= max; r++) tags[r] = [new("reason", ((RejectReason)r).ToString())];
        return tags;
    }

    private sealed class TripCell
    {
        public long Count;
        public KeyValuePair<string, object?>[]? Tags;
    }
}
