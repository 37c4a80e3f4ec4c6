namespace CircuitBreaker.Replay;

/// <summary>
/// The second pass of a <see cref="JournalReview"/>: maps each journal record's live ids to the review's through the
/// current session note, feeds orders and events to the <see cref="ReplaySession"/>, compares decisions, and collects the
/// live transitions. Internal; allocates per record at most a few small objects.
/// </summary>
internal sealed class ReviewFlow
{
    private readonly InstrumentRegistry _registry;
    private readonly ReplaySession _session;
    private readonly JournalReviewResult _result;
    private readonly Dictionary<int, int> _instruments = [];
    private readonly Dictionary<int, string> _instrumentNames = [];
    private readonly Dictionary<int, int> _accounts = [];
    private readonly Dictionary<int, string> _accountNames = [];
    private readonly Dictionary<int, int> _groups = [];
    private readonly Dictionary<int, string> _groupNames = [];
    private readonly Dictionary<string, long> _nowRejected = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _nowAccepted = new(StringComparer.Ordinal);
    private readonly List<OrderDifference> _differences = [];
    private readonly List<ReviewTrip> _then = [];

    public ReviewFlow(InstrumentRegistry registry, ReplaySession session, JournalReviewResult result)
    {
        _registry = registry; _session = session; _result = result;
    }

    public void Apply(in JournalRecord record)
    {
        _result.Records++;
        switch (record.Type)
        {
            case JournalRecordType.Note:
                if (JournalSessionNote.TryParse(record.GetText(), out var note)) Session(note!);
                return;
            case JournalRecordType.Trip:
                if (record.TryGetTrip(out var trip)) _then.Add(Named(in trip, LiveName(trip.Scope, trip.Target)));
                else _result.UnreadableRecords++;
                return;
            case JournalRecordType.Event:
                if (record.TryGetEvent(out var e)) { _result.Events++; Event(e); }
                return;
        }
    }

    private void Session(JournalSessionNote note)
    {
        if (note.Part == 0)
        {
            _instruments.Clear(); _instrumentNames.Clear(); _accounts.Clear(); _accountNames.Clear(); _groups.Clear(); _groupNames.Clear();
        }
        foreach (var i in note.Instruments)
        {
            _instrumentNames[i.Id] = i.Symbol;
            if (_registry.TryGetInstrument(i.Symbol, out var id)) _instruments[i.Id] = id.Value;
        }
        foreach (var a in note.Accounts)
        {
            _accountNames[a.Id] = a.Name;
            _accounts[a.Id] = _registry.GetOrAddAccount(a.Name).Value;
        }
        foreach (var g in note.Groups)
        {
            _groupNames[g.Id] = g.Name;
            if (_registry.TryGetGroup(g.Name, out var id)) _groups[g.Id] = id.Value;
        }
    }

    private void Event(RiskEvent e)
    {
        if (e.Instrument >= 0)
        {
            if (!_instruments.TryGetValue(e.Instrument, out int ins)) { _result.SkippedEvents++; return; }
            e.Instrument = ins;
        }
        if (e.Account >= 0) e.Account = Account(e.Account);
        if (e.Kind == RiskEventKind.Admin && !MapAdminTarget(ref e)) { _result.SkippedEvents++; return; }
        if (e.Kind != RiskEventKind.Order)
        {
            _session.Event(in e);
            return;
        }
        var then = (RejectReason)e.Reason;
        var request = new OrderRequest(e.TimeNs, new InstrumentId(e.Instrument), new AccountId(e.Account), e.OrderData.OrderId, e.Side,
            e.OrderData.Price, e.OrderData.Quantity, (OrderAction)e.SubKind);
        _result.Orders++;
        if (then == RejectReason.None) _result.AcceptedThen++;
        var decision = _session.Order(in request);
        if (decision is not { } d) { _result.Suppressed++; return; }
        var now = d.Reason;
        if (now == RejectReason.None) _result.AcceptedNow++;
        if (now == then) return;
        if (then == RejectReason.None) Count(_nowRejected, now.ToString());
        else if (now == RejectReason.None) Count(_nowAccepted, then.ToString());
        else _result.ReasonChanged++;
        _result.OrderDifferenceCount++;
        if (_differences.Count < JournalReviewResult.MaxListedDifferences)
            _differences.Add(new OrderDifference(e.TimeNs, _registry.TargetName(Scope.Instrument, e.Instrument),
                _registry.AccountName(request.Account), request.OrderId, request.Action, request.Side, request.Price, request.Quantity, then, now));
    }

    private bool MapAdminTarget(ref RiskEvent e)
    {
        switch (e.AdminData.Scope)
        {
            case Scope.Instrument:
                if (!_instruments.TryGetValue(e.Aux, out int i)) return false;
                e.Aux = i;
                return true;
            case Scope.Group:
                if (!_groups.TryGetValue(e.Aux, out int g)) return false;
                e.Aux = g;
                return true;
            case Scope.Account:
                if (e.Aux < 0) return false;
                e.Aux = Account(e.Aux);
                return true;
            default:
                return true;
        }
    }

    /// <summary>The review's id for a live account id: by name from the session note, else a stand-in name.</summary>
    private int Account(int live)
    {
        if (_accounts.TryGetValue(live, out int id)) return id;
        string name = JournalReview.Invariant($"account#{live}");
        _accountNames[live] = name;
        return _accounts[live] = _registry.GetOrAddAccount(name).Value;
    }

    private string LiveName(Scope scope, int target)
    {
        var names = scope switch { Scope.Instrument => _instrumentNames, Scope.Group => _groupNames, Scope.Account => _accountNames, _ => null };
        if (names is null) return "*";
        return names.TryGetValue(target, out var name) ? name : JournalReview.Invariant($"#{target}");
    }

    private static ReviewTrip Named(in TripContext t, string target) =>
        new(t.TimeNs, t.Scope, target, t.Previous, t.State, t.Cause, t.ReasonName, t.Severity) { Origin = t.Origin, By = t.ByName };

    private static void Count(Dictionary<string, long> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    /// <summary>Fills the result's lists and matches live and review transitions (in order, time ignored).</summary>
    public void Complete(IReadOnlyList<TripContext> replayed)
    {
        var now = replayed.Select(t => Named(in t, _registry.TargetName(t.Scope, t.Target))).ToList();
        var unmatched = new List<ReviewTrip>(now);
        var onlyThen = new List<ReviewTrip>();
        var firm = new List<ReviewTrip>();
        foreach (var t in _then)
        {
            if (t.Origin != TripOrigin.Local) { firm.Add(t); continue; } // the firm plane's: a replay cannot make it

            int k = unmatched.FindIndex(x => x.Key == t.Key);
            if (k >= 0) unmatched.RemoveAt(k);
            else onlyThen.Add(t);
        }
        _result.TripsThen = _then;
        _result.TripsNow = now;
        _result.TripsOnlyThen = onlyThen;
        _result.TripsOnlyNow = unmatched;
        _result.FirmThen = firm;
        _result.NowRejected = _nowRejected;
        _result.NowAccepted = _nowAccepted;
        _result.OrderDifferences = _differences;
    }
}
