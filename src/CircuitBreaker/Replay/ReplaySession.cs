using System.Text;
using System.Text.Json;

namespace CircuitBreaker.Replay;

/// <summary>
/// The state of one replay: id maps, accepted orders, collected trips. Fed either tape records (<see cref="Apply"/>, used by
/// <see cref="ReplayEngine"/>) or already-resolved orders and events (<see cref="Order(in OrderRequest)"/>, <see cref="Event"/>, used by
/// <see cref="JournalReview"/>); both follow the same rules (cancels, replaces and fills of orders the replay did not
/// accept are suppressed).
/// </summary>
internal sealed class ReplaySession
{
    private readonly Breaker _breaker;
    private readonly Evaluator _evaluator;
    private readonly ReportBuilder _report;
    private readonly InstrumentRegistry _registry;
    private readonly HashSet<(int Account, long Id)> _accepted = [];
    private readonly Dictionary<string, int> _assets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _pools = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _sources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _venues = new(StringComparer.Ordinal);
    private readonly List<TripContext> _trips = [];
    private readonly Dictionary<long, string> _tripDetail = [];
    private readonly Dictionary<long, string> _tripRule = [];
    private readonly Dictionary<int, long> _fills = [];
    private readonly int _underlyings;
    private int _extraAssets;
    private long _skipped, _undeclared, _mismatched, _lastT;
    private string? _adminReason;
    private readonly ReplayTimeline? _timeline;
    private long _nextSampleT = long.MinValue;
    private const long SampleEveryNs = 1_000_000_000;

    public ReplaySession(Breaker breaker, Evaluator evaluator, ReportBuilder report, bool recordTimeline = false)
    {
        _breaker = breaker; _evaluator = evaluator; _report = report; _registry = breaker.Registry;
        if (recordTimeline) _timeline = new ReplayTimeline();
        // Asset ids follow the detectors' rule (BehaviourAssetMap): asset k is the k-th distinct underlying in
        // registration order, so a chain event on "VLT" maps to the instrument of underlying VLT. An asset named by an
        // instrument symbol takes its underlying's id; any other asset (e.g. a stablecoin) gets the next free id.
        for (int i = 0; i < _registry.InstrumentCount; i++)
            _assets.TryAdd(_registry.Instruments[i].Underlying, _assets.Count);
        _underlyings = _assets.Count;
        for (int i = 0; i < _registry.InstrumentCount; i++)
            _assets.TryAdd(_registry.Instruments[i].Symbol, _assets[_registry.Instruments[i].Underlying]);
    }


    /// <summary>Transitions made during the replay, in order.</summary>
    public IReadOnlyList<TripContext> Trips => _trips;

    /// <summary>The report being filled.</summary>
    public ReportBuilder Report => _report;

    public void OnTrip(in TripContext c)
    {
        _trips.Add(c);
        if (c.Cause == TripCause.Manual && _adminReason is not null) _tripDetail[c.Sequence] = _adminReason;
        else if (_evaluator.Responder is IncidentDesk { ActingRule: { } rule }) _tripRule[c.Sequence] = rule; // imposed by the playbook
    }

    public void Apply(TapeRecord r)
    {
        if (ListPending && !(r.Type == TapeRecordType.Order && r.ListId == _listId && r.Account == _listAccount)) FlushList();
        _lastT = r.T;
        if (_timeline is not null && r.T >= _nextSampleT) SampleAll(r.T);
        switch (r.Type)
        {
            case TapeRecordType.Instrument: Declare(r); return;
            case TapeRecordType.Order: Order(r); return;
            case TapeRecordType.Admin: Admin(r); return;
            case TapeRecordType.Chain: Chain(r); return;
            case TapeRecordType.Balance: Balance(r); return;
        }
        bool price = r.Type == TapeRecordType.Oracle;
        if (r.Symbol is null || !(price ? _registry.TryResolvePriceSymbol(r.Symbol, out var ins) : _registry.TryGetInstrument(r.Symbol, out ins)))
        {
            _skipped++;
            return;
        }
        RiskEvent e;
        switch (r.Type)
        {
            case TapeRecordType.Trade: e = RiskEvent.Trade(r.T, ins, r.Px, r.Qty, r.Aggressor, Id(_venues, r.Venue)); break;
            case TapeRecordType.Quote: e = RiskEvent.Quote(r.T, ins, r.Bid, r.Ask, r.BidQty, r.AskQty, Id(_venues, r.Venue)); break;
            case TapeRecordType.Oracle: e = RiskEvent.Oracle(r.T, ins, r.Px, Id(_sources, r.Source)); break;
            case TapeRecordType.Fill:
                e = RiskEvent.Fill(r.T, ins, Account(r.Account!), r.OrderId ?? -1, r.Side ?? Side.Buy, r.Px, r.Qty, Id(_venues, r.Venue));
                break;
            case TapeRecordType.Position:
                e = RiskEvent.Position(r.T, ins, Account(r.Account!), r.Qty, r.Delta, r.Gamma, r.Vega, r.Notional, r.Pnl);
                break;
            default: _skipped++; return;
        }
        Event(in e);
    }

