using System.Runtime.CompilerServices;

namespace CircuitBreaker;

/// <summary>
/// The pre-trade gate: <see cref="Check"/> decides an order before it leaves, synchronously, on the caller's
/// thread, in tens of nanoseconds, allocating nothing and taking no lock. It reads one immutable
/// <see cref="RiskConfig"/> snapshot per call (swap with <see cref="SwapConfig"/>), the trading states of the
/// <see cref="StateBoard"/>, and the positions and references the position keeper publishes; it owns the counters
/// it updates (rates, working quantity and notional, open orders) with atomics, reserving first and rolling back on
/// rejection so concurrent checks never jointly breach a limit. Thread-safe.
/// Checks run cheapest first: identity, trading state, number validity, size and notional, collar, loss, rates,
/// then reservations (position, open orders, exposure), duplicate id and self-match.
/// </summary>
public sealed partial class PreTradeGate
{
    private volatile RiskConfig _config;
    private readonly StateBoard _board;
    private readonly InstrumentCounters[] _instruments;
    private readonly AccountCounters[] _accounts;
    private readonly GroupCounters[] _groups;
    internal readonly MarketState[] Market;
    internal readonly PairBook Pairs;
    internal readonly OrderTable Orders;
    private readonly long _bucketWidth;
    private GateCounters? _counters;

