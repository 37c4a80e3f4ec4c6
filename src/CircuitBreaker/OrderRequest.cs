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
}

/// <summary>The gate's answer: accepted, or rejected with one <see cref="RejectReason"/>. A 2-byte value; no allocation.</summary>
public readonly struct Decision : IEquatable<Decision>
{
    private Decision(RejectReason reason, Scope scope) { Reason = reason; Scope = scope; }

    /// <summary>The accepting decision.</summary>
    public static Decision Accept => default;

    /// <summary>A rejection for <paramref name="reason"/>; <paramref name="scope"/> names the level whose limit or state fired.</summary>
    /// <param name="reason">Why.</param>
    /// <param name="scope">The level whose limit or state fired (default instrument).</param>
    /// <returns>The rejection.</returns>
    public static Decision Reject(RejectReason reason, Scope scope = Scope.Instrument) => new(reason, scope);

    /// <summary>Why the order was rejected; <see cref="RejectReason.None"/> when accepted.</summary>
    public RejectReason Reason { get; }
    /// <summary>The scope whose limit or state fired (meaningful only when rejected).</summary>
    public Scope Scope { get; }
    /// <summary>True when the order may be sent.</summary>
    public bool IsAccepted => Reason == RejectReason.None;

    /// <inheritdoc />
    public bool Equals(Decision other) => Reason == other.Reason && Scope == other.Scope;
    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Decision d && Equals(d);
    /// <inheritdoc />
    public override int GetHashCode() => ((int)Reason << 8) | (int)Scope;
    /// <summary>Equality.</summary>
    /// <param name="a">A decision.</param>
    /// <param name="b">Another.</param>
    /// <returns>True when reason and scope are equal.</returns>
    public static bool operator ==(Decision a, Decision b) => a.Equals(b);
    /// <summary>Inequality.</summary>
    /// <param name="a">A decision.</param>
    /// <param name="b">Another.</param>
    /// <returns>True when reason or scope differ.</returns>
    public static bool operator !=(Decision a, Decision b) => !a.Equals(b);
    /// <inheritdoc />
    public override string ToString() => IsAccepted ? "Accepted" : $"Rejected({Reason}, {Scope})";
}
