using CircuitBreaker.Ring;

namespace CircuitBreaker.Pipeline;

/// <summary>
/// The single-threaded evaluation step: book-keeping (positions, PnL, references, post-trade limits), operator
/// commands, and every detector, for one event at a time. It owns the post-trade state, so it needs no lock. A
/// detector that throws is quarantined and reported; under the fail-closed policy trading halts. Allocation-free.
/// Used by the pipeline's evaluator thread and, directly, by a deterministic replay.
/// </summary>
public sealed class Evaluator : IFindingSink
{
    private readonly Breaker _breaker;
    private readonly IDetector[] _detectors;
    private readonly bool[] _quarantined;
    private readonly DetectorFaultPolicy _faultPolicy;
    private long _processed;
    private long _lastTimeNs;
    private long _detectorFaults;
    private Exception? _lastDetectorFault;
    private long _allocatedSnapshot;

    /// <summary>Creates an evaluator.</summary>
    /// <param name="breaker">The breaker whose state it keeps.</param>
    /// <param name="detectors">Detectors run on every event, in order (default none).</param>
    /// <param name="responder">Turns findings into actions; default an <see cref="IncidentDesk"/> with <see cref="Playbook.Default"/>
    /// (corroboration, escalation, staged recovery, flight recorder). A responder that is also an <see cref="IEventObserver"/>
    /// sees every event first (flight recorder, recovery timers, acknowledgements).</param>
    /// <param name="faultPolicy">What a throwing detector does (default fail-closed).</param>
    /// <param name="maxFindingsKept">Findings kept for reports (default 10,000).</param>
    public Evaluator(Breaker breaker, IEnumerable<IDetector>? detectors = null, IFindingSink? responder = null,
        DetectorFaultPolicy faultPolicy = DetectorFaultPolicy.HaltGlobal, int maxFindingsKept = 10_000)
    {
        _breaker = breaker;
        _detectors = detectors?.ToArray() ?? [];
        _quarantined = new bool[_detectors.Length];
        _faultPolicy = faultPolicy;
        Findings = new FindingLog(maxFindingsKept);
        Responder = responder ?? new IncidentDesk(breaker);
        breaker.Positions.FindingSink = this;
    }

    /// <summary>Findings raised so far (detectors and post-trade limits).</summary>
    public FindingLog Findings { get; }
    /// <summary>Receives every finding after it is logged. Set before events flow.</summary>
    public IFindingSink Responder
    {
        get => _responder;
        set { _responder = value; _observer = value as IEventObserver; }
    }
    private IFindingSink _responder = null!;
    private IEventObserver? _observer;
    /// <summary>Events evaluated.</summary>
    public long Processed => Volatile.Read(ref _processed);
    /// <summary>Event time of the last event evaluated.</summary>
    public long LastEventTimeNs => Volatile.Read(ref _lastTimeNs);
    /// <summary>Detector exceptions caught (each quarantines its detector).</summary>
    public long DetectorFaults => Volatile.Read(ref _detectorFaults);
    /// <summary>The last exception a detector threw.</summary>
    public Exception? LastDetectorFault => Volatile.Read(ref _lastDetectorFault);
    /// <summary>The detectors, in run order.</summary>
    public IReadOnlyList<IDetector> Detectors => _detectors;
    /// <summary>Bytes the evaluating thread had allocated at the end of its last batch (for allocation tests).</summary>
    public long AllocatedBytesAtLastBatch => Volatile.Read(ref _allocatedSnapshot);

    /// <summary>Evaluates one event.</summary>
    /// <param name="e">The event; evaluator thread only.</param>
    public void Evaluate(in RiskEvent e)
    {
        Volatile.Write(ref _lastTimeNs, e.TimeNs);
        if (e.Kind == RiskEventKind.Admin) ApplyAdmin(in e);
        else _breaker.Positions.Apply(in e);
        _observer?.OnEvent(in e);
        for (int i = 0; i < _detectors.Length; i++)
        {
            if (_quarantined[i]) continue;
            try { _detectors[i].Observe(in e, this); }
            catch (Exception ex) { Quarantine(i, ex, e.TimeNs); }
        }
        Volatile.Write(ref _processed, _processed + 1);
    }

    /// <summary>Marks the end of a batch: records the thread's allocation counter.</summary>
    public void EndBatch() => Volatile.Write(ref _allocatedSnapshot, GC.GetAllocatedBytesForCurrentThread());

    /// <inheritdoc />
    public void Raise(in Finding finding)
    {
        Findings.Add(in finding);
        Responder.Raise(in finding);
    }

    private void ApplyAdmin(in RiskEvent e)
    {
        var scope = e.AdminData.Scope;
        var board = _breaker.Board;
        switch ((AdminAction)e.SubKind)
        {
            case AdminAction.Halt: board.Halt(scope, e.Aux, e.TimeNs); break;
            case AdminAction.Resume: board.Resume(scope, e.Aux, e.TimeNs); break;
            case AdminAction.ReduceOnly: board.ReduceOnly(scope, e.Aux, e.TimeNs); break;
            case AdminAction.StartDay: _breaker.Positions.StartDay(in e); break;
        }
    }

    private void Quarantine(int index, Exception ex, long timeNs)
    {
        _quarantined[index] = true;
        Interlocked.Increment(ref _detectorFaults);
        Volatile.Write(ref _lastDetectorFault, ex);
        if (_faultPolicy == DetectorFaultPolicy.HaltGlobal)
            _breaker.Board.TrySet(Scope.Global, -1, TradingState.Halted, timeNs, TripCause.Pipeline, RejectReason.DetectorFault);
    }
}

/// <summary>
/// The simplest playbook: a Critical finding halts its scope (a hard post-trade limit has already tripped its own
/// state); Warning and Info findings are only logged. Allocation-free.
/// </summary>
internal sealed class SeverityResponder(StateBoard board) : IFindingSink
{
    /// <inheritdoc />
    public void Raise(in Finding f)
    {
        if (f.Severity != Severity.Critical || f.Signature >= Signature.MaxPosition) return;
        board.TrySet(f.Scope, f.Target, TradingState.Halted, f.TimeNs, TripCause.Signature, RejectReason.Signature, f.Signature, Severity.Critical);
    }
}

/// <summary>The evaluator as a ring handler (a struct, so the processor's call is direct). With a journal, each event is
/// appended before it is evaluated and the transitions it caused (or that other threads made meanwhile) after.</summary>
internal readonly struct EvaluatorHandler(Evaluator evaluator, PipelineJournal? journal = null) : IEventHandler<RiskEvent>
{
    public void OnEvent(ref RiskEvent e, long sequence, bool endOfBatch)
    {
        if (journal is null)
        {
            evaluator.Evaluate(in e);
        }
        else
        {
            journal.Record(in e);
            evaluator.Evaluate(in e);
            journal.DrainTrips();
        }
        if (endOfBatch) evaluator.EndBatch();
    }
}
