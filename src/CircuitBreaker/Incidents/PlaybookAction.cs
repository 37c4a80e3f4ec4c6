namespace CircuitBreaker.Incidents;

/// <summary>One action of a playbook rule: what to do and where (relative to the finding).</summary>
public readonly struct PlaybookAction
{
    /// <summary>Default throttle scale (0.5).</summary>
    public const double DefaultThrottleScale = 0.5;

    /// <summary>Creates an action.</summary>
    /// <param name="kind">What to do.</param>
    /// <param name="scope">Where (default: the finding's own scope and target).</param>
    /// <param name="scale">Limits scale for <see cref="IncidentActionKind.Throttle"/> (default 0.5, in (0, 1]); ignored otherwise.</param>
    public PlaybookAction(IncidentActionKind kind, ActionScope scope = ActionScope.Finding, double scale = DefaultThrottleScale)
    {
        Kind = kind; Scope = scope; Scale = scale;
    }

    /// <summary>What to do.</summary>
    public IncidentActionKind Kind { get; }
    /// <summary>Where, relative to the finding.</summary>
    public ActionScope Scope { get; }
    /// <summary>Limits scale for throttling.</summary>
    public double Scale { get; }
    /// <summary>True for actions that contain an incident (all but <see cref="IncidentActionKind.Alert"/> and the notifications).</summary>
    public bool IsContainment => Kind is not (IncidentActionKind.Alert or IncidentActionKind.NotifyExchange or IncidentActionKind.NotifyRegulator);

    /// <inheritdoc />
    public override string ToString() => Scope == ActionScope.Finding ? Kind.ToString() : $"{Kind}@{Scope}";
}
