using System.Runtime.CompilerServices;

namespace CircuitBreaker;

// Reject figures: the limit breached and the value observed, attached to a rejection off the accept path. Each helper
// runs only once an order is already refused (NoInlining keeps them out of the inlined check), allocates nothing, and
// recomputes what the check compared from the same inputs. Units per reason are listed in docs/controls.md.
public sealed partial class PreTradeGate
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Decision Expired(in OrderRequest o)
        => Decision.Reject(RejectReason.ExpiredOrder, Scope.Instrument, 0, (double)unchecked((ulong)(o.TimeNs - o.ExpireTimeNs))); // ns past expiry: exact below 2^53, any origin (expire <= time, so the wrapped difference is the true one)

    /// <summary>Figures for a refusal by <see cref="CheckSize"/>: quantities in human units.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Decision SizeReject(RejectReason why, in InstrumentRule r, long lots, double scale)
    {
        double lot = r.Spec.Lot;
        return why switch
        {
            RejectReason.MinOrderQuantity => Decision.Reject(why, Scope.Instrument, r.MinLots * lot, lots * lot),
            RejectReason.MaxOrderQuantity => Decision.Reject(why, Scope.Instrument, Scaled(r.MaxLots, scale) * lot, lots * lot),
            _ => Decision.Reject(why),
        };
    }

    /// <summary>Figures for a refusal by <see cref="CheckPrice"/>: the fat-finger quantity, the notional, or the collar in basis points.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Decision PriceReject(RejectReason why, in InstrumentRule r, ref PairBook.Pair p, ref MarketState m, long px, long lots, double scale, long timeNs)
    {
        double notional = Math.Abs((double)px) * r.NotionalPerTickLot * lots;
        switch (why)
        {
            case RejectReason.MaxOrderQuantity:
                return Decision.Reject(why, Scope.Instrument, FatFingerLimit(in r, ref p, ref m) * scale * r.Spec.Lot, lots * r.Spec.Lot);
            case RejectReason.MaxOrderNotional: return Decision.Reject(why, Scope.Instrument, r.MaxNotional, notional);
            case RejectReason.MinOrderNotional: return Decision.Reject(why, Scope.Instrument, r.MinNotional, notional);
            case RejectReason.NotionalOverflow: return Decision.Reject(why, Scope.Instrument, 9e14, notional);
            case RejectReason.PriceCollar when Reference(in r, ref m, timeNs, out long refTicks):
                double bps = Math.Abs((double)(px - refTicks)) * 10_000 / Math.Max(Math.Abs((double)refTicks), 1);
                return Decision.Reject(why, Scope.Instrument, r.CollarBps, bps);
            default: return Decision.Reject(why);
        }
    }

    /// <summary>A rate refusal: the window's limit, and the count this order would have made (the window held the limit:
    /// acquisitions never take it past).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Decision RateReject(RejectReason why, Scope scope, int limit) => Decision.Reject(why, scope, limit, (double)limit + 1);

    /// <summary>A position refusal: the side's limit and position plus working orders after this order (human units;
    /// short as a positive number).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Decision PositionReject(in InstrumentRule r, bool buy, long position, long newWorking, double scale)
    {
        double lot = r.Spec.Lot;
        return buy
            ? Decision.Reject(RejectReason.MaxPosition, Scope.Instrument, Scaled(r.MaxLongLots, scale) * lot, (position + newWorking) * lot)
            : Decision.Reject(RejectReason.MaxPosition, Scope.Instrument, Scaled(r.MaxShortLots, scale) * lot, (newWorking - position) * lot);
    }

    /// <summary>A daily-loss refusal: the limit and the day's loss (positive numbers).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Decision LossReject(in AccountRule ar, ref AccountCounters a)
        => Decision.Reject(RejectReason.MaxDailyLoss, Scope.Account, ar.MaxDailyLoss, -(a.RealisedPnl + a.UnrealisedPnl - a.DayStartPnl));

    /// <summary>A quote-quantity order's amount converted to whole lots (rounded down) at the fresh collar reference; the
    /// min/max order quantity do not apply (the notional limits do, later). Not on the default path: only flagged orders.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private RejectReason QuoteToLots(in OrderRequest o, in InstrumentRule r, int ins, int acc, out long lots, out double scale)
    {
        lots = 0;
        scale = _board.EffectiveLimitScale(ins, r.Group, acc);
        if (!double.IsFinite(o.Quantity)) return RejectReason.NonFiniteQuantity;
        if (o.Quantity <= 0) return RejectReason.InvalidQuantity;
        if (!Reference(in r, ref Market[ins], o.TimeNs, out long refTicks)) return RejectReason.StaleReference;
        double perLot = Math.Abs((double)refTicks) * r.NotionalPerTickLot;
        if (!(perLot > 0)) return RejectReason.InvalidQuantity; // a reference at zero prices nothing
        double l = Math.Floor(o.Quantity / perLot * (1 + OnGridTolerance)); // an amount of exactly n lots converts to n
        if (!(l >= 1)) return RejectReason.InvalidQuantity;
        if (l > 4e15) return RejectReason.InvalidQuantity;
        lots = (long)l;
        return RejectReason.None;
    }

    /// <summary>A stop / trigger price: finite, on tick, positive unless allowed, and inside the collar around the fresh
    /// reference when there is one (figures: collar and distance in bps). Only orders that carry a trigger come here.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TriggerOk(in OrderRequest o, in InstrumentRule r, ref MarketState m, out Decision refusal)
    {
        refusal = default;
        if (ToTicks(o.TriggerPrice, in r, out long tpx) != RejectReason.None) { refusal = Decision.Reject(RejectReason.InvalidTriggerPrice); return false; }
        if (!Reference(in r, ref m, o.TimeNs, out long refTicks)) return true; // the limit price's collar already ruled on a missing reference
        double reference = Math.Max(Math.Abs((double)refTicks), 1), off = Math.Abs((double)(tpx - refTicks));
        if (off * 10_000 <= r.CollarBps * reference || off <= r.CollarMinTicks) return true; // the limit price's collar rule, exactly
        double bps = off * 10_000 / reference;
        refusal = Decision.Reject(RejectReason.InvalidTriggerPrice, Scope.Instrument, r.CollarBps, bps);
        return false;
    }

    /// <summary>A trailing stop's offset: finite and positive, a defined unit, on the tick grid (price) or whole (ticks), and
    /// no wider than the collar: in ticks against the fresh reference (passes without one, as <see cref="TriggerOk"/>), or in
    /// basis points against the collar's basis points directly. Figures: collar and offset in bps. Only trailing orders
    /// come here.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool TrailingOk(in OrderRequest o, in InstrumentRule r, ref MarketState m, out Decision refusal)
    {
        refusal = Decision.Reject(RejectReason.InvalidTrailingOffset);
        double offset = o.TrailingOffset;
        if (!double.IsFinite(offset) || !(offset > 0)) return false;
        bool haveRef = Reference(in r, ref m, o.TimeNs, out long refTicks);
        double reference = Math.Max(Math.Abs((double)refTicks), 1);
        double ticks, bps;
        switch (o.TrailingOffsetType)
        {
            case TrailingOffsetType.Price:
                ticks = offset * r.InverseTick;
                if (ticks > 4e15 || Math.Abs(ticks - Math.Round(ticks)) > OnGridTolerance * Math.Max(ticks, 1)) return false;
                ticks = Math.Round(ticks);
                if (!haveRef) return true;
                bps = ticks * 10_000 / reference;
                break;
            case TrailingOffsetType.Ticks:
                if (offset > 4e15 || offset != Math.Floor(offset)) return false;
                ticks = offset;
                if (!haveRef) return true;
                bps = ticks * 10_000 / reference;
                break;
            case TrailingOffsetType.BasisPoints:
                bps = offset;
                ticks = haveRef ? offset * reference / 10_000 : double.PositiveInfinity;
                break;
            default:
                return false;
        }
        if (bps <= r.CollarBps || ticks <= r.CollarMinTicks) { refusal = default; return true; }
        refusal = Decision.Reject(RejectReason.InvalidTrailingOffset, Scope.Instrument, r.CollarBps, bps);
        return false;
    }
}
