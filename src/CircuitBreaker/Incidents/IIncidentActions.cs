namespace CircuitBreaker.Incidents;

/// <summary>
/// The engine's hands for actions that touch the outside world. Called on the evaluator thread, once per action per
/// incident containment (exactly once: a joined finding that asks again is recorded as
/// <see cref="ActionOutcome.AlreadyDelivered"/>). Keep implementations short (enqueue and return); a throwing
/// implementation is isolated: the exception is caught, counted (<see cref="IncidentDesk.ActionFaults"/>) and recorded
/// in the timeline as <see cref="ActionOutcome.Faulted"/>, and the state change already made still holds.
/// </summary>
public interface IIncidentActions
{
    /// <summary>Tell a human.</summary>
    /// <param name="args">The incident, action, scope and target, event time, signature, severity and limits scale.</param>
    void Alert(in IncidentActionArgs args);
    /// <summary>Slow the target down; <see cref="IncidentActionArgs.Scale"/> is the limits scale now in force.</summary>
    /// <param name="args">The incident, action, scope and target, event time, signature, severity and limits scale.</param>
    void Throttle(in IncidentActionArgs args);
    /// <summary>Cancel every working order of the target.</summary>
    /// <param name="args">The incident, action, scope and target, event time, signature, severity and limits scale.</param>
    void CancelAll(in IncidentActionArgs args);
    /// <summary>Close the target's positions.</summary>
    /// <param name="args">The incident, action, scope and target, event time, signature, severity and limits scale.</param>
    void Flatten(in IncidentActionArgs args);
    /// <summary>Disconnect the target's trading session.</summary>
    /// <param name="args">The incident, action, scope and target, event time, signature, severity and limits scale.</param>
    void IsolateSession(in IncidentActionArgs args);
    /// <summary>Notify the exchange (build the text later from <see cref="IncidentDesk.BuildRecord"/>, off the hot path).</summary>
    /// <param name="args">The incident, action, scope and target, event time, signature, severity and limits scale.</param>
    void NotifyExchange(in IncidentActionArgs args);
    /// <summary>Notify the regulator.</summary>
    /// <param name="args">The incident, action, scope and target, event time, signature, severity and limits scale.</param>
    void NotifyRegulator(in IncidentActionArgs args);
}

/// <summary>Argument of every <see cref="IIncidentActions"/> call. A value passed by <c>in</c> reference: no allocation.</summary>
public readonly struct IncidentActionArgs
{
    /// <summary>Creates the argument.</summary>
    /// <param name="incidentId">The incident.</param>
    /// <param name="action">The action to take.</param>
    /// <param name="scope">The scope it applies to.</param>
    /// <param name="target">The dense id of the scope's target; -1 for global.</param>
    /// <param name="timeNs">Event time (ns).</param>
    /// <param name="signature">The signature of the finding behind it.</param>
    /// <param name="severity">Its severity.</param>
    /// <param name="scale">The limits scale in force (1 = normal).</param>
    public IncidentActionArgs(long incidentId, IncidentActionKind action, Scope scope, int target, long timeNs,
        Signature signature, Severity severity, double scale)
    {
        IncidentId = incidentId; Action = action; Scope = scope; Target = target; TimeNs = timeNs;
        Signature = signature; Severity = severity; Scale = scale;
    }

    /// <summary>Incident id (0 when the incident could not be recorded because every slot was open).</summary>
    public long IncidentId { get; }
    /// <summary>The action.</summary>
    public IncidentActionKind Action { get; }
    /// <summary>Scope of the target.</summary>
    public Scope Scope { get; }
    /// <summary>Dense target id (-1 for global).</summary>
    public int Target { get; }
    /// <summary>Event time (ns) of the finding that triggered it.</summary>
    public long TimeNs { get; }
    /// <summary>Signature of the finding.</summary>
    public Signature Signature { get; }
    /// <summary>Effective severity of the finding.</summary>
    public Severity Severity { get; }
    /// <summary>Limits scale for <see cref="IncidentActionKind.Throttle"/>; NaN otherwise.</summary>
    public double Scale { get; }
}
