namespace CircuitBreaker;

public sealed partial class IncidentDesk
{
    /// <summary>
    /// Handles one finding (evaluator thread, event time = <see cref="Finding.TimeNs"/>): corroboration, playbook
    /// match, incident open/join (a finding during recovery re-contains), actions in rule order, escalation.
    /// Allocates nothing after construction.
    /// </summary>
    public void OnFinding(in Finding finding)
    {
        long t = finding.TimeNs;
        if (t > _nowNs) _nowNs = t;
        int target = finding.Scope == Scope.Global ? -1 : finding.Target;
        int key = Key(finding.Scope, target);
        if (key < 0) { _invalid++; return; }

        Severity effective = _votes.Vote(key, finding.Signature, finding.Severity, t, out bool acts);
        int product = finding.Scope == Scope.Instrument ? _kindOf[target] : -1;
        int rule = _playbook.Match(finding.Signature, effective, finding.Scope, product);

        int slot = FindJoinable(finding.Scope, target);
        if (slot < 0 && rule < 0) { _unhandled++; return; }
        if (slot < 0) slot = Open(in finding, target);
        if (slot >= 0)
        {
            ref var s = ref _slots[slot];
            s.Findings++;
            if (effective > s.MaxSeverity) s.MaxSeverity = effective;
            var outcome = rule < 0 ? ActionOutcome.NoRule : acts ? ActionOutcome.Acted : ActionOutcome.NotCorroborated;
            Add(slot, new TimelineEntry(t, TimelineEntryKind.Finding, finding.Scope, target, finding.Signature, finding.Severity,
                outcome: outcome, lifecycle: s.Lifecycle, step: s.Step, value: finding.Score));
            if (effective >= Severity.Warning)
            {
                s.LastFindingNs = Math.Max(s.LastFindingNs, t);
                if (s.Lifecycle == IncidentLifecycle.Recovering) Recontain(slot, in finding, effective);
                else if (s.Lifecycle == IncidentLifecycle.Contained) { s.Step = RecoveryStep.CoolDown; s.StepDueNs = DueAfter(s.LastFindingNs, _coolDownNs); }
                else if (s.Lifecycle == IncidentLifecycle.Detected) s.StepDueNs = DueAfter(s.LastFindingNs, _expiryNs);
                if (s.Lifecycle == IncidentLifecycle.Contained && effective >= _options.Recovery.AckSeverity && s.Acknowledged && s.AckNs < t)
                    s.Acknowledged = false; // a new serious finding needs a new acknowledgement
                Due(s.StepDueNs);
            }
        }
        if (rule >= 0) Execute(slot, rule, in finding, target, effective);
    }

