namespace CircuitBreaker;

public sealed partial class PreTradeGate
{
    /// <summary>Cancels always pass, whatever the trading state or rate: a cancel only ever reduces risk. A known order's
    /// reservations are released at once; an unknown order id still passes (the engine may know orders we do not).</summary>
    private Decision CheckCancel<TSync>(in OrderRequest o) where TSync : struct, ISync
    {
        var cfg = _config;
        int ins = o.Instrument.Value, acc = o.Account.Value;
        if ((uint)acc >= (uint)cfg.Accounts.Length) return Decision.Accept;
        ref AccountCounters a = ref _accounts[acc];
        long ep = _clock.Epoch(o.TimeNs);
        RateWindow.TryAcquire<TSync>(ref a.Rates, ep, 0, 1, int.MaxValue, int.MaxValue - 1); // counted, never refused
        if ((uint)ins < (uint)cfg.Instruments.Length)
            RateWindow.TryAcquire<TSync>(ref _instruments[ins].Rates, ep, 0, 1, int.MaxValue, int.MaxValue - 1);
        // An order another thread is replacing or filling at this moment is waited for, not skipped: skipping it would
        // leave its reservations counted after the engine cancelled it.
        int idx = Orders.TakeWaiting<TSync>(acc, o.OrderId);
        if (idx >= 0) Release<TSync>(idx);
        return Decision.Accept;
    }

    /// <summary>A replace is checked like a new order for its new total quantity and price; in reduce-only it may only shrink.</summary>
    private Decision CheckReplace<TSync>(in OrderRequest o) where TSync : struct, ISync
    {
        var cfg = _config;
        int ins = o.Instrument.Value, acc = o.Account.Value;
        if ((uint)ins >= (uint)cfg.Instruments.Length) return Decision.Reject(RejectReason.UnknownInstrument);
        if ((uint)acc >= (uint)cfg.Accounts.Length) return Decision.Reject(RejectReason.UnknownAccount, Scope.Account);
        ref readonly InstrumentRule r = ref cfg.Instruments[ins];
        ref readonly AccountRule ar = ref cfg.Accounts[acc];
        var state = _board.Effective(ins, r.Group, acc, out var stateScope);
        if (state == TradingState.Halted) return Decision.Reject(RejectReason.Halted, stateScope);
        if (TSync.SingleWriter && Releases!.Blocked) return Decision.Reject(RejectReason.ReleaseBacklog, Scope.Global);
        var bad = CheckSize(in o, in r, ins, acc, out long px, out long lots, out double scale);
        if (bad != RejectReason.None) return Decision.Reject(bad);
        int idx = Orders.Find(acc, o.OrderId);
        if (idx < 0) return Decision.Reject(RejectReason.UnknownOrder);
        ref OrderTable.Entry e = ref Orders[idx];
        ref PairBook.Pair p = ref Pairs[e.Pair];
        ref MarketState m = ref Market[ins];
        if (e.Pair < 0 || p.Instrument != ins) return Decision.Reject(RejectReason.UnknownOrder);
        bad = CheckPrice(in r, ref p, ref m, px, lots, scale, o.TimeNs, out double npl);
        if (bad != RejectReason.None) return Decision.Reject(bad);
        ref AccountCounters a = ref _accounts[acc];
        ref InstrumentCounters ic = ref _instruments[ins];
        int iml = r.MessagesPerWindow, aml = ar.MessagesPerWindow;
        long ep = _clock.Epoch(o.TimeNs);
        if (RateWindow.TryAcquire<TSync>(ref ic.Rates, ep, 0, 1, int.MaxValue, iml) != RateWindow.Ok) return Decision.Reject(RejectReason.MessageRate);
        if (RateWindow.TryAcquire<TSync>(ref a.Rates, ep, 0, 1, int.MaxValue, aml) != RateWindow.Ok) { RateWindow.Release<TSync>(ref ic.Rates, ep, 0, 1, int.MaxValue, iml); return Decision.Reject(RejectReason.MessageRate, Scope.Account); }
        if (!Orders.TryTake<TSync>(idx, acc, o.OrderId)) { ReleaseMessages<TSync>(ref ic, ref a, ep, iml, aml); return Decision.Reject(RejectReason.UnknownOrder); }

        // We own the entry (Busy). Swap the old reservation for the new one; restore on refusal.
        bool buy = e.Side == Side.Buy;
        long oldLots = Volatile.Read(ref e.RemainingLots), oldPx = e.PriceTicks;
        long delta = lots - oldLots;
        bool lossLocked = a.RealisedPnl + a.UnrealisedPnl - a.DayStartPnl <= -ar.MaxDailyLoss;
        bool reduceOnly = state == TradingState.ReduceOnly || lossLocked;
        ref long working = ref buy ? ref p.WorkingBuyLots : ref p.WorkingSellLots;
        long newWorking = TSync.Add(ref working, delta);
        long position = Volatile.Read(ref p.PositionLots);
        RejectReason why = RejectReason.None;
        if (reduceOnly && delta > 0) why = state == TradingState.ReduceOnly ? RejectReason.ReduceOnly : RejectReason.MaxDailyLoss;
        else if (reduceOnly && newWorking > (buy ? -position : position)) why = state == TradingState.ReduceOnly ? RejectReason.ReduceOnly : RejectReason.MaxDailyLoss;
        else if (!reduceOnly && delta > 0 && (buy ? position + newWorking > Scaled(r.MaxLongLots, scale) : newWorking - position > Scaled(r.MaxShortLots, scale))) why = RejectReason.MaxPosition;
        long oldFx = e.ReservedFx;
        long newFx = ToFx(npl * lots);
        if (why == RejectReason.None)
        {
            ReleaseExposure<TSync>(ref a, buy, oldFx);
            why = ReserveExposure<TSync>(in ar, ref a, buy, newFx);
            if (why != RejectReason.None) TSync.Add(ref buy ? ref a.WorkingBuyNotionalFx : ref a.WorkingSellNotionalFx, oldFx);
        }
        if (why == RejectReason.None && px != oldPx)
        {
            Pairs.SetSlot<TSync>(e.Pair, e.Side, e.Slot, px);
            if (Pairs.Crosses(e.Pair, e.Side, px))
            {
                Pairs.SetSlot<TSync>(e.Pair, e.Side, e.Slot, oldPx);
                ReleaseExposure<TSync>(ref a, buy, newFx);
                TSync.Add(ref buy ? ref a.WorkingBuyNotionalFx : ref a.WorkingSellNotionalFx, oldFx);
                why = RejectReason.SelfMatch;
            }
        }
        if (why != RejectReason.None)
        {
            TSync.Add(ref working, -delta);
            ReleaseMessages<TSync>(ref ic, ref a, ep, iml, aml);
            Orders.PutBack(idx);
            return Decision.Reject(why, why == RejectReason.ReduceOnly ? stateScope : why is RejectReason.MaxDailyLoss or RejectReason.MaxGrossExposure or RejectReason.MaxNetExposure ? Scope.Account : Scope.Instrument);
        }
        e.PriceTicks = px;
        e.ReservedFx = newFx;
        Volatile.Write(ref e.RemainingLots, lots);
        Orders.PutBack(idx);
        return Decision.Accept;
    }

