using System.Runtime.CompilerServices;

namespace CircuitBreaker;

/// <summary>
/// The pre-trade gate: <see cref="Check"/> decides an order before it leaves, synchronously, on the caller's
/// thread, in tens of nanoseconds, allocating nothing and taking no lock. It reads one immutable
/// <see cref="RiskConfig"/> snapshot per call (swap with <see cref="SwapConfig"/>), the trading states of the
/// <see cref="StateBoard"/>, and the positions and references the position keeper publishes; it owns the counters
/// it updates (rates, working quantity and notional, open orders), reserving first and rolling back on rejection.
/// Under <see cref="GateConcurrency.MultiThreaded"/> (the default) the counters are updated with atomics, so
/// concurrent checks on any threads never jointly breach a limit. Under <see cref="GateConcurrency.SingleWriter"/>
/// one thread checks at a time and the counters are plain stores; fills reach the gate through a release queue it
/// drains at the start of each check. Under <see cref="GateConcurrency.AccountOwned"/> each account is checked by one
/// thread at a time: its own counters are plain, instrument and group counters atomic, and fills are released by the
/// position keeper into counters of its own that the gate subtracts (see <see cref="GateConcurrency"/>).
/// Checks run cheapest first: identity, trading state, number validity, size and notional, collar, loss, rates,
/// then reservations (position, open orders, exposure), duplicate id and self-match.
/// </summary>
public sealed partial class PreTradeGate
{
    private volatile RiskConfig _config;
    private readonly StateBoard _board;
    private readonly LineArray<InstrumentCounters> _instruments;
    private readonly LineArray<AccountCounters> _accounts;
    private readonly LineArray<GroupCounters> _groups;
    internal readonly MarketState[] Market;
    internal readonly PairBook Pairs;
    internal readonly OrderTable Orders;
    private readonly EpochClock _clock;
    /// <summary>Where the rate windows' bucket grid starts: the event time of the first rate-counted check (so the same
    /// stream shifted to any origin meets the same bucket boundaries); <see cref="NoAnchor"/> until then.</summary>
    private long _rateAnchor = NoAnchor;
    private const long NoAnchor = long.MinValue;
    private GateCounters? _counters;
    private readonly bool _singleWriter;
    private readonly bool _owned;
    /// <summary>Fill releases posted by the position keeper (single-writer mode only; null otherwise).</summary>
    internal readonly ReleaseQueue? Releases;

