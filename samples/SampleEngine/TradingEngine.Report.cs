using System.Globalization;
using CircuitBreaker;
using CircuitBreaker.Incidents;
using CircuitBreaker.Pipeline;

namespace SampleEngine;

public sealed partial class TradingEngine
{
    private long _incidentId;

    /// <summary>Counts one gate decision for the periodic summary and the report.</summary>
    private void Count(in OrderRequest order, Decision d)
    {
        _period.Sent++;
        var state = _breaker.Board.Get(Scope.Account, _mm.Value);
        bool probation = _report.ProbationNs >= 0 && _report.ReducedLimitsNs < 0;
        if (d.IsAccepted)
        {
            _period.Accepted++;
            if (_strategy.Mode == StrategyMode.Runaway && state == TradingState.Active) _report.RunawayOrdersAccepted++;
            if (probation) _report.ProbationAccepted++;
            if (_report.ClosedNs >= 0) _report.AcceptedAfterClose++;
            return;
        }
        _period.Rejected.TryGetValue(d.Reason, out int n);
        _period.Rejected[d.Reason] = n + 1;
        if (state == TradingState.Halted)
        {
            _report.RejectedWhileHalted.TryGetValue(d.Reason, out int h);
            _report.RejectedWhileHalted[d.Reason] = h + 1;
        }
        if (probation && d.Reason == RejectReason.ReduceOnly) _report.ProbationRejectedReduceOnly++;
    }

    /// <summary>Prints what the evaluator did since the last call: findings, transitions, desk actions, incident steps, limits scale.</summary>
    private void Report()
    {
        var registry = _breaker.Registry;
        var findings = _pipeline.Evaluator.Findings;
        for (; _findingsSeen < findings.Count; _findingsSeen++)
        {
            ref readonly var f = ref findings[_findingsSeen];
            Say(f.TimeNs, $"FINDING  {f.Signature} on {f.Scope} {registry.TargetName(f.Scope, f.Target)}: {f.Severity}, {f.FormatDetail()}");
            if (_report.DetectedNs < 0 && _report.RunawayStartedNs >= 0 && f.Scope == Scope.Account && f.Target == _mm.Value)
            {
                _report.DetectedBy = f.Signature;
                _report.DetectedSeverity = f.Severity;
                _report.DetectedNs = f.TimeNs;
            }
        }
        while (_transitions.TryDequeue(out var t))
        {
            _report.Transitions.Add(t);
            string why = t.Reason == RejectReason.None && t.Cause != TripCause.Signature ? t.Cause.ToString() : $"{t.Cause}: {t.ReasonName}";
            Say(t.TimeNs, $"STATE    {t.Scope} {registry.TargetName(t.Scope, t.Target)} {t.Previous} -> {t.State} ({why})");
            if (t.Scope != Scope.Account || t.Target != _mm.Value) continue;
            if (t.State == TradingState.Halted && _report.AccountHaltedNs < 0) _report.AccountHaltedNs = t.TimeNs;
            if (t.Cause == TripCause.Recovery && t.State == TradingState.ReduceOnly) _report.ProbationNs = t.TimeNs;
            if (t.Cause == TripCause.Recovery && t.State == TradingState.Active) _report.ReducedLimitsNs = t.TimeNs;
        }
        bool acted = false;
        while (_actions.TryTake(out var a)) { CarryOut(in a); acted = true; }
        if (acted) Drain(); // the cancels just sent are evaluated before the next step
        for (long id = 1; id <= _desk.LastIncidentId; id++) Incident(id);
        if (_allClosedNs < 0 && _report.ClosedNs >= 0 && _desk.OpenIncidents == 0) _allClosedNs = _desk.NowNs;
        double scale = _desk.EffectiveLimitsScale(_eth.Value, _group, _mm.Value);
        if (scale != _lastScale)
        {
            Say(_desk.NowNs, $"LIMITS   the desk's limits scale for mm-1 on ETH-PERP is now {scale:0.00}: the strategy sizes its quotes by it");
            if (scale < 1) _report.ReducedLimitsScale = scale;
            _lastScale = scale;
        }
    }