    private static void ReleaseMessages<TSync>(ref InstrumentCounters ic, ref AccountCounters a, long epoch, int instrumentLimit, int accountLimit) where TSync : struct, ISync
    {
        RateWindow.Release<TSync>(ref ic.Rates, epoch, 0, 1, int.MaxValue, instrumentLimit);
        RateWindow.Release<TSync>(ref a.Rates, epoch, 0, 1, int.MaxValue, accountLimit);
    }

    /// <summary>
    /// Releases a taken order entry's reservations (remaining lots, open-order counts, the exposure it still holds,
    /// resting slot) and frees it. Used by cancels here and by fills (see <see cref="ConsumeFill{TSync}"/>) when a fill
    /// completes an order. The exposure released is what the entry recorded as held, so an order's releases always sum
    /// to its reservation exactly (no rounding drift across partial fills and replaces).
    /// </summary>
    private void Release<TSync>(int idx) where TSync : struct, ISync
    {
        ref OrderTable.Entry e = ref Orders[idx];
        ref PairBook.Pair p = ref Pairs[e.Pair];
        bool buy = e.Side == Side.Buy;
        TSync.Add(ref buy ? ref p.WorkingBuyLots : ref p.WorkingSellLots, -e.RemainingLots);
        ref AccountCounters a = ref _accounts[e.Account];
        ReleaseExposure<TSync>(ref a, buy, e.ReservedFx);
        TSync.Add(ref p.OpenOrders, -1);
        TSync.Add(ref _instruments[p.Instrument].OpenOrders, -1);
        TSync.Add(ref a.OpenOrders, -1);
        if (e.GroupCounted) TSync.Add(ref _groups[_config.Instruments[p.Instrument].Group].OpenOrders, -1);
        Pairs.FreeSlot<TSync>(e.Pair, e.Side, e.Slot);
        Orders.Remove(idx);
    }

    /// <summary>
    /// A fill of a working order: reduces its remaining quantity (releasing that much working reservation and
    /// exposure) and frees it when complete. Returns the lots it consumed from the order (0 for an unknown order).
    /// Multi-threaded mode: called by the position keeper, which has moved the same lots into the position first.
    /// Single-writer mode: called by the gate's own thread when it drains the release queue.
    /// </summary>
    internal long ConsumeFill<TSync>(int account, long orderId, long lots) where TSync : struct, ISync
    {
        int idx = Orders.TakeWaiting<TSync>(account, orderId); // a replace in progress on the engine's thread is waited out
        if (idx < 0) return 0;
        ref OrderTable.Entry e = ref Orders[idx];
        long remaining = e.RemainingLots;
        long take = Math.Min(remaining, lots);
        if (take >= remaining) { Release<TSync>(idx); return take; }
        ref PairBook.Pair p = ref Pairs[e.Pair];
        bool buy = e.Side == Side.Buy;
        TSync.Add(ref buy ? ref p.WorkingBuyLots : ref p.WorkingSellLots, -take);
        // The filled part's notional, rounded down (the rest, released with the order's last lots, keeps the rounding up).
        double notionalPerLot = Math.Abs((double)e.PriceTicks) * _config.Instruments[p.Instrument].NotionalPerTickLot;
        long part = Math.Min(e.ReservedFx, (long)Math.Floor(notionalPerLot * take * AccountCounters.NotionalScale));
        e.ReservedFx -= part;
        ReleaseExposure<TSync>(ref _accounts[account], buy, part);
        Volatile.Write(ref e.RemainingLots, remaining - take);
        Orders.PutBack(idx);
        return take;
    }

    /// <summary>Multi-threaded mode: a fill from the position keeper's thread, applied to the gate's counters at once.</summary>
    internal long ConsumeFill(int account, long orderId, long lots) => ConsumeFill<AtomicSync>(account, orderId, lots);

    internal ref AccountCounters AccountState(int account) => ref _accounts[account];
}
