using System.Runtime.CompilerServices;

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
        long ep = RateEpoch(o.TimeNs);
        AcquireAccount<TSync>(ref a.Rates, ref ep, 0, 1, int.MaxValue, int.MaxValue - 1); // counted, never refused (or given back)
        if ((uint)ins < (uint)cfg.Instruments.Length)
            RateWindow.TryAcquire<TSync>(ref _instruments[ins].Rates, ep, 0, 1, int.MaxValue, int.MaxValue - 1);
        // An order another thread is replacing or filling at this moment is waited for, not skipped: skipping it would
        // leave its reservations counted after the engine cancelled it.
        int idx = Orders.TakeWaiting<TSync>(acc, o.OrderId);
        if (idx >= 0) Release<TSync>(idx, o.TimeNs);
        return Decision.Accept;
    }

    /// <summary>A replace is checked like a new order for its new total quantity and price; in reduce-only it may only shrink.
    /// Under <see cref="RatesByList"/> (an amendment of <see cref="CheckBatch"/>) the batch took the rate units, and an
    /// accepted replace keeps its entry held (Busy) for the batch to commit or restore.</summary>
    private Decision CheckReplace<TSync, TRates>(in OrderRequest o) where TSync : struct, ISync where TRates : struct, IRates
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
        if (o.HasExpireTime && o.ExpireTimeNs <= o.TimeNs) return Expired(in o);
        var bad = CheckSize(in o, in r, ins, acc, out long px, out long lots, out double scale);
        if (bad != RejectReason.None) return SizeReject(bad, in r, lots, scale);
        // Take the order first, waiting out a fill, cancel or replace another thread holds on it: a working order must
        // never be reported unknown because the position keeper was filling part of it at that moment. Every refusal
        // from here on puts the entry back unchanged.
        int idx = TRates.Counted ? Orders.TakeWaiting<TSync>(acc, o.OrderId) : Orders.Find(acc, o.OrderId, held: true); // a batch holds its orders already
        if (idx < 0) return Decision.Reject(RejectReason.UnknownOrder);
        ref OrderTable.Entry e = ref Orders[idx];
        ref PairBook.Pair p = ref Pairs[e.Pair];
        if (p.Instrument != ins) { PutBack<TRates>(idx); return Decision.Reject(RejectReason.UnknownOrder); } // the id names an order on another instrument
        ref MarketState m = ref Market[ins];
        // A replace that only shrinks the order at its own price lowers risk: it is not held to the collar or the
        // fat-finger guard again (the market may have moved since the order was accepted), only to the notional bounds.
        bool lowersRisk = px == e.PriceTicks && lots <= Volatile.Read(ref e.RemainingLots);
        bad = CheckPrice(in r, ref p, ref m, px, lots, scale, o.TimeNs, out double npl, marketChecks: !lowersRisk);
        if (bad != RejectReason.None) { PutBack<TRates>(idx); return PriceReject(bad, in r, ref p, ref m, px, lots, scale, o.TimeNs); }
        if (o.HasTriggerPrice && !TriggerOk(in o, in r, ref m, out var trigger)) { PutBack<TRates>(idx); return trigger; }
        if (o.HasTrailingOffset && !TrailingOk(in o, in r, ref m, out var trailing)) { PutBack<TRates>(idx); return trailing; }
        ref AccountCounters a = ref _accounts[acc];
        ref InstrumentCounters ic = ref _instruments[ins];
        int iml = r.MessagesPerWindow, aml = ar.MessagesPerWindow;
        int imod = r.ModifiesPerWindow, amod = ar.ModifiesPerWindow;
        long epI = 0, epA = 0, epMI = 0, epMA = 0; // each window reports the bucket it counted in; a rollback gives back exactly there
        if (TRates.Counted)
        {
            long ep = RateEpoch(o.TimeNs);
            epI = ep; epA = ep;
            if (RateWindow.TryAcquire<TSync>(ref ic.Rates, ref epI, 0, 1, int.MaxValue, iml) != RateWindow.Ok) { PutBack<TRates>(idx); return RateReject(RejectReason.MessageRate, Scope.Instrument, iml); }
            if (AcquireAccount<TSync>(ref a.Rates, ref epA, 0, 1, int.MaxValue, aml) != RateWindow.Ok)
            {
                RateWindow.Release<TSync>(ref ic.Rates, epI, 0, 1, int.MaxValue, iml);
                PutBack<TRates>(idx);
                return RateReject(RejectReason.MessageRate, Scope.Account, aml);
            }
            // Modify rate, apart from the new-order rate: only when configured (an unset limit costs two compares).
            epMI = ep; epMA = ep;
            if ((imod & amod) != int.MaxValue)
            {
                var over = AcquireModifies<TSync>(ref ic, ref a, imod, amod, ref epMI, ref epMA);
                if (over != Scope.Global)
                {
                    ReleaseMessages<TSync>(ref ic, ref a, epI, epA, iml, aml);
                    PutBack<TRates>(idx);
                    return RateReject(RejectReason.ModifyRate, over, over == Scope.Instrument ? imod : amod);
                }
            }
        }

        // We own the entry (Busy). Swap the old reservation for the new one; restore on refusal.
        bool buy = e.Side == Side.Buy;
        long oldLots = Volatile.Read(ref e.RemainingLots), oldPx = e.PriceTicks;
        long delta = lots - oldLots;
        bool lossLocked = a.RealisedPnl + a.UnrealisedPnl - a.DayStartPnl <= -ar.MaxDailyLoss;
        bool reduceOnly = state == TradingState.ReduceOnly || lossLocked;
        ref long working = ref buy ? ref p.WorkingBuyLots : ref p.WorkingSellLots;
        // Same order as a new order's reservation: working lots, then released, then the position (see Reserve).
        long newWorking = Acct.Add<TSync>(ref working, delta) - ReleasedLots<TSync>(ref p, buy);
        long position = Volatile.Read(ref p.PositionLots);
        // Reduce-only (state or loss lock) refuses only a replace that adds lots; one that keeps or shrinks the order
        // lowers risk and passes, even when the order is on the side that increases the position.
        // An order flagged reduce-only (when accepted or now) may grow only up to closing the position with this side's
        // working orders; shrinking passes.
        bool orderReduceOnly = e.ReduceOnly || o.ReduceOnly;
        RejectReason why = RejectReason.None;
        if (reduceOnly && delta > 0) why = state == TradingState.ReduceOnly ? RejectReason.ReduceOnly : RejectReason.MaxDailyLoss;
        else if (orderReduceOnly && delta > 0 && newWorking > (buy ? -position : position)) why = RejectReason.ReduceOnlyOrder;
        else if (!reduceOnly && delta > 0 && (buy ? position + newWorking > Scaled(r.MaxLongLots, scale) : newWorking - position > Scaled(r.MaxShortLots, scale))) why = RejectReason.MaxPosition;
        Decision refusal = why switch
        {
            RejectReason.MaxPosition => PositionReject(in r, buy, position, newWorking, scale),
            RejectReason.MaxDailyLoss => LossReject(in ar, ref a),
            RejectReason.ReduceOnlyOrder => Decision.Reject(why, Scope.Instrument, Math.Max(buy ? -position : position, 0) * r.Spec.Lot, newWorking * r.Spec.Lot),
            _ => default,
        };
        long oldFx = e.ReservedFx;
        long newFx = ToFx(npl * lots);
        if (why == RejectReason.None)
        {
            ReleaseExposure<TSync>(ref a, buy, oldFx);
            // Exposure limits refuse only a replace that holds more notional than before (an account already over its
            // limit after a mark move may still shrink its orders).
            double exposure = 0;
            if (newFx <= oldFx) AddWorkingNotional<TSync>(ref a, buy, newFx);
            else why = ReserveExposure<TSync>(in ar, ref a, buy, newFx, out exposure);
            if (why != RejectReason.None)
            {
                AddWorkingNotional<TSync>(ref a, buy, oldFx);
                refusal = Decision.Reject(why, Scope.Account, why == RejectReason.MaxGrossExposure ? ar.MaxGross : ar.MaxNet, exposure);
            }
            else if (ar.BalanceMode != BalanceMode.None)
            {
                // Only a replace that holds more than before can be refused for balance (one that reduces the position never).
                var bd = ReserveBalance<TSync>(in r, in ar, acc, oldFx, newFx, Reducing(buy, position, newWorking));
                if (!bd.IsAccepted)
                {
                    ReleaseExposure<TSync>(ref a, buy, newFx);
                    AddWorkingNotional<TSync>(ref a, buy, oldFx);
                    (why, refusal) = (bd.Reason, bd);
                }
            }
        }
        if (why == RejectReason.None && px != oldPx)
        {
            SetSlot<TSync>(e.Pair, e.Side, e.Slot, px);
            if (ar.PreventSelfMatch && Pairs.Crosses(e.Pair, e.Side, px, tighten: TSync.SingleWriter || TSync.Owned))
            {
                SetSlot<TSync>(e.Pair, e.Side, e.Slot, oldPx);
                ReleaseExposure<TSync>(ref a, buy, newFx);
                AddWorkingNotional<TSync>(ref a, buy, oldFx);
                if (ar.BalanceMode != BalanceMode.None) MoveHold<TSync>(ins, acc, newFx, oldFx);
                why = RejectReason.SelfMatch;
            }
        }
        if (why != RejectReason.None)
        {
            Acct.Add<TSync>(ref working, -delta);
            if (TRates.Counted)
            {
                ReleaseMessages<TSync>(ref ic, ref a, epI, epA, iml, aml);
                if ((imod & amod) != int.MaxValue) ReleaseModifies<TSync>(ref ic, ref a, imod, amod, epMI, epMA);
            }
            PutBack<TRates>(idx);
            return refusal.Reason == why ? refusal : Decision.Reject(why, why == RejectReason.ReduceOnly ? stateScope : why == RejectReason.InsufficientBalance ? Scope.Account : Scope.Instrument);
        }
        e.PriceTicks = px;
        e.ReservedFx = newFx;
        e.ReduceOnly = orderReduceOnly;
        Volatile.Write(ref e.RemainingLots, lots);
        PutBack<TRates>(idx);
        return Decision.Accept;
    }

    /// <summary>Gives a replace's entry back, except in a batch (<see cref="RatesByList"/>), which holds its orders until it
    /// commits or restores them all.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PutBack<TRates>(int idx) where TRates : struct, IRates
    {
        if (TRates.Counted) Orders.PutBack(idx);
    }

    /// <summary>Takes one replace unit from the instrument's and the account's modify windows that have a limit; returns
    /// the scope whose window is full (what was taken is given back), or <see cref="Scope.Global"/> when both took it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Scope AcquireModifies<TSync>(ref InstrumentCounters ic, ref AccountCounters a, int instrumentLimit, int accountLimit, ref long epI, ref long epA) where TSync : struct, ISync
    {
        if (instrumentLimit != int.MaxValue && RateWindow.TryAcquire<TSync>(ref ic.Modifies, ref epI, 1, 0, instrumentLimit, int.MaxValue) != RateWindow.Ok)
            return Scope.Instrument;
        if (accountLimit != int.MaxValue && AcquireAccount<TSync>(ref a.Modifies, ref epA, 1, 0, accountLimit, int.MaxValue) != RateWindow.Ok)
        {
            if (instrumentLimit != int.MaxValue) RateWindow.Release<TSync>(ref ic.Modifies, epI, 1, 0, instrumentLimit, int.MaxValue);
            return Scope.Account;
        }
        return Scope.Global;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ReleaseModifies<TSync>(ref InstrumentCounters ic, ref AccountCounters a, int instrumentLimit, int accountLimit, long epI, long epA) where TSync : struct, ISync
    {
        if (instrumentLimit != int.MaxValue) RateWindow.Release<TSync>(ref ic.Modifies, epI, 1, 0, instrumentLimit, int.MaxValue);
        if (accountLimit != int.MaxValue) ReleaseAccount<TSync>(ref a.Modifies, epA, 1, 0, accountLimit, int.MaxValue);
    }

    private static void ReleaseMessages<TSync>(ref InstrumentCounters ic, ref AccountCounters a, long instrumentEpoch, long accountEpoch, int instrumentLimit, int accountLimit) where TSync : struct, ISync
    {
        RateWindow.Release<TSync>(ref ic.Rates, instrumentEpoch, 0, 1, int.MaxValue, instrumentLimit);
        ReleaseAccount<TSync>(ref a.Rates, accountEpoch, 0, 1, int.MaxValue, accountLimit);
    }

    /// <summary>
    /// Releases a taken order entry's reservations (remaining lots, open-order counts, the exposure it still holds,
    /// resting slot) and frees it. Used by cancels here and by fills (see <see cref="ConsumeFill{TSync}"/>) when a fill
    /// completes an order. The exposure released is what the entry recorded as held, so an order's releases always sum
    /// to its reservation exactly (no rounding drift across partial fills and replaces). <paramref name="closed"/> false: the
    /// order never reached the market (a child of a refused list rolled back), so its id is not remembered as closed and
    /// may be sent again.
    /// </summary>
    private void Release<TSync>(int idx, long closedAtNs, bool closed = true) where TSync : struct, ISync
    {
        ref OrderTable.Entry e = ref Orders[idx];
        if (closed) _closed.Record(e.Account, e.OrderId, closedAtNs); // before the entry goes: a resend sees one or the other
        ref PairBook.Pair p = ref Pairs[e.Pair];
        bool buy = e.Side == Side.Buy;
        Acct.Add<TSync>(ref buy ? ref p.WorkingBuyLots : ref p.WorkingSellLots, -e.RemainingLots);
        ref AccountCounters a = ref _accounts[e.Account];
        ReleaseExposure<TSync>(ref a, buy, e.ReservedFx);
        if (_balances.Length != 0) MoveHold<TSync>(p.Instrument, e.Account, e.ReservedFx, 0);
        Acct.Add<TSync>(ref p.OpenOrders, -1);
        TSync.Add(ref _instruments[p.Instrument].OpenOrders, -1);
        Acct.Add<TSync>(ref a.OpenOrders, -1);
        if (e.GroupCounted) TSync.Add(ref _groups[_config.Instruments[p.Instrument].Group].OpenOrders, -1);
        FreeSlot<TSync>(e.Pair, e.Side, e.Slot);
        Orders.Remove(idx);
    }

    /// <summary>
    /// A fill of a working order: reduces its remaining quantity (releasing that much working reservation and
    /// exposure) and frees it when complete. Returns the lots it consumed from the order (0 for an unknown order).
    /// Multi-threaded mode: called by the position keeper, which has moved the same lots into the position first.
    /// Single-writer mode: called by the gate's own thread when it drains the release queue.
    /// </summary>
    internal long ConsumeFill<TSync>(int account, long orderId, long lots, long timeNs) where TSync : struct, ISync
    {
        int idx = Orders.TakeWaiting<TSync>(account, orderId); // a replace in progress on the engine's thread is waited out
        if (idx < 0) return 0;
        ref OrderTable.Entry e = ref Orders[idx];
        long remaining = e.RemainingLots;
        long take = Math.Min(remaining, lots);
        if (take >= remaining) { Release<TSync>(idx, timeNs); return take; }
        ref PairBook.Pair p = ref Pairs[e.Pair];
        bool buy = e.Side == Side.Buy;
        TSync.Add(ref buy ? ref p.WorkingBuyLots : ref p.WorkingSellLots, -take);
        long part = FilledNotionalFx(ref e, p.Instrument, take);
        if (_balances.Length != 0) MoveHold<TSync>(p.Instrument, account, e.ReservedFx, e.ReservedFx - part);
        e.ReservedFx -= part;
        ReleaseExposure<TSync>(ref _accounts[account], buy, part);
        Volatile.Write(ref e.RemainingLots, remaining - take);
        Orders.PutBack(idx);
        return take;
    }

    /// <summary>The part of a working order's held notional a partial fill of <paramref name="lots"/> releases: the
    /// filled lots' notional rounded down (the rest, released with the order's last lots, keeps the rounding up), never
    /// more than the order still holds.</summary>
    private long FilledNotionalFx(ref OrderTable.Entry e, int instrument, long lots)
    {
        double notionalPerLot = Math.Abs((double)e.PriceTicks) * _config.Instruments[instrument].NotionalPerTickLot;
        return Math.Min(e.ReservedFx, (long)Math.Floor(notionalPerLot * lots * AccountCounters.NotionalScale));
    }

    /// <summary>Multi-threaded and account-owned modes: a fill from the position keeper's thread, applied at once (to the
    /// gate's counters with atomics, or to the keeper's own release counters).</summary>
    internal long ConsumeFill(int account, long orderId, long lots, long timeNs) => _owned ? ConsumeFillOwned(account, orderId, lots, timeNs) : ConsumeFill<AtomicSync>(account, orderId, lots, timeNs);

    /// <summary>
    /// Account-owned mode, on the position keeper's thread (the only writer of the release counters): takes the order's
    /// entry (waiting out its owner's replace or cancel, as in multi-threaded mode), and releases the filled lots, the
    /// notional and, when the fill completes the order, its open-order units and resting slot into the keeper-written
    /// counters the gate subtracts; the account's own counters, which its owner writes with plain stores, are not
    /// touched. Instrument and group counters are shared: atomics.
    /// </summary>
    private long ConsumeFillOwned(int account, long orderId, long lots, long timeNs)
    {
        int idx = Orders.TakeWaiting<OwnedSync>(account, orderId);
        if (idx < 0) return 0;
        ref OrderTable.Entry e = ref Orders[idx];
        long remaining = e.RemainingLots;
        long take = Math.Min(remaining, lots);
        ref PairBook.Pair p = ref Pairs[e.Pair];
        ref AccountCounters a = ref _accounts[account];
        bool buy = e.Side == Side.Buy;
        ref long releasedLots = ref buy ? ref p.ReleasedBuyLots : ref p.ReleasedSellLots;
        ref long releasedFx = ref buy ? ref a.ReleasedBuyNotionalFx : ref a.ReleasedSellNotionalFx;
        if (take >= remaining)
        {
            Volatile.Write(ref releasedLots, releasedLots + remaining);
            Volatile.Write(ref releasedFx, releasedFx + e.ReservedFx);
            if (_balances.Length != 0) ReleaseHoldOwned(p.Instrument, account, e.ReservedFx, 0);
            Interlocked.Decrement(ref _instruments[p.Instrument].OpenOrders);
            Volatile.Write(ref a.ReleasedOpenOrders, a.ReleasedOpenOrders + 1);
            if (e.GroupCounted) Interlocked.Decrement(ref _groups[_config.Instruments[p.Instrument].Group].OpenOrders);
            Pairs.FreeSlotByFill(e.Pair, e.Side, e.Slot);
            _closed.Record(account, orderId, timeNs);
            Orders.Remove(idx);
            return take;
        }
        Volatile.Write(ref releasedLots, releasedLots + take);
        long part = FilledNotionalFx(ref e, p.Instrument, take);
        if (_balances.Length != 0) ReleaseHoldOwned(p.Instrument, account, e.ReservedFx, e.ReservedFx - part);
        e.ReservedFx -= part;
        Volatile.Write(ref releasedFx, releasedFx + part);
        Volatile.Write(ref e.RemainingLots, remaining - take);
        Orders.PutBack(idx);
        return take;
    }

    internal ref AccountCounters AccountState(int account) => ref _accounts[account];

    internal ref InstrumentCounters InstrumentState(int instrument) => ref _instruments[instrument];
}
