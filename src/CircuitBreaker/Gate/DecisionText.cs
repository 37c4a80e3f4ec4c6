using System.Globalization;

namespace CircuitBreaker.Gate;

/// <summary>Renders a <see cref="Decision"/> for people and audit logs, e.g. <c>MaxOrderNotional (Instrument): notional
/// 750,050 &gt; max 100,000</c>. Off the hot path: each call allocates the string it returns. Invariant culture.</summary>
public static class DecisionText
{
    /// <summary>The decision as text: <c>Accepted</c>, <c>Reason (Scope)</c>, and for a decision with figures the observed
    /// value, the comparison and the limit in the reason's unit (a list over the cap: <c>ListTooLarge (Account): list of 40
    /// orders &gt; max 32</c>). The list and batch reasons without figures say why (<see cref="RejectReason.ListRejected"/>:
    /// the child passed its own checks and was refused with its list).</summary>
    /// <param name="decision">The decision.</param>
    /// <returns>The text. Allocates (a string): for logs and tools, not the hot path.</returns>
    public static string Format(in Decision decision)
    {
        if (decision.IsAccepted) return "Accepted";
        string head = $"{decision.Reason} ({decision.Scope})";
        if (!decision.HasFigures) return Explain(decision.Reason) is { } why ? $"{head}: {why}" : head;
        if (decision.Reason == RejectReason.ListTooLarge)
            return string.Create(CultureInfo.InvariantCulture, $"{head}: list of {decision.Observed:#,0} orders > max {decision.Limit:#,0}");
        var (what, op, bound) = Describe(decision.Reason);
        return string.Create(CultureInfo.InvariantCulture, $"{head}: {what} {decision.Observed:#,0.########} {op} {bound} {decision.Limit:#,0.########}");
    }

    /// <summary>Why, for the reasons that carry no figures but are not self-explanatory; null for the others.</summary>
    private static string? Explain(RejectReason reason) => reason switch
    {
        RejectReason.ListRejected => "passed its own checks, refused with its list (another child was refused; nothing of the list was kept)",
        RejectReason.BatchRejected => "passed its own checks, refused with its batch (another amendment was refused; every order kept as it was)",
        RejectReason.InvalidList => "malformed list or batch (empty, decisions span too short, mixed accounts or actions, or an order id amended twice)",
        _ => null,
    };

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
        RejectReason.InsufficientBalance => ("held with this order", ">", "free"),
        RejectReason.MaxDailyLoss => ("daily loss", ">=", "max"),
        RejectReason.ReduceOnly or RejectReason.ReduceOnlyOrder => ("working quantity on this side", ">", "closable"),
        RejectReason.ExpiredOrder => ("ns past expire time", ">=", "allowed"),
        _ => ("value", "vs", "limit"),
    };
}
