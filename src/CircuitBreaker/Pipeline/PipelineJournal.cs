namespace CircuitBreaker.Pipeline;

/// <summary>
/// The pipeline's journal: the evaluator thread appends every event it evaluates (before evaluating it) and then every
/// state transition made since (a <see cref="TripRecord"/> payload). Transitions can happen on any thread (operator calls,
/// backpressure, watchdog), while the writer has a single producer, so a fast kill switch puts each one on a bounded
/// lock-free queue and the evaluator drains the queue after each event; at <see cref="Close"/> the stopping thread drains
/// what is left. Market data may be shed by the writer under overload (counted, marked by a gap record); decisions, fills,
/// admin commands and trips use the writer's reserve and wait for room. If one is refused even so (the journal stayed full
/// for its wait timeout), the journal fails closed: it halts trading globally (<see cref="TripCause.Pipeline"/>,
/// <see cref="RejectReason.RiskPipelineBackpressure"/>) and counts it in <see cref="EssentialRefused"/>. A full trip queue is
/// counted in <see cref="TripsDropped"/> and marked in the journal by a <see cref="JournalGapKind.TripsNotQueued"/> gap.
/// Appending allocates nothing; opening allocates.
/// </summary>
internal sealed class PipelineJournal : IKillSwitch
{
    private const int TripQueueCapacity = 4096;

    private readonly JournalWriterOptions _options;
    private readonly StateBoard _board;
    private readonly ActionQueue _trips = new(TripQueueCapacity);
    private JournalWriter? _writer;
    private long _tripsDropped;
    private long _tripsDroppedMarked;
    private long _sessionNotesRefused;
    private long _essentialRefused;
    private long _lastTimeNs;
    private bool _closed;

    public PipelineJournal(JournalWriterOptions options, StateBoard board)
    {
        _options = options;
        _board = board;
    }

    /// <summary>The writer once opened; null before <see cref="Open"/>.</summary>
    public JournalWriter? Writer => Volatile.Read(ref _writer);

    /// <summary>Transitions not journaled because the trip queue (4,096) was full.</summary>
    public long TripsDropped => Interlocked.Read(ref _tripsDropped);

    /// <summary>Records that must never be dropped (decisions, fills, admin commands, trips) that the writer refused even from
    /// its reserve; each halted trading globally. 0 in a healthy run.</summary>
    public long EssentialRefused => Interlocked.Read(ref _essentialRefused);

    /// <summary>Session-note parts the writer refused (payload too large or buffer full).</summary>
    public long SessionNotesRefused => Interlocked.Read(ref _sessionNotesRefused);

    /// <summary>Starts the writer and writes the session note. Called by <c>Start</c> before the evaluator thread runs.</summary>
    public void Open(InstrumentRegistry registry)
    {
        if (_writer is not null) return;
        var writer = new JournalWriter(_options);
        foreach (string note in JournalSessionNote.Write(registry, _options.MaxPayloadBytes))
            if (!writer.TryAppendNote(note)) _sessionNotesRefused++;
        Volatile.Write(ref _writer, writer);
        DrainTrips();
    }

    /// <summary>Kill switch: queues the transition for the evaluator thread. Any thread; allocates nothing.</summary>
    public void OnTransition(in TripContext context)
    {
        if (!_trips.TryEnqueue(in context)) Interlocked.Increment(ref _tripsDropped);
    }

    /// <summary>Appends the event (evaluator thread). Allocates nothing. Market data may be shed (the writer counts and
    /// marks it); any other event refused fails closed.</summary>
    public void Record(in RiskEvent e)
    {
        var writer = _writer;
        if (writer is null) return;
        _lastTimeNs = e.TimeNs;
        if (!writer.TryAppend(in e) && !JournalWriter.IsMarketData(e.Kind)) FailClosed(e.TimeNs);
    }

    /// <summary>Appends the transitions queued so far (the single producer: the evaluator thread, or the stopping thread once
    /// the evaluator has exited). Allocates nothing.</summary>
    public void DrainTrips()
    {
        var writer = _writer;
        if (writer is null) return;
        long notQueued = Interlocked.Read(ref _tripsDropped);
        if (notQueued != _tripsDroppedMarked)
        {
            // transitions the queue could not hold: their states are in force, but the journal must say some are missing here
            if (writer.TryAppendGap(new JournalGap(JournalGapKind.TripsNotQueued, 0, notQueued - _tripsDroppedMarked, _lastTimeNs, _lastTimeNs)))
                _tripsDroppedMarked = notQueued;
        }
        Span<byte> payload = stackalloc byte[TripRecord.Size];
        while (!_trips.IsEmpty)
        {
            // a trip leaves the queue only once the journal has room for it (waiting as for any essential record): when
            // it has none, the trips stay queued for the next drain and trading halts
            if (!writer.WaitForEssentialRoom(TripRecord.Size))
            {
                FailClosed(_lastTimeNs, refused: false);
                return;
            }
            if (!_trips.TryDequeue(out var trip)) return;
            TripRecord.Write(in trip, payload);
            writer.TryAppend(JournalRecordType.Trip, payload);
        }
    }

    /// <summary>The journal cannot take a record that must never be dropped: count a refused one and halt trading globally
    /// (the halt is queued and journaled when room returns; a halt already in force changes nothing).</summary>
    private void FailClosed(long timeNs, bool refused = true)
    {
        if (refused) Interlocked.Increment(ref _essentialRefused);
        _board.TrySet(Scope.Global, -1, TradingState.Halted, timeNs, TripCause.Pipeline, RejectReason.RiskPipelineBackpressure);
    }

    /// <summary>Appends what is left, then drains and closes the writer (joins the journal thread). Idempotent.</summary>
    public void Close()
    {
        var writer = _writer;
        if (writer is null || _closed) return;
        _closed = true;
        writer.WaitUntilWrittenFromNowOn();
        DrainTrips();
        writer.Dispose();
    }
}
