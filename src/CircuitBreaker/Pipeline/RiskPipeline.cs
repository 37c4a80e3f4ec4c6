using CircuitBreaker.Ring;

namespace CircuitBreaker.Pipeline;

/// <summary>
/// The risk pipeline: engine threads <see cref="Publish"/> what happens (fills, trades, quotes, oracle prices, positions,
/// chain events, operator commands) into a preallocated ring, and <see cref="CheckAndPublish"/> sends each order through
/// the gate and records the decision on the ring; one evaluator thread keeps the post-trade state, runs the detectors and
/// trips kill switches. Publishing allocates nothing and never blocks unless <see cref="FullRingPolicy.Block"/> was chosen.
/// A full ring fails closed by default (global halt, <see cref="RejectReason.RiskPipelineBackpressure"/>); a stalled
/// evaluator trips the watchdog (global halt, <see cref="RejectReason.RiskPipelineStalled"/>). Construction, Start and
/// Stop allocate; Publish and evaluation do not. With <see cref="RiskPipelineOptions.Journal"/> set, the evaluator also
/// journals every event and every change of trading state (see <see cref="JournalStatus"/>).
/// </summary>
public sealed class RiskPipeline : IDisposable
{
    private readonly Breaker _breaker;
    private readonly RingBuffer<RiskEvent> _ring;
    private readonly EventProcessorThread<RiskEvent, EvaluatorHandler> _processor;
    private readonly RiskPipelineOptions _options;
    private readonly TimeProvider _time;
    private readonly PipelineJournal? _journal;
    private Watchdog? _watchdog;
    private long _stalls;
    private long _unrecordedCancels;

    /// <summary>Creates a pipeline over a breaker. Call <see cref="Start"/> before publishing.</summary>
    /// <param name="breaker">The breaker whose gate, board and positions the pipeline drives.</param>
    /// <param name="options">Options (defaults documented on <see cref="RiskPipelineOptions"/>).</param>
    /// <param name="detectors">Detectors run on every event (default none).</param>
    /// <param name="responder">Playbook receiving findings (default an <see cref="IncidentDesk"/> with the default playbook).</param>
    /// <param name="timeProvider">Wall clock for the watchdog only (default <see cref="TimeProvider.System"/>).</param>
    public RiskPipeline(Breaker breaker, RiskPipelineOptions? options = null, IEnumerable<IDetector>? detectors = null,
        IFindingSink? responder = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(breaker);
        _options = options ?? new RiskPipelineOptions();
        _options.Validate();
        _breaker = breaker;
        _time = timeProvider ?? TimeProvider.System;
        Evaluator = new Evaluator(breaker, detectors, responder, _options.DetectorFaultPolicy, _options.MaxFindingsKept);
        var ring = _options.Ring;
        _ring = new RingBuffer<RiskEvent>(new RingBufferOptions
        {
            Capacity = ring.Capacity,
            ProducerMode = ring.ProducerMode,
            FullRingPolicy = ring.FullRingPolicy,
            BlockSpinLimit = ring.BlockSpinLimit,
            WaitStrategy = ring.WaitStrategy,
            FullObserver = ring.FullRingPolicy == FullRingPolicy.DropAndCount ? null : new BackpressureTrip(this),
        });
        if (_options.Journal is { } journal)
        {
            _journal = new PipelineJournal(journal, breaker.Board);
            breaker.Board.Register(_journal);
        }
        _processor = new EventProcessorThread<RiskEvent, EvaluatorHandler>(_ring, new EvaluatorHandler(Evaluator, _journal), new EventProcessorOptions
        {
            ThreadName = _options.ThreadName,
            OnThreadStarted = _options.OnEvaluatorStarted,
        });
    }

    /// <summary>The breaker.</summary>
    public Breaker Breaker => _breaker;
    /// <summary>The evaluation step (findings, faults, counters).</summary>
    public Evaluator Evaluator { get; }
    /// <summary>Events published and not yet evaluated.</summary>
    public long Lag => _ring.Pending;
    /// <summary>Publishes refused because the ring was full (all policies).</summary>
    public long FullCount => _ring.FullCount;
    /// <summary>Events dropped under <see cref="FullRingPolicy.DropAndCount"/>.</summary>
    public long Dropped => _ring.DroppedCount;
    /// <summary>Times the watchdog found the evaluator stalled.</summary>
    public long Stalls => Interlocked.Read(ref _stalls);
    /// <summary>True while the evaluator thread runs.</summary>
    public bool IsRunning => _processor.IsRunning;