    /// <summary>Creates a gate over a configuration and a state board.</summary>
    public PreTradeGate(RiskConfig config, StateBoard board)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(board);
        _config = config;
        _board = board;
        int n = config.Instruments.Length;
        _instruments = new InstrumentCounters[n];
        Market = new MarketState[n];
        _accounts = new AccountCounters[config.AccountCapacity];
        _groups = new GroupCounters[config.Groups.Length];
        int depth = 1;
        foreach (ref readonly var r in config.Instruments.AsSpan()) depth = Math.Max(depth, r.MaxOpenOrdersPerAccount);
        Pairs = new PairBook(config.PairCapacity, depth, n);
        Orders = new OrderTable(config.OrderCapacity);
        _bucketWidth = RateWindow.BucketWidth(config.RateWindowNs);
    }

    /// <summary>The configuration in force.</summary>
    public RiskConfig Config => _config;
    /// <summary>The state board this gate reads.</summary>
    public StateBoard Board => _board;
    /// <summary>Working orders tracked.</summary>
    public int WorkingOrders => Orders.Count;

    /// <summary>
    /// Swaps the configuration atomically. The new one must cover the same registry, capacities and rate window
    /// (counters persist across the swap). Allocates nothing on the hot path: checks in flight finish on the old one.
    /// </summary>
    public void SwapConfig(RiskConfig next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var cur = _config;
        var errors = new List<string>();
        if (!ReferenceEquals(next.Registry, cur.Registry) || next.Instruments.Length != cur.Instruments.Length) errors.Add("the new configuration must cover the same instruments (same registry)");
        if (next.AccountCapacity != cur.AccountCapacity || next.PairCapacity != cur.PairCapacity || next.OrderCapacity != cur.OrderCapacity) errors.Add("capacities cannot change at run time");
        if (next.RateWindowNs != cur.RateWindowNs) errors.Add("the rate window cannot change at run time");
        foreach (ref readonly var r in next.Instruments.AsSpan())
            if (r.MaxOpenOrdersPerAccount > Pairs.Depth) { errors.Add($"{r.Spec.Symbol}: max open orders per account {r.MaxOpenOrdersPerAccount} exceeds the self-match book depth {Pairs.Depth} fixed at start"); break; }
        if (errors.Count > 0) throw new RiskConfigException(errors);
        _config = next;
    }

    /// <summary>Decides an order. Never throws for bad input: every problem is a <see cref="RejectReason"/>. 0 B allocated.</summary>
    public Decision Check(in OrderRequest order)
    {
        var d = order.Action switch
        {
            OrderAction.New => CheckNew(in order),
            OrderAction.Cancel => CheckCancel(in order),
            OrderAction.Replace => CheckReplace(in order),
            _ => Decision.Reject(RejectReason.InvalidQuantity),
        };
        _counters?.Record(d.Reason);
        return d;
    }

    /// <summary>Turns on check and per-reason rejection counting (for <see cref="CircuitBreakerMetrics"/>); idempotent. Allocates once.</summary>
    internal GateCounters EnableCounters()
    {
        Interlocked.CompareExchange(ref _counters, new GateCounters(), null);
        return _counters!;
    }

    private Decision CheckNew(in OrderRequest o)
    {
        var cfg = _config;
        int ins = o.Instrument.Value, acc = o.Account.Value;
        if ((uint)ins >= (uint)cfg.Instruments.Length) return Decision.Reject(RejectReason.UnknownInstrument);
        if ((uint)acc >= (uint)cfg.Accounts.Length) return Decision.Reject(RejectReason.UnknownAccount, Scope.Account);
        ref readonly InstrumentRule r = ref cfg.Instruments[ins];
        ref readonly AccountRule ar = ref cfg.Accounts[acc];

        var state = _board.Effective(ins, r.Group, acc, out var stateScope);
        if (state == TradingState.Halted) return Decision.Reject(RejectReason.Halted, stateScope);
        // An undefined side would index another pair's self-match slots and be reserved as a sell.
        if ((byte)o.Side > (byte)Side.Sell) return Decision.Reject(RejectReason.InvalidSide);

        var bad = ToTicks(o.Price, in r, out long px);
        if (bad != RejectReason.None) return Decision.Reject(bad);
        bad = ToLots(o.Quantity, in r, out long lots);
        if (bad != RejectReason.None) return Decision.Reject(bad);
        if (lots < r.MinLots) return Decision.Reject(RejectReason.MinOrderQuantity);
        if (lots > r.MaxLots) return Decision.Reject(RejectReason.MaxOrderQuantity);

        int pair = Pairs.GetOrAdd(acc, ins);
        if (pair < 0) return Decision.Reject(RejectReason.OrderTableFull, Scope.Global);
        ref PairBook.Pair p = ref Pairs[pair];
        ref MarketState m = ref Market[ins];
        if (lots > FatFingerLimit(in r, ref p, ref m)) return Decision.Reject(RejectReason.MaxOrderQuantity);

        double notionalPerLot = Math.Abs((double)px) * r.NotionalPerTickLot;
        double notional = notionalPerLot * lots;
        if (!double.IsFinite(notional) || notional > 9e14) return Decision.Reject(RejectReason.NotionalOverflow);
        if (notional > r.MaxNotional) return Decision.Reject(RejectReason.MaxOrderNotional);

        var collar = CheckCollar(in r, ref m, px, o.TimeNs);
        if (collar != RejectReason.None) return Decision.Reject(collar);

        ref AccountCounters a = ref _accounts[acc];
        bool lossLocked = a.RealisedPnl + a.UnrealisedPnl - a.DayStartPnl <= -ar.MaxDailyLoss;
        bool reduceOnly = state == TradingState.ReduceOnly || lossLocked;
        RejectReason reduceReason = state == TradingState.ReduceOnly ? RejectReason.ReduceOnly : RejectReason.MaxDailyLoss;
        Scope reduceScope = state == TradingState.ReduceOnly ? stateScope : Scope.Account;

        // Rates: acquire in order, release what was taken when a later step refuses.
        ref InstrumentCounters ic = ref _instruments[ins];
        ref GroupCounters gc = ref _groups[r.Group];
        long t = o.TimeNs, w = _bucketWidth;
        if (!RateWindow.TryAcquire(ref ic.Orders, t, w, r.OrdersPerWindow)) return Decision.Reject(RejectReason.OrderRate);
        if (!RateWindow.TryAcquire(ref a.Orders, t, w, ar.OrdersPerWindow)) { RateWindow.Release(ref ic.Orders, t, w); return Decision.Reject(RejectReason.OrderRate, Scope.Account); }
        if (!RateWindow.TryAcquire(ref gc.Orders, t, w, cfg.Groups[r.Group].OrdersPerWindow)) { ReleaseOrderRates(ref ic, ref a, t, w); return Decision.Reject(RejectReason.OrderRate, Scope.Group); }
        if (!RateWindow.TryAcquire(ref ic.Messages, t, w, r.MessagesPerWindow)) { ReleaseOrderRates(ref ic, ref a, t, w); RateWindow.Release(ref gc.Orders, t, w); return Decision.Reject(RejectReason.MessageRate); }
        if (!RateWindow.TryAcquire(ref a.Messages, t, w, ar.MessagesPerWindow)) { ReleaseOrderRates(ref ic, ref a, t, w); RateWindow.Release(ref gc.Orders, t, w); RateWindow.Release(ref ic.Messages, t, w); return Decision.Reject(RejectReason.MessageRate, Scope.Account); }

        var d = Reserve(in o, in r, in ar, cfg.Groups[r.Group].MaxOpenOrders, pair, ref p, ref ic, ref gc, ref a, px, lots, notionalPerLot, reduceOnly, reduceReason, reduceScope);
        if (!d.IsAccepted)
        {
            ReleaseOrderRates(ref ic, ref a, t, w);
            RateWindow.Release(ref gc.Orders, t, w);
            RateWindow.Release(ref ic.Messages, t, w);
            RateWindow.Release(ref a.Messages, t, w);
            return d;
        }
        // Learn the account's typical size (a statistic: a lost update between threads is harmless).
        int n = ++p.AcceptedOrders;
        p.TypicalLots = n == 1 ? lots : p.TypicalLots + RiskDefaults.TypicalSizeAlpha * (lots - p.TypicalLots);
        return d;
    }

    private Decision Reserve(in OrderRequest o, in InstrumentRule r, in AccountRule ar, int groupMaxOpen, int pair, ref PairBook.Pair p,
        ref InstrumentCounters ic, ref GroupCounters gc, ref AccountCounters a, long px, long lots, double notionalPerLot, bool reduceOnly, RejectReason reduceReason, Scope reduceScope)
    {
        bool buy = o.Side == Side.Buy;
        long position = Volatile.Read(ref p.PositionLots);
        ref long working = ref buy ? ref p.WorkingBuyLots : ref p.WorkingSellLots;
        long newWorking = Interlocked.Add(ref working, lots);
        if (reduceOnly)
        {
            // Reduce-only: this side's working orders plus this one may at most close the position, never flip it.
            long closable = buy ? -position : position;
            if (newWorking > closable) { Interlocked.Add(ref working, -lots); return Decision.Reject(reduceReason, reduceScope); }
        }
        else if (buy ? position + newWorking > r.MaxLongLots : newWorking - position > r.MaxShortLots)
        {
            Interlocked.Add(ref working, -lots);
            return Decision.Reject(RejectReason.MaxPosition);
        }

        if (Interlocked.Increment(ref p.OpenOrders) > r.MaxOpenOrdersPerAccount) { Undo(ref working, lots, ref p.OpenOrders); return Decision.Reject(RejectReason.MaxOpenOrders); }
        if (Interlocked.Increment(ref ic.OpenOrders) > r.MaxOpenOrders) { Undo(ref working, lots, ref p.OpenOrders); Interlocked.Decrement(ref ic.OpenOrders); return Decision.Reject(RejectReason.MaxOpenOrders); }
        if (Interlocked.Increment(ref a.OpenOrders) > ar.MaxOpenOrders) { UndoOpen(ref working, lots, ref p, ref ic, ref a); return Decision.Reject(RejectReason.MaxOpenOrders, Scope.Account); }
        if (Interlocked.Increment(ref gc.OpenOrders) > groupMaxOpen) { UndoOpen(ref working, lots, ref p, ref ic, ref a); Interlocked.Decrement(ref gc.OpenOrders); return Decision.Reject(RejectReason.MaxOpenOrders, Scope.Group); }

        long notionalFx = (long)Math.Ceiling(notionalPerLot * lots * AccountCounters.NotionalScale);
        var ex = ReserveExposure(in ar, ref a, buy, notionalFx);
        if (ex != RejectReason.None) { UndoAll(ref working, lots, ref p, ref ic, ref a, ref gc); return Decision.Reject(ex, Scope.Account); }

        int slot = Pairs.ClaimSlot(pair, o.Side, px);
        if (slot < 0) { UndoAll(ref working, lots, ref p, ref ic, ref a, ref gc); ReleaseExposure(ref a, buy, notionalFx); return Decision.Reject(RejectReason.MaxOpenOrders); }
        // Publish-then-scan: of two crossing orders racing on two threads, at least one sees the other.
        if (Pairs.Crosses(pair, o.Side, px))
        {
            Pairs.FreeSlot(pair, o.Side, slot);
            UndoAll(ref working, lots, ref p, ref ic, ref a, ref gc); ReleaseExposure(ref a, buy, notionalFx);
            return Decision.Reject(RejectReason.SelfMatch);
        }
        var entry = new OrderTable.Entry { Account = o.Account.Value, OrderId = o.OrderId, Pair = pair, Slot = slot, PriceTicks = px, RemainingLots = lots, NotionalPerLot = notionalPerLot, Side = o.Side };
        int idx = Orders.TryInsert(o.Account.Value, o.OrderId, in entry);
        if (idx < 0)
        {
            Pairs.FreeSlot(pair, o.Side, slot);
            UndoAll(ref working, lots, ref p, ref ic, ref a, ref gc); ReleaseExposure(ref a, buy, notionalFx);
            return Decision.Reject(idx == -1 ? RejectReason.DuplicateOrderId : RejectReason.OrderTableFull, idx == -1 ? Scope.Account : Scope.Global);
        }
        return Decision.Accept;
    }

    private static RejectReason ReserveExposure(in AccountRule ar, ref AccountCounters a, bool buy, long notionalFx)
    {
        if (double.IsPositiveInfinity(ar.MaxGross) && double.IsPositiveInfinity(ar.MaxNet))
        {
            Interlocked.Add(ref buy ? ref a.WorkingBuyNotionalFx : ref a.WorkingSellNotionalFx, notionalFx);
            return RejectReason.None;
        }
        long wb = buy ? Interlocked.Add(ref a.WorkingBuyNotionalFx, notionalFx) : Volatile.Read(ref a.WorkingBuyNotionalFx);
        long ws = buy ? Volatile.Read(ref a.WorkingSellNotionalFx) : Interlocked.Add(ref a.WorkingSellNotionalFx, notionalFx);
        double s = AccountCounters.NotionalScale;
        double gross = Volatile.Read(ref a.PositionGross) + (wb + ws) / s;
        double net = Volatile.Read(ref a.PositionNet);
        double netAfter = buy ? net + wb / s : -(net - ws / s);
        if (gross > ar.MaxGross) { ReleaseExposure(ref a, buy, notionalFx); return RejectReason.MaxGrossExposure; }
        if (netAfter > ar.MaxNet) { ReleaseExposure(ref a, buy, notionalFx); return RejectReason.MaxNetExposure; }
        return RejectReason.None;
    }

    private static void ReleaseExposure(ref AccountCounters a, bool buy, long notionalFx)
        => Interlocked.Add(ref buy ? ref a.WorkingBuyNotionalFx : ref a.WorkingSellNotionalFx, -notionalFx);

    private static void Undo(ref long working, long lots, ref int pairOpen)
    {
        Interlocked.Add(ref working, -lots);
        Interlocked.Decrement(ref pairOpen);
    }

    private static void UndoOpen(ref long working, long lots, ref PairBook.Pair p, ref InstrumentCounters ic, ref AccountCounters a)
    {
        Undo(ref working, lots, ref p.OpenOrders);
        Interlocked.Decrement(ref ic.OpenOrders);
        Interlocked.Decrement(ref a.OpenOrders);
    }

    private static void UndoAll(ref long working, long lots, ref PairBook.Pair p, ref InstrumentCounters ic, ref AccountCounters a, ref GroupCounters gc)
    {
        UndoOpen(ref working, lots, ref p, ref ic, ref a);
        Interlocked.Decrement(ref gc.OpenOrders);
    }

    private static void ReleaseOrderRates(ref InstrumentCounters ic, ref AccountCounters a, long t, long w)
    {
        RateWindow.Release(ref ic.Orders, t, w);
        RateWindow.Release(ref a.Orders, t, w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double FatFingerLimit(in InstrumentRule r, ref PairBook.Pair p, ref MarketState m)
    {
        if (p.AcceptedOrders >= RiskDefaults.FatFingerWarmupOrders) return Math.Max(1, r.FatFingerMultiple * p.TypicalLots);
        if (Volatile.Read(ref m.Trades) >= RiskDefaults.MarketWarmupTrades) return Math.Max(1, r.FatFingerMultiple * m.TypicalTradeLots);
        return double.PositiveInfinity; // nothing learned yet: only the absolute limits apply
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static RejectReason CheckCollar(in InstrumentRule r, ref MarketState m, long px, long timeNs)
    {
        // The configured source first, then the others; the first FRESH one is the reference. Times are stored +1.
        long refTicks;
        bool found = r.ReferenceSource switch
        {
            ReferencePriceSource.Mid => Fresh(ref m.MidTimeNs, ref m.MidTicks, timeNs, r.StaleNs, out refTicks)
                || Fresh(ref m.LastTradeTimeNs, ref m.LastTradeTicks, timeNs, r.StaleNs, out refTicks)
                || Fresh(ref m.OracleTimeNs, ref m.OracleTicks, timeNs, r.StaleNs, out refTicks),
            ReferencePriceSource.Oracle => Fresh(ref m.OracleTimeNs, ref m.OracleTicks, timeNs, r.StaleNs, out refTicks)
                || Fresh(ref m.MidTimeNs, ref m.MidTicks, timeNs, r.StaleNs, out refTicks)
                || Fresh(ref m.LastTradeTimeNs, ref m.LastTradeTicks, timeNs, r.StaleNs, out refTicks),
            _ => Fresh(ref m.LastTradeTimeNs, ref m.LastTradeTicks, timeNs, r.StaleNs, out refTicks)
                || Fresh(ref m.MidTimeNs, ref m.MidTicks, timeNs, r.StaleNs, out refTicks)
                || Fresh(ref m.OracleTimeNs, ref m.OracleTicks, timeNs, r.StaleNs, out refTicks),
        };
        if (!found) return r.MissingReference == MissingReferencePolicy.Reject ? RejectReason.StaleReference : RejectReason.None;
        double reference = Math.Max(Math.Abs((double)refTicks), 1);
        return Math.Abs((double)(px - refTicks)) * 10_000 > r.CollarBps * reference ? RejectReason.PriceCollar : RejectReason.None;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Fresh(ref long time, ref long ticks, long now, long staleNs, out long refTicks)
    {
        long t = Volatile.Read(ref time);
        refTicks = Volatile.Read(ref ticks);
        return t != 0 && now - (t - 1) <= staleNs;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static RejectReason ToTicks(double price, in InstrumentRule r, out long ticks)
    {
        ticks = 0;
        if (!double.IsFinite(price)) return RejectReason.NonFinitePrice;
        double t = price * r.InverseTick;
        if (Math.Abs(t) > 4e15) return RejectReason.InvalidPrice;
        double rt = Math.Round(t);
        if (Math.Abs(t - rt) > 1e-9 * Math.Abs(t) + 1e-7) return RejectReason.OffTick;
        ticks = (long)rt;
        if (ticks <= 0 && !r.AllowsNonPositivePrice) return RejectReason.InvalidPrice;
        return RejectReason.None;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static RejectReason ToLots(double quantity, in InstrumentRule r, out long lots)
    {
        lots = 0;
        if (!double.IsFinite(quantity)) return RejectReason.NonFiniteQuantity;
        if (quantity <= 0) return RejectReason.InvalidQuantity;
        double l = quantity * r.InverseLot;
        if (l > 4e15) return RejectReason.InvalidQuantity;
        double rl = Math.Round(l);
        if (Math.Abs(l - rl) > 1e-9 * l + 1e-7) return RejectReason.OffLot;
        lots = (long)rl;
        return lots <= 0 ? RejectReason.InvalidQuantity : RejectReason.None;
    }
}