    private int Open(in Finding f, int target)
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
        s.Group = f.Scope == Scope.Instrument ? _groupOf[target] : f.Scope == Scope.Group ? target : -1;
        s.FirstAnomalousNs = Math.Min(f.FirstAnomalousTimeNs, f.TimeNs);
        s.OpenedNs = f.TimeNs; s.LastFindingNs = f.TimeNs;
        s.ContainedNs = -1; s.RecoveringNs = -1; s.ClosedNs = -1; s.AckNs = -1;
        s.StepDueNs = DueAfter(f.TimeNs, _expiryNs);
        s.SnapshotInstrument = -1;
        Due(s.StepDueNs);
        AddLifecycle(slot, f.TimeNs);
        return slot;
    }

    private int FindJoinable(Scope scope, int target)
    {
        int group = scope == Scope.Instrument && (uint)target < (uint)_instruments ? _groupOf[target] : scope == Scope.Group ? target : -1;
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

    private void Execute(int slot, int rule, in Finding f, int findingTarget, Severity effective)
    {
        var actions = _playbook.ActionsOf(rule);
        long t = f.TimeNs;
        bool contained = false;
        for (int k = 0; k < actions.Length; k++)
        {
            ref readonly var a = ref actions[k];
            if (!ScopeResolver.TryResolve(f.Scope, findingTarget, a.Scope, _groupOf, out var scope, out int target) || Key(scope, target) < 0)
            {
                if (slot >= 0) Add(slot, ActionEntry(slot, t, a.Kind, f.Scope, findingTarget, f.Signature, effective, TradingState.Active, ActionOutcome.Unresolved, double.NaN));
                continue;
            }
            ActionOutcome outcome;
            double value = double.NaN;
            TradingState state = TradingState.Active;
            switch (a.Kind)
            {
                case IncidentActionKind.Halt:
                case IncidentActionKind.ReduceOnly:
                    state = a.Kind == IncidentActionKind.Halt ? TradingState.Halted : TradingState.ReduceOnly;
                    outcome = ApplyState(slot, scope, target, state, t, f.Signature, effective);
                    break;
                case IncidentActionKind.Throttle:
                    value = Math.Min(a.Scale, LimitsScale(scope, target));
                    SetScale(scope, target, value);
                    if (slot >= 0) Hold(slot, scope, target, TradingState.Active, a.Scale);
                    outcome = Deliver(slot, a.Kind, scope, target, t, f.Signature, effective, value);
                    break;
                default:
                    outcome = Deliver(slot, a.Kind, scope, target, t, f.Signature, effective, double.NaN);
                    break;
            }
            if (a.IsContainment) contained = true;
            if (slot >= 0) Add(slot, ActionEntry(slot, t, a.Kind, scope, target, f.Signature, effective, state, outcome, value));
            if (a.Kind == IncidentActionKind.Halt && outcome == ActionOutcome.Done) Escalate(slot, scope, target, t, f.Signature, effective);
        }
        if (contained && slot >= 0) MarkContained(slot, t);
    }

    private TimelineEntry ActionEntry(int slot, long t, IncidentActionKind kind, Scope scope, int target, Signature sig, Severity sev,
        TradingState state, ActionOutcome outcome, double value, TimelineEntryKind entryKind = TimelineEntryKind.Action)
    {
        ref var s = ref _slots[slot];
        return new TimelineEntry(t, entryKind, scope, target, sig, sev, kind, state, outcome, s.Lifecycle, s.Step, value);
    }

    private ActionOutcome ApplyState(int slot, Scope scope, int target, TradingState state, long t, Signature sig, Severity sev)
    {
        if (_board.Get(scope, target) >= state) return ActionOutcome.AlreadyInForce;
        bool limit = PlaybookRule.IsLimit(sig);
        var reason = limit ? LimitReason(sig) : state == TradingState.Halted ? RejectReason.Halted : RejectReason.ReduceOnly;
        if (!_board.TrySet(scope, target, state, t, limit ? TripCause.Limit : TripCause.Signature, reason, sig, sev))
            return ActionOutcome.AlreadyInForce;
        if (slot >= 0) Hold(slot, scope, target, state, double.NaN);
        return ActionOutcome.Done;
    }

    private static RejectReason LimitReason(Signature s) => s switch
    {
        Signature.MaxPosition => RejectReason.MaxPosition,
        Signature.MaxDailyLoss => RejectReason.MaxDailyLoss,
        Signature.MaxGrossExposure => RejectReason.MaxGrossExposure,
        Signature.MaxNetExposure => RejectReason.MaxNetExposure,
        _ => RejectReason.Halted,
    };

    private void Hold(int slot, Scope scope, int target, TradingState state, double throttle)
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
        if (s.HeldCount >= _heldCap) return; // recorded in the timeline; recovery will not release it (operator resumes)
        _held[baseIndex + s.HeldCount++] = new HeldTarget { Scope = scope, Target = target, State = state, ThrottleScale = throttle };
    }

    private ActionOutcome Deliver(int slot, IncidentActionKind kind, Scope scope, int target, long t, Signature sig, Severity sev, double scale)
    {
        if (slot >= 0)
        {
            ref var s = ref _slots[slot];
            int baseIndex = slot * _deliveredCap;
            for (int d = 0; d < s.DeliveredCount; d++)
            {
                ref var done = ref _delivered[baseIndex + d];
                if (done.Kind == kind && done.Scope == scope && done.Target == target) return ActionOutcome.AlreadyDelivered;
            }
            if (s.DeliveredCount < _deliveredCap)
                _delivered[baseIndex + s.DeliveredCount++] = new DeliveredAction { Kind = kind, Scope = scope, Target = target };
        }
        var handler = _actions;
        if (handler is null) return ActionOutcome.NoHandler;
        var args = new IncidentActionArgs(slot >= 0 ? _slots[slot].Id : 0, kind, scope, target, t, sig, sev, scale);
        try
        {
            switch (kind)
            {
                case IncidentActionKind.Alert: handler.Alert(in args); break;
                case IncidentActionKind.Throttle: handler.Throttle(in args); break;
                case IncidentActionKind.CancelAll: handler.CancelAll(in args); break;
                case IncidentActionKind.Flatten: handler.Flatten(in args); break;
                case IncidentActionKind.IsolateSession: handler.IsolateSession(in args); break;
                case IncidentActionKind.NotifyExchange: handler.NotifyExchange(in args); break;
                case IncidentActionKind.NotifyRegulator: handler.NotifyRegulator(in args); break;
            }
            return ActionOutcome.Done;
        }
        catch (Exception ex)
        {
            _faults++;
            _lastFault = ex;
            return ActionOutcome.Faulted;
        }
    }

    private void Escalate(int slot, Scope scope, int target, long t, Signature sig, Severity sev)
    {
        var esc = _options.Escalation;
        if (scope == Scope.Instrument && esc.InstrumentHalts > 0)
        {
            int g = _groupOf[target];
            int n = esc.InstrumentHalts;
            long c = _groupHaltCount[g]++;
            _groupHalts[g * n + (int)(c % n)] = t;
            if (c + 1 >= n && t - _groupHalts[g * n + (int)((c + 1) % n)] <= _groupWindowNs)
            {
                var outcome = ApplyState(slot, Scope.Group, g, TradingState.Halted, t, sig, sev);
                if (slot >= 0) Add(slot, ActionEntry(slot, t, IncidentActionKind.Halt, Scope.Group, g, sig, sev, TradingState.Halted, outcome, n, TimelineEntryKind.Escalation));
            }
        }
        else if (scope == Scope.Account && esc.AccountHalts > 0)
        {
            _accountHaltNs[target] = t;
            int halted = 0;
            for (int a = 0; a < _accountHaltNs.Length; a++)
                if (_accountHaltNs[a] != long.MinValue && t - _accountHaltNs[a] <= _globalWindowNs) halted++;
            if (halted >= esc.AccountHalts)
            {
                var outcome = ApplyState(slot, Scope.Global, -1, TradingState.Halted, t, sig, sev);
                if (slot >= 0) Add(slot, ActionEntry(slot, t, IncidentActionKind.Halt, Scope.Global, -1, sig, sev, TradingState.Halted, outcome, halted, TimelineEntryKind.Escalation));
            }
        }
    }

    private void MarkContained(int slot, long t)
    {
        ref var s = ref _slots[slot];
        if (s.Lifecycle != IncidentLifecycle.Detected) return;
        s.Lifecycle = IncidentLifecycle.Contained;
        s.Step = RecoveryStep.CoolDown;
        s.ContainedNs = t;
        s.StepDueNs = DueAfter(s.LastFindingNs, _coolDownNs);
        Due(s.StepDueNs);
        Snapshot(slot);
        AddLifecycle(slot, t);
    }

    private void Snapshot(int slot)
    {
        ref var s = ref _slots[slot];
        long baseIndex = (long)slot * _snapshotPer;
        var span = _snapshots.AsSpan((int)baseIndex, _snapshotPer);
        s.SnapshotInstrument = s.Scope == Scope.Instrument ? s.Target : -1;
        s.SnapshotInstrumentCount = s.SnapshotInstrument >= 0 ? Recorder.CopyInstrument(s.SnapshotInstrument, span[.._options.InstrumentEvents]) : 0;
        s.SnapshotGlobalCount = Recorder.CopyGlobal(span.Slice(_options.InstrumentEvents, _options.SnapshotGlobalEvents));
    }

    private void Due(long dueNs)
    {
        if (dueNs < _nextDueNs) _nextDueNs = dueNs;
    }
}
