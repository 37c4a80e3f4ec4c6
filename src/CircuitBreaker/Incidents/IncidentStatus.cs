namespace CircuitBreaker.Incidents;

/// <summary>A snapshot of one incident (a value: reading it allocates nothing). Times are event time in ns; -1 when not reached.</summary>
public readonly struct IncidentStatus
{
    internal IncidentStatus(in IncidentSlot s)
    {
        Id = s.Id; Lifecycle = s.Lifecycle; Step = s.Step; Scope = s.Scope; Target = s.Target; Signature = s.Signature;
        MaxSeverity = s.MaxSeverity; FirstAnomalousTimeNs = s.FirstAnomalousNs; OpenedTimeNs = s.OpenedNs;
        ContainedTimeNs = s.ContainedNs; RecoveringTimeNs = s.RecoveringNs; ClosedTimeNs = s.ClosedNs;
        Acknowledged = s.Acknowledged; Findings = s.Findings; Recontainments = s.Recontainments;
        TimelineCount = s.TimelineCount; TimelineDropped = s.TimelineDropped; NextStepDueNs = s.StepDueNs;
    }

    /// <summary>Incident id (from 1).</summary>
    public long Id { get; }
    /// <summary>Lifecycle.</summary>
    public IncidentLifecycle Lifecycle { get; }
    /// <summary>Recovery step.</summary>
    public RecoveryStep Step { get; }
    /// <summary>Scope of the first finding.</summary>
    public Scope Scope { get; }
    /// <summary>Target of the first finding (-1 for global).</summary>
    public int Target { get; }
    /// <summary>Signature of the first finding.</summary>
    public Signature Signature { get; }
    /// <summary>Worst effective severity so far.</summary>
    public Severity MaxSeverity { get; }
    /// <summary>First anomalous event of the first finding's episode.</summary>
    public long FirstAnomalousTimeNs { get; }
    /// <summary>First finding (detection).</summary>
    public long OpenedTimeNs { get; }
    /// <summary>All containment actions done; -1 while detected only.</summary>
    public long ContainedTimeNs { get; }
    /// <summary>Recovery (probation) started; -1 before.</summary>
    public long RecoveringTimeNs { get; }
    /// <summary>Closed; -1 while open.</summary>
    public long ClosedTimeNs { get; }
    /// <summary>An operator acknowledged it (in the current containment round).</summary>
    public bool Acknowledged { get; }
    /// <summary>Findings that joined it.</summary>
    public int Findings { get; }
    /// <summary>Times a finding during recovery put it back into containment.</summary>
    public int Recontainments { get; }
    /// <summary>Timeline entries kept.</summary>
    public int TimelineCount { get; }
    /// <summary>Timeline entries not kept (timeline full).</summary>
    public long TimelineDropped { get; }
    /// <summary>Event time at which the next step is due (<see cref="long.MaxValue"/> when waiting for an acknowledgement, closed, or due at or past the end of event time: never).</summary>
    public long NextStepDueNs { get; }
    /// <summary>Time to detect: first anomalous event → first finding (ns).</summary>
    public long TimeToDetectNs => OpenedTimeNs - FirstAnomalousTimeNs;
    /// <summary>Time to contain: first finding → all containment actions done (ns); -1 while not contained.</summary>
    public long TimeToContainNs => ContainedTimeNs < 0 ? -1 : ContainedTimeNs - OpenedTimeNs;
}