    /// <summary>With a journal: its writer's state and counters (<see cref="CircuitBreaker.Journal.JournalStatus.Dropped"/>: records refused because
    /// the buffer was full; <see cref="CircuitBreaker.Journal.JournalStatus.Fault"/>: the disk error that stopped it, evaluation goes on). Null
    /// without a journal or before <see cref="Start"/>. Allocates nothing.</summary>
    public JournalStatus? JournalStatus => _journal?.Writer?.GetStatus();

    /// <summary>True when the journal hit a disk error (records since are counted lost). False without a journal.</summary>
    public bool JournalFaulted => _journal?.Writer?.State == JournalWriterState.Faulted;

    /// <summary>Changes of trading state not journaled because the pipeline's trip queue (4,096) was full. 0 without a journal.</summary>
    public long JournalTripsDropped => _journal?.TripsDropped ?? 0;

    /// <summary>Records that must never be dropped (decisions, fills, admin commands, trips) that the journal refused even
    /// from its reserve; each halted trading globally (<see cref="RejectReason.RiskPipelineBackpressure"/>). 0 without a journal
    /// and in a healthy run.</summary>
    public long JournalEssentialRefused => _journal?.EssentialRefused ?? 0;

    /// <summary>Starts the evaluator thread and the watchdog; with a journal, first opens it and writes the session note
    /// (the registry's instruments, accounts and groups) so a review can name the journal's dense ids.</summary>
    public void Start()
    {
        _journal?.Open(_breaker.Registry);
        _processor.Start();
        if (_options.StallThreshold > TimeSpan.Zero)
            _watchdog = Watchdog.For(_processor, _time, _options.StallThreshold, OnStall);
    }

    /// <summary>Publishes an event. <see cref="PublishResult.Full"/> under the fail-closed policy has already halted trading;
    /// <see cref="PublishResult.Stopped"/> after <see cref="Stop"/>. Thread-safe with <see cref="ProducerMode.Multi"/>; 0 B.</summary>
    /// <param name="e">The event (market data, fill, position, chain, admin).</param>
    /// <returns>Published, or why not.</returns>
    public PublishResult Publish(in RiskEvent e) => _ring.TryPublish(in e);

    /// <summary>
    /// Checks an order with the gate and publishes the decision, so detectors and the journal see every order. 0 B.
    /// The ring slot is claimed before the gate is asked, so an order is accepted only when its decision is on the ring:
    /// when the ring is full (whatever <see cref="FullRingPolicy"/>; the fail-closed policy also halts trading) a new order
    /// or replace is refused with <see cref="RejectReason.RiskPipelineBackpressure"/>, and after (or during)
    /// <see cref="Stop"/> with <see cref="RejectReason.RiskPipelineStopped"/>, without reaching the gate. A cancel is
    /// never refused (it only lowers risk): the gate releases its reservations even when the ring cannot take it, and
    /// <see cref="UnrecordedCancels"/> counts those.
    /// </summary>
    /// <param name="order">The order, cancel or replace.</param>
    public Decision CheckAndPublish(in OrderRequest order)
    {
        if (!_ring.TryClaim(out long seq))
        {
            if (order.Action == OrderAction.Cancel)
            {
                Interlocked.Increment(ref _unrecordedCancels);
                return _breaker.Gate.Check(in order);
            }
            return _ring.IsStopped ? Decision.Reject(RejectReason.RiskPipelineStopped, Scope.Global) : Decision.Reject(RejectReason.RiskPipelineBackpressure, Scope.Global);
        }
        // Read after the claim is visible (as TryPublish does): either Stop's drain includes this slot or we see the stop.
        // A stopping pipeline may not evaluate the slot, so the order is refused; the slot is still published (an
        // unpublished claim would stall the consumer) and carries the refusal.
        Decision d = _ring.IsStopped && order.Action != OrderAction.Cancel
            ? Decision.Reject(RejectReason.RiskPipelineStopped, Scope.Global)
            : _breaker.Gate.Check(in order);
        _ring[seq] = RiskEvent.OrderDecision(in order, d.Reason);
        _ring.Publish(seq);
        return d;
    }

