namespace CircuitBreaker.Positions;

/// <summary>
/// Post-trade book-keeping, single-writer (the evaluator thread, or the one thread that feeds it): applies fills to
/// positions and realised PnL, marks unrealised PnL and exposure from trades, quotes and oracle prices, keeps the
/// reference prices the gate's collar reads, and trips post-trade limits (position, daily loss, exposure) on the
/// state board. Publishes what the gate reads with release semantics. Allocation-free.
/// <para>
/// A fill frees the order's working reservation in the gate. With a <see cref="GateConcurrency.MultiThreaded"/> gate
/// the keeper does it directly (atomics). With a <see cref="GateConcurrency.SingleWriter"/> gate the keeper never
/// writes gate-owned state: it posts a release record to the gate's queue, which the gate's thread drains at its
/// next check (see <see cref="GateConcurrency.SingleWriter"/>); until then the fill counts both in the position and
/// as working quantity (conservative). With a <see cref="GateConcurrency.AccountOwned"/> gate the keeper writes only
/// release counters of its own, which the gate subtracts from the counters the account's owning thread writes.
/// </para>
/// </summary>
public sealed class PositionKeeper
{
    private readonly PreTradeGate _gate;
    private readonly StateBoard _board;
    private readonly ReleaseQueue? _releases;
    private long _positionDisagreements;
    private long _unknownFills;

    /// <summary>Creates a keeper feeding <paramref name="gate"/>.</summary>
    /// <param name="gate">The gate whose account and instrument state the keeper updates (positions, PnL, references).</param>
    public PositionKeeper(PreTradeGate gate)
    {
        _gate = gate;
        _board = gate.Board;
        _releases = gate.Releases;
    }

    /// <summary>Receives a finding for each post-trade limit breach that changed a trading state (set by the evaluator).</summary>
    public IFindingSink? FindingSink { get; set; }

    /// <summary>Engine <c>position</c> records that disagreed with the positions rebuilt from fills.</summary>
    public long PositionDisagreements => _positionDisagreements;
    /// <summary>Fills for order ids the gate did not know, or larger than the order's remaining quantity (still applied
    /// to the position). With a single-writer gate a fill is counted once the gate has drained its release.</summary>
    public long UnknownOrderFills => _unknownFills + (_releases?.Unmatched ?? 0);

    /// <summary>Signed position of an account on an instrument, in human units (0 when it never traded it).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id outside the configuration (e.g. <see cref="AccountId.None"/>
    /// from a failed look-up).</exception>
    /// <param name="account">The account.</param>
    /// <param name="instrument">The instrument.</param>
    public double Position(AccountId account, InstrumentId instrument)
    {
        ValidAccount(account);
        if ((uint)instrument.Value >= (uint)_gate.Config.Instruments.Length)
            throw new ArgumentOutOfRangeException(nameof(instrument), instrument, "not an instrument of this configuration");
        int p = _gate.Pairs.Find(account.Value, instrument.Value);
        return p < 0 ? 0 : Volatile.Read(ref _gate.Pairs[p].PositionLots) * _gate.Config.Instruments[instrument.Value].Spec.Lot;
    }

    /// <summary>Realised plus unrealised PnL of an account since the day started.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An account id outside the configuration's capacity.</exception>
    /// <param name="account">The account.</param>
    public double DailyPnl(AccountId account)
    {
        ref var a = ref _gate.AccountState(ValidAccount(account));
        return a.RealisedPnl + a.UnrealisedPnl - a.DayStartPnl;
    }

    /// <summary>Gross marked exposure of an account.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An account id outside the configuration's capacity.</exception>
    /// <param name="account">The account.</param>
    public double GrossExposure(AccountId account) => _gate.AccountState(ValidAccount(account)).PositionGross;

    /// <summary>Net marked exposure of an account (Σ position × mark × multiplier). Allocates nothing.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An account id outside the configuration's capacity.</exception>
    /// <param name="account">The account.</param>
    public double NetExposure(AccountId account) => Volatile.Read(ref _gate.AccountState(ValidAccount(account)).PositionNet);

