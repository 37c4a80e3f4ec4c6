namespace CircuitBreaker.Incidents;

/// <summary>
/// One line of an incident's timeline, kept by value in a preallocated array: recording it allocates nothing.
/// Read them with <see cref="IncidentDesk.CopyTimeline"/> or in an <see cref="IncidentRecord"/>.
/// </summary>
public readonly struct TimelineEntry
{
    /// <summary>Creates an entry.</summary>
    /// <param name="timeNs">Event time, ns.</param>
    /// <param name="kind">What happened.</param>
    /// <param name="scope">The scope concerned.</param>
    /// <param name="target">The dense id of its target; -1 for global.</param>
    /// <param name="signature">The finding's signature (default none).</param>
    /// <param name="severity">Its severity (default info).</param>
    /// <param name="action">The action taken, for action entries (default alert).</param>
    /// <param name="state">The trading state set, for state entries (default active).</param>
    /// <param name="outcome">How the action went (default done).</param>
    /// <param name="lifecycle">The incident's lifecycle stage after the entry (default detected).</param>
    /// <param name="step">The recovery step, for recovery entries (default none).</param>
    /// <param name="value">A number the entry carries (a scale, a score; default NaN).</param>
    public TimelineEntry(long timeNs, TimelineEntryKind kind, Scope scope, int target, Signature signature = default,
        Severity severity = Severity.Info, IncidentActionKind action = IncidentActionKind.Alert, TradingState state = TradingState.Active,
        ActionOutcome outcome = ActionOutcome.Done, IncidentLifecycle lifecycle = IncidentLifecycle.Detected, RecoveryStep step = RecoveryStep.None,
        double value = double.NaN)
    {
        TimeNs = timeNs; Kind = kind; Scope = scope; Target = target; Signature = signature; Severity = severity;
        Action = action; State = state; Outcome = outcome; Lifecycle = lifecycle; Step = step; Value = value;
    }

    /// <summary>Event time (ns).</summary>
    public long TimeNs { get; }
    /// <summary>What this entry records.</summary>
    public TimelineEntryKind Kind { get; }
    /// <summary>Scope of the finding or action.</summary>
    public Scope Scope { get; }
    /// <summary>Dense target id (-1 for global).</summary>
    public int Target { get; }
    /// <summary>Signature of the finding (findings, actions taken for it).</summary>
    public Signature Signature { get; }
    /// <summary>Severity (for findings: as raised).</summary>
    public Severity Severity { get; }
    /// <summary>Action (for <see cref="TimelineEntryKind.Action"/>).</summary>
    public IncidentActionKind Action { get; }
    /// <summary>Trading state set (state changes).</summary>
    public TradingState State { get; }
    /// <summary>Outcome.</summary>
    public ActionOutcome Outcome { get; }
    /// <summary>Lifecycle after this entry.</summary>
    public IncidentLifecycle Lifecycle { get; }
    /// <summary>Recovery step after this entry.</summary>
    public RecoveryStep Step { get; }
    /// <summary>Finding score, throttle or limits scale; NaN when none.</summary>
    public double Value { get; }
}
