using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CircuitBreaker;
using CircuitBreaker.Incidents;
using CircuitBreaker.Pipeline;

namespace SampleEngine;

/// <summary>
/// The simulated trading engine: one account (<c>mm-1</c>) making markets in one instrument (<c>ETH-PERP</c>) through the
/// risk pipeline the host started. It drives event time itself in 100 ms ticks: the market moves, resting orders fill,
/// the strategy acts (every order through <see cref="RiskPipeline.CheckAndPublish"/>, in lockstep with the evaluator: it
/// waits until everything published has been evaluated before each order and at the end of each tick; the wall clock
/// is used only for that wait's watchdog), then it prints what the
/// breaker decided: findings, state transitions (its kill switch), the desk's actions, incident steps. The operator's
/// acknowledgement goes in as an admin event on the pipeline.
/// </summary>
public sealed partial class TradingEngine : IOrderRouter
{
    private const long TickNs = 100_000_000, Second = 1_000_000_000;
    private static readonly TimeSpan s_drainTimeout = TimeSpan.FromSeconds(10);

    private readonly RiskPipeline _pipeline;
    private readonly Breaker _breaker;
    private readonly IncidentDesk _desk;
    private readonly ScenarioOptions _script;
    private readonly EngineActions _actions = new();
    private readonly ConcurrentQueue<TripContext> _transitions = new();
    private readonly InstrumentId _eth;
    private readonly AccountId _mm;
    private readonly int _group;
    private readonly RandomWalkMarket _market;
    private readonly SimulatedVenue _venue = new();
    private readonly MarketMakerStrategy _strategy = new();
    private readonly SessionReport _report = new();

    private TextWriter _out = TextWriter.Null;
    private long _tickStart, _stamp, _nextOrderId = 1;
    private bool _sessionIsolated;
    private int _findingsSeen;
    private double _lastScale = 1;
    private long _allClosedNs = -1;
    private readonly List<(long Id, long SinceNs)> _awaitingAck = [];
    private readonly Dictionary<long, (IncidentLifecycle, RecoveryStep, long)> _incidentSteps = [];
    private readonly Period _period = new();

