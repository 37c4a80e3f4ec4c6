namespace CircuitBreaker;

/// <summary>What raised a finding: an anomaly signature, the ML detector, or a post-trade hard limit. Stable values.</summary>
public enum Signature : ushort
{
    /// <summary>Traded volume in a short window far above its baseline.</summary>
    VolumeSpike = 1,
    /// <summary>Price moved beyond a band over a short window (trades or marks).</summary>
    PriceVelocity = 2,
    /// <summary>Oracle price deviates from the venue mark.</summary>
    OracleDeviation = 3,
    /// <summary>Oracle price jumped between updates.</summary>
    OracleJump = 4,
    /// <summary>Two oracle sources disagree.</summary>
    OracleCrossSource = 5,
    /// <summary>Oracle price is stale.</summary>
    OracleStale = 6,
    /// <summary>Borrow and repay within one block with swaps moving a referenced price.</summary>
    FlashLoan = 7,
    /// <summary>An account's order/fill behaviour far from its own baseline (Knight Capital pattern).</summary>
    RunawayAlgorithm = 8,
    /// <summary>Message rate or cancel ratio far from the account's baseline.</summary>
    QuoteStuffing = 9,
    /// <summary>Drawdown speed per account or group.</summary>
    LossVelocity = 10,
    /// <summary>Spread widening and displayed depth collapse vs baseline.</summary>
    LiquidityCollapse = 11,
    /// <summary>Collateral withdrawals far above baseline with no matching trading.</summary>
    Drain = 12,
    /// <summary>Options greeks (delta/gamma/vega) per underlying beyond limits.</summary>
    GreeksLimit = 13,
    /// <summary>Spot close to a barrier option's barrier.</summary>
    BarrierProximity = 14,
    /// <summary>Swap exposure (notional × sensitivity) beyond limits.</summary>
    SwapExposure = 15,
    /// <summary>Streaming ML anomaly score (Half-Space Trees).</summary>
    MlAnomaly = 16,
    /// <summary>Post-trade: position beyond its limit after fills.</summary>
    MaxPosition = 100,
    /// <summary>Post-trade: daily loss beyond its limit.</summary>
    MaxDailyLoss = 101,
    /// <summary>Post-trade: gross exposure beyond its limit.</summary>
    MaxGrossExposure = 102,
    /// <summary>Post-trade: net exposure beyond its limit.</summary>
    MaxNetExposure = 103,
}
