using System.Text.Json;
using System.Text.Json.Serialization;

namespace CircuitBreaker.Incidents;

/// <summary>
/// The hand-over record of one incident: what fired, what was done and when (event time, ns), with outcomes, the
/// limits version in force, the flight-recorder events around the trip, time to detect and to contain, and a
/// <see cref="NotificationSummary"/> for the exchange or regulator. Built by <see cref="IncidentDesk.BuildRecord"/>
/// (allocates; off the hot path). <see cref="ToJson"/> writes snake_case JSON (source-generated, reflection-free).
/// </summary>
public sealed class IncidentRecord
{
    /// <summary>Incident id (<c>id</c>).</summary>
    public long Id { get; set; }
    /// <summary>Lifecycle when the record was built.</summary>
    public IncidentLifecycle Lifecycle { get; set; }
    /// <summary>Recovery step when the record was built.</summary>
    public RecoveryStep Step { get; set; }
    /// <summary>Scope of the first finding.</summary>
    public Scope Scope { get; set; }
    /// <summary>Target name of the first finding: symbol, group, account, or <c>*</c>.</summary>
    public string Target { get; set; } = "";
    /// <summary>Signature of the first finding.</summary>
    public Signature Signature { get; set; }
    /// <summary>Worst effective severity.</summary>
    public Severity MaxSeverity { get; set; }
    /// <summary>Version of the limits in force (<see cref="RiskConfig.Version"/>).</summary>
    public long ConfigVersion { get; set; }
    /// <summary>First anomalous event of the first finding's episode (<c>first_anomalous_t</c>).</summary>
    public long FirstAnomalousT { get; set; }
    /// <summary>First finding (<c>opened_t</c>).</summary>
    public long OpenedT { get; set; }
    /// <summary>Contained; null while detected only.</summary>
    public long? ContainedT { get; set; }
    /// <summary>Recovery started; null before.</summary>
    public long? RecoveringT { get; set; }
    /// <summary>Closed; null while open.</summary>
    public long? ClosedT { get; set; }
    /// <summary>Acknowledged (in the current containment round).</summary>
    public bool Acknowledged { get; set; }
    /// <summary>Time to detect (ns): first anomalous event → first finding.</summary>
    public long TimeToDetectNs { get; set; }
    /// <summary>Time to contain (ns): first finding → all containment actions done; null while not contained.</summary>
    public long? TimeToContainNs { get; set; }
    /// <summary>Findings that joined it.</summary>
    public int Findings { get; set; }
    /// <summary>Times a finding during recovery re-contained it.</summary>
    public int Recontainments { get; set; }
    /// <summary>Distinct signatures seen, in order of first appearance (snake_case names).</summary>
    public List<string> Reasons { get; set; } = [];
    /// <summary>Distinct actions taken, in order (snake_case names, e.g. <c>halt</c>, <c>cancel_all</c>).</summary>
    public List<string> Actions { get; set; } = [];
    /// <summary>Timeline, oldest first.</summary>
    public List<IncidentTimelineRecord> Timeline { get; set; } = [];
    /// <summary>Timeline entries not kept (timeline full).</summary>
    public long TimelineDropped { get; set; }
    /// <summary>Flight-recorder events of the first finding's instrument at containment, oldest first.</summary>
    public List<FlightEventRecord> InstrumentEvents { get; set; } = [];
    /// <summary>Flight-recorder events across instruments at containment, oldest first.</summary>
    public List<FlightEventRecord> GlobalEvents { get; set; } = [];
    /// <summary>Summary for the exchange or regulator.</summary>
    public NotificationSummary Notification { get; set; } = new();
    /// <summary>Changes the firm plane made (<see cref="TripContext.IsFirm"/>) to the incident's targets or the global scope,
    /// oldest first, from the board's recent history: where each came from (operator, another engine, the aggregator,
    /// the link's fail-safe) and who (<c>firm_changes</c>).</summary>
    public List<FirmChangeRecord> FirmChanges { get; set; } = [];

    /// <summary>Indented snake_case JSON. Allocates.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, IncidentJsonContext.Default.IncidentRecord);
}

/// <summary>One timeline line in a record.</summary>
public sealed class IncidentTimelineRecord
{
    /// <summary>Event time (ns) (<c>t</c>).</summary>
    public long T { get; set; }
    /// <summary>What it records.</summary>
    public TimelineEntryKind Kind { get; set; }
    /// <summary>Action name (<c>halt</c>, <c>cancel_all</c>, <c>resume</c> for a recovery step back to active); null for findings and lifecycle lines.</summary>
    public string? Action { get; set; }
    /// <summary>Scope.</summary>
    public Scope Scope { get; set; }
    /// <summary>Target name.</summary>
    public string Target { get; set; } = "";
    /// <summary>Signature name.</summary>
    public string? Signature { get; set; }
    /// <summary>Severity.</summary>
    public Severity Severity { get; set; }
    /// <summary>Trading state set (state changes only).</summary>
    public TradingState? State { get; set; }
    /// <summary>Outcome (<c>done</c>, <c>already_in_force</c>, <c>faulted</c>, ...).</summary>
    public ActionOutcome Outcome { get; set; }
    /// <summary>Lifecycle after this line.</summary>
    public IncidentLifecycle Lifecycle { get; set; }
    /// <summary>Recovery step after this line.</summary>
    public RecoveryStep Step { get; set; }
    /// <summary>Score, scale or count; null when none.</summary>
    public double? Value { get; set; }
}

