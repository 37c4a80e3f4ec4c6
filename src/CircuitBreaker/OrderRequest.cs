using System.Runtime.InteropServices;

namespace CircuitBreaker;

/// <summary>
/// An order the engine wants to send, as the pre-trade gate sees it. Passed by <c>in</c> reference; allocation-free.
/// Price and quantity are in human units (as the engine and the tape have them); the gate validates them
/// (finite, positive, on tick and lot) and converts them to ticks and lots itself.
/// </summary>
[StructLayout(LayoutKind.Auto)]
public readonly struct OrderRequest
{
    /// <summary>Creates a request.</summary>
    /// <param name="timeNs">Event time in nanoseconds (rate windows run on it).</param>
    /// <param name="instrument">Instrument.</param>
    /// <param name="account">Account.</param>
    /// <param name="orderId">Order id, unique per account while working.</param>
    /// <param name="side">Side.</param>
    /// <param name="price">Limit price in human units.</param>
    /// <param name="quantity">Quantity in human units (for a replace: the new total quantity).</param>
    /// <param name="action">New (default), replace or cancel.</param>
    public OrderRequest(long timeNs, InstrumentId instrument, AccountId account, long orderId, Side side, double price, double quantity, OrderAction action = OrderAction.New)
    {
        TimeNs = timeNs;
        Instrument = instrument;
        Account = account;
        OrderId = orderId;
        Side = side;
        Price = price;
        Quantity = quantity;
        Action = action;
    }

    /// <summary>A cancel of a working order. Cancels always pass the gate when the order is known.</summary>
    /// <param name="timeNs">Event time, nanoseconds (any int64 origin; engines use Unix ns).</param>
    /// <param name="instrument">The order's instrument.</param>
    /// <param name="account">The order's account.</param>
    /// <param name="orderId">The id of the working order to cancel (per account).</param>
    /// <returns>The cancel request.</returns>
    public static OrderRequest Cancel(long timeNs, InstrumentId instrument, AccountId account, long orderId)
        => new(timeNs, instrument, account, orderId, Side.Buy, 0, 0, OrderAction.Cancel);

    /// <summary>Event time in nanoseconds.</summary>
    public long TimeNs { get; }
    /// <summary>Instrument.</summary>
    public InstrumentId Instrument { get; }
    /// <summary>Account.</summary>
    public AccountId Account { get; }
    /// <summary>Order id, unique per account while working.</summary>
    public long OrderId { get; }
    /// <summary>Side.</summary>
    public Side Side { get; }
    /// <summary>Limit price in human units.</summary>
    public double Price { get; }
    /// <summary>Quantity in human units.</summary>
    public double Quantity { get; }
    /// <summary>New, replace or cancel.</summary>
    public OrderAction Action { get; }

    /// <summary>Reduce-only order: refused with <see cref="RejectReason.ReduceOnlyOrder"/> when it (with this side's working
    /// orders) would increase or flip the position; with no position it is refused. Default false. A replace of an order
    /// accepted reduce-only stays reduce-only.</summary>
    public bool ReduceOnly { get; init; }

    /// <summary>Good-till-date expiry in event-time nanoseconds (same origin as <see cref="TimeNs"/>): a new order or replace
    /// whose expire time is at or before its <see cref="TimeNs"/> is refused with <see cref="RejectReason.ExpiredOrder"/>.
    /// Setting it sets <see cref="HasExpireTime"/>; unset (the default) means no expiry.</summary>
    public long ExpireTimeNs
    {
        get => _expireTimeNs;
        init { _expireTimeNs = value; HasExpireTime = true; }
    }

    /// <summary>Quote-quantity order ("buy 100 USDT of BTC"): <see cref="Quantity"/> is an amount of the quote currency, converted
    /// to whole lots (rounded down) at the instrument's fresh collar reference price; the min/max order quantity are not
    /// applied, the notional limits (min and max) and every later control are, on the converted lots. No fresh reference:
    /// <see cref="RejectReason.StaleReference"/>; an amount below one lot: <see cref="RejectReason.InvalidQuantity"/>. Default false.</summary>
    public bool QuoteQuantity { get; init; }

    /// <summary>Stop / trigger price in human units (stop and stop-limit orders). Setting it sets <see cref="HasTriggerPrice"/>;
    /// the gate then requires it finite, on tick, positive unless the instrument allows prices at or below zero, and inside
    /// the price collar around the fresh reference (when there is one), else <see cref="RejectReason.InvalidTriggerPrice"/>.</summary>
    public double TriggerPrice
    {
        get => _triggerPrice;
        init { _triggerPrice = value; HasTriggerPrice = true; }
    }

    /// <summary>True when <see cref="TriggerPrice"/> was set.</summary>
    public bool HasTriggerPrice { get; private init; }

    /// <summary>Trailing stop offset: how far the stop trails the market, in <see cref="TrailingOffsetType"/> units. Setting it
    /// sets <see cref="HasTrailingOffset"/>; the gate then requires it finite and positive, on the tick grid (a
    /// <see cref="TrailingOffsetType.Price"/> offset) or whole (<see cref="TrailingOffsetType.Ticks"/>), and no wider than
    /// the instrument's price collar (measured at the fresh reference; a basis-point offset is compared with the collar's
    /// basis points directly), else <see cref="RejectReason.InvalidTrailingOffset"/>. Unset (the default): not a trailing order.</summary>
    public double TrailingOffset
    {
        get => _trailingOffset;
        init { _trailingOffset = value; HasTrailingOffset = true; }
    }

    /// <summary>The unit of <see cref="TrailingOffset"/>. Default <see cref="TrailingOffsetType.Price"/>; an undefined value
    /// is refused with <see cref="RejectReason.InvalidTrailingOffset"/> when an offset is set, and ignored otherwise.</summary>
    public TrailingOffsetType TrailingOffsetType { get; init; }

    /// <summary>True when <see cref="TrailingOffset"/> was set (a trailing stop).</summary>
    public bool HasTrailingOffset { get; private init; }

    private readonly double _trailingOffset;

    private readonly double _triggerPrice;

    /// <summary>True when <see cref="ExpireTimeNs"/> was set (a good-till-date order).</summary>
    public bool HasExpireTime { get; private init; }

    private readonly long _expireTimeNs;
}

