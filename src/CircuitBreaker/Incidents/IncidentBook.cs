namespace CircuitBreaker.Incidents;

/// <summary>
/// The incident store of an <see cref="IncidentDesk"/>: a preallocated array of incident slots and, per slot, its
/// timeline, the targets it holds, the external actions delivered in the current containment round and its
/// flight-recorder snapshot. Opening, joining, timeline and hold book-keeping allocate nothing. Evaluator thread only.
/// </summary>
internal sealed class IncidentBook
{
    private readonly IncidentSlot[] _slots;
    private readonly TimelineEntry[] _timeline;
    private readonly HeldTarget[] _held;
    private readonly DeliveredAction[] _delivered;
    private readonly RiskEvent[] _snapshots;
    private readonly int _timelineCap, _heldCap, _deliveredCap, _instrumentEvents, _globalEvents, _snapshotPer;
    private long _lastId;
    private long _dropped;

    /// <summary>Allocates every buffer: <see cref="IncidentOptions.IncidentCapacity"/> slots, each with its timeline, held targets and snapshot.</summary>
    public IncidentBook(IncidentOptions options)
    {
        int cap = options.IncidentCapacity;
        _timelineCap = options.TimelineCapacity;
        _heldCap = options.HeldTargetsPerIncident;
        _deliveredCap = _heldCap * 8;
        _instrumentEvents = options.InstrumentEvents;
        _globalEvents = options.SnapshotGlobalEvents;
        _snapshotPer = _instrumentEvents + _globalEvents;
        _slots = new IncidentSlot[cap];
        _timeline = new TimelineEntry[cap * _timelineCap];
        _held = new HeldTarget[cap * _heldCap];
        _delivered = new DeliveredAction[cap * _deliveredCap];
        _snapshots = new RiskEvent[(long)cap * _snapshotPer];
    }

    /// <summary>Number of slots.</summary>
    public int Capacity => _slots.Length;
    /// <summary>Id of the newest incident (0 when none yet).</summary>
    public long LastId => _lastId;
    /// <summary>Incidents not recorded because every slot held an open incident.</summary>
    public long Dropped => _dropped;

    /// <summary>The incident in <paramref name="slot"/>.</summary>
    public ref IncidentSlot this[int slot] => ref _slots[slot];

    /// <summary>Open incidents (not closed).</summary>
    public int OpenCount
    {
        get
        {
            int n = 0;
            for (int k = 0; k < _slots.Length; k++) if (_slots[k].IsOpen) n++;
            return n;
        }
    }

    /// <summary>Slot of an incident still kept, or -1.</summary>
    public int SlotOf(long id)
    {
        if (id <= 0) return -1;
        for (int k = 0; k < _slots.Length; k++) if (_slots[k].Id == id) return k;
        return -1;
    }

    /// <summary>Ids of every incident still kept, oldest first. Allocates.</summary>
    public List<long> Ids()
    {
        var ids = new List<long>();
        for (int k = 0; k < _slots.Length; k++) if (_slots[k].Id != 0) ids.Add(_slots[k].Id);
        ids.Sort();
        return ids;
    }

    /// <summary>
    /// Opens an incident for a finding on (scope of <paramref name="f"/>, <paramref name="target"/>) in a free slot or the
    /// one closed longest ago; -1 (counted in <see cref="Dropped"/>) when every slot holds an open incident.
    /// </summary>
    public int Open(in Finding f, int target, int group, long stepDueNs)
    {
        int slot = -1; long oldest = long.MaxValue;
        for (int k = 0; k < _slots.Length; k++)
        {
            ref var c = ref _slots[k];
            if (c.Id == 0) { slot = k; break; }
            if (c.Lifecycle == IncidentLifecycle.Closed && c.ClosedNs < oldest) { oldest = c.ClosedNs; slot = k; }
        }
        if (slot < 0) { _dropped++; return -1; }
        ref var s = ref _slots[slot];
        s = default;
        s.Id = ++_lastId;
        s.Lifecycle = IncidentLifecycle.Detected;
        s.Step = RecoveryStep.None;
        s.Scope = f.Scope; s.Target = target; s.Signature = f.Signature; s.MaxSeverity = Severity.Info;
        s.Group = group;
        s.FirstAnomalousNs = Math.Min(f.FirstAnomalousTimeNs, f.TimeNs);
        s.OpenedNs = f.TimeNs; s.LastFindingNs = f.TimeNs;
        s.ContainedNs = -1; s.RecoveringNs = -1; s.ClosedNs = -1; s.AckNs = -1;
        s.StepDueNs = stepDueNs;
        s.SnapshotInstrument = -1;
        AddLifecycle(slot, f.TimeNs);
        return slot;
    }

    /// <summary>
    /// The open incident a finding on (scope, target) joins: same target, same group (when either is a group), or a
    /// target it holds (its group, or global). -1 when none.
    /// </summary>
    public int FindJoinable(Scope scope, int target, int group)
    {
        for (int k = 0; k < _slots.Length; k++)
        {
            ref var s = ref _slots[k];
            if (!s.IsOpen) continue;
            if (s.Scope == scope && s.Target == target) return k;
            if (group >= 0 && s.Group == group && (scope == Scope.Group || s.Scope == Scope.Group)) return k;
            int baseIndex = k * _heldCap;
            for (int h = 0; h < s.HeldCount; h++)
            {
                ref var held = ref _held[baseIndex + h];
                if (held.Scope == Scope.Global) return k;
                if (held.Scope == scope && held.Target == target) return k;
                if (held.Scope == Scope.Group && held.Target == group) return k;
            }
        }
        return -1;
    }