    /// <summary>Evaluates one event whose ids are already this replay's. A fill of an order the replay did not accept is
    /// suppressed (counted, false); every other event is evaluated (true).</summary>
    public bool Event(in RiskEvent e)
    {
        _lastT = e.TimeNs;
        if (e.Kind == RiskEventKind.Fill)
        {
            if (!_accepted.Contains((e.Account, e.FillData.OrderId))) { _report.CountSuppressedFill(); return false; }
            _fills[e.Account] = _fills.GetValueOrDefault(e.Account) + 1;
        }
        _evaluator.Evaluate(in e);
        if (_timeline is not null && e.Kind == RiskEventKind.Fill) Sample(e.TimeNs, e.Account);
        return true;
    }

    /// <summary>Checks an order with the replay's breaker, counts the decision and evaluates it as an order event. A cancel or
    /// replace of an order the replay did not accept is suppressed (counted; null).</summary>
    public Decision? Order(in OrderRequest request)
    {
        _lastT = request.TimeNs;
        if (request.Action != OrderAction.New && !_accepted.Contains((request.Account.Value, request.OrderId)))
        {
            _report.CountSuppressedFill();
            return null;
        }
        var decision = _breaker.Check(in request);
        _report.CountOrder(decision.Reason);
        if (_timeline is not null && !decision.IsAccepted) _timeline.AddRejection(request.TimeNs, _registry.AccountName(request.Account), decision.Reason);
        if (decision.IsAccepted && request.Action == OrderAction.New) _accepted.Add((request.Account.Value, request.OrderId));
        var e = RiskEvent.OrderDecision(in request, decision.Reason);
        _evaluator.Evaluate(in e);
        return decision;
    }

    /// <summary>Samples the daily PnL of every account with fills, then not again for a second of event time.</summary>
    private void SampleAll(long t)
    {
        foreach (var account in _fills.Keys) Sample(t, account);
        _nextSampleT = t > long.MaxValue - SampleEveryNs ? long.MaxValue : t + SampleEveryNs;
    }

    private void Sample(long t, int account)
    {
        if ((uint)account >= (uint)_breaker.Config.AccountCapacity) return;
        _timeline!.AddPnl(t, _registry.AccountName(new AccountId(account)), _breaker.Positions.DailyPnl(new AccountId(account)));
    }

    private void Declare(TapeRecord r)
    {
        if (r.Symbol is null || !_registry.TryGetInstrument(r.Symbol, out var id)) { _undeclared++; return; }
        var s = _registry[id];
        double mult = double.IsNaN(r.Multiplier) ? 1 : r.Multiplier;
        if (s.Kind != r.InstrumentKind || s.Tick != r.Tick || s.Lot != r.Lot || s.Multiplier != mult) _mismatched++;
    }