    /// <summary>Signed marked exposure of an account on one instrument (position × mark × multiplier; 0 when it never
    /// traded it or no price has marked it). Allocates nothing; a reader on another thread sees the last marked value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id outside the configuration.</exception>
    /// <param name="account">The account.</param>
    /// <param name="instrument">The instrument.</param>
    public double Exposure(AccountId account, InstrumentId instrument)
    {
        ValidAccount(account);
        if ((uint)instrument.Value >= (uint)_gate.Config.Instruments.Length)
            throw new ArgumentOutOfRangeException(nameof(instrument), instrument, "not an instrument of this configuration");
        int p = _gate.Pairs.Find(account.Value, instrument.Value);
        return p < 0 ? 0 : Volatile.Read(ref _gate.Pairs[p].SignedNotional);
    }

    /// <summary>Starts a new trading day for PnL limits: today's loss counts from the current PnL.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An account id outside the configuration's capacity.</exception>
    /// <param name="account">The account whose day starts.</param>
    public void StartDay(AccountId account)
    {
        ref var a = ref _gate.AccountState(ValidAccount(account));
        a.DayStartPnl = a.RealisedPnl + a.UnrealisedPnl;
    }

    /// <summary>Starts a new trading day for every account slot (see <see cref="StartDay(AccountId)"/>). Call from the thread
    /// that applies events (the evaluator's, under the pipeline: publish <see cref="RiskEvent.StartDay(long)"/> instead).
    /// O(account capacity), allocates nothing.</summary>
    public void StartDay()
    {
        int n = _gate.Config.Accounts.Length;
        for (int k = 0; k < n; k++)
        {
            ref var a = ref _gate.AccountState(k);
            a.DayStartPnl = a.RealisedPnl + a.UnrealisedPnl;
        }
    }

    /// <summary>Applies a start-of-day admin event: global = every account, account = that one (an id outside the
    /// configuration is ignored: an event never throws on the evaluator); other scopes are ignored.</summary>
    internal void StartDay(in RiskEvent e)
    {
        if (e.AdminData.Scope == Scope.Global) StartDay();
        else if (e.AdminData.Scope == Scope.Account && (uint)e.Aux < (uint)_gate.Config.Accounts.Length) StartDay(new AccountId(e.Aux));
    }

    private int ValidAccount(AccountId account)
    {
        if ((uint)account.Value >= (uint)_gate.Config.Accounts.Length)
            throw new ArgumentOutOfRangeException(nameof(account), account, "not an account of this configuration (a failed look-up gives AccountId.None)");
        return account.Value;
    }

    /// <summary>Applies one event (what the evaluator calls for every event it consumes): market data, fills, positions, and
    /// the start-of-day admin command (<see cref="RiskEvent.StartDay(long)"/>); other admin commands are ignored here. Unknown ids, non-finite numbers,
    /// fills beyond 4e15 lots and market data older than the newest of its kind for the instrument are ignored.</summary>
    /// <param name="e">The event.</param>
    public void Apply(in RiskEvent e)
    {
        var cfg = _gate.Config;
        if (_releases is { Backlog: > 0 } q) q.FlushBacklog();
        if (e.Kind == RiskEventKind.Admin)
        {
            if (e.SubKind == (byte)AdminAction.StartDay) StartDay(in e); // other admin commands are the board's
            return;
        }
        if (e.Kind == RiskEventKind.Balance) { MoveBalance(e.Account, e.Aux, (BalanceChange)e.SubKind, e.BalanceData.Amount); return; }
        if ((uint)e.Instrument >= (uint)cfg.Instruments.Length) return;
        switch (e.Kind)
        {
            case RiskEventKind.Trade: OnTrade(e.Instrument, e.TradeData.Price, e.TradeData.Quantity, e.TimeNs); break;
            case RiskEventKind.Quote: OnQuote(e.Instrument, e.QuoteData.Bid, e.QuoteData.Ask, e.TimeNs); break;
            case RiskEventKind.Oracle: OnOracle(e.Instrument, e.OracleData.Price, e.TimeNs); break;
            case RiskEventKind.Fill: OnFill(e.Account, e.Instrument, e.FillData.OrderId, e.Side, e.FillData.Price, e.FillData.Quantity, e.TimeNs); break;
            case RiskEventKind.Position: OnEnginePosition(e.Account, e.Instrument, e.PositionData.Quantity); break;
        }
    }