/// <summary>The gate's answer: accepted, or rejected with one <see cref="RejectReason"/>, the <see cref="Scope"/> whose limit
/// or state fired and, for a breached limit, the limit and the value observed (<see cref="HasFigures"/>). A 24-byte value;
/// no allocation. <see cref="DecisionText.Format"/> renders it for people (off the hot path: it allocates a string).</summary>
[StructLayout(LayoutKind.Auto)]
public readonly struct Decision : IEquatable<Decision>
{
    private Decision(RejectReason reason, Scope scope, bool hasFigures, double limit, double observed)
    {
        Reason = reason; Scope = scope; HasFigures = hasFigures; Limit = limit; Observed = observed;
    }

    /// <summary>The accepting decision.</summary>
    public static Decision Accept => default;

    /// <summary>A rejection for <paramref name="reason"/>; <paramref name="scope"/> names the level whose limit or state fired. No figures.</summary>
    /// <param name="reason">Why.</param>
    /// <param name="scope">The level whose limit or state fired (default instrument).</param>
    /// <returns>The rejection.</returns>
    public static Decision Reject(RejectReason reason, Scope scope = Scope.Instrument) => new(reason, scope, false, 0, 0);

    /// <summary>A rejection for a breached limit: <paramref name="limit"/> is the limit in force and <paramref name="observed"/>
    /// the value the order would have reached (units per reason: see docs/controls.md, "Reject figures").</summary>
    /// <param name="reason">Why.</param>
    /// <param name="scope">The level whose limit fired.</param>
    /// <param name="limit">The limit in force.</param>
    /// <param name="observed">The value the order would have reached.</param>
    /// <returns>The rejection, with figures.</returns>
    public static Decision Reject(RejectReason reason, Scope scope, double limit, double observed) => new(reason, scope, true, limit, observed);

    /// <summary>Why the order was rejected; <see cref="RejectReason.None"/> when accepted.</summary>
    public RejectReason Reason { get; }
    /// <summary>The scope whose limit or state fired (meaningful only when rejected).</summary>
    public Scope Scope { get; }
    /// <summary>True when <see cref="Limit"/> and <see cref="Observed"/> carry the breached limit and the observed value.</summary>
    public bool HasFigures { get; }
    /// <summary>The limit in force (in the reason's unit: quantity, notional, count, basis points...); 0 without figures.</summary>
    public double Limit { get; }
    /// <summary>The value the order would have reached, which breached <see cref="Limit"/>; 0 without figures.</summary>
    public double Observed { get; }
    /// <summary>True when the order may be sent.</summary>
    public bool IsAccepted => Reason == RejectReason.None;

    /// <summary>Equality of the outcome: reason and scope (the figures are detail and do not take part).</summary>
    /// <param name="other">Another decision.</param>
    /// <returns>True when reason and scope are equal.</returns>
    public bool Equals(Decision other) => Reason == other.Reason && Scope == other.Scope;
    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Decision d && Equals(d);
    /// <inheritdoc />
    public override int GetHashCode() => ((int)Reason << 8) | (int)Scope;
    /// <summary>Equality (reason and scope).</summary>
    /// <param name="a">A decision.</param>
    /// <param name="b">Another.</param>
    /// <returns>True when reason and scope are equal.</returns>
    public static bool operator ==(Decision a, Decision b) => a.Equals(b);
    /// <summary>Inequality (reason and scope).</summary>
    /// <param name="a">A decision.</param>
    /// <param name="b">Another.</param>
    /// <returns>True when reason or scope differ.</returns>
    public static bool operator !=(Decision a, Decision b) => !a.Equals(b);
    /// <inheritdoc />
    public override string ToString() => IsAccepted ? "Accepted" : $"Rejected({Reason}, {Scope})";
}
