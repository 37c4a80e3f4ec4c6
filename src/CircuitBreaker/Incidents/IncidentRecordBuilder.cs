using System.Text.Json;

namespace CircuitBreaker.Incidents;

/// <summary>
/// Builds the hand-over <see cref="IncidentRecord"/> of an incident in an <see cref="IncidentBook"/>: names instead of
/// dense ids, the timeline as records, the engine notification summary, the trading states and limit scales now in force
/// (read from the <see cref="StateBoard"/>), and the flight-recorder snapshot. Cold: allocates strings and lists; call it
/// off the hot path, from the evaluator thread or while it is idle.
/// </summary>
internal sealed class IncidentRecordBuilder
{
    private readonly InstrumentRegistry _registry;
    private readonly StateBoard _board;
    private readonly IncidentBook _book;

    public IncidentRecordBuilder(InstrumentRegistry registry, StateBoard board, IncidentBook book)
    {
        _registry = registry;
        _board = board;
        _book = book;
    }

    /// <summary>The record of the incident in <paramref name="slot"/>, written with <paramref name="configVersion"/>.</summary>
    public IncidentRecord Build(int slot, long configVersion)
    {
        var s = _book[slot];
        var r = new IncidentRecord
        {
            Id = s.Id, Lifecycle = s.Lifecycle, Step = s.Step, Scope = s.Scope, Target = _registry.TargetName(s.Scope, s.Target),
            Signature = s.Signature, MaxSeverity = s.MaxSeverity, ConfigVersion = configVersion,
            FirstAnomalousT = s.FirstAnomalousNs, OpenedT = s.OpenedNs,
            ContainedT = s.ContainedNs < 0 ? null : s.ContainedNs, RecoveringT = s.RecoveringNs < 0 ? null : s.RecoveringNs,
            ClosedT = s.ClosedNs < 0 ? null : s.ClosedNs, Acknowledged = s.Acknowledged,
            TimeToDetectNs = s.OpenedNs - s.FirstAnomalousNs, TimeToContainNs = s.ContainedNs < 0 ? null : s.ContainedNs - s.OpenedNs,
            Findings = s.Findings, Recontainments = s.Recontainments, TimelineDropped = s.TimelineDropped,
        };
        var summary = r.Notification;
        summary.IncidentId = s.Id; summary.DetectedT = s.OpenedNs; summary.ContainedT = r.ContainedT; summary.CurrentState = s.Lifecycle;
        Involve(summary, s.Scope, s.Target);
        foreach (var entry in _book.Timeline(slot))
        {
            string? action = ActionName(in entry);
            string? signature = entry.Kind is TimelineEntryKind.Finding or TimelineEntryKind.Action or TimelineEntryKind.Escalation && entry.Signature != 0
                ? Snake(entry.Signature.ToString()) : null;
            r.Timeline.Add(new IncidentTimelineRecord
            {
                T = entry.TimeNs, Kind = entry.Kind, Action = action, Scope = entry.Scope, Target = _registry.TargetName(entry.Scope, entry.Target),
                Signature = signature, Severity = entry.Severity,
                State = entry.Kind is TimelineEntryKind.Action or TimelineEntryKind.Escalation or TimelineEntryKind.Recovery
                        && (entry.Action is IncidentActionKind.Halt or IncidentActionKind.ReduceOnly || entry.Kind == TimelineEntryKind.Recovery) ? entry.State : null,
                Outcome = entry.Outcome, Lifecycle = entry.Lifecycle, Step = entry.Step,
                Value = double.IsFinite(entry.Value) ? entry.Value : null,
            });
            if (entry.Kind == TimelineEntryKind.Finding && signature is not null && !r.Reasons.Contains(signature)) r.Reasons.Add(signature);
            if (entry.Kind is TimelineEntryKind.Finding or TimelineEntryKind.Action or TimelineEntryKind.Escalation or TimelineEntryKind.Recovery)
                Involve(summary, entry.Scope, entry.Target);
            if (entry.Kind is TimelineEntryKind.Action or TimelineEntryKind.Escalation && action is not null)
            {
                if (entry.Outcome is ActionOutcome.Done or ActionOutcome.Faulted or ActionOutcome.NoHandler && !r.Actions.Contains(action)) r.Actions.Add(action);
                if (entry.Outcome != ActionOutcome.AlreadyDelivered)
                    summary.ActionsTaken.Add($"{action} {Snake(entry.Scope.ToString())} {_registry.TargetName(entry.Scope, entry.Target)}: {Snake(entry.Outcome.ToString())}");
            }
        }
        foreach (var held in _book.Held(slot))
        {
            summary.TradingStates.Add(new TargetStateRecord
            {
                Scope = held.Scope, Target = _registry.TargetName(held.Scope, held.Target),
                State = _board.Get(held.Scope, held.Target), LimitsScale = _board.GetLimitScale(held.Scope, held.Target),
            });
        }
        summary.What = $"{string.Join(", ", r.Reasons)} ({Snake(s.MaxSeverity.ToString())}) on {Snake(s.Scope.ToString())} {r.Target}";
        AddFirmChanges(r, slot, s.Scope, s.Target);

        foreach (var e in _book.InstrumentSnapshot(slot)) r.InstrumentEvents.Add(EventRecord(in e));
        foreach (var e in _book.GlobalSnapshot(slot)) r.GlobalEvents.Add(EventRecord(in e));
        return r;
    }

