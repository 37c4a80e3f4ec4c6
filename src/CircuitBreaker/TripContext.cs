namespace CircuitBreaker;

/// <summary>What caused a change of trading state.</summary>
public enum TripCause : byte
{
    /// <summary>An operator command (API call or <c>admin</c> tape record).</summary>
    Manual,
    /// <summary>A hard limit (pre-trade or post-trade).</summary>
    Limit,
    /// <summary>An anomaly signature or the ML detector (see <see cref="TripContext.Signature"/>).</summary>
    Signature,
    /// <summary>The risk pipeline itself (backpressure, stall).</summary>
    Pipeline,
    /// <summary>A step of staged recovery.</summary>
    Recovery,
}

/// <summary>
/// One change of trading state, delivered to every kill switch exactly once, in registration order. A value
/// passed by <c>in</c> reference: receiving it allocates nothing.
/// </summary>
public readonly struct TripContext
{
    /// <summary>Creates a context of local origin.</summary>
    /// <param name="sequence">Transition number, from 1, unique per board.</param>
    /// <param name="timeNs">Event time (ns) of the event that caused it.</param>
    /// <param name="scope">The scope that changed.</param>
    /// <param name="target">The dense id of the scope's target (instrument, group or account id <c>.Value</c>); -1 for <see cref="Scope.Global"/>.</param>
    /// <param name="previous">The state before.</param>
    /// <param name="state">The state after.</param>
    /// <param name="cause">Who changed it.</param>
    /// <param name="reason">The reason recorded.</param>
    /// <param name="signature">The signature that caused it, for signature trips.</param>
    /// <param name="severity">The severity recorded.</param>
    public TripContext(long sequence, long timeNs, Scope scope, int target, TradingState previous, TradingState state,
        TripCause cause, RejectReason reason, Signature signature, Severity severity)
        : this(sequence, timeNs, scope, target, previous, state, cause, reason, signature, severity, TripOrigin.Local, 0)
    {
    }

    /// <summary>Creates a context with its origin (where the change came from) and who made it.</summary>
    /// <param name="sequence">Transition number, from 1, unique per board.</param>
    /// <param name="timeNs">Event time (ns) of the event that caused it.</param>
    /// <param name="scope">The scope that changed.</param>
    /// <param name="target">The dense id of the scope's target (instrument, group or account id <c>.Value</c>); -1 for <see cref="Scope.Global"/>.</param>
    /// <param name="previous">The state in force before.</param>
    /// <param name="state">The state in force after.</param>
    /// <param name="cause">Who changed it.</param>
    /// <param name="reason">The reason recorded.</param>
    /// <param name="signature">The signature that caused it, for signature trips.</param>
    /// <param name="severity">The severity recorded.</param>
    /// <param name="origin">Where it came from: <see cref="TripOrigin.Local"/> (this process) or a firm origin (operator, another engine, the aggregator, the link's fail-safe).</param>
    /// <param name="by">Who: an id of <see cref="TripOriginNames"/> (0 when nobody is named, as for local changes).</param>
    public TripContext(long sequence, long timeNs, Scope scope, int target, TradingState previous, TradingState state,
        TripCause cause, RejectReason reason, Signature signature, Severity severity, TripOrigin origin, int by)
    {
        By = by;
        Sequence = sequence; TimeNs = timeNs; Scope = scope; Target = target; Previous = previous; State = state;
        Cause = cause; Reason = reason; Signature = signature; Severity = severity; Origin = origin;
    }

    /// <summary>Transition number, from 1, unique per breaker.</summary>
    public long Sequence { get; }
    /// <summary>Event time (ns) of the event that caused it.</summary>
    public long TimeNs { get; }
    /// <summary>Scope that changed.</summary>
    public Scope Scope { get; }
    /// <summary>Dense id of the target (instrument, group or account); -1 for global.</summary>
    public int Target { get; }
    /// <summary>State before.</summary>
    public TradingState Previous { get; }
    /// <summary>State after.</summary>
    public TradingState State { get; }
    /// <summary>Kind of cause.</summary>
    public TripCause Cause { get; }
    /// <summary>The limit or pipeline reason (<see cref="RejectReason.Manual"/> for operator commands).</summary>
    public RejectReason Reason { get; }
    /// <summary>The signature when <see cref="Cause"/> is <see cref="TripCause.Signature"/>; otherwise 0.</summary>
    public Signature Signature { get; }
    /// <summary>Severity.</summary>
    public Severity Severity { get; }
    /// <summary>Where the change came from: <see cref="TripOrigin.Local"/> (this process) or the firm plane, and then from
    /// whom: an operator, another engine's raised trip, the aggregator, or the link's fail-safe. Every origin but Local is a
    /// change of the firm layer. <see cref="Previous"/> and <see cref="State"/> are the states in force (the most
    /// restrictive of both layers).</summary>
    public TripOrigin Origin { get; }
    /// <summary>Who made a firm change: an id of <see cref="TripOriginNames"/> (the operator's, engine's or aggregator's
    /// name; for the fail-safe, this engine's); 0 when nobody is named (local changes).</summary>
    public int By { get; }
    /// <summary>The name of <see cref="By"/> ("" for 0). Does not allocate.</summary>
    public string ByName => TripOriginNames.Of(By);
    /// <summary>True when the firm layer made this change (<see cref="Origin"/> is not <see cref="TripOrigin.Local"/>).</summary>
    public bool IsFirm => Origin != TripOrigin.Local;
    /// <summary>Name of what fired, as reports write it (signature name or reason code). Does not allocate.</summary>
    public string ReasonName => Cause == TripCause.Signature ? SignatureNames.Of(Signature) : ReasonNames.Of(Reason);
    /// <summary>True when the state became more restrictive.</summary>
    public bool IsTrip => State > Previous;
}