    /// <summary>Creates a gate over a configuration and a state board.</summary>
    /// <param name="config">The validated limits; its concurrency mode is fixed for the gate's life.</param>
    /// <param name="board">The board whose trading states the gate enforces (the same one the position keeper trips).</param>
    public PreTradeGate(RiskConfig config, StateBoard board)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(board);
        _config = config;
        _board = board;
        int n = config.Instruments.Length;
        _instruments = new LineArray<InstrumentCounters>(n);
        Market = new MarketState[n];
        _accounts = new LineArray<AccountCounters>(config.AccountCapacity);
        _groups = new LineArray<GroupCounters>(config.Groups.Length);
        int depth = 1;
        foreach (ref readonly var r in config.Instruments.AsSpan()) depth = Math.Max(depth, r.MaxOpenOrdersPerAccount);
        Pairs = new PairBook(config.PairCapacity, depth, n);
        Orders = new OrderTable(config.OrderCapacity);
        _closed = new ClosedIds(config.ClosedOrderIds, config.ClosedOrderIdHorizonNs);
        _clock = new EpochClock(RateWindow.BucketWidth(config.RateWindowNs));
        _singleWriter = config.Concurrency == GateConcurrency.SingleWriter;
        _owned = config.Concurrency == GateConcurrency.AccountOwned;
        if (_singleWriter) Releases = new ReleaseQueue(ReleaseQueue.CapacityFor(config.OrderCapacity));
        _currencies = config.Currencies.Count;
        _balances = new LineArray<BalanceCounters>(config.HasBalances ? config.AccountCapacity * _currencies : 0);
        if (config.HasBalances)
            for (int a = 0; a < config.AccountCapacity; a++)
                if (config.AccountLimits[a].Balances is { } start)
                    foreach (var (ccy, amount) in start) BalanceState(a, config.CurrencyIndex(ccy)).Balance = amount;
    }

    /// <summary>The configuration in force.</summary>
    public RiskConfig Config => _config;
    /// <summary>The state board this gate reads.</summary>
    public StateBoard Board => _board;
    /// <summary>Who may call <see cref="Check"/>, fixed at construction from <see cref="RiskConfig.Concurrency"/>.</summary>
    public GateConcurrency Concurrency => _singleWriter ? GateConcurrency.SingleWriter : _owned ? GateConcurrency.AccountOwned : GateConcurrency.MultiThreaded;

    /// <summary>Working orders tracked: the sum of the accounts' open-order counts (a snapshot; no global counter
    /// is kept on the hot path). In single-writer mode, releases not yet drained still count.</summary>
    public int WorkingOrders
    {
        get
        {
            int n = 0;
            for (int i = 0; i < _accounts.Length; i++) n += Volatile.Read(ref _accounts[i].OpenOrders) - Volatile.Read(ref _accounts[i].ReleasedOpenOrders);
            return n;
        }
    }

    /// <summary>Single-writer mode: fill releases that found the release queue full and waited in the keeper's
    /// backlog (new orders and replaces were refused with <see cref="RejectReason.ReleaseBacklog"/> meanwhile).
    /// Always 0 in multi-threaded mode.</summary>
    public long ReleaseQueueOverflows => Releases?.Overflows ?? 0;

    /// <summary>Single-writer mode: fill releases that found both the queue and the backlog full and could not be
    /// recorded. Working quantities then over-count (never under-count) and the gate refuses every new order and
    /// replace with <see cref="RejectReason.ReleaseBacklog"/> for good: rebuild the breaker. Always 0 in multi-threaded mode.</summary>
    public long LostReleases => Releases?.Lost ?? 0;

    /// <summary>
    /// Swaps the configuration atomically. The new one must cover the same registry, capacities and rate window
    /// (counters persist across the swap). Allocates nothing on the hot path: checks in flight finish on the old one.
    /// </summary>
    /// <param name="next">The new configuration over the same registry (<see cref="RiskConfig.WithInstrumentLimits"/>, or a reloaded one through <see cref="RiskConfig.RebaseOnto"/>); a mismatch throws <see cref="RiskConfigException"/> listing every difference.</param>
    public void SwapConfig(RiskConfig next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var cur = _config;
        var errors = new List<string>();
        if (!ReferenceEquals(next.Registry, cur.Registry) || next.Instruments.Length != cur.Instruments.Length) errors.Add("the new configuration must cover the same instruments (same registry)");
        if (next.AccountCapacity != cur.AccountCapacity || next.PairCapacity != cur.PairCapacity || next.OrderCapacity != cur.OrderCapacity) errors.Add("capacities cannot change at run time");
        if (next.RateWindowNs != cur.RateWindowNs) errors.Add("the rate window cannot change at run time");
        if (next.Concurrency != cur.Concurrency) errors.Add("the gate concurrency mode cannot change at run time");
        if (!next.Currencies.SequenceEqual(cur.Currencies, StringComparer.Ordinal)) errors.Add("settlement currencies cannot change at run time");
        for (int i = 0; i < Math.Min(next.Instruments.Length, cur.Instruments.Length); i++)
            if (next.Instruments[i].Currency != cur.Instruments[i].Currency || next.Instruments[i].FeeRate != cur.Instruments[i].FeeRate || next.Instruments[i].MarginRate != cur.Instruments[i].MarginRate)
            { errors.Add("settlement currency, margin rate and fee rate cannot change at run time"); break; }
        for (int a = 0; a < Math.Min(next.Accounts.Length, cur.Accounts.Length); a++)
            if (next.Accounts[a].BalanceMode != cur.Accounts[a].BalanceMode) { errors.Add("balance modes cannot change at run time"); break; }
        foreach (ref readonly var r in next.Instruments.AsSpan())
            if (r.MaxOpenOrdersPerAccount > Pairs.Depth) { errors.Add($"{r.Spec.Symbol}: max open orders per account {r.MaxOpenOrdersPerAccount} exceeds the self-match book depth {Pairs.Depth} fixed at start"); break; }
        if (errors.Count > 0) throw new RiskConfigException(errors);
        _config = next;
    }

    /// <summary>Decides an order. Never throws for bad input: every problem is a <see cref="RejectReason"/>. 0 B allocated.
    /// Any thread under <see cref="GateConcurrency.MultiThreaded"/>; one thread at a time under
    /// <see cref="GateConcurrency.SingleWriter"/>; any thread, one per account at a time, under <see cref="GateConcurrency.AccountOwned"/>.</summary>
    /// <param name="order">The order, cancel or replace, with its event time.</param>
    /// <returns>Accepted, or rejected with a <see cref="RejectReason"/> and the <see cref="Scope"/> that imposed it.</returns>
    public Decision Check(in OrderRequest order) => _singleWriter ? Check<PlainSync>(in order) : _owned ? Check<OwnedSync>(in order) : Check<AtomicSync>(in order);

    private Decision Check<TSync>(in OrderRequest order) where TSync : struct, ISync
    {
        if (TSync.SingleWriter && Releases!.HasPending) Releases.Drain(this);
        var d = order.Action switch
        {
            OrderAction.New => CheckNew<TSync, RatesCounted>(in order),
            OrderAction.Cancel => CheckCancel<TSync>(in order),
            OrderAction.Replace => CheckReplace<TSync, RatesCounted>(in order),
            _ => Decision.Reject(RejectReason.InvalidAction),
        };
        _counters?.Record<TSync>(d.Reason);
        return d;
    }

    /// <summary>Turns on check and per-reason rejection counting (for <see cref="CircuitBreakerMetrics"/>); idempotent. Allocates once.</summary>
    internal GateCounters EnableCounters()
    {
        Interlocked.CompareExchange(ref _counters, new GateCounters(), null);
        return _counters!;
    }

    /// <summary>Ids of recently closed orders (see <see cref="CircuitBreakerBuilder.ClosedOrderIds"/>).</summary>
    private readonly ClosedIds _closed;

    /// <summary>A new order. <typeparamref name="TRates"/> folds away: <see cref="RatesCounted"/> (single orders) takes the
    /// rate units here; <see cref="RatesByList"/> (children of <see cref="CheckList"/>) leaves them to the list, which took
    /// them for the whole list before, and leaves the typical-size statistic to the list's commit.</summary>
    private Decision CheckNew<TSync, TRates>(in OrderRequest o) where TSync : struct, ISync where TRates : struct, IRates
    {
        var cfg = _config;
        int ins = o.Instrument.Value, acc = o.Account.Value;
        if ((uint)ins >= (uint)cfg.Instruments.Length) return Decision.Reject(RejectReason.UnknownInstrument);
        if ((uint)acc >= (uint)cfg.Accounts.Length) return Decision.Reject(RejectReason.UnknownAccount, Scope.Account);
        Orders.Prefetch(acc, o.OrderId);
        ref readonly InstrumentRule r = ref cfg.Instruments[ins];
        ref readonly AccountRule ar = ref cfg.Accounts[acc];

        var state = _board.Effective(ins, r.Group, acc, out var stateScope);
        if (state == TradingState.Halted) return Decision.Reject(RejectReason.Halted, stateScope);
        if (TSync.SingleWriter && Releases!.Blocked) return Decision.Reject(RejectReason.ReleaseBacklog, Scope.Global);
        // An undefined side would index another pair's self-match slots and be reserved as a sell.
        if ((byte)o.Side > (byte)Side.Sell) return Decision.Reject(RejectReason.InvalidSide);
        if (o.HasExpireTime && o.ExpireTimeNs <= o.TimeNs) return Expired(in o);
        // A resent id of an order closed within the horizon (RiskConfig.ClosedOrderIds): refused like a working one.
        if (_closed.Contains(acc, o.OrderId, o.TimeNs)) return Decision.Reject(RejectReason.DuplicateOrderId, Scope.Account);

        var bad = CheckSize(in o, in r, ins, acc, out long px, out long lots, out double scale);
        if (bad != RejectReason.None) return SizeReject(bad, in r, lots, scale);

        int pair = Pairs.GetOrAdd(acc, ins);
        if (pair < 0) return Decision.Reject(RejectReason.OrderTableFull, Scope.Global);
        ref PairBook.Pair p = ref Pairs[pair];
        ref MarketState m = ref Market[ins];
        bad = CheckPrice(in r, ref p, ref m, px, lots, scale, o.TimeNs, out double notionalPerLot);
        if (bad != RejectReason.None) return PriceReject(bad, in r, ref p, ref m, px, lots, scale, o.TimeNs);
        if (o.HasTriggerPrice && !TriggerOk(in o, in r, ref m, out var trigger)) return trigger;
        if (o.HasTrailingOffset && !TrailingOk(in o, in r, ref m, out var trailing)) return trailing;

        ref AccountCounters a = ref _accounts[acc];
        bool lossLocked = a.RealisedPnl + a.UnrealisedPnl - a.DayStartPnl <= -ar.MaxDailyLoss;
        bool reduceOnly = state == TradingState.ReduceOnly || lossLocked;
        RejectReason reduceReason = state == TradingState.ReduceOnly ? RejectReason.ReduceOnly : RejectReason.MaxDailyLoss;
        Scope reduceScope = state == TradingState.ReduceOnly ? stateScope : Scope.Account;
        if (o.ReduceOnly && !reduceOnly) (reduceOnly, reduceReason, reduceScope) = (true, RejectReason.ReduceOnlyOrder, Scope.Instrument);

        // Rates: one order unit and one message unit per scope (one CAS each), taken in order instrument, account,
        // group; what was taken is given back when a later step refuses, to the very bucket each scope counted it in
        // (each acquire reports its epoch: another thread may have moved a window's head meanwhile). Reasons keep their
        // precedence: order rates (instrument, account, group) before message rates (instrument, account).
        ref InstrumentCounters ic = ref _instruments[ins];
        ref GroupCounters gc = ref _groups[r.Group];
        long epI = 0, epA = 0, epG = 0;
        int iol = r.OrdersPerWindow, iml = r.MessagesPerWindow, aol = ar.OrdersPerWindow, aml = ar.MessagesPerWindow;
        int gol = cfg.Groups[r.Group].OrdersPerWindow;
        if (TRates.Counted)
        {
            long ep = RateEpoch(o.TimeNs);
            epI = ep; epA = ep; epG = ep;
            int si = RateWindow.TryAcquire<TSync>(ref ic.Rates, ref epI, 1, 1, iol, iml);
            if (si == RateWindow.OrdersOver) return RateReject(RejectReason.OrderRate, Scope.Instrument, iol);
            int sa = AcquireAccount<TSync>(ref a.Rates, ref epA, 1, 1, aol, aml);
            if (sa == RateWindow.OrdersOver)
            {
                if (si == RateWindow.Ok) RateWindow.Release<TSync>(ref ic.Rates, epI, 1, 1, iol, iml);
                return RateReject(RejectReason.OrderRate, Scope.Account, aol);
            }
            int sg = RateWindow.TryAcquire<TSync>(ref gc.Rates, ref epG, 1, 0, gol, int.MaxValue);
            if (sg != RateWindow.Ok || si != RateWindow.Ok || sa != RateWindow.Ok)
            {
                if (si == RateWindow.Ok) RateWindow.Release<TSync>(ref ic.Rates, epI, 1, 1, iol, iml);
                if (sa == RateWindow.Ok) ReleaseAccount<TSync>(ref a.Rates, epA, 1, 1, aol, aml);
                if (sg != RateWindow.Ok) return RateReject(RejectReason.OrderRate, Scope.Group, gol);
                RateWindow.Release<TSync>(ref gc.Rates, epG, 1, 0, gol, int.MaxValue);
                return si != RateWindow.Ok ? RateReject(RejectReason.MessageRate, Scope.Instrument, iml) : RateReject(RejectReason.MessageRate, Scope.Account, aml);
            }
        }

        var d = Reserve<TSync>(in o, in r, in ar, cfg.Groups[r.Group].MaxOpenOrders, pair, ref p, ref ic, ref gc, ref a, px, lots, notionalPerLot, reduceOnly, reduceReason, reduceScope, scale);
        if (!d.IsAccepted && reduceReason == RejectReason.MaxDailyLoss && d.Reason == RejectReason.MaxDailyLoss) d = LossReject(in ar, ref a);
        if (!d.IsAccepted)
        {
            if (TRates.Counted)
            {
                RateWindow.Release<TSync>(ref ic.Rates, epI, 1, 1, iol, iml);
                ReleaseAccount<TSync>(ref a.Rates, epA, 1, 1, aol, aml);
                RateWindow.Release<TSync>(ref gc.Rates, epG, 1, 0, gol, int.MaxValue);
            }
            return d;
        }
        if (TRates.Counted) Learn(ref p, lots);
        return d;
    }

    /// <summary>Learns the account's typical size from an accepted order (a statistic: a lost update between threads is harmless).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Learn(ref PairBook.Pair p, long lots)
    {
        int n = ++p.AcceptedOrders;
        p.TypicalLots = n == 1 ? lots : p.TypicalLots + RiskDefaults.TypicalSizeAlpha * (lots - p.TypicalLots);
    }

    private Decision Reserve<TSync>(in OrderRequest o, in InstrumentRule r, in AccountRule ar, int groupMaxOpen, int pair, ref PairBook.Pair p,
        ref InstrumentCounters ic, ref GroupCounters gc, ref AccountCounters a, long px, long lots, double notionalPerLot, bool reduceOnly, RejectReason reduceReason, Scope reduceScope, double scale)
        where TSync : struct, ISync
    {
        bool buy = o.Side == Side.Buy;
        // Working lots (and the keeper's released lots) before the position. The keeper writes a fill into the position
        // first and then releases it from the working lots, so a check that sees the release sees the position too:
        // a racing fill counts twice (conservative), never zero times. Multi-threaded: the add is a locked operation (a
        // full fence), so the position read after it cannot be served from before the release it observed.
        ref long working = ref buy ? ref p.WorkingBuyLots : ref p.WorkingSellLots;
        long added = Acct.Add<TSync>(ref working, lots);
        long newWorking = added - ReleasedLots<TSync>(ref p, buy);
        long position = Volatile.Read(ref p.PositionLots);
        if (reduceOnly)
        {
            // Reduce-only: this side's working orders plus this one may at most close the position, never flip it.
            long closable = buy ? -position : position;
            if (newWorking > closable) { Acct.Add<TSync>(ref working, -lots); return Decision.Reject(reduceReason, reduceScope, Math.Max(closable, 0) * r.Spec.Lot, newWorking * r.Spec.Lot); }
        }
        else if (buy ? position + newWorking > Scaled(r.MaxLongLots, scale) : newWorking - position > Scaled(r.MaxShortLots, scale))
        {
            Acct.Add<TSync>(ref working, -lots);
            return PositionReject(in r, buy, position, newWorking, scale);
        }

        // Open orders: pair, instrument, account, then the group only when it has a limit (an unlimited group is not
        // counted; a swap that gives it one counts the orders placed after the swap).
        bool countGroup = groupMaxOpen != int.MaxValue;
        int open;
        if ((open = Acct.Add<TSync>(ref p.OpenOrders, 1) - ReleasedOrders<TSync>(pair)) > r.MaxOpenOrdersPerAccount) { UndoOpen<TSync>(ref working, lots, ref p, ref ic, ref a, ref gc, 0, countGroup); return Decision.Reject(RejectReason.MaxOpenOrders, Scope.Instrument, r.MaxOpenOrdersPerAccount, open); }
        if ((open = TSync.Add(ref ic.OpenOrders, 1)) > r.MaxOpenOrders) { UndoOpen<TSync>(ref working, lots, ref p, ref ic, ref a, ref gc, 1, countGroup); return Decision.Reject(RejectReason.MaxOpenOrders, Scope.Instrument, r.MaxOpenOrders, open); }
        if ((open = Acct.Add<TSync>(ref a.OpenOrders, 1) - ReleasedOpen<TSync>(ref a)) > ar.MaxOpenOrders) { UndoOpen<TSync>(ref working, lots, ref p, ref ic, ref a, ref gc, 2, countGroup); return Decision.Reject(RejectReason.MaxOpenOrders, Scope.Account, ar.MaxOpenOrders, open); }
        if (countGroup && (open = TSync.Add(ref gc.OpenOrders, 1)) > groupMaxOpen) { UndoOpen<TSync>(ref working, lots, ref p, ref ic, ref a, ref gc, 3, countGroup); return Decision.Reject(RejectReason.MaxOpenOrders, Scope.Group, groupMaxOpen, open); }

        long notionalFx = ToFx(notionalPerLot * lots);
        var ex = ReserveExposure<TSync>(in ar, ref a, buy, notionalFx, out double exposure);
        if (ex != RejectReason.None) { UndoOpen<TSync>(ref working, lots, ref p, ref ic, ref a, ref gc, 4, countGroup); return Decision.Reject(ex, Scope.Account, ex == RejectReason.MaxGrossExposure ? ar.MaxGross : ar.MaxNet, exposure); }
        // Balance (cash / margin accounts only): an unset mode costs this compare.
        if (ar.BalanceMode != BalanceMode.None)
        {
            var bd = ReserveBalance<TSync>(in r, in ar, o.Account.Value, 0, notionalFx, Reducing(buy, position, newWorking));
            if (!bd.IsAccepted) { UndoOpen<TSync>(ref working, lots, ref p, ref ic, ref a, ref gc, 4, countGroup); ReleaseExposure<TSync>(ref a, buy, notionalFx); return bd; }
        }

        int slot = ClaimSlot<TSync>(pair, o.Side, px);
        if (slot < 0) { UndoOpen<TSync>(ref working, lots, ref p, ref ic, ref a, ref gc, 4, countGroup); ReleaseExposure<TSync>(ref a, buy, notionalFx); if (ar.BalanceMode != BalanceMode.None) MoveHold<TSync>(p.Instrument, o.Account.Value, notionalFx, 0); return Decision.Reject(RejectReason.MaxOpenOrders); }
        // Publish-then-scan: of two crossing orders racing on two threads, at least one sees the other.
        var why = ar.PreventSelfMatch && Pairs.Crosses(pair, o.Side, px, tighten: TSync.SingleWriter || TSync.Owned) ? RejectReason.SelfMatch : RejectReason.None;
        var scope = Scope.Instrument;
        if (why == RejectReason.None)
        {
            var entry = new OrderTable.Entry { Account = o.Account.Value, OrderId = o.OrderId, Pair = pair, Slot = slot, PriceTicks = px, RemainingLots = lots, ReservedFx = notionalFx, Side = o.Side, GroupCounted = countGroup, ReduceOnly = o.ReduceOnly };
            int idx = Orders.TryInsert<TSync>(o.Account.Value, o.OrderId, in entry);
            if (idx >= 0) return Decision.Accept;
            (why, scope) = idx == -1 ? (RejectReason.DuplicateOrderId, Scope.Account) : (RejectReason.OrderTableFull, Scope.Global);
        }
        FreeSlot<TSync>(pair, o.Side, slot);
        UndoOpen<TSync>(ref working, lots, ref p, ref ic, ref a, ref gc, 4, countGroup);
        ReleaseExposure<TSync>(ref a, buy, notionalFx);
        if (ar.BalanceMode != BalanceMode.None) MoveHold<TSync>(p.Instrument, o.Account.Value, notionalFx, 0);
        return Decision.Reject(why, scope);
    }

    private static RejectReason ReserveExposure<TSync>(in AccountRule ar, ref AccountCounters a, bool buy, long notionalFx, out double exposure) where TSync : struct, ISync
    {
        exposure = 0;
        if (double.IsPositiveInfinity(ar.MaxGross) && double.IsPositiveInfinity(ar.MaxNet))
        {
            AddWorkingNotional<TSync>(ref a, buy, notionalFx);
            return RejectReason.None;
        }
        long rb = TSync.Owned ? Volatile.Read(ref a.ReleasedBuyNotionalFx) : 0, rs = TSync.Owned ? Volatile.Read(ref a.ReleasedSellNotionalFx) : 0;
        long wb = (buy ? Acct.Add<TSync>(ref a.WorkingBuyNotionalFx, notionalFx) : Volatile.Read(ref a.WorkingBuyNotionalFx)) - rb;
        long ws = (buy ? Volatile.Read(ref a.WorkingSellNotionalFx) : Acct.Add<TSync>(ref a.WorkingSellNotionalFx, notionalFx)) - rs;
        double s = AccountCounters.NotionalScale;
        double gross = Volatile.Read(ref a.PositionGross) + (wb + ws) / s;
        double net = Volatile.Read(ref a.PositionNet);
        double netAfter = buy ? net + wb / s : -(net - ws / s);
        if (gross > ar.MaxGross) { ReleaseExposure<TSync>(ref a, buy, notionalFx); exposure = gross; return RejectReason.MaxGrossExposure; }
        if (netAfter > ar.MaxNet) { ReleaseExposure<TSync>(ref a, buy, notionalFx); exposure = netAfter; return RejectReason.MaxNetExposure; }
        return RejectReason.None;
    }

    private static void ReleaseExposure<TSync>(ref AccountCounters a, bool buy, long notionalFx) where TSync : struct, ISync
        => AddWorkingNotional<TSync>(ref a, buy, -notionalFx);

    /// <summary>Adds to the working notional of one side of an account, unchecked (a reservation with no limit to meet, a
    /// release, or a replace restoring what it had released).</summary>
    private static void AddWorkingNotional<TSync>(ref AccountCounters a, bool buy, long notionalFx) where TSync : struct, ISync
        => Acct.Add<TSync>(ref buy ? ref a.WorkingBuyNotionalFx : ref a.WorkingSellNotionalFx, notionalFx);

    /// <summary>Gives back the working lots and the open-order units taken before <paramref name="stage"/> failed
    /// (stage 0: pair taken; 1: pair and instrument; 2: up to the account; 3: up to the group; 4: all taken).</summary>
    private static void UndoOpen<TSync>(ref long working, long lots, ref PairBook.Pair p, ref InstrumentCounters ic, ref AccountCounters a,
        ref GroupCounters gc, int stage, bool countGroup) where TSync : struct, ISync
    {
        Acct.Add<TSync>(ref working, -lots);
        Acct.Add<TSync>(ref p.OpenOrders, -1);
        if (stage >= 1) TSync.Add(ref ic.OpenOrders, -1);
        if (stage >= 2) Acct.Add<TSync>(ref a.OpenOrders, -1);
        if (stage >= 3 && countGroup) TSync.Add(ref gc.OpenOrders, -1);
    }

    // Account-owned mode: the account's own state is plain (its rate window takes the single-writer path) and fills
    // release into keeper-written counters that are subtracted here; both fold away under the other policies.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int AcquireAccount<TSync>(ref RateWindow w, ref long ep, int orders, int messages, int orderLimit, int messageLimit) where TSync : struct, ISync
        => TSync.Owned ? RateWindow.TryAcquire<PlainSync>(ref w, ref ep, orders, messages, orderLimit, messageLimit) : RateWindow.TryAcquire<TSync>(ref w, ref ep, orders, messages, orderLimit, messageLimit);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReleaseAccount<TSync>(ref RateWindow w, long ep, int orders, int messages, int orderLimit, int messageLimit) where TSync : struct, ISync
    {
        if (TSync.Owned) RateWindow.Release<PlainSync>(ref w, ep, orders, messages, orderLimit, messageLimit);
        else RateWindow.Release<TSync>(ref w, ep, orders, messages, orderLimit, messageLimit);
    }

    /// <summary>The rate-window epoch of an event time: bucket widths counted from the gate's anchor (set by the first call).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long RateEpoch(long timeNs)
    {
        long anchor = Volatile.Read(ref _rateAnchor);
        if (anchor == NoAnchor) anchor = SetRateAnchor(timeNs);
        return _clock.Epoch(timeNs, anchor);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long SetRateAnchor(long timeNs)
    {
        long anchor = Math.Max(timeNs, NoAnchor + 1); // long.MinValue itself marks "none yet"
        long seen = Interlocked.CompareExchange(ref _rateAnchor, anchor, NoAnchor);
        return seen == NoAnchor ? anchor : seen;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long ReleasedLots<TSync>(ref PairBook.Pair p, bool buy) where TSync : struct, ISync
        => TSync.Owned ? Volatile.Read(ref buy ? ref p.ReleasedBuyLots : ref p.ReleasedSellLots) : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ReleasedOrders<TSync>(int pair) where TSync : struct, ISync => TSync.Owned ? Pairs.FreedByFills(pair) : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ReleasedOpen<TSync>(ref AccountCounters a) where TSync : struct, ISync => TSync.Owned ? Volatile.Read(ref a.ReleasedOpenOrders) : 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ClaimSlot<TSync>(int pair, Side side, long priceTicks) where TSync : struct, ISync
        => TSync.Owned ? Pairs.ClaimSlot<PlainSync>(pair, side, priceTicks) : Pairs.ClaimSlot<TSync>(pair, side, priceTicks);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void FreeSlot<TSync>(int pair, Side side, int slot) where TSync : struct, ISync
    {
        if (TSync.Owned) Pairs.FreeSlot<PlainSync>(pair, side, slot);
        else Pairs.FreeSlot<TSync>(pair, side, slot);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void SetSlot<TSync>(int pair, Side side, int slot, long priceTicks) where TSync : struct, ISync
    {
        if (TSync.Owned) Pairs.SetSlot<PlainSync>(pair, side, slot, priceTicks);
        else Pairs.SetSlot<TSync>(pair, side, slot, priceTicks);
    }

    /// <summary>Number validity and size limits, shared by new orders and replaces: price on tick, quantity on lot,
    /// min/max order quantity under the limit scale in force (1 unless recovery or an operator reduced limits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private RejectReason CheckSize(in OrderRequest o, in InstrumentRule r, int ins, int acc, out long px, out long lots, out double scale)
    {
        lots = 0; scale = 1.0;
        var bad = ToTicks(o.Price, in r, out px);
        if (bad != RejectReason.None) return bad;
        if (o.QuoteQuantity) return QuoteToLots(in o, in r, ins, acc, out lots, out scale);
        bad = ToLots(o.Quantity, in r, out lots);
        if (bad != RejectReason.None) return bad;
        if (lots < r.MinLots) return RejectReason.MinOrderQuantity;
        scale = _board.EffectiveLimitScale(ins, r.Group, acc);
        return lots > Scaled(r.MaxLots, scale) ? RejectReason.MaxOrderQuantity : RejectReason.None;
    }

    /// <summary>Fat-finger guard, notional (overflow and limit) and price collar, shared by new orders and replaces. Without
    /// <paramref name="marketChecks"/> (a replace that only shrinks an order at its own price) the fat-finger guard and the
    /// collar are skipped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static RejectReason CheckPrice(in InstrumentRule r, ref PairBook.Pair p, ref MarketState m, long px, long lots, double scale, long timeNs, out double notionalPerLot, bool marketChecks = true)
    {
        notionalPerLot = Math.Abs((double)px) * r.NotionalPerTickLot;
        if (marketChecks && lots > FatFingerLimit(in r, ref p, ref m) * scale) return RejectReason.MaxOrderQuantity;
        double notional = notionalPerLot * lots;
        if (!double.IsFinite(notional) || notional > 9e14) return RejectReason.NotionalOverflow;
        if (notional > r.MaxNotional) return RejectReason.MaxOrderNotional;
        if (notional < r.MinNotional) return RejectReason.MinOrderNotional;
        return marketChecks ? CheckCollar(in r, ref m, px, timeNs) : RejectReason.None;
    }

    /// <summary>A notional (finite, 0 to 9e14: checked before by <see cref="CheckPrice"/>) in the working-notional fixed
    /// point, rounded up. In range by construction, so the native conversion (one instruction) replaces the saturating cast.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long ToFx(double notional) => double.ConvertToIntegerNative<long>(Math.Ceiling(notional * AccountCounters.NotionalScale));

    /// <summary>A size limit under a limit scale in (0, 1]; "no limit" stays no limit.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long Scaled(long limit, double scale) => scale >= 1.0 || limit >= long.MaxValue / 8 ? limit : (long)Math.Floor(limit * scale);

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
        if (!Reference(in r, ref m, timeNs, out long refTicks)) return r.MissingReference == MissingReferencePolicy.Reject ? RejectReason.StaleReference : RejectReason.None;
        double reference = Math.Max(Math.Abs((double)refTicks), 1);
        double off = Math.Abs((double)(px - refTicks));
        return off * 10_000 > r.CollarBps * reference && off > r.CollarMinTicks ? RejectReason.PriceCollar : RejectReason.None;
    }

    /// <summary>The collar's reference in ticks: the configured source first, then the others; the first FRESH one. Times are stored +1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Reference(in InstrumentRule r, ref MarketState m, long timeNs, out long refTicks)
    {
        return r.ReferenceSource switch
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
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Fresh(ref long time, ref long ticks, long now, long staleNs, out long refTicks)
    {
        long t = Volatile.Read(ref time);
        refTicks = Volatile.Read(ref ticks);
        return t != 0 && now - (t - 1) <= staleNs;
    }

    /// <summary>How far a price in ticks (or a quantity in lots) may sit from a whole number and still count as on the grid,
    /// relative to its size: 1e-15, about 4.5 to 9 units in the last place. <c>value × (1 / step)</c> carries at most four
    /// roundings (the value's and the step's decimal representations, the reciprocal, the product), each half an ulp, so a
    /// value written on the grid lands within 2 ulps of its integer; anything further is off the grid (0.999999999 on a
    /// 0.00001 tick is 99999.9999 ticks, 1e-4 off: refused).</summary>
    internal const double OnGridTolerance = 1e-15;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static RejectReason ToTicks(double price, in InstrumentRule r, out long ticks)
    {
        ticks = 0;
        if (!double.IsFinite(price)) return RejectReason.NonFinitePrice;
        double t = price * r.InverseTick;
        if (Math.Abs(t) > 4e15) return RejectReason.InvalidPrice;
        double rt = Math.Round(t);
        if (Math.Abs(t - rt) > OnGridTolerance * Math.Max(Math.Abs(t), 1)) return RejectReason.OffTick;
        ticks = double.ConvertToIntegerNative<long>(rt); // |rt| <= 4e15: in range, no saturation needed
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
        if (Math.Abs(l - rl) > OnGridTolerance * Math.Max(l, 1)) return RejectReason.OffLot;
        lots = double.ConvertToIntegerNative<long>(rl); // 0 <= rl <= 4e15
        return lots <= 0 ? RejectReason.InvalidQuantity : RejectReason.None;
    }
}
