using System.Globalization;

namespace CircuitBreaker.Gate;

/// <summary>Renders a <see cref="Decision"/> for people and audit logs, e.g. <c>MaxOrderNotional (Instrument): notional
/// 750,050 &gt; max 100,000</c>. Off the hot path: each call allocates the string it returns. Invariant culture.</summary>
public static class DecisionText
{
    /// <summary>The decision as text: <c>Accepted</c>, <c>Reason (Scope)</c>, and for a decision with figures the observed
    /// value, the comparison and the limit in the reason's unit.</summary>
    /// <param name="decision">The decision.</param>
    /// <returns>The text. Allocates (a string): for logs and tools, not the hot path.</returns>
    public static string Format(in Decision decision)
    {
        if (decision.IsAccepted) return "Accepted";
        string head = $"{decision.Reason} ({decision.Scope})";
        if (!decision.HasFigures) return head;
        var (what, op, bound) = Describe(decision.Reason);
        return string.Create(CultureInfo.InvariantCulture, $"{head}: {what} {decision.Observed:#,0.########} {op} {bound} {decision.Limit:#,0.########}");
    }

    /// <summary>What a reason's figures measure, how the observed value compares with the limit, and the limit's name.</summary>
    private static (string What, string Op, string Bound) Describe(RejectReason reason) => reason switch
    {
        RejectReason.MinOrderQuantity => ("quantity", "<", "min"),
        RejectReason.MaxOrderQuantity => ("quantity", ">", "max"),
        RejectReason.MaxOrderNotional => ("notional", ">", "max"),
        RejectReason.MinOrderNotional => ("notional", "<", "min"),
        RejectReason.NotionalOverflow => ("notional", ">", "max"),
        RejectReason.PriceCollar => ("distance from reference (bps)", ">", "collar"),
        RejectReason.MaxPosition => ("position with working orders", ">", "max"),
        RejectReason.MaxGrossExposure => ("gross exposure", ">", "max"),
        RejectReason.MaxNetExposure => ("net exposure", ">", "max"),
        RejectReason.MaxOpenOrders => ("open orders", ">", "max"),
        RejectReason.OrderRate => ("orders in window", ">", "max"),
        RejectReason.MessageRate => ("messages in window", ">", "max"),
        RejectReason.ModifyRate => ("replaces in window", ">", "max"),
        RejectReason.InvalidTriggerPrice => ("trigger distance from reference (bps)", ">", "collar"),
        RejectReason.InvalidTrailingOffset => ("trailing offset (bps of reference)", ">", "collar"),
        RejectReason.ListTooLarge => ("orders in list", ">", "max"),
        RejectReason.InsufficientBalance => ("held with this order", ">", "free"),
        RejectReason.MaxDailyLoss => ("daily loss", ">=", "max"),
        RejectReason.ReduceOnly or RejectReason.ReduceOnlyOrder => ("working quantity on this side", ">", "closable"),
        RejectReason.ExpiredOrder => ("ns past expire time", ">=", "allowed"),
        _ => ("value", "vs", "limit"),
    };
}