/// <summary>A kill switch: the engine's reaction to a change of trading state (cancel all, flatten, disconnect, notify).</summary>
public interface IKillSwitch
{
    /// <summary>Called once per transition, on the thread that made it (or on the action thread for slow switches).
    /// Exceptions are caught, counted and reported through <see cref="StateBoard.Faults"/>; other switches still run.</summary>
    /// <param name="context">The transition: scope, target, states before and after, cause, reason, event time.</param>
    void OnTransition(in TripContext context);
}

/// <summary>A fault of a kill switch (it threw).</summary>
public readonly struct KillSwitchFault
{
    /// <summary>Creates a fault record.</summary>
    /// <param name="switchIndex">Registration index of the switch that threw.</param>
    /// <param name="transitionSequence">Sequence of the transition it was handling.</param>
    /// <param name="error">What it threw (for an asynchronous switch past its timeout, a <see cref="TimeoutException"/>).</param>
    public KillSwitchFault(int switchIndex, long transitionSequence, Exception error)
    {
        SwitchIndex = switchIndex; TransitionSequence = transitionSequence; Error = error;
    }
    /// <summary>Registration index of the switch that threw: 0 for the board's first registration, 1 for the next, and so on;
    /// it stays the same when earlier registrations are disposed.</summary>
    public int SwitchIndex { get; }
    /// <summary>Transition it was handling.</summary>
    public long TransitionSequence { get; }
    /// <summary>What it threw.</summary>
    public Exception Error { get; }
}

/// <summary>Cached names so reasons render without allocating.</summary>
internal static class ReasonNames
{
    private static readonly string[] s_names = Build();
    private static string[] Build()
    {
        var n = new string[256];
        for (int i = 0; i < n.Length; i++) n[i] = ((RejectReason)i).ToString();
        return n;
    }
    public static string Of(RejectReason r) => s_names[(byte)r];
}

/// <summary>Cached signature names.</summary>
internal static class SignatureNames
{
    private static readonly Dictionary<Signature, string> s_names = Enum.GetValues<Signature>().ToDictionary(s => s, s => s.ToString());
    public static string Of(Signature s) => s_names.TryGetValue(s, out var n) ? n : "Unknown";
}