    private void CarryOut(in IncidentActionArgs a)
    {
        _report.Actions.Add(a.Action);
        string target = _breaker.Registry.TargetName(a.Scope, a.Target);
        string head = $"ACTION   {a.Action} for {a.Scope} {target} (incident #{a.IncidentId}, {a.Signature}): ";
        switch (a.Action)
        {
            case IncidentActionKind.CancelAll:
                _report.CancelAllRequests++;
                int n = 0;
                foreach (long id in _venue.RestingIds())
                {
                    Cancel(id);
                    _strategy.OnDone(id);
                    n++;
                }
                _report.OrdersCancelledByCancelAll += n;
                Say(a.TimeNs, head + $"the engine cancelled {n} resting orders at the venue (cancels pass the gate in any state)");
                break;
            case IncidentActionKind.IsolateSession:
                _sessionIsolated = true;
                Say(a.TimeNs, head + "the engine disconnects the account's venue session until an operator reconnects it");
                break;
            case IncidentActionKind.NotifyExchange:
            case IncidentActionKind.NotifyRegulator:
                var record = _desk.BuildRecord(a.IncidentId);
                Say(a.TimeNs, head + $"notification prepared from the incident record ({record?.Notification.ToJson().Length ?? 0} bytes of JSON)");
                break;
            default:
                Say(a.TimeNs, head + "paged the risk officer");
                break;
        }
    }

    private void Incident(long id)
    {
        if (!_desk.TryGetStatus(id, out var s)) return;
        var step = (s.Lifecycle, s.Step, s.Step == RecoveryStep.Cooldown ? s.NextStepDueNs : 0);
        bool seen = _incidentSteps.TryGetValue(id, out var last);
        if (seen && last == step) return;
        bool restarted = seen && last.Item2 == RecoveryStep.Cooldown && s.Step == RecoveryStep.Cooldown;
        _incidentSteps[id] = step;
        if (_incidentId == 0 && s.Scope == Scope.Account && s.Target == _mm.Value) _incidentId = id;
        string text = $"INCIDENT #{id} on {s.Scope} {_breaker.Registry.TargetName(s.Scope, s.Target)} ({s.Signature}, {s.MaxSeverity}): {s.Lifecycle}, step {s.Step}";
        long at = _desk.NowNs;
        switch (s.Step)
        {
            case RecoveryStep.Cooldown when restarted:
                text += $"; a new finding joined it: cool-down restarts, until t={T(s.NextStepDueNs)}";
                break;
            case RecoveryStep.Cooldown:
                text += $"; contained {Ms(s.TimeToContainNs)} after detection, cool-down until t={T(s.NextStepDueNs)}";
                at = s.ContainedTimeNs >= 0 ? s.ContainedTimeNs : at;
                break;
            case RecoveryStep.AwaitingAck:
                text += "; cool-down over, nothing resumes until an operator acknowledges";
                _awaitingAck.Add((id, at));
                if (id == _incidentId) _report.AwaitingAckNs = at;
                break;
            case RecoveryStep.Probation:
                text += $"; reduce-only probation until t={T(s.NextStepDueNs)}";
                break;
            case RecoveryStep.ReducedLimits:
                text += $"; trading with reduced limits until t={T(s.NextStepDueNs)}";
                break;
        }
        if (s.Lifecycle == IncidentLifecycle.Closed)
        {
            at = s.ClosedTimeNs;
            text += "; back to normal limits";
            if (id == _incidentId)
            {
                _report.ClosedNs = s.ClosedTimeNs;
                _report.ReducedQuoteSize = _strategy.LastQuoteSize;
            }
        }
        Say(at, text);
    }

    /// <summary>
    /// The operator's console: a little after the desk starts waiting, the operator reviews every incident waiting for
    /// an acknowledgement and acknowledges it with an admin event on the pipeline (the engine's session is reconnected).
    /// </summary>
    private void Operator()
    {
        if (_awaitingAck.Count == 0 || _tickStart < _awaitingAck[0].SinceNs + Ns(_script.OperatorReactionSeconds)) return;
        foreach (var (id, _) in _awaitingAck)
        {
            if (!_desk.TryGetStatus(id, out var s) || s.Step != RecoveryStep.AwaitingAck) continue;
            long t = Next();
            var ack = RiskEvent.Admin(t, AdminAction.Ack, s.Scope, s.Target);
            _pipeline.Publish(in ack);
            if (id == _incidentId)
            {
                _report.AcknowledgedNs = t;
                _sessionIsolated = false;
            }
            Say(t, $"OPERATOR reviewed incident #{id} ({s.Signature} on {s.Scope} {_breaker.Registry.TargetName(s.Scope, s.Target)}) and acknowledges it: admin ack event on the pipeline"
                + (id == _incidentId ? "; the session is reconnected" : ""));
        }
        _awaitingAck.Clear();
        Drain();
        Report();
    }

