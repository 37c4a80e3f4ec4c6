using System.Text.Json.Serialization;

namespace CircuitBreaker.Incidents;

/// <summary>Where an incident is: <c>Detected → Contained → Recovering → Closed</c>. A new finding while recovering goes back to <see cref="Contained"/>.</summary>
public enum IncidentLifecycle : byte
{
    /// <summary>Findings seen, no containment action yet (alerts only). Closes by itself after <see cref="RecoveryOptions.DetectedExpiry"/> without findings.</summary>
    Detected = 0,
    /// <summary>Containment done (halt, reduce-only, cancel all, ...); cool-down and acknowledgement pending.</summary>
    Contained = 1,
    /// <summary>Staged recovery: reduce-only probation, then reduced limits.</summary>
    Recovering = 2,
    /// <summary>Back to normal; the record is final.</summary>
    Closed = 3,
}

/// <summary>Step of staged recovery.</summary>
public enum RecoveryStep : byte
{
    /// <summary>Not started (incident detected only).</summary>
    None = 0,
    /// <summary>Waiting for the cool-down (event time) since the last finding. Written <c>cool_down</c> in records (the format predates the rename).</summary>
    [JsonStringEnumMemberName("cool_down")]
    Cooldown = 1,
    /// <summary>Cool-down over; a Critical incident waits for an acknowledgement.</summary>
    AwaitingAck = 2,
    /// <summary>Held targets are reduce-only for the probation period.</summary>
    Probation = 3,
    /// <summary>Held targets trade again with limits scaled down for a period.</summary>
    ReducedLimits = 4,
    /// <summary>Limits back to normal; the incident is closed.</summary>
    Normal = 5,
}

/// <summary>What a timeline entry records.</summary>
public enum TimelineEntryKind : byte
{
    /// <summary>A finding joined the incident (<see cref="TimelineEntry.Outcome"/>: acted, not corroborated, no rule).</summary>
    Finding = 0,
    /// <summary>A playbook action (state change or external action) and its outcome.</summary>
    Action = 1,
    /// <summary>An escalation rule widened the halt (group or global).</summary>
    Escalation = 2,
    /// <summary>A lifecycle or recovery step (<see cref="TimelineEntry.Lifecycle"/>, <see cref="TimelineEntry.Step"/>).</summary>
    Lifecycle = 3,
    /// <summary>A recovery state change on a held target.</summary>
    Recovery = 4,
    /// <summary>An operator acknowledged the incident.</summary>
    Acknowledged = 5,
    /// <summary>A finding during recovery put the incident back into containment.</summary>
    Recontained = 6,
}