/// <summary>One flight-recorder event in a record.</summary>
public sealed class FlightEventRecord
{
    /// <summary>Event time (ns).</summary>
    public long T { get; set; }
    /// <summary>Record type as on the tape (<c>trade</c>, <c>quote</c>, ...).</summary>
    public string Type { get; set; } = "";
    /// <summary>Instrument symbol; null when none.</summary>
    public string? Instrument { get; set; }
    /// <summary>Account name; null when none.</summary>
    public string? Account { get; set; }
    /// <summary>Price (trade, oracle, order, fill) or amount (chain); null when none.</summary>
    public double? Price { get; set; }
    /// <summary>Quantity (trade, order, fill, position); null when none.</summary>
    public double? Quantity { get; set; }
    /// <summary>Bid (quote).</summary>
    public double? Bid { get; set; }
    /// <summary>Ask (quote).</summary>
    public double? Ask { get; set; }
}

/// <summary>What an exchange or regulator needs: what happened, when, where, what was done, and where things stand.</summary>
public sealed class NotificationSummary
{
    /// <summary>Incident id.</summary>
    public long IncidentId { get; set; }
    /// <summary>One line: what fired, on what, how bad.</summary>
    public string What { get; set; } = "";
    /// <summary>Event time (ns) of detection.</summary>
    public long DetectedT { get; set; }
    /// <summary>Event time (ns) of containment; null while not contained.</summary>
    public long? ContainedT { get; set; }
    /// <summary>Instruments involved (symbols).</summary>
    public List<string> Instruments { get; set; } = [];
    /// <summary>Accounts involved (names).</summary>
    public List<string> Accounts { get; set; } = [];
    /// <summary>Groups involved.</summary>
    public List<string> Groups { get; set; } = [];
    /// <summary>What was done, one line each (<c>halt group BTC: done</c>).</summary>
    public List<string> ActionsTaken { get; set; } = [];
    /// <summary>Lifecycle now.</summary>
    public IncidentLifecycle CurrentState { get; set; }
    /// <summary>Trading state now of every target the incident changed.</summary>
    public List<TargetStateRecord> TradingStates { get; set; } = [];

    /// <summary>Indented snake_case JSON. Allocates.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, IncidentJsonContext.Default.NotificationSummary);
}

/// <summary>The trading state of one target.</summary>
public sealed class TargetStateRecord
{
    /// <summary>Scope.</summary>
    public Scope Scope { get; set; }
    /// <summary>Target name.</summary>
    public string Target { get; set; } = "";
    /// <summary>State now.</summary>
    public TradingState State { get; set; }
    /// <summary>Limits scale now.</summary>
    public double LimitsScale { get; set; }
}

/// <summary>One change of trading state the firm plane made, in an incident record.</summary>
public sealed class FirmChangeRecord
{
    /// <summary>Event time (ns) the firm record carried (<c>t</c>; the writer's clock origin).</summary>
    public long T { get; set; }
    /// <summary>Scope.</summary>
    public Scope Scope { get; set; }
    /// <summary>Target name (<c>*</c> for global).</summary>
    public string Target { get; set; } = "";
    /// <summary>State in force before.</summary>
    public TradingState Previous { get; set; }
    /// <summary>State in force after.</summary>
    public TradingState State { get; set; }
    /// <summary>Where it came from: firm_operator, firm_engine, firm_aggregator, firm_fail_safe or firm (<see cref="TripOriginNames.NameOf"/>).</summary>
    public string Origin { get; set; } = "";
    /// <summary>Who: the operator's, engine's or aggregator's name (this engine's for its fail-safe).</summary>
    public string By { get; set; } = "";
    /// <summary>The reason or signature name it carried (the raising engine's own, e.g. <c>MaxDailyLoss</c>).</summary>
    public string Reason { get; set; } = "";
}

/// <summary>Source-generated JSON metadata for incident records: snake_case_lower names and enum names, indented, explicit nulls.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    Converters = [typeof(LowerSnakeEnumConverter<Scope>), typeof(LowerSnakeEnumConverter<TradingState>), typeof(LowerSnakeEnumConverter<Severity>),
        typeof(LowerSnakeEnumConverter<Signature>), typeof(LowerSnakeEnumConverter<IncidentLifecycle>), typeof(LowerSnakeEnumConverter<RecoveryStep>),
        typeof(LowerSnakeEnumConverter<TimelineEntryKind>), typeof(LowerSnakeEnumConverter<ActionOutcome>)])]
[JsonSerializable(typeof(IncidentRecord))]
[JsonSerializable(typeof(NotificationSummary))]
internal sealed partial class IncidentJsonContext : JsonSerializerContext;