    private void OnTrade(int ins, double price, double qty, long t)
    {
        ref readonly var r = ref _gate.Config.Instruments[ins];
        if (!double.IsFinite(price) || !double.IsFinite(qty) || qty <= 0) return;
        ref MarketState m = ref _gate.Market[ins];
        long stamp = Stamp(t);
        if (stamp < Volatile.Read(ref m.LastTradeTimeNs)) return; // late: a newer trade already set the reference
        long ticks = (long)Math.Round(price * r.InverseTick);
        double lots = qty * r.InverseLot;
        m.TypicalTradeLots = m.Trades == 0 ? lots : m.TypicalTradeLots + RiskDefaults.TypicalSizeAlpha * (lots - m.TypicalTradeLots);
        Volatile.Write(ref m.LastTradeTicks, ticks);
        Volatile.Write(ref m.LastTradeTimeNs, stamp);
        Volatile.Write(ref m.Trades, m.Trades + 1);
        Mark(ins, price, t);
    }

    private void OnQuote(int ins, double bid, double ask, long t)
    {
        if (!double.IsFinite(bid) || !double.IsFinite(ask) || ask < bid) return;
        ref readonly var r = ref _gate.Config.Instruments[ins];
        ref MarketState m = ref _gate.Market[ins];
        long stamp = Stamp(t);
        if (stamp < Volatile.Read(ref m.MidTimeNs)) return; // late
        double mid = (bid + ask) / 2;
        Volatile.Write(ref m.MidTicks, (long)Math.Round(mid * r.InverseTick));
        Volatile.Write(ref m.MidTimeNs, stamp);
        m.Quotes++;
        Mark(ins, mid, t);
    }

    private void OnOracle(int ins, double price, long t)
    {
        if (!double.IsFinite(price)) return;
        ref readonly var r = ref _gate.Config.Instruments[ins];
        ref MarketState m = ref _gate.Market[ins];
        long stamp = Stamp(t);
        if (stamp < Volatile.Read(ref m.OracleTimeNs)) return; // late
        Volatile.Write(ref m.OracleTicks, (long)Math.Round(price * r.InverseTick));
        Volatile.Write(ref m.OracleTimeNs, stamp);
        m.Oracles++;
        if (m.Trades == 0 && m.Quotes == 0) Mark(ins, price, t);
    }

    private void OnFill(int acc, int ins, long orderId, Side side, double price, double qty, long t)
    {
        var cfg = _gate.Config;
        if ((uint)acc >= (uint)cfg.Accounts.Length || !double.IsFinite(price) || !double.IsFinite(qty) || qty <= 0) return;
        ref readonly var r = ref cfg.Instruments[ins];
        // Beyond 4e15 lots (the gate's own bound) the conversion saturates and the position would wrap: ignore.
        if (qty * r.InverseLot > 4e15) return;
        long lots = (long)Math.Round(qty * r.InverseLot);
        if (lots <= 0) return;
        int pi = _gate.Pairs.GetOrAdd(acc, ins);
        if (pi < 0) return; // pair table full: the gate cannot hold an order of this pair, nothing to release
        ref PairBook.Pair p = ref _gate.Pairs[pi];
        ref AccountCounters a = ref _gate.AccountState(acc);
        long signed = side == Side.Buy ? lots : -lots;
        long pos = p.PositionLots;
        double mult = r.Spec.Multiplier, lotSize = r.Spec.Lot;
        // Realise PnL on the part that closes the position; average the part that opens it.
        double pnl = 0;
        if (pos != 0 && Math.Sign(pos) != Math.Sign(signed))
        {
            long closing = Math.Min(Math.Abs(pos), lots);
            pnl = (price - p.AvgPrice) * closing * lotSize * mult * Math.Sign(pos);
            p.RealisedPnl += pnl;
            a.RealisedPnl += pnl;
            long after = pos + signed;
            if (Math.Sign(after) == Math.Sign(signed) && after != 0) p.AvgPrice = price; // flipped
            else if (after == 0) p.AvgPrice = 0;
        }
        else
        {
            long after = pos + signed;
            p.AvgPrice = (p.AvgPrice * Math.Abs(pos) + price * lots) / Math.Abs(after);
        }
        // Position and the marked exposure first, then release the working reservation: a check racing in between
        // counts the fill twice (conservative), never zero times. (The exposure was re-marked after the release until
        // 2026-11-22: a check in that window counted the fill's notional neither as working nor in the gross.)
        Volatile.Write(ref p.PositionLots, pos + signed);
        Remark(ref p, ref a, ins, MarkPrice(ins, price));
        // The balance moves before the order's hold is released: a check in between counts the fill twice (conservative).
        if (_gate.KeepsBalances) SettleFill(acc, ins, side, price, lots * lotSize, pnl);
        ReleaseWorking(acc, orderId, lots, t);
        CheckPostTrade(acc, ins, ref p, t);
    }

