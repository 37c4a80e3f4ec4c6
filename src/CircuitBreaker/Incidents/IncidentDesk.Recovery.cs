namespace CircuitBreaker;

public sealed partial class IncidentDesk
{
    /// <summary>
    /// Observes one event (evaluator thread): records it in the <see cref="Recorder"/>, advances event time and every
    /// recovery timer, and handles an admin <see cref="AdminAction.Ack"/> (scope in the payload, target in
    /// <see cref="RiskEvent.Aux"/>). Allocates nothing.
    /// </summary>
    public void OnEvent(in RiskEvent e)
    {
        Recorder.Record(in e);
        if (e.TimeNs > _nowNs) _nowNs = e.TimeNs;
        if (e.Kind == RiskEventKind.Admin && e.SubKind == (byte)AdminAction.Ack)
            Acknowledge(e.AdminData.Scope, e.AdminData.Scope == Scope.Global ? -1 : e.Aux, e.TimeNs);
        if (_nowNs >= _nextDueNs) Advance(_nowNs);
    }

    /// <summary>Advances recovery timers to <paramref name="timeNs"/> without an event (e.g. a heartbeat in event time). Allocates nothing.</summary>
    public void AdvanceTo(long timeNs)
    {
        if (timeNs > _nowNs) _nowNs = timeNs;
        if (_nowNs >= _nextDueNs) Advance(_nowNs);
    }

    /// <summary>
    /// Acknowledges an incident (operator). Recorded in the timeline; when the cool-down is over, probation starts at
    /// <paramref name="timeNs"/>. Returns false for an unknown or closed incident. Allocates nothing.
    /// </summary>
    public bool Acknowledge(long incidentId, long timeNs)
    {
        int slot = SlotOf(incidentId);
        if (slot < 0 || !_slots[slot].IsOpen) return false;
        if (timeNs > _nowNs) _nowNs = timeNs;
        AcknowledgeSlot(slot, timeNs);
        return true;
    }

    /// <summary>
    /// Acknowledges every open incident on (scope, target): its first finding's target, a target it holds, or its group.
    /// Same as an admin tape record <c>{"type":"admin","action":"ack",...}</c>. Returns how many. Allocates nothing.
    /// </summary>
    public int Acknowledge(Scope scope, int target, long timeNs)
    {
        if (timeNs > _nowNs) _nowNs = timeNs;
        if (scope == Scope.Global) target = -1;
        int n = 0;
        for (int k = 0; k < _slots.Length; k++)
        {
            ref var s = ref _slots[k];
            if (!s.IsOpen) continue;
            bool match = s.Scope == scope && s.Target == target || scope == Scope.Group && s.Group == target;
            for (int h = 0; !match && h < s.HeldCount; h++)
            {
                ref var held = ref _held[k * _heldCap + h];
                match = held.Scope == scope && held.Target == target;
            }
            if (!match) continue;
            AcknowledgeSlot(k, timeNs);
            n++;
        }
        return n;
    }

    private void AcknowledgeSlot(int slot, long t)
    {
        ref var s = ref _slots[slot];
        s.Acknowledged = true;
        s.AckNs = t;
        AddLifecycle(slot, t, TimelineEntryKind.Acknowledged);
        if (s.Step == RecoveryStep.AwaitingAck) BeginProbation(slot, t);
        if (_nowNs >= _nextDueNs) Advance(_nowNs);
    }

    /// <summary>Due time of a step that waits for nothing but an operator (an acknowledgement) or for a time past the end
    /// of event time: it never falls due, not even at <see cref="long.MaxValue"/>.</summary>
    private const long NeverDue = long.MaxValue;

    /// <summary>The time <paramref name="delay"/> after <paramref name="t"/>, or <see cref="NeverDue"/> when that lies at or past
    /// the end of event time (no wrap-around to a time in the past, which made a step due at once).</summary>
    private static long DueAfter(long t, long delay) => delay <= 0 ? t : t >= NeverDue - delay ? NeverDue : t + delay;

    private void Advance(long now)
    {
        long next = NeverDue;
        for (int k = 0; k < _slots.Length; k++)
        {
            ref var s = ref _slots[k];
            // Several steps may fall due within one gap in event time: take them in order, each at 'now'. A step that is
            // never due is never taken, even at now = long.MaxValue (until 2026-12 an incident awaiting acknowledgement was
            // "due" at long.MaxValue, stepped back to the same due time forever, and the evaluator spun).
            while (s.IsOpen && s.StepDueNs <= now && s.StepDueNs != NeverDue) Step(k, now);
            if (s.IsOpen && s.StepDueNs < next) next = s.StepDueNs;
        }
        _nextDueNs = next;
    }

