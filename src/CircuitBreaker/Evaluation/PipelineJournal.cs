namespace CircuitBreaker;

/// <summary>
/// The pipeline's journal: the evaluator thread appends every event it evaluates (before evaluating it) and then every
/// state transition made since (a <see cref="TripRecord"/> payload). Transitions can happen on any thread (operator calls,
/// backpressure, watchdog), while the writer has a single producer, so a fast kill switch puts each one on a bounded
/// lock-free queue and the evaluator drains the queue after each event; at <see cref="Close"/> the stopping thread drains
/// what is left. A full journal buffer is counted by the writer (<see cref="JournalStatus.Dropped"/>) and never blocks;
/// a full trip queue is counted in <see cref="TripsDropped"/>. Appending allocates nothing; opening allocates.
/// </summary>
internal sealed class PipelineJournal : IKillSwitch
{
    private const int TripQueueCapacity = 4096;

    private readonly JournalWriterOptions _options;
    private readonly ActionQueue _trips = new(TripQueueCapacity);
    private JournalWriter? _writer;
    private long _tripsDropped;
    private long _sessionNotesRefused;
    private bool _closed;

    public PipelineJournal(JournalWriterOptions options) => _options = options;

    /// <summary>The writer once opened; null before <see cref="Open"/>.</summary>
    public JournalWriter? Writer => Volatile.Read(ref _writer);

    /// <summary>Transitions not journaled because the trip queue (4,096) was full.</summary>
    public long TripsDropped => Interlocked.Read(ref _tripsDropped);

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

    /// <summary>Appends the event (evaluator thread). Allocates nothing.</summary>
    public void Record(in RiskEvent e) => _writer?.TryAppend(in e);

    /// <summary>Appends the transitions queued so far (the single producer: the evaluator thread, or the stopping thread once
    /// the evaluator has exited). Allocates nothing.</summary>
    public void DrainTrips()
    {
        var writer = _writer;
        if (writer is null || _trips.IsEmpty) return;
        Span<byte> payload = stackalloc byte[TripRecord.Size];
        while (_trips.TryDequeue(out var trip))
        {
            TripRecord.Write(in trip, payload);
            writer.TryAppend(JournalRecordType.Trip, payload);
        }
    }

    /// <summary>Appends what is left, then drains and closes the writer (joins the journal thread). Idempotent.</summary>
    public void Close()
    {
        var writer = _writer;
        if (writer is null || _closed) return;
        _closed = true;
        DrainTrips();
        writer.Dispose();
    }
}