    /// <summary>Reference times are stored +1 so that 0 means "never"; negative times count as 0, the largest saturates.</summary>
    private static long Stamp(long t) => t == long.MaxValue ? t : Math.Max(1, t + 1);

    /// <summary>Frees the filled lots of the order's working reservation: at once (multi-threaded gate) or through
    /// the gate's release queue (single-writer gate, which counts unmatched releases itself).</summary>
    private void ReleaseWorking(int acc, long orderId, long lots, long t)
    {
        if (_releases is { } q) q.Post(acc, orderId, lots, t);
        else if (_gate.ConsumeFill(acc, orderId, lots, t) < lots) _unknownFills++;
    }

    private void OnEnginePosition(int acc, int ins, double qty)
    {
        if ((uint)acc >= (uint)_gate.Config.Accounts.Length || !double.IsFinite(qty)) return;
        int pi = _gate.Pairs.Find(acc, ins);
        long mine = pi < 0 ? 0 : _gate.Pairs[pi].PositionLots;
        long theirs = (long)Math.Round(qty * _gate.Config.Instruments[ins].InverseLot);
        if (mine != theirs) _positionDisagreements++;
    }

    /// <summary>The documented mark rule (docs/controls.md, "Post-trade limits"): the price of the last mark — the last
    /// trade or quote mid applied, an oracle price only while the instrument never traded or quoted — or the fill's own
    /// price before any. A fill marks at the same price as every other position in the instrument, so margin and unrealised
    /// PnL agree across its pairs (FillMarkTests).</summary>
    private double MarkPrice(int ins, double fallback)
    {
        ref MarketState m = ref _gate.Market[ins];
        return m.Marked ? m.LastMark : fallback;
    }

    private void Mark(int ins, double price, long t)
    {
        ref MarketState m = ref _gate.Market[ins];
        m.LastMark = price;
        m.Marked = true;
        for (int pi = _gate.Pairs.FirstOfInstrument(ins); pi >= 0; pi = _gate.Pairs[pi].NextOfInstrument)
        {
            ref PairBook.Pair p = ref _gate.Pairs[pi];
            if (p.PositionLots == 0 && p.UnrealisedPnl == 0 && p.MarkNotional == 0) continue;
            ref AccountCounters a = ref _gate.AccountState(p.Account);
            Remark(ref p, ref a, ins, price);
            CheckPostTrade(p.Account, ins, ref p, t);
        }
    }

    /// <summary>Re-marks a pair and, for a margin account, its currency's unrealised PnL and positions' initial margin.</summary>
    private void Remark(ref PairBook.Pair p, ref AccountCounters a, int ins, double mark)
    {
        var cfg = _gate.Config;
        ref readonly var r = ref cfg.Instruments[ins];
        if (!_gate.KeepsBalances || cfg.Accounts[p.Account].BalanceMode != BalanceMode.Margin) { RemarkPair(ref p, ref a, r.Spec, mark); return; }
        double oldUnreal = p.UnrealisedPnl, oldNotional = p.MarkNotional;
        RemarkPair(ref p, ref a, r.Spec, mark);
        ref BalanceCounters b = ref _gate.BalanceState(p.Account, r.Currency);
        // Margin first when it grows, unrealised first when it grows: a check in between sees less collateral, never more.
        double dm = (p.MarkNotional - oldNotional) * r.MarginRate, du = p.UnrealisedPnl - oldUnreal;
        if (dm >= 0) { Volatile.Write(ref b.PositionMargin, b.PositionMargin + dm); Volatile.Write(ref b.Unrealised, b.Unrealised + du); }
        else { Volatile.Write(ref b.Unrealised, b.Unrealised + du); Volatile.Write(ref b.PositionMargin, b.PositionMargin + dm); }
    }

    /// <summary>A fill's effect on its account's balance: cash accounts pay (buy) or receive (sell) the notional, margin
    /// accounts book the realised PnL; both pay the instrument's fee rate on the notional.</summary>
    private void SettleFill(int acc, int ins, Side side, double price, double qty, double realised)
    {
        var cfg = _gate.Config;
        var mode = cfg.Accounts[acc].BalanceMode;
        if (mode == BalanceMode.None) return;
        ref readonly var r = ref cfg.Instruments[ins];
        double notional = Math.Abs(price) * qty * r.Spec.Multiplier;
        double move = -notional * r.FeeRate + (mode == BalanceMode.Cash ? (side == Side.Buy ? -notional : notional) : realised);
        ref BalanceCounters b = ref _gate.BalanceState(acc, r.Currency);
        Volatile.Write(ref b.Balance, b.Balance + move);
    }