    /// <summary>
    /// Checks an order list with the gate (<see cref="Breaker.CheckList"/>: all accepted or none) and publishes every
    /// child's decision, as <see cref="CheckAndPublish"/> does for one order. 0 B. The list's ring slots are claimed first,
    /// all at once: when the ring cannot take them all (full, or a list longer than the ring) every child is refused with
    /// <see cref="RejectReason.RiskPipelineBackpressure"/>, and after <see cref="Stop"/> with
    /// <see cref="RejectReason.RiskPipelineStopped"/>, without reaching the gate.
    /// </summary>
    /// <param name="children">The list's new orders (one account).</param>
    /// <param name="decisions">Receives one decision per child (at least <paramref name="children"/>' length).</param>
    /// <returns>Accepted when every child is; otherwise the first refused child's decision (or the list's reason).</returns>
    public Decision CheckListAndPublish(ReadOnlySpan<OrderRequest> children, Span<Decision> decisions) => CheckGroupAndPublish(children, decisions, batch: false);

    /// <summary>Checks an amendment batch with the gate (<see cref="Breaker.CheckBatch"/>: all or none) and publishes every
    /// replace's decision; ring slots and refusals as <see cref="CheckListAndPublish"/>. 0 B.</summary>
    /// <param name="amendments">The replaces (one account).</param>
    /// <param name="decisions">Receives one decision per replace.</param>
    /// <returns>Accepted when every replace is; otherwise the first refused one's decision (or the batch's reason).</returns>
    public Decision CheckBatchAndPublish(ReadOnlySpan<OrderRequest> amendments, Span<Decision> decisions) => CheckGroupAndPublish(amendments, decisions, batch: true);

    private Decision CheckGroupAndPublish(ReadOnlySpan<OrderRequest> items, Span<Decision> decisions, bool batch)
    {
        int n = items.Length;
        if (n == 0 || decisions.Length < n) return batch ? _breaker.CheckBatch(items, decisions) : _breaker.CheckList(items, decisions); // malformed: the gate refuses it, nothing to record
        if (n > _ring.Capacity || !_ring.TryClaim(n, out long high))
        {
            var refusal = _ring.IsStopped ? Decision.Reject(RejectReason.RiskPipelineStopped, Scope.Global) : Decision.Reject(RejectReason.RiskPipelineBackpressure, Scope.Global);
            decisions[..n].Fill(refusal);
            return refusal;
        }
        long low = high - n + 1;
        Decision first;
        if (_ring.IsStopped)
        {
            first = Decision.Reject(RejectReason.RiskPipelineStopped, Scope.Global);
            decisions[..n].Fill(first);
        }
        else first = batch ? _breaker.CheckBatch(items, decisions) : _breaker.CheckList(items, decisions);
        for (int i = 0; i < n; i++) _ring[low + i] = RiskEvent.OrderDecision(in items[i], decisions[i].Reason);
        _ring.Publish(low, high);
        return first;
    }

    /// <summary>Cancels passed by <see cref="CheckAndPublish"/> whose decision the ring could not take (full or stopped):
    /// the gate released their reservations, the evaluator and journal did not see them.</summary>
    public long UnrecordedCancels => Interlocked.Read(ref _unrecordedCancels);

    /// <summary>Stops accepting events, evaluates everything already published, then stops the evaluator thread; with a
    /// journal, then appends the transitions still queued and drains, flushes and closes the journal.</summary>
    public void Stop()
    {
        _watchdog?.Dispose();
        _watchdog = null;
        _processor.Stop();
        if (!_processor.IsRunning) _journal?.Close(); // called from a handler the evaluator still runs: Dispose closes it later
    }

    /// <summary>Stops (draining) and releases the thread.</summary>
    public void Dispose() => Stop();

    private void OnStall(StallReport report)
    {
        Interlocked.Increment(ref _stalls);
        _breaker.Board.TrySet(Scope.Global, -1, TradingState.Halted, Evaluator.LastEventTimeNs, TripCause.Pipeline, RejectReason.RiskPipelineStalled);
    }

    private sealed class BackpressureTrip(RiskPipeline owner) : IRingFullObserver
    {
        public void OnRingFull(in RingFullEvent e)
            => owner._breaker.Board.TrySet(Scope.Global, -1, TradingState.Halted, owner.Evaluator.LastEventTimeNs, TripCause.Pipeline, RejectReason.RiskPipelineBackpressure);
    }
}
