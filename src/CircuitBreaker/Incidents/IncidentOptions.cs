namespace CircuitBreaker.Incidents;

/// <summary>
/// Sizes and policies of an <see cref="IncidentDesk"/>. Everything is preallocated from these at construction.
/// Memory for flight-recorder snapshots is <c>IncidentCapacity × (InstrumentEvents + SnapshotGlobalEvents) × 64</c> bytes
/// (defaults: 16 × 4,352 × 64 ≈ 4.5 MB).
/// </summary>
public sealed class IncidentOptions
{
    /// <summary>Incidents kept (open and recently closed; default 16; 1..4096). When every slot holds an open incident,
    /// new ones are not recorded (<see cref="IncidentDesk.IncidentsDropped"/>) but their actions still run.</summary>
    public int IncidentCapacity { get; init; } = 16;
    /// <summary>Timeline entries per incident (default 128; 16..65536). Later entries are counted, not kept.</summary>
    public int TimelineCapacity { get; init; } = 128;
    /// <summary>Targets one incident may hold (halted, reduce-only or throttled; default 16; 1..256).</summary>
    public int HeldTargetsPerIncident { get; init; } = 16;
    /// <summary>Flight recorder: events kept per instrument (default 256; 0..65536).</summary>
    public int InstrumentEvents { get; init; } = 256;
    /// <summary>Flight recorder: events kept across all instruments (default 4,096; 0..1,048,576).</summary>
    public int GlobalEvents { get; init; } = 4096;
    /// <summary>Newest global events copied into an incident when it is contained (default 4,096; at most <see cref="GlobalEvents"/>).</summary>
    public int SnapshotGlobalEvents { get; init; } = 4096;
    /// <summary>When findings may act.</summary>
    public Corroboration Corroboration { get; init; } = new();
    /// <summary>When halts widen.</summary>
    public Escalation Escalation { get; init; } = new();
    /// <summary>Staged recovery.</summary>
    public RecoveryOptions Recovery { get; init; } = new();

    /// <summary>Every problem with these options (empty when valid). Allocates.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (IncidentCapacity is < 1 or > 4096) errors.Add($"incident_capacity must be in 1..4096 (was {IncidentCapacity})");
        if (TimelineCapacity is < 16 or > 65536) errors.Add($"timeline_capacity must be in 16..65536 (was {TimelineCapacity})");
        if (HeldTargetsPerIncident is < 1 or > 256) errors.Add($"held_targets_per_incident must be in 1..256 (was {HeldTargetsPerIncident})");
        if (InstrumentEvents is < 0 or > 65536) errors.Add($"instrument_events must be in 0..65536 (was {InstrumentEvents})");
        if (GlobalEvents is < 0 or > 1 << 20) errors.Add($"global_events must be in 0..1048576 (was {GlobalEvents})");
        if (SnapshotGlobalEvents < 0 || SnapshotGlobalEvents > GlobalEvents)
            errors.Add($"snapshot_global_events must be in 0..global_events (was {SnapshotGlobalEvents})");
        if ((long)IncidentCapacity * (InstrumentEvents + SnapshotGlobalEvents) > 1L << 24)
            errors.Add("incident_capacity × (instrument_events + snapshot_global_events) must be at most 16,777,216 events (1 GiB of snapshots)");
        if (Corroboration is null) errors.Add("corroboration must be set"); else Corroboration.Validate(errors);
        if (Escalation is null) errors.Add("escalation must be set"); else Escalation.Validate(errors);
        if (Recovery is null) errors.Add("recovery must be set"); else Recovery.Validate(errors);
        return errors;
    }
}