    private void Summary()
    {
        var state = _breaker.Board.Effective(_eth.Value, _group, _mm.Value, out _);
        string rejected = _period.Rejected.Count == 0 ? "" :
            " (" + string.Join(", ", _period.Rejected.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}")) + ")";
        Say(_tickStart + TickNs, string.Create(CultureInfo.InvariantCulture,
            $"SUMMARY  {state,-10} mid {_market.Mid,8:0.00} | orders {_period.Sent,4}: {_period.Accepted,4} accepted, {_period.Rejected.Values.Sum(),4} rejected{rejected} | fills {_period.Fills,3} | position {_breaker.Positions.Position(_mm, _eth),+7:0.00} | pnl {_breaker.Positions.DailyPnl(_mm),8:0.00}"));
        _period.Reset();
    }

    private void Finish()
    {
        Drain();
        Report();
        _report.FinalAccountState = _breaker.Board.Get(Scope.Account, _mm.Value);
        _report.FinalPnl = _breaker.Positions.DailyPnl(_mm);
        _report.QuoteSizeAfterClose = _report.ClosedNs >= 0 ? _strategy.LastQuoteSize : double.NaN;
        if (_incidentId > 0 && _desk.TryGetStatus(_incidentId, out var s)) _report.Incident = s;
        _out.WriteLine();
        _out.WriteLine("---- what the breaker did (event time) ----");
        if (_report.Incident is not IncidentStatus i) { _out.WriteLine("no incident on mm-1"); return; }
        var rejected = string.Join(", ", _report.RejectedWhileHalted.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}"));
        _out.WriteLine($"runaway started        t={T(_report.RunawayStartedNs)}");
        _out.WriteLine($"detected               t={T(_report.DetectedNs)} by {_report.DetectedBy} ({_report.DetectedSeverity}), {Ms(_report.DetectedNs - _report.RunawayStartedNs)} after it started; time to detect from the first anomalous event {Ms(i.TimeToDetectNs)}");
        _out.WriteLine($"contained              t={T(_report.AccountHaltedNs)}: account halted {Ms(_report.AccountHaltedNs - _report.DetectedNs)} after detection, {_report.CancelAllRequests} cancel-all, {_report.OrdersCancelledByCancelAll} orders cancelled");
        _out.WriteLine($"incident #{i.Id}            opened t={T(i.OpenedTimeNs)} by {i.Signature}, contained t={T(i.ContainedTimeNs)} (time to contain {Ms(i.TimeToContainNs)}), {i.Findings} findings joined it");
        _out.WriteLine($"runaway orders         {_report.RunawayOrdersAccepted} accepted before the halt; rejected while halted: {rejected}");
        _out.WriteLine($"acknowledged           t={T(_report.AcknowledgedNs)} (desk waiting since t={T(_report.AwaitingAckNs)})");
        _out.WriteLine($"reduce-only probation  t={T(_report.ProbationNs)}: {_report.ProbationAccepted} orders accepted (reducing), {_report.ProbationRejectedReduceOnly} rejected ReduceOnly");
        _out.WriteLine($"reduced limits         t={T(_report.ReducedLimitsNs)}: scale {_report.ReducedLimitsScale:0.00}, quote size {_report.ReducedQuoteSize:0.00}");
        _out.WriteLine($"closed                 t={T(_report.ClosedNs)}: quote size {_report.QuoteSizeAfterClose:0.00}, {_report.AcceptedAfterClose} orders accepted since; account {_report.FinalAccountState}");
        _out.WriteLine($"pnl                    {_report.FinalPnl:0.00}");
    }

    private static string Ms(long ns) => ns < 0 ? "n/a" : (ns / 1e6).ToString("0.#", CultureInfo.InvariantCulture) + " ms";

    private sealed class Period
    {
        public int Sent, Accepted, Fills;
        public readonly Dictionary<RejectReason, int> Rejected = [];
        public void Reset() { Sent = Accepted = Fills = 0; Rejected.Clear(); }
    }
}