    private void Order(TapeRecord r)
    {
        if (!_registry.TryGetInstrument(r.Symbol!, out var ins))
        {
            _skipped++;
            if (r.ListId is null) return;
            var broken = StartOrJoinList(r);
            broken.Broken = true; // a list missing a child cannot be checked as one unit
            if (_list.Count + broken.Skipped >= broken.Size) FlushList();
            return;
        }
        var acc = Account(r.Account!);
        long id = r.OrderId ?? -1;
        var action = r.OrderAction ?? OrderAction.New;
        var request = action == OrderAction.Cancel
            ? OrderRequest.Cancel(r.T, ins, acc, id)
            : r.ExpireT is { } expire
                ? new OrderRequest(r.T, ins, acc, id, r.Side ?? Side.Buy, r.Px, r.Qty, action) { ReduceOnly = r.ReduceOnly == true, QuoteQuantity = r.QuoteQuantity == true, ExpireTimeNs = expire }
                : new OrderRequest(r.T, ins, acc, id, r.Side ?? Side.Buy, r.Px, r.Qty, action) { ReduceOnly = r.ReduceOnly == true, QuoteQuantity = r.QuoteQuantity == true };
        if (!double.IsNaN(r.TriggerPx) && action != OrderAction.Cancel) request = request with { TriggerPrice = r.TriggerPx };
        if (!double.IsNaN(r.TrailingOffset) && action != OrderAction.Cancel)
            request = request with { TrailingOffset = r.TrailingOffset, TrailingOffsetType = r.TrailingOffsetType ?? TrailingOffsetType.Price };
        if (r.ListId is null) { Order(in request); return; }
        var list = StartOrJoinList(r);
        _list.Add(request);
        if (_list.Count + list.Skipped >= list.Size) FlushList();
    }

    /// <summary>The list being collected (consecutive order records with one <c>list_id</c>): started by its first child,
    /// whose <c>list_size</c> (when given) closes it.</summary>
    private sealed class PendingList
    {
        public long Size = long.MaxValue;
        public int Skipped;
        public bool Broken;
    }

    private readonly PendingList _pending = new();
    private readonly List<OrderRequest> _list = [];
    private long? _listId;
    private string? _listAccount;

    private bool ListPending => _list.Count > 0 || _pending.Skipped > 0;
    private Decision[] _listDecisions = new Decision[16];

    private PendingList StartOrJoinList(TapeRecord r)
    {
        if (!ListPending)
        {
            _listId = r.ListId;
            _listAccount = r.Account;
            _pending.Size = r.ListSize ?? long.MaxValue;
            _pending.Broken = false;
        }
        if (!_registry.TryGetInstrument(r.Symbol!, out _)) _pending.Skipped++;
        return _pending;
    }