    /// <summary>Creates the engine over the pipeline the host built (see <see cref="EngineSession"/>).</summary>
    public TradingEngine(RiskPipeline pipeline, ScenarioOptions script)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(script);
        _pipeline = pipeline;
        _breaker = pipeline.Breaker;
        _script = script;
        _desk = pipeline.Evaluator.Responder as IncidentDesk
            ?? throw new InvalidOperationException("the pipeline's responder is not an IncidentDesk");
        if (!_breaker.Registry.TryGetInstrument("ETH-PERP", out _eth) || !_breaker.Registry.TryGetAccount("mm-1", out _mm))
            throw new InvalidOperationException("appsettings.json must declare instrument ETH-PERP and account mm-1");
        _group = _breaker.Registry[_eth].Group.Value;
        _market = new RandomWalkMarket(script.Seed, script.Mid, _breaker.Registry[_eth].Tick);
        // Before any event flows: the desk's external actions, and the engine's own kill switch (fast: it only enqueues).
        _desk.Register(_actions);
        _breaker.OnTrip((in TripContext t) => _transitions.Enqueue(t));
    }

    /// <summary>Runs the whole scenario in event time, writing the story to <paramref name="output"/>. Call once, after the host started.</summary>
    public SessionReport Run(TextWriter output)
    {
        _out = output ?? throw new ArgumentNullException(nameof(output));
        if (!_pipeline.IsRunning) throw new InvalidOperationException("start the host first: the risk pipeline is not running");
        Say(0, $"engine up: {_breaker.Registry[_eth].Symbol} for account mm-1, {_pipeline.Evaluator.Detectors.Count} detectors on the evaluator thread, "
            + $"incident desk with {_desk.Playbook.Rules.Count} playbook rules");
        long runawayAt = Ns(_script.RunawayAtSeconds), runawayStop = Ns(_script.RunawayStoppedAtSeconds);
        long end = Ns(_script.MaxSeconds);
        for (long tick = 0; ; tick++)
        {
            _tickStart = tick * TickNs;
            _stamp = _tickStart;
            if (_tickStart >= end || _allClosedNs >= 0 && _tickStart >= _allClosedNs + Ns(_script.EndAfterCloseSeconds)) break;
            Script(runawayAt, runawayStop);
            _market.Step(Next(), _eth, _pipeline);
            foreach (var fill in _venue.Match(_market)) Fill(in fill);
            // Lockstep: the strategy reads the breaker's position and the desk's limits scale, which the evaluator
            // updates from the market data and fills just published; read them only once it has caught up. (Without
            // this wait the strategy sometimes quoted from the position before this tick's fills, and the same seed
            // told a different story about one run in ten.)
            Drain();
            double scale = _desk.EffectiveLimitsScale(_eth.Value, _group, _mm.Value);
            _strategy.OnTick(tick, this, _market, _breaker.Positions.Position(_mm, _eth), scale);
            Drain();
            Report();
            Operator();
            if ((tick + 1) % (_strategy.Mode == StrategyMode.Runaway ? 10 : 50) == 0) Summary();
        }
        Finish();
        return _report;
    }

    private void Script(long runawayAt, long runawayStop)
    {
        if (_tickStart == runawayAt)
        {
            _strategy.Mode = StrategyMode.Runaway;
            _market.DriftBps = -1.5;
            _report.RunawayStartedNs = _tickStart;
            Say(_tickStart, $"SCRIPT   a stale code path goes live: the strategy buys {_strategy.RunawayOrdersPerTick} x 1.0 at the ask every 100 ms; the market starts to fall");
        }
        else if (_tickStart == runawayStop)
        {
            _strategy.Mode = StrategyMode.Quoting;
            _market.DriftBps = 0;
            Say(_tickStart, "SCRIPT   operations roll back the broken build: the strategy quotes normally again");
        }
    }

    // ---- IOrderRouter: every order goes through the gate first --------------------------------------------------

    /// <inheritdoc />
    public long? Send(Side side, double price, double quantity)
    {
        // Lockstep: let the evaluator catch up first, so the gate decides on every trip already earned and the same seed
        // always tells the same story. A production engine does not wait: a trip lands microseconds after its event.
        Drain();
        long id = _nextOrderId++;
        var order = new OrderRequest(Next(), _eth, _mm, id, side, price, quantity);
        var d = _pipeline.CheckAndPublish(in order);
        Count(in order, d);
        if (!d.IsAccepted) return null;
        if (_sessionIsolated)
        {
            // Should not happen (the account is halted while isolated); never let it reach the venue.
            var cancel = OrderRequest.Cancel(Next(), _eth, _mm, id);
            _pipeline.CheckAndPublish(in cancel);
            return null;
        }
        if (_venue.Submit(id, side, price, quantity, _market) is VenueFill fill) { Fill(in fill); return null; }
        return id;
    }

    /// <inheritdoc />
    public void Cancel(long orderId)
    {
        if (!_venue.Cancel(orderId)) return; // already filled
        var cancel = OrderRequest.Cancel(Next(), _eth, _mm, orderId);
        _pipeline.CheckAndPublish(in cancel); // cancels always pass; the gate releases the working quantity
    }

    private void Fill(in VenueFill fill)
    {
        var e = RiskEvent.Fill(Next(), _eth, _mm, fill.OrderId, fill.Side, fill.Price, fill.Quantity);
        _pipeline.Publish(in e);
        _strategy.OnDone(fill.OrderId);
        _period.Fills++;
    }

    // ---- event time and the evaluator ------------------------------------------------------------------------

    private long Next() => _stamp += 1_000; // 1 µs apart inside a tick: events keep their order in event time

    private static long Ns(double seconds) => (long)Math.Round(seconds * Second);

    /// <summary>Waits until the evaluator has processed everything published, so what we print next is complete.</summary>
    private void Drain()
    {
        var watch = Stopwatch.StartNew();
        var spin = new SpinWait();
        while (_pipeline.Lag > 0)
        {
            if (watch.Elapsed > s_drainTimeout) throw new TimeoutException($"the risk pipeline did not drain within {s_drainTimeout.TotalSeconds} s (lag {_pipeline.Lag})");
            spin.SpinOnce();
        }
    }

    private static string T(long ns) => (ns / 1e9).ToString("0.000", CultureInfo.InvariantCulture) + "s";

    private void Say(long ns, string text) => _out.WriteLine($"[t={T(ns),9}] {text}");
}
