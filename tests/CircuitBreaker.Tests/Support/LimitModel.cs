namespace CircuitBreaker.Tests.Support;

/// <summary>
/// The independent reference the properties check the breaker against: plain dictionaries and lists, no atomics,
/// no buckets. It tracks what the limits are about (live orders, positions, references, trading states, accepted
/// order times) and answers one question per decision: could an order the gate accepted have breached a hard limit?
/// </summary>
internal sealed class LimitModel
{
    public sealed class Live { public int Acc, Ins; public Side Side; public long Px, Lots; public bool ReduceOnly; }

    private readonly SafetyBook _b;
    public readonly Dictionary<(int acc, long id), Live> Orders = new();
    public readonly long[,] Position = new long[SafetyBook.Accounts, SafetyBook.Instruments];
    // reference per instrument and source (0 last trade, 1 mid, 2 oracle): ticks and event time
    private readonly long[,] _refTicks = new long[SafetyBook.Instruments, 3];
    private readonly long[,] _refTime = new long[SafetyBook.Instruments, 3];
    private readonly bool[,] _refSeen = new bool[SafetyBook.Instruments, 3];
    // states per scope: instrument 0..1, group 0, account 0..1, global
    public readonly TradingState[] InsState = new TradingState[SafetyBook.Instruments];
    public TradingState GroupState, GlobalState;
    public readonly TradingState[] AccState = new TradingState[SafetyBook.Accounts];
    private readonly Dictionary<string, List<long>> _accepted = new();

    public LimitModel(SafetyBook b) { _b = b; }

    public void OnTrade(int ins, long ticks, long t) => SetRef(ins, 0, ticks, t);
    public void OnQuote(int ins, long midTicks, long t) => SetRef(ins, 1, midTicks, t);
    public void OnOracle(int ins, long ticks, long t) => SetRef(ins, 2, ticks, t);
    private void SetRef(int ins, int src, long ticks, long t) { _refTicks[ins, src] = ticks; _refTime[ins, src] = t; _refSeen[ins, src] = true; }

    public TradingState Effective(int ins, int acc)
        => (TradingState)Math.Max(Math.Max((int)InsState[ins], (int)GroupState), Math.Max((int)AccState[acc], (int)GlobalState));

    public ref TradingState StateOf(Scope scope, int target)
    {
        switch (scope)
        {
            case Scope.Instrument: return ref InsState[target];
            case Scope.Account: return ref AccState[target];
            case Scope.Group: return ref GroupState;
            default: return ref GlobalState;
        }
    }

    /// <summary>Scopes not active, for resumes aimed where they matter.</summary>
    public IEnumerable<(Scope, int)> Restricted()
    {
        for (int i = 0; i < InsState.Length; i++) if (InsState[i] != TradingState.Active) yield return (Scope.Instrument, i);
        for (int a = 0; a < AccState.Length; a++) if (AccState[a] != TradingState.Active) yield return (Scope.Account, a);
        if (GroupState != TradingState.Active) yield return (Scope.Group, 0);
        if (GlobalState != TradingState.Active) yield return (Scope.Global, -1);
    }

    public long Working(int acc, int ins, Side side) => Orders.Values.Where(o => o.Acc == acc && o.Ins == ins && o.Side == side).Sum(o => o.Lots);

    /// <summary>The collar verdict by the documented rule: the first FRESH source in preference order (configured first).</summary>
    public string? CollarBreach(int ins, long px, long t)
    {
        int[] order = _b.Source[ins] switch
        {
            ReferencePriceSource.Mid => new[] { 1, 0, 2 },
            ReferencePriceSource.Oracle => new[] { 2, 1, 0 },
            _ => new[] { 0, 1, 2 },
        };
        int src = order.FirstOrDefault(s => _refSeen[ins, s] && t - _refTime[ins, s] <= _b.StaleNs[ins], -1);
        if (src < 0)
            return _b.Missing[ins] == MissingReferencePolicy.Reject ? "accepted without a fresh reference under the Reject policy" : null;
        double reference = Math.Max(Math.Abs((double)_refTicks[ins, src]), 1);
        double offBps = Math.Abs((double)(px - _refTicks[ins, src])) * 10_000 / reference;
        return offBps > _b.CollarBps[ins] * (1 + 1e-12) ? $"{offBps:F2} bps off the reference {_refTicks[ins, src]} (collar {_b.CollarBps[ins]})" : null;
    }

