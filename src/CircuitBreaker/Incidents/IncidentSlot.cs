namespace CircuitBreaker.Incidents;

/// <summary>Mutable state of one incident, kept by value in a preallocated array (evaluator thread only).</summary>
internal struct IncidentSlot
{
    public long Id;                 // 0 = never used
    public IncidentLifecycle Lifecycle;
    public RecoveryStep Step;
    public Scope Scope;
    public int Target;
    public int Group;               // group of the primary instrument, or the group target; -1 otherwise
    public Signature Signature;     // first finding's
    public Severity MaxSeverity;
    public long FirstAnomalousNs, OpenedNs, ContainedNs, RecoveringNs, ClosedNs, LastFindingNs, StepDueNs, AckNs;
    public bool Acknowledged;
    public int Findings, Recontainments;
    public int TimelineCount;
    public long TimelineDropped;
    public int HeldCount, DeliveredCount;
    public int SnapshotInstrument, SnapshotInstrumentCount, SnapshotGlobalCount;

    public readonly bool IsOpen => Id != 0 && Lifecycle != IncidentLifecycle.Closed;
}

/// <summary>A target an incident changed (state or limits scale) and must release in recovery.</summary>
internal struct HeldTarget
{
    public Scope Scope;
    public int Target;
    public TradingState State;      // Active when only throttled
    public double ThrottleScale;    // NaN when not throttled
}

/// <summary>An external action delivered in the current containment round (for exactly-once delivery).</summary>
internal struct DeliveredAction
{
    public IncidentActionKind Kind;
    public Scope Scope;
    public int Target;
}