    private void Step(int slot, long now)
    {
        ref var s = ref _slots[slot];
        switch (s.Step)
        {
            case RecoveryStep.None: // detected only: alerts, no containment; expires quietly
                Close(slot, now);
                break;
            case RecoveryStep.CoolDown:
                if (s.MaxSeverity >= _options.Recovery.AckSeverity && !s.Acknowledged)
                {
                    s.Step = RecoveryStep.AwaitingAck;
                    s.StepDueNs = NeverDue;
                    AddLifecycle(slot, now);
                }
                else BeginProbation(slot, now);
                break;
            case RecoveryStep.Probation:
                s.Step = RecoveryStep.ReducedLimits;
                s.StepDueNs = DueAfter(now, _reducedNs);
                ReleaseHeld(slot, now, TradingState.ReduceOnly, TradingState.Active, _options.Recovery.ReducedLimitsScale);
                AddLifecycle(slot, now);
                break;
            case RecoveryStep.ReducedLimits:
                ReleaseHeld(slot, now, TradingState.Active, TradingState.Active, 1.0);
                s.Step = RecoveryStep.Normal;
                Close(slot, now);
                break;
            default:
                s.StepDueNs = NeverDue;
                break;
        }
    }

    private void BeginProbation(int slot, long now)
    {
        ref var s = ref _slots[slot];
        s.Lifecycle = IncidentLifecycle.Recovering;
        s.Step = RecoveryStep.Probation;
        s.RecoveringNs = now;
        s.StepDueNs = DueAfter(now, _probationNs);
        Due(s.StepDueNs);
        ReleaseHeld(slot, now, TradingState.Halted, TradingState.ReduceOnly, double.NaN);
        AddLifecycle(slot, now);
    }

    private void Close(int slot, long now)
    {
        ref var s = ref _slots[slot];
        s.Lifecycle = IncidentLifecycle.Closed;
        s.ClosedNs = now;
        s.StepDueNs = NeverDue;
        AddLifecycle(slot, now);
    }

    /// <summary>Moves held targets from <paramref name="from"/> (or stricter, when they are still as the incident left them) to <paramref name="to"/>; sets the limits scale when given.</summary>
    private void ReleaseHeld(int slot, long now, TradingState from, TradingState to, double scale)
    {
        ref var s = ref _slots[slot];
        int baseIndex = slot * _heldCap;
        for (int h = 0; h < s.HeldCount; h++)
        {
            ref var held = ref _held[baseIndex + h];
            if (!double.IsNaN(scale)) SetScale(held.Scope, held.Target, scale);
            if (held.State == TradingState.Active || held.State < from) continue;
            var current = _board.Get(held.Scope, held.Target);
            if (current != held.State) continue; // someone else changed it since: leave it to them
            var outcome = _board.TrySet(held.Scope, held.Target, to, now, TripCause.Recovery, RejectReason.None, s.Signature, Severity.Info)
                ? ActionOutcome.Done : ActionOutcome.AlreadyInForce;
            held.State = to;
            Add(slot, ActionEntry(slot, now, to == TradingState.ReduceOnly ? IncidentActionKind.ReduceOnly : IncidentActionKind.Alert,
                held.Scope, held.Target, s.Signature, Severity.Info, to, outcome, scale, TimelineEntryKind.Recovery));
        }
    }

    private void Recontain(int slot, in Finding f, Severity effective)
    {
        ref var s = ref _slots[slot];
        s.Lifecycle = IncidentLifecycle.Contained;
        s.Step = RecoveryStep.CoolDown;
        s.StepDueNs = DueAfter(s.LastFindingNs, _coolDownNs);
        s.Recontainments++;
        s.DeliveredCount = 0; // a new containment round: external actions are delivered again, once
        if (s.MaxSeverity >= _options.Recovery.AckSeverity) s.Acknowledged = false;
        AddLifecycle(slot, f.TimeNs, TimelineEntryKind.Recontained);
        int baseIndex = slot * _heldCap;
        bool limit = PlaybookRule.IsLimit(f.Signature);
        for (int h = 0; h < s.HeldCount; h++)
        {
            ref var held = ref _held[baseIndex + h];
            SetScale(held.Scope, held.Target, double.IsNaN(held.ThrottleScale) ? 1.0 : held.ThrottleScale);
        }
        // Restore the strictest state each held target had during containment. Held states were lowered by recovery,
        // so re-apply from the timeline's record of what containment set.
        int tBase = slot * _timelineCap;
        for (int e = 0; e < s.TimelineCount; e++)
        {
            ref readonly var entry = ref _timeline[tBase + e];
            if (entry.Kind is not (TimelineEntryKind.Action or TimelineEntryKind.Escalation) || entry.Outcome != ActionOutcome.Done) continue;
            if (entry.Action is not (IncidentActionKind.Halt or IncidentActionKind.ReduceOnly)) continue;
            var state = entry.State;
            if (_board.Get(entry.Scope, entry.Target) >= state) continue;
            var reason = limit ? LimitReason(f.Signature) : state == TradingState.Halted ? RejectReason.Halted : RejectReason.ReduceOnly;
            var outcome = _board.TrySet(entry.Scope, entry.Target, state, f.TimeNs, limit ? TripCause.Limit : TripCause.Signature, reason, f.Signature, effective)
                ? ActionOutcome.Done : ActionOutcome.AlreadyInForce;
            Hold(slot, entry.Scope, entry.Target, state, double.NaN);
            Add(slot, ActionEntry(slot, f.TimeNs, entry.Action, entry.Scope, entry.Target, f.Signature, effective, state, outcome, double.NaN, TimelineEntryKind.Recovery));
        }
        Due(s.StepDueNs);
    }
}
