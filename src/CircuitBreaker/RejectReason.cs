namespace CircuitBreaker;

/// <summary>
/// Why the pre-trade gate rejected an order, or why a scope tripped. A reason code, never an exception string.
/// Values are stable (they appear in reports and journals); new ones are appended.
/// </summary>
public enum RejectReason : byte
{
    /// <summary>Not rejected.</summary>
    None = 0,
    /// <summary>The instrument id was not issued by the registry.</summary>
    UnknownInstrument = 1,
    /// <summary>The account id was not issued by the registry.</summary>
    UnknownAccount = 2,
    /// <summary>Price is NaN or infinite.</summary>
    NonFinitePrice = 3,
    /// <summary>Quantity is NaN or infinite.</summary>
    NonFiniteQuantity = 4,
    /// <summary>Price is zero or negative where the instrument kind does not allow it, or too large to represent in ticks.</summary>
    InvalidPrice = 5,
    /// <summary>Quantity is zero, negative, or too large to represent in lots.</summary>
    InvalidQuantity = 6,
    /// <summary>Price is not a multiple of the instrument's tick.</summary>
    OffTick = 7,
    /// <summary>Quantity is not a multiple of the instrument's lot.</summary>
    OffLot = 8,
    /// <summary>Quantity below the instrument's minimum order quantity.</summary>
    MinOrderQuantity = 9,
    /// <summary>Quantity above the maximum order quantity (fat finger).</summary>
    MaxOrderQuantity = 10,
    /// <summary>Notional (price × quantity × multiplier) above the maximum order notional.</summary>
    MaxOrderNotional = 11,
    /// <summary>Price outside the collar around the reference price.</summary>
    PriceCollar = 12,
    /// <summary>No reference price, or a stale one, and the collar rule is to reject.</summary>
    StaleReference = 13,
    /// <summary>Position plus working orders on this side would exceed the instrument's long/short limit.</summary>
    MaxPosition = 14,
    /// <summary>Account gross notional exposure (positions plus working orders) would exceed the limit.</summary>
    MaxGrossExposure = 15,
    /// <summary>Account net notional exposure would exceed the limit.</summary>
    MaxNetExposure = 16,
    /// <summary>Too many open orders on the instrument or the account.</summary>
    MaxOpenOrders = 17,
    /// <summary>Order submit rate over the sliding window exceeded (new orders).</summary>
    OrderRate = 18,
    /// <summary>Message rate over the sliding window exceeded (new + replace + cancel). Cancels are never rejected for rate.</summary>
    MessageRate = 19,
    /// <summary>The order id is already working for this account.</summary>
    DuplicateOrderId = 20,
    /// <summary>The order would cross a resting order of the same account on the other side.</summary>
    SelfMatch = 21,
    /// <summary>The account's daily realised plus unrealised loss is at or beyond its limit.</summary>
    MaxDailyLoss = 22,
    /// <summary>A scope in force (instrument, group, account or global) is halted.</summary>
    Halted = 23,
    /// <summary>A scope in force is reduce-only and the order would increase or flip the position.</summary>
    ReduceOnly = 24,
    /// <summary>Cancel or replace of an order id that is not working.</summary>
    UnknownOrder = 25,
    /// <summary>The risk pipeline could not keep up: the ring was full (under the fail-closed policy trading is then halted
    /// globally; under any policy the order whose decision found no room is refused with this reason).</summary>
    RiskPipelineBackpressure = 26,
    /// <summary>The evaluator stopped making progress (watchdog).</summary>
    RiskPipelineStalled = 27,
    /// <summary>The order table is full (configured capacity of working orders); fail-closed.</summary>
    OrderTableFull = 28,
    /// <summary>An operator command changed the trading state.</summary>
    Manual = 29,
    /// <summary>Throttled by an incident playbook.</summary>
    Throttled = 30,
    /// <summary>Quantity × price overflows the notional arithmetic.</summary>
    NotionalOverflow = 31,
    /// <summary>A detector threw; under the fail-closed detector-fault policy trading halts.</summary>
    DetectorFault = 32,
    /// <summary>A finding of an anomaly signature (the signature itself is in the trip's <see cref="TripContext.Signature"/>).</summary>
    Signature = 33,
    /// <summary>The side is neither <see cref="Side.Buy"/> nor <see cref="Side.Sell"/>.</summary>
    InvalidSide = 34,
    /// <summary>Single-writer gate only: fill releases are waiting outside the full release queue (or some were lost),
    /// so working quantities are not current; new orders and replaces are refused until the backlog is drained.</summary>
    ReleaseBacklog = 35,
    /// <summary>The action is none of <see cref="OrderAction.New"/>, <see cref="OrderAction.Replace"/> or <see cref="OrderAction.Cancel"/>.</summary>
    InvalidAction = 36,
    /// <summary>The risk pipeline is stopped (or stopping): an order it could not record and evaluate is refused.</summary>
    RiskPipelineStopped = 37,
    /// <summary>Notional (|price| × quantity × multiplier) below the instrument's minimum order notional.</summary>
    MinOrderNotional = 38,
    /// <summary>The order is flagged reduce-only (<see cref="OrderRequest.ReduceOnly"/>) and, with this side's working
    /// orders, would increase or flip the position (with no position, any such order).</summary>
    ReduceOnlyOrder = 39,
    /// <summary>The order's good-till-date expire time (<see cref="OrderRequest.ExpireTimeNs"/>) is at or before its event time.</summary>
    ExpiredOrder = 40,
    /// <summary>Replace (modify) rate over the sliding window exceeded, apart from the new-order rate.</summary>
    ModifyRate = 41,
    /// <summary>The trigger (stop) price is not finite, off tick, at or below zero where the instrument forbids it, or
    /// outside the price collar around the reference (<see cref="OrderRequest.TriggerPrice"/>).</summary>
    InvalidTriggerPrice = 42,
    /// <summary>A cash or margin account (<see cref="Limits.AccountLimits.BalanceMode"/>): what the order would hold
    /// (cash: notional plus fee; margin: initial margin) with the working orders exceeds the free balance or free collateral
    /// of the instrument's settlement currency. Orders that reduce a position are never refused for it.</summary>
    InsufficientBalance = 43,
    /// <summary>An order list (<see cref="PreTradeGate.CheckList"/>) was refused because another of its children was: this
    /// child would have passed on its own, and nothing of the list was reserved.</summary>
    ListRejected = 44,
    /// <summary>An order list or amendment batch has more children than <see cref="RiskConfig.MaxListOrders"/>.</summary>
    ListTooLarge = 45,
    /// <summary>An order list or amendment batch is malformed: empty, a child of the wrong action (lists take new orders,
    /// batches replaces), children of different accounts, an order id amended twice in one batch, or fewer decision slots
    /// than children.</summary>
    InvalidList = 46,
    /// <summary>An amendment batch (<see cref="PreTradeGate.CheckBatch"/>) was refused because another of its amendments
    /// was: this one would have passed on its own, and every order of the batch is left as it was.</summary>
    BatchRejected = 47,

    /// <summary>A trailing stop's offset (<see cref="OrderRequest.TrailingOffset"/>) is not finite or not positive, off the
    /// tick grid (<see cref="TrailingOffsetType.Price"/>) or fractional (<see cref="TrailingOffsetType.Ticks"/>), of an undefined
    /// <see cref="TrailingOffsetType"/>, or wider than the instrument's price collar.</summary>
    InvalidTrailingOffset = 48,

    // 49-51: reserved (trailing stops).

    /// <summary>The firm link has been out of contact with the firm plane for longer than its grace (or has not yet re-read
    /// the firm state): the engine is in its safe state (<c>FirmLinkOptions.SafeState</c>, default reduce-only, globally).</summary>
    FirmContactLost = 52,
}
