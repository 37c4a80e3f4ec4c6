namespace CircuitBreaker.Incidents;

/// <summary>
/// Staged recovery of the incidents in an <see cref="IncidentBook"/>, in event time: cool-down after the last finding,
/// an acknowledgement when the incident was serious enough, reduce-only probation, reduced limits, closed; a new finding
/// during recovery contains again. Keeps the desk's event-time clock and the earliest due step, so an event that makes
/// nothing due costs one comparison. State changes go through the <see cref="StateBoard"/> (trading states and limit
/// scales). Allocates nothing; evaluator thread only.
/// </summary>
internal sealed class RecoveryScheduler
{
    /// <summary>Due time of a step that waits for nothing but an operator (an acknowledgement) or for a time past the end
    /// of event time: it never falls due, not even at <see cref="long.MaxValue"/>.</summary>
    public const long NeverDue = long.MaxValue;

    private readonly IncidentBook _book;
    private readonly StateBoard _board;
    private readonly RecoveryOptions _options;
    private readonly long _cooldownNs, _probationNs, _reducedNs, _expiryNs;
    private long _nowNs = long.MinValue;
    private long _nextDueNs = long.MaxValue;

    public RecoveryScheduler(IncidentBook book, StateBoard board, RecoveryOptions options)
    {
        _book = book;
        _board = board;
        _options = options;
        _cooldownNs = options.Cooldown.Ticks * 100;
        _probationNs = options.Probation.Ticks * 100;
        _reducedNs = options.ReducedLimitsPeriod.Ticks * 100;
        _expiryNs = options.DetectedExpiry.Ticks * 100;
    }

    /// <summary>Latest event time seen (ns); <see cref="long.MinValue"/> before the first.</summary>
    public long NowNs => _nowNs;

    /// <summary>Moves the clock forward to <paramref name="timeNs"/> (never back).</summary>
    public void See(long timeNs)
    {
        if (timeNs > _nowNs) _nowNs = timeNs;
    }

    /// <summary>Takes every step due at the current time.</summary>
    public void AdvanceIfDue()
    {
        if (_nowNs >= _nextDueNs) Advance(_nowNs);
    }

    /// <summary>When a just-detected incident (alerts only) expires without a further finding after <paramref name="t"/>.</summary>
    public long ExpiryDue(long t) => DueAfter(t, _expiryNs);

    /// <summary>Makes sure the scheduler wakes up at <paramref name="dueNs"/>.</summary>
    public void Due(long dueNs)
    {
        if (dueNs < _nextDueNs) _nextDueNs = dueNs;
    }

    /// <summary>The time <paramref name="delay"/> after <paramref name="t"/>, or <see cref="NeverDue"/> when that lies at or past
    /// the end of event time (no wrap-around to a time in the past, which made a step due at once).</summary>
    public static long DueAfter(long t, long delay) => delay <= 0 ? t : t >= NeverDue - delay ? NeverDue : t + delay;

    /// <summary>
    /// A finding of effective severity Warning or worse joined the incident: restarts its quiet period (cool-down when
    /// contained, expiry when only detected), contains it again when it was recovering, and asks for a new
    /// acknowledgement when it is serious enough.
    /// </summary>
    public void OnSeriousFinding(int slot, in Finding f, Severity effective)
    {
        ref var s = ref _book[slot];
        long t = f.TimeNs;
        s.LastFindingNs = Math.Max(s.LastFindingNs, t);
        if (s.Lifecycle == IncidentLifecycle.Recovering) Recontain(slot, in f, effective);
        else if (s.Lifecycle == IncidentLifecycle.Contained) { s.Step = RecoveryStep.Cooldown; s.StepDueNs = DueAfter(s.LastFindingNs, _cooldownNs); }
        else if (s.Lifecycle == IncidentLifecycle.Detected) s.StepDueNs = DueAfter(s.LastFindingNs, _expiryNs);
        if (s.Lifecycle == IncidentLifecycle.Contained && effective >= _options.AckSeverity && s.Acknowledged && s.AckNs < t)
            s.Acknowledged = false; // a new serious finding needs a new acknowledgement
        Due(s.StepDueNs);
    }

    /// <summary>Detected → Contained at <paramref name="t"/>, cool-down started. False (nothing done) when it was not just detected.</summary>
    public bool Contain(int slot, long t)
    {
        ref var s = ref _book[slot];
        if (s.Lifecycle != IncidentLifecycle.Detected) return false;
        s.Lifecycle = IncidentLifecycle.Contained;
        s.Step = RecoveryStep.Cooldown;
        s.ContainedNs = t;
        s.StepDueNs = DueAfter(s.LastFindingNs, _cooldownNs);
        Due(s.StepDueNs);
        return true;
    }

    /// <summary>Records an operator's acknowledgement; starts probation when the incident was waiting for it.</summary>
    public void Acknowledge(int slot, long t)
    {
        ref var s = ref _book[slot];
        s.Acknowledged = true;
        s.AckNs = t;
        _book.AddLifecycle(slot, t, TimelineEntryKind.Acknowledged);
        if (s.Step == RecoveryStep.AwaitingAck) BeginProbation(slot, t);
        AdvanceIfDue();
    }