    /// <summary>True when the open incident in <paramref name="slot"/> is on (scope, target), its group, or holds the target.</summary>
    public bool Concerns(int slot, Scope scope, int target)
    {
        ref var s = ref _slots[slot];
        if (s.Scope == scope && s.Target == target || scope == Scope.Group && s.Group == target) return true;
        int baseIndex = slot * _heldCap;
        for (int h = 0; h < s.HeldCount; h++)
        {
            ref var held = ref _held[baseIndex + h];
            if (held.Scope == scope && held.Target == target) return true;
        }
        return false;
    }

    /// <summary>Appends a timeline entry, or counts it as dropped when the timeline is full.</summary>
    public void Add(int slot, in TimelineEntry entry)
    {
        ref var s = ref _slots[slot];
        if (s.TimelineCount < _timelineCap) _timeline[slot * _timelineCap + s.TimelineCount++] = entry;
        else s.TimelineDropped++;
    }

    /// <summary>Appends a lifecycle entry carrying the incident's current lifecycle and step.</summary>
    public void AddLifecycle(int slot, long timeNs, TimelineEntryKind kind = TimelineEntryKind.Lifecycle)
    {
        ref var s = ref _slots[slot];
        Add(slot, new TimelineEntry(timeNs, kind, s.Scope, s.Target, s.Signature, s.MaxSeverity, lifecycle: s.Lifecycle, step: s.Step));
    }

    /// <summary>An action entry carrying the incident's current lifecycle and step.</summary>
    public TimelineEntry ActionEntry(int slot, long t, IncidentActionKind kind, Scope scope, int target, Signature sig, Severity sev,
        TradingState state, ActionOutcome outcome, double value, TimelineEntryKind entryKind = TimelineEntryKind.Action)
    {
        ref var s = ref _slots[slot];
        return new TimelineEntry(t, entryKind, scope, target, sig, sev, kind, state, outcome, s.Lifecycle, s.Step, value);
    }

    /// <summary>The timeline of <paramref name="slot"/>, oldest first.</summary>
    public ReadOnlySpan<TimelineEntry> Timeline(int slot) => _timeline.AsSpan(slot * _timelineCap, _slots[slot].TimelineCount);

    /// <summary>The targets <paramref name="slot"/> holds.</summary>
    public Span<HeldTarget> Held(int slot) => _held.AsSpan(slot * _heldCap, _slots[slot].HeldCount);

    /// <summary>
    /// Records that the incident holds (scope, target) in <paramref name="state"/> (stricter states win) and/or throttles
    /// it to <paramref name="throttle"/> (NaN: not throttled). Past the capacity the target is not held (recorded in the
    /// timeline; recovery will not release it, an operator resumes it).
    /// </summary>
    public void Hold(int slot, Scope scope, int target, TradingState state, double throttle)
    {
        ref var s = ref _slots[slot];
        int baseIndex = slot * _heldCap;
        for (int h = 0; h < s.HeldCount; h++)
        {
            ref var held = ref _held[baseIndex + h];
            if (held.Scope != scope || held.Target != target) continue;
            if (state > held.State) held.State = state;
            if (!double.IsNaN(throttle)) held.ThrottleScale = double.IsNaN(held.ThrottleScale) ? throttle : Math.Min(held.ThrottleScale, throttle);
            return;
        }
        if (s.HeldCount >= _heldCap) return;
        _held[baseIndex + s.HeldCount++] = new HeldTarget { Scope = scope, Target = target, State = state, ThrottleScale = throttle };
    }

    /// <summary>
    /// Marks an external action as delivered in this containment round; false when it already was (deliver once).
    /// Past the capacity it is delivered without being remembered.
    /// </summary>
    public bool TryMarkDelivered(int slot, IncidentActionKind kind, Scope scope, int target)
    {
        ref var s = ref _slots[slot];
        int baseIndex = slot * _deliveredCap;
        for (int d = 0; d < s.DeliveredCount; d++)
        {
            ref var done = ref _delivered[baseIndex + d];
            if (done.Kind == kind && done.Scope == scope && done.Target == target) return false;
        }
        if (s.DeliveredCount < _deliveredCap)
            _delivered[baseIndex + s.DeliveredCount++] = new DeliveredAction { Kind = kind, Scope = scope, Target = target };
        return true;
    }

    /// <summary>Copies the recorder's newest events into the incident (its instrument's, when it is on one, and the global ones).</summary>
    public void Snapshot(int slot, FlightRecorder recorder)
    {
        ref var s = ref _slots[slot];
        var span = _snapshots.AsSpan((int)((long)slot * _snapshotPer), _snapshotPer);
        s.SnapshotInstrument = s.Scope == Scope.Instrument ? s.Target : -1;
        s.SnapshotInstrumentCount = s.SnapshotInstrument >= 0 ? recorder.CopyInstrument(s.SnapshotInstrument, span[.._instrumentEvents]) : 0;
        s.SnapshotGlobalCount = recorder.CopyGlobal(span.Slice(_instrumentEvents, _globalEvents));
    }

    /// <summary>The instrument events of the incident's snapshot, oldest first.</summary>
    public ReadOnlySpan<RiskEvent> InstrumentSnapshot(int slot)
        => _snapshots.AsSpan((int)((long)slot * _snapshotPer), _slots[slot].SnapshotInstrumentCount);

    /// <summary>The global events of the incident's snapshot, oldest first.</summary>
    public ReadOnlySpan<RiskEvent> GlobalSnapshot(int slot)
        => _snapshots.AsSpan((int)((long)slot * _snapshotPer) + _instrumentEvents, _slots[slot].SnapshotGlobalCount);
}