    /// <summary>The firm plane's changes in the board's history that touch the incident's scope, its held targets or global.</summary>
    private void AddFirmChanges(IncidentRecord r, int slot, Scope scope, int target)
    {
        var held = new HashSet<(Scope, int)> { (scope, target) };
        foreach (var h in _book.Held(slot)) held.Add((h.Scope, h.Target));
        var history = new TripContext[_board.HistoryCapacity];
        int n = _board.CopyHistory(history);
        for (int k = 0; k < n; k++)
        {
            ref readonly var t = ref history[k];
            if (!t.IsFirm || (t.Scope != Scope.Global && !held.Contains((t.Scope, t.Target)))) continue;
            r.FirmChanges.Add(new FirmChangeRecord
            {
                T = t.TimeNs, Scope = t.Scope, Target = t.Scope == Scope.Global ? "*" : _registry.TargetName(t.Scope, t.Target),
                Previous = t.Previous, State = t.State, Origin = TripOriginNames.NameOf(t.Origin), By = t.ByName, Reason = t.ReasonName,
            });
        }
    }

    private static string? ActionName(in TimelineEntry entry) => entry.Kind switch
    {
        TimelineEntryKind.Action or TimelineEntryKind.Escalation => Snake(entry.Action.ToString()),
        TimelineEntryKind.Recovery => entry.State == TradingState.Active ? "resume" : Snake(entry.State.ToString()),
        _ => null,
    };

    private static string Snake(string pascal) => JsonNamingPolicy.SnakeCaseLower.ConvertName(pascal);

    private void Involve(NotificationSummary summary, Scope scope, int target)
    {
        var list = scope switch
        {
            Scope.Instrument => summary.Instruments,
            Scope.Account => summary.Accounts,
            Scope.Group => summary.Groups,
            _ => null,
        };
        if (list is null) return;
        string name = _registry.TargetName(scope, target);
        if (!list.Contains(name)) list.Add(name);
    }

    private FlightEventRecord EventRecord(in RiskEvent e)
    {
        var r = new FlightEventRecord
        {
            T = e.TimeNs, Type = Snake(e.Kind.ToString()),
            Instrument = e.Instrument >= 0 ? _registry.TargetName(Scope.Instrument, e.Instrument) : null,
            Account = e.Account >= 0 ? _registry.TargetName(Scope.Account, e.Account) : null,
        };
        switch (e.Kind)
        {
            case RiskEventKind.Trade: r.Price = e.TradeData.Price; r.Quantity = e.TradeData.Quantity; break;
            case RiskEventKind.Quote: r.Bid = Finite(e.QuoteData.Bid); r.Ask = Finite(e.QuoteData.Ask); break;
            case RiskEventKind.Oracle: r.Price = e.OracleData.Price; break;
            case RiskEventKind.Order: r.Price = e.OrderData.Price; r.Quantity = e.OrderData.Quantity; break;
            case RiskEventKind.Fill: r.Price = e.FillData.Price; r.Quantity = e.FillData.Quantity; break;
            case RiskEventKind.Position: r.Quantity = e.PositionData.Quantity; break;
            case RiskEventKind.Chain: r.Price = e.ChainData.Amount; break;
        }
        r.Price = Finite(r.Price); r.Quantity = Finite(r.Quantity);
        return r;
    }

    private static double? Finite(double? v) => v is { } d && double.IsFinite(d) ? d : null;
}