    private void Advance(long now)
    {
        long next = NeverDue;
        for (int k = 0; k < _book.Capacity; k++)
        {
            ref var s = ref _book[k];
            // Several steps may fall due within one gap in event time: take them in order, each at 'now'. A step that is
            // never due is never taken, even at now = long.MaxValue.
            while (s.IsOpen && s.StepDueNs <= now && s.StepDueNs != NeverDue) Step(k, now);
            if (s.IsOpen && s.StepDueNs < next) next = s.StepDueNs;
        }
        _nextDueNs = next;
    }

    private void Step(int slot, long now)
    {
        ref var s = ref _book[slot];
        switch (s.Step)
        {
            case RecoveryStep.None: // detected only: alerts, no containment; expires quietly
                Close(slot, now);
                break;
            case RecoveryStep.Cooldown:
                if (s.MaxSeverity >= _options.AckSeverity && !s.Acknowledged)
                {
                    s.Step = RecoveryStep.AwaitingAck;
                    s.StepDueNs = NeverDue;
                    _book.AddLifecycle(slot, now);
                }
                else BeginProbation(slot, now);
                break;
            case RecoveryStep.Probation:
                s.Step = RecoveryStep.ReducedLimits;
                s.StepDueNs = DueAfter(now, _reducedNs);
                ReleaseHeld(slot, now, TradingState.ReduceOnly, TradingState.Active, _options.ReducedLimitsScale);
                _book.AddLifecycle(slot, now);
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
        ref var s = ref _book[slot];
        s.Lifecycle = IncidentLifecycle.Recovering;
        s.Step = RecoveryStep.Probation;
        s.RecoveringNs = now;
        s.StepDueNs = DueAfter(now, _probationNs);
        Due(s.StepDueNs);
        ReleaseHeld(slot, now, TradingState.Halted, TradingState.ReduceOnly, double.NaN);
        _book.AddLifecycle(slot, now);
    }

    private void Close(int slot, long now)
    {
        ref var s = ref _book[slot];
        s.Lifecycle = IncidentLifecycle.Closed;
        s.ClosedNs = now;
        s.StepDueNs = NeverDue;
        _book.AddLifecycle(slot, now);
    }

    /// <summary>Moves held targets from <paramref name="from"/> (or stricter, when they are still as the incident left them) to <paramref name="to"/>; sets the limits scale when given.</summary>
    private void ReleaseHeld(int slot, long now, TradingState from, TradingState to, double scale)
    {
        ref var s = ref _book[slot];
        var held = _book.Held(slot);
        for (int h = 0; h < held.Length; h++)
        {
            ref var target = ref held[h];
            if (!double.IsNaN(scale)) _board.SetLimitScale(target.Scope, target.Target, scale);
            if (target.State == TradingState.Active || target.State < from) continue;
            var current = _board.GetLocal(target.Scope, target.Target);
            if (current != target.State) continue; // someone else changed it since: leave it to them
            var outcome = _board.TrySet(target.Scope, target.Target, to, now, TripCause.Recovery, RejectReason.None, s.Signature, Severity.Info)
                ? ActionOutcome.Done : ActionOutcome.AlreadyInForce;
            target.State = to;
            _book.Add(slot, _book.ActionEntry(slot, now, to == TradingState.ReduceOnly ? IncidentActionKind.ReduceOnly : IncidentActionKind.Alert,
                target.Scope, target.Target, s.Signature, Severity.Info, to, outcome, scale, TimelineEntryKind.Recovery));
        }
    }

    private void Recontain(int slot, in Finding f, Severity effective)
    {
        ref var s = ref _book[slot];
        s.Lifecycle = IncidentLifecycle.Contained;
        s.Step = RecoveryStep.Cooldown;
        s.StepDueNs = DueAfter(s.LastFindingNs, _cooldownNs);
        s.Recontainments++;
        s.DeliveredCount = 0; // a new containment round: external actions are delivered again, once
        if (s.MaxSeverity >= _options.AckSeverity) s.Acknowledged = false;
        _book.AddLifecycle(slot, f.TimeNs, TimelineEntryKind.Recontained);
        foreach (ref readonly var held in _book.Held(slot))
            _board.SetLimitScale(held.Scope, held.Target, double.IsNaN(held.ThrottleScale) ? 1.0 : held.ThrottleScale);
        // Restore the strictest state each held target had during containment. Held states were lowered by recovery,
        // so re-apply from the timeline's record of what containment set.
        for (int e = 0; e < s.TimelineCount; e++)
        {
            var entry = _book.Timeline(slot)[e];
            if (entry.Kind is not (TimelineEntryKind.Action or TimelineEntryKind.Escalation) || entry.Outcome != ActionOutcome.Done) continue;
            if (entry.Action is not (IncidentActionKind.Halt or IncidentActionKind.ReduceOnly)) continue;
            var state = entry.State;
            if (_board.GetLocal(entry.Scope, entry.Target) >= state) continue;
            var outcome = _board.TrySet(entry.Scope, entry.Target, state, f.TimeNs, PlaybookRule.TripCauseOf(f.Signature),
                PlaybookRule.TripReason(f.Signature, state), f.Signature, effective) ? ActionOutcome.Done : ActionOutcome.AlreadyInForce;
            _book.Hold(slot, entry.Scope, entry.Target, state, double.NaN);
            _book.Add(slot, _book.ActionEntry(slot, f.TimeNs, entry.Action, entry.Scope, entry.Target, f.Signature, effective, state, outcome, double.NaN, TimelineEntryKind.Recovery));
        }
        Due(s.StepDueNs);
    }
}