    /// <summary>Applies a balance movement (what a <see cref="RiskEventKind.Balance"/> event carries) on the keeper's thread.
    /// Unknown accounts or currencies, accounts without a balance mode and non-finite amounts are ignored (counted in
    /// <see cref="IgnoredBalanceEvents"/>). Allocates nothing.</summary>
    /// <param name="account">The account.</param>
    /// <param name="currency">The currency index in <see cref="RiskConfig.Currencies"/>.</param>
    /// <param name="change">What moved it.</param>
    /// <param name="amount">The amount.</param>
    public void MoveBalance(AccountId account, int currency, BalanceChange change, double amount) => MoveBalance(account.Value, currency, change, amount);

    private void MoveBalance(int acc, int currency, BalanceChange change, double amount)
    {
        var cfg = _gate.Config;
        if (!_gate.KeepsBalances || (uint)acc >= (uint)cfg.Accounts.Length || (uint)currency >= (uint)cfg.Currencies.Count
            || cfg.Accounts[acc].BalanceMode == BalanceMode.None || !double.IsFinite(amount) || !Enum.IsDefined(change)) { _ignoredBalanceEvents++; return; }
        ref BalanceCounters b = ref _gate.BalanceState(acc, currency);
        double next = change switch
        {
            BalanceChange.Deposit => b.Balance + Math.Abs(amount),
            BalanceChange.Withdrawal => b.Balance - Math.Abs(amount),
            BalanceChange.Fee => b.Balance - amount,
            BalanceChange.Set => amount,
            _ => b.Balance + amount, // funding, pnl
        };
        Volatile.Write(ref b.Balance, next);
    }

    private long _ignoredBalanceEvents;

    /// <summary>Balance movements ignored: unknown account or currency, an account without a balance mode, a non-finite amount.</summary>
    public long IgnoredBalanceEvents => _ignoredBalanceEvents;

    private static void RemarkPair(ref PairBook.Pair p, ref AccountCounters a, InstrumentSpec spec, double mark)
    {
        double qty = p.PositionLots * spec.Lot;
        double unreal = p.PositionLots == 0 ? 0 : (mark - p.AvgPrice) * qty * spec.Multiplier;
        double signedNotional = qty * mark * spec.Multiplier;
        a.UnrealisedPnl += unreal - p.UnrealisedPnl;
        Volatile.Write(ref a.PositionGross, a.PositionGross + Math.Abs(signedNotional) - p.MarkNotional);
        Volatile.Write(ref a.PositionNet, a.PositionNet + signedNotional - p.SignedNotional);
        p.UnrealisedPnl = unreal;
        p.MarkNotional = Math.Abs(signedNotional);
        p.SignedNotional = signedNotional;
    }

    private void CheckPostTrade(int acc, int ins, ref PairBook.Pair p, long t)
    {
        var cfg = _gate.Config;
        ref readonly var r = ref cfg.Instruments[ins];
        ref readonly var ar = ref cfg.Accounts[acc];
        ref AccountCounters a = ref _gate.AccountState(acc);
        long lots = Math.Abs(p.PositionLots);
        long limit = p.PositionLots > 0 ? r.MaxLongLots : r.MaxShortLots;
        if (lots > limit)
            Trip(Scope.Instrument, ins, RejectReason.MaxPosition, Signature.MaxPosition, t, lots * r.Spec.Lot, limit * r.Spec.Lot);
        double pnl = a.RealisedPnl + a.UnrealisedPnl - a.DayStartPnl;
        if (pnl <= -ar.MaxDailyLoss)
            Trip(Scope.Account, acc, RejectReason.MaxDailyLoss, Signature.MaxDailyLoss, t, -pnl, ar.MaxDailyLoss);
        if (a.PositionGross > ar.MaxGross)
            Trip(Scope.Account, acc, RejectReason.MaxGrossExposure, Signature.MaxGrossExposure, t, a.PositionGross, ar.MaxGross);
    }

    private void Trip(Scope scope, int target, RejectReason reason, Signature signature, long t, double value, double limit)
    {
        if (_board.TrySet(scope, target, TradingState.ReduceOnly, t, TripCause.Limit, reason, severity: Severity.Critical))
            FindingSink?.Raise(new Finding(t, signature, scope, target, Severity.Critical, value / limit, FindingDetail.ValueOverLimit, value, limit));
    }
}
