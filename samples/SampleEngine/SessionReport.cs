using CircuitBreaker;
using CircuitBreaker.Incidents;

namespace SampleEngine;

/// <summary>What happened in one run, every figure taken from the breaker's decisions, trips and incident status.</summary>
public sealed class SessionReport
{
    /// <summary>Event time (ns) the broken build started.</summary>
    public long RunawayStartedNs { get; internal set; } = -1;
    /// <summary>Signature of the first finding on the engine's account after the runaway started (null: none).</summary>
    public Signature? DetectedBy { get; internal set; }
    /// <summary>Severity of that finding.</summary>
    public Severity DetectedSeverity { get; internal set; }
    /// <summary>Event time (ns) of that finding; -1 when none.</summary>
    public long DetectedNs { get; internal set; } = -1;
    /// <summary>Event time (ns) the account was first halted; -1 when never.</summary>
    public long AccountHaltedNs { get; internal set; } = -1;
    /// <summary>Runaway orders the gate accepted (before the halt).</summary>
    public int RunawayOrdersAccepted { get; internal set; }
    /// <summary>New orders rejected while the account was halted, by reason.</summary>
    public Dictionary<RejectReason, int> RejectedWhileHalted { get; } = [];
    /// <summary>Cancel-all requests the desk sent to the engine.</summary>
    public int CancelAllRequests { get; internal set; }
    /// <summary>Resting orders the engine cancelled for those requests.</summary>
    public int OrdersCancelledByCancelAll { get; internal set; }
    /// <summary>External actions the desk requested, in order.</summary>
    public List<IncidentActionKind> Actions { get; } = [];
    /// <summary>Event time (ns) the desk started waiting for an acknowledgement; -1 when never.</summary>
    public long AwaitingAckNs { get; internal set; } = -1;
    /// <summary>Event time (ns) the operator's acknowledgement was published; -1 when never.</summary>
    public long AcknowledgedNs { get; internal set; } = -1;
    /// <summary>Event time (ns) the account went to reduce-only probation; -1 when never.</summary>
    public long ProbationNs { get; internal set; } = -1;
    /// <summary>Orders that added risk rejected <see cref="RejectReason.ReduceOnly"/> during probation.</summary>
    public int ProbationRejectedReduceOnly { get; internal set; }
    /// <summary>Orders accepted during probation (they reduced the position).</summary>
    public int ProbationAccepted { get; internal set; }
    /// <summary>Event time (ns) the account traded again with reduced limits; -1 when never.</summary>
    public long ReducedLimitsNs { get; internal set; } = -1;
    /// <summary>The desk's limits scale during the reduced-limits step (NaN when never reached).</summary>
    public double ReducedLimitsScale { get; internal set; } = double.NaN;
    /// <summary>Quote size the strategy used with reduced limits (NaN when it never quoted then).</summary>
    public double ReducedQuoteSize { get; internal set; } = double.NaN;
    /// <summary>Event time (ns) the incident closed; -1 when it did not.</summary>
    public long ClosedNs { get; internal set; } = -1;
    /// <summary>New orders accepted after the incident closed.</summary>
    public int AcceptedAfterClose { get; internal set; }
    /// <summary>Quote size after the incident closed (NaN when it never quoted then).</summary>
    public double QuoteSizeAfterClose { get; internal set; } = double.NaN;
    /// <summary>The account's trading state at the end.</summary>
    public TradingState FinalAccountState { get; internal set; }
    /// <summary>The incident's status at the end (null when no incident was opened).</summary>
    public IncidentStatus? Incident { get; internal set; }
    /// <summary>Every state transition the board delivered to the engine's kill switch, in order.</summary>
    public List<TripContext> Transitions { get; } = [];
    /// <summary>Account PnL at the end.</summary>
    public double FinalPnl { get; internal set; }

    /// <summary>The runaway was detected, the account halted and its orders rejected afterwards.</summary>
    public bool Contained => DetectedNs >= 0 && AccountHaltedNs >= DetectedNs && RejectedWhileHalted.Values.Sum() > 0 && CancelAllRequests > 0;
    /// <summary>Staged recovery ran to the end and the engine trades normally again.</summary>
    public bool Recovered => AcknowledgedNs >= 0 && ProbationNs >= AcknowledgedNs && ReducedLimitsNs > ProbationNs && ClosedNs > ReducedLimitsNs
        && FinalAccountState == TradingState.Active && AcceptedAfterClose > 0;
}