    /// <summary>Checks the collected list as one unit: all replaces as an amendment batch, otherwise as an order list (a
    /// cancel or a mix of actions is refused by the gate as <see cref="RejectReason.InvalidList"/>). Replaces of orders the
    /// replay did not accept are suppressed first, as single ones are. A list with a child this configuration does not know
    /// is refused whole (<see cref="RejectReason.InvalidList"/>, not sent child by child). Also called at the end of the
    /// records.</summary>
    public void FlushList()
    {
        if (!ListPending) return;
        bool broken = _pending.Broken || _pending.Skipped > 0;
        _pending.Skipped = 0; _pending.Broken = false; _listId = null; _listAccount = null;
        int n = 0;
        bool allReplaces = true;
        for (int i = 0; i < _list.Count; i++)
        {
            var c = _list[i];
            if (c.Action != OrderAction.New && !_accepted.Contains((c.Account.Value, c.OrderId))) { _report.CountSuppressedFill(); continue; }
            allReplaces &= c.Action == OrderAction.Replace;
            _list[n++] = c;
        }
        _list.RemoveRange(n, _list.Count - n);
        if (n == 0) return;
        if (_listDecisions.Length < n) _listDecisions = new Decision[Math.Max(n, 2 * _listDecisions.Length)];
        var children = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_list);
        var decisions = _listDecisions.AsSpan(0, n);
        if (broken) decisions.Fill(Decision.Reject(RejectReason.InvalidList, Scope.Account));
        else if (allReplaces) _breaker.CheckBatch(children, decisions);
        else _breaker.CheckList(children, decisions);
        for (int i = 0; i < n; i++)
        {
            ref readonly var c = ref children[i];
            var d = decisions[i];
            _lastT = c.TimeNs;
            _report.CountOrder(d.Reason);
            if (_timeline is not null && !d.IsAccepted) _timeline.AddRejection(c.TimeNs, _registry.AccountName(c.Account), d.Reason);
            if (d.IsAccepted && c.Action == OrderAction.New) _accepted.Add((c.Account.Value, c.OrderId));
            var e = RiskEvent.OrderDecision(in c, d.Reason);
            _evaluator.Evaluate(in e);
        }
        _list.Clear();
    }

    /// <summary>A balance movement: to the position keeper through the evaluator, like every event. A currency the
    /// configuration does not know is skipped (counted).</summary>
    private void Balance(TapeRecord r)
    {
        int currency = r.Currency is null ? -1 : _breaker.Config.CurrencyIndex(r.Currency);
        if (currency < 0 || r.Account is null) { _skipped++; return; }
        var e = RiskEvent.Balance(r.T, Account(r.Account), currency, r.BalanceChange ?? BalanceChange.Deposit, r.Amount);
        _evaluator.Evaluate(in e);
    }

    private void Admin(TapeRecord r)
    {
        var scope = r.Scope ?? Scope.Global;
        int target = -1;
        if (scope != Scope.Global)
        {
            string name = r.Target ?? "";
            bool found = scope switch
            {
                Scope.Instrument => _registry.TryGetInstrument(name, out var i) && (target = i.Value) >= 0,
                Scope.Group => _registry.TryGetGroup(name, out var g) && (target = g.Value) >= 0,
                Scope.Account => (target = Account(name).Value) >= 0,
                _ => false,
            };
            if (!found) { _skipped++; return; }
        }
        _adminReason = r.Reason;
        var e = RiskEvent.Admin(r.T, r.AdminAction ?? AdminAction.Ack, scope, target);
        _evaluator.Evaluate(in e);
        _adminReason = null;
    }

    private void Chain(TapeRecord r)
    {
        var ins = InstrumentId.None;
        if (r.Symbol is not null && !_registry.TryResolvePriceSymbol(r.Symbol, out ins)) ins = InstrumentId.None;
        // An on-chain counterparty is not a trading account: a chain record's account names a trading account only when
        // that account is already known (configured, or seen on an order, fill or position record); any other address
        // (a borrower, an exploiter, an LP) is no account (None, never account 0), and the detectors key it by asset and
        // pool. Registering it would let a few hundred one-off addresses fill the account capacity and turn real
        // accounts' orders into UnknownAccount.
        AccountId? acc = r.Account is not null && _registry.TryGetAccount(r.Account, out var known) ? known : null;
        var e = RiskEvent.Chain(r.T, r.ChainKind ?? ChainEventKind.Transfer, AssetId(r.Asset), r.Amount, acc, r.Block ?? -1,
            Fnv(r.Tx), Id(_pools, r.Pool), ins);
        _evaluator.Evaluate(in e);
    }

    /// <summary>Id of an asset: its underlying's index when it names an underlying or symbol, else the next id after them.</summary>
    private int AssetId(string? name)
    {
        if (name is null) return -1;
        if (!_assets.TryGetValue(name, out int id))
        {
            id = _underlyings + _extraAssets++;
            _assets.Add(name, id);
        }
        return id;
    }

    /// <summary>The trading account named <paramref name="name"/>, registered on first sight; a blank name (the tape reader
    /// refuses one) is no account rather than an exception.</summary>
    private AccountId Account(string name) => string.IsNullOrWhiteSpace(name) ? AccountId.None : _registry.GetOrAddAccount(name);

    private static int Id(Dictionary<string, int> map, string? name)
    {
        if (name is null) return -1;
        if (!map.TryGetValue(name, out int id)) map.Add(name, id = map.Count);
        return id;
    }

    private static long Fnv(string? s)
    {
        if (s is null) return 0;
        ulong h = 14695981039346656037;
        foreach (char c in s) { h ^= c; h *= 1099511628211; }
        return (long)h;
    }

    public ReplayResult Finish(TapeReader reader, IIncidentSource? incidents)
    {
        _report.CountTape(reader);
        var result = Finish(incidents);
        return new ReplayResult(result.Report, result.Accounts, result.SkippedRecords, result.PositionDisagreements,
            result.UndeclaredInstruments, result.InstrumentMismatches, result.LastEventTimeNs) { BadRecords = [.. reader.Diagnostics], Timeline = result.Timeline };
    }

    /// <summary>Builds the result; the caller has set the report's record counts (<see cref="ReportBuilder.Events"/>, ...).</summary>
    public ReplayResult Finish(IIncidentSource? incidents)
    {
        foreach (var c in _trips)
        {
            string reason = c.Cause == TripCause.Manual ? AdminName(c.State) : c.ReasonName;
            string detail = _tripDetail.TryGetValue(c.Sequence, out var d) && d.Length > 0
                ? d
                : (_tripRule.TryGetValue(c.Sequence, out var rule) ? $"playbook rule '{rule}': " : "")
                  + ReplayEngine.Invariant($"{CauseName(c.Cause)} {reason}: {StateName(c.Previous)} -> {StateName(c.State)}");
            _report.AddTrip(c.TimeNs, c.Scope, _registry.TargetName(c.Scope, c.Target), c.State, reason, c.Severity, detail);
        }
        var log = _evaluator.Findings;
        for (int i = 0; i < log.Count; i++)
        {
            ref readonly var f = ref log[i];
            _report.AddFinding(f.TimeNs, f.Signature.ToString(), f.Severity, f.Scope, _registry.TargetName(f.Scope, f.Target), f.Score, f.FormatDetail());
        }
        if (incidents is not null) foreach (var record in incidents.BuildRecords()) _report.AddIncident(ReportIncident.From(record));
        var report = _report.Build();
        report.FindingsDropped += log.Dropped;

        var accounts = new List<AccountOutcome>(_registry.AccountCount);
        var keeper = _breaker.Positions;
        for (int a = 0; a < _registry.AccountCount && a < _breaker.Config.AccountCapacity; a++)
        {
            var id = new AccountId(a);
            accounts.Add(new AccountOutcome(_registry.AccountName(id), keeper.DailyPnl(id), keeper.GrossExposure(id), _fills.GetValueOrDefault(a)));
        }
        report.AdditionalFields = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["replay"] = Extras(accounts, keeper.PositionDisagreements),
        };
        if (_timeline is not null)
            for (int a = 0; a < _registry.AccountCount && a < _breaker.Config.AccountCapacity; a++)
                if (_breaker.Config.AccountLimits[a].MaxDailyLoss is { } limit) _timeline.SetLimit(_registry.AccountName(new AccountId(a)), limit);
        return new ReplayResult(report, accounts, _skipped, keeper.PositionDisagreements, _undeclared, _mismatched, _lastT) { Timeline = _timeline };
    }

    private JsonElement Extras(List<AccountOutcome> accounts, long disagreements)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteNumber("skipped_records", _skipped);
            w.WriteNumber("undeclared_instruments", _undeclared);
            w.WriteNumber("instrument_mismatches", _mismatched);
            w.WriteNumber("position_disagreements", disagreements);
            w.WriteStartArray("accounts");
            foreach (var a in accounts)
            {
                w.WriteStartObject();
                w.WriteString("name", a.Name);
                w.WriteNumber("pnl", Finite(a.Pnl));
                w.WriteNumber("gross_exposure", Finite(a.GrossExposure));
                w.WriteNumber("fills", a.Fills);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(stream.ToArray()));
        return doc.RootElement.Clone();
    }

    private static double Finite(double v) => double.IsFinite(v) ? Math.Round(v, 6) : 0;

    private static string AdminName(TradingState s) => s switch { TradingState.Halted => "halt", TradingState.ReduceOnly => "reduce_only", _ => "resume" };
    private static string StateName(TradingState s) => s switch { TradingState.Halted => "halted", TradingState.ReduceOnly => "reduce_only", _ => "active" };
    private static string CauseName(TripCause c) => c switch
    {
        TripCause.Limit => "limit", TripCause.Signature => "signature", TripCause.Pipeline => "pipeline", TripCause.Recovery => "recovery", _ => "manual",
    };
}