    /// <summary>A rejection's figures against the limits of the book: a breached limit's figures show the breach (observed
    /// past the limit, in the reason's direction) and, where the book knows it, the very limit configured.</summary>
    public string? FigureError(in Decision d, int acc, int ins)
    {
        var reason = d.Reason;
        bool needs = reason is RejectReason.MinOrderQuantity or RejectReason.MaxOrderQuantity or RejectReason.MaxOrderNotional or RejectReason.MinOrderNotional
            or RejectReason.PriceCollar or RejectReason.MaxPosition or RejectReason.MaxOpenOrders or RejectReason.OrderRate or RejectReason.MessageRate or RejectReason.ModifyRate
            or RejectReason.ReduceOnlyOrder or RejectReason.ExpiredOrder or RejectReason.MaxDailyLoss or RejectReason.ListTooLarge;
        bool optional = reason is RejectReason.ReduceOnly or RejectReason.MaxGrossExposure or RejectReason.MaxNetExposure or RejectReason.NotionalOverflow or RejectReason.InvalidTriggerPrice;
        if (needs ? !d.HasFigures : d.HasFigures && !optional) return $"{reason}: HasFigures {d.HasFigures}, expected {needs}";
        if (!d.HasFigures) return null;
        double lot = SafetyBook.Lot[ins];
        bool ok = reason switch
        {
            RejectReason.MinOrderQuantity => d.Observed < d.Limit && Near(d.Limit, _b.MinLots[ins] * lot),
            RejectReason.MinOrderNotional => d.Observed < d.Limit && Near(d.Limit, _b.MinNotional[ins]),
            RejectReason.MaxOrderNotional => d.Observed > d.Limit && Near(d.Limit, _b.MaxNotional[ins]),
            RejectReason.MaxOrderQuantity => d.Observed > d.Limit,
            RejectReason.PriceCollar => d.Observed > d.Limit && Near(d.Limit, _b.CollarBps[ins]),
            RejectReason.MaxPosition => d.Observed > d.Limit && (Near(d.Limit, _b.MaxLong[ins] * lot) || Near(d.Limit, _b.MaxShort[ins] * lot)),
            RejectReason.ReduceOnlyOrder or RejectReason.ReduceOnly => d.Observed > d.Limit && d.Limit >= 0,
            RejectReason.ExpiredOrder => d.Observed >= 0,
            RejectReason.ListTooLarge => d.Observed > d.Limit && Near(d.Limit, _b.MaxListOrders),
            RejectReason.MaxDailyLoss => d.Observed >= d.Limit * (1 - 1e-12) && Near(d.Limit, _b.MaxDailyLoss[acc]),
            _ => d.Observed > d.Limit,
        };
        return ok ? null : $"{reason} ({d.Scope}) figures: observed {d.Observed}, limit {d.Limit}";
    }

    private static bool Near(double a, double b) => Math.Abs(a - b) <= 1e-9 * Math.Max(1, Math.Abs(b));

    /// <summary>Records an accepted message under a rate key and returns a breach if more than <paramref name="limit"/> fall in [t - W, t].</summary>
    public string? RateBreach(string key, long t, int limit)
    {
        if (!_accepted.TryGetValue(key, out var list)) _accepted[key] = list = new List<long>();
        list.Add(t);
        int n = 0;
        for (int k = list.Count - 1; k >= 0 && list[k] >= t - _b.WindowNs; k--) n++;
        return n > limit ? $"{key}: {n} accepted in [{t - _b.WindowNs}, {t}], limit {limit}" : null;
    }
}
