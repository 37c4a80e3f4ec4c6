namespace CircuitBreaker.Limits;

/// <summary>Which price the collar is measured against.</summary>
public enum ReferencePriceSource : byte
{
    /// <summary>Last public trade (falls back to mid, then oracle, when none yet).</summary>
    LastTrade,
    /// <summary>Mid of the top of book (falls back to last trade, then oracle).</summary>
    Mid,
    /// <summary>Oracle / index price (falls back to mid, then last trade).</summary>
    Oracle,
}

/// <summary>What the collar does when the reference price is missing or older than the staleness limit.</summary>
public enum MissingReferencePolicy : byte
{
    /// <summary>Reject with <see cref="RejectReason.StaleReference"/> (fail-closed; the default).</summary>
    Reject,
    /// <summary>Skip the collar for this order.</summary>
    Allow,
}

/// <summary>
/// Per-instrument limits as a quant sets them. Every property left <c>null</c> takes the documented default of
/// <see cref="RiskDefaults"/>; quantities and prices are in human units and are converted to lots and ticks when the
/// configuration is built. Init-only: build a new one to change limits, then swap the configuration.
/// </summary>
public sealed record InstrumentLimits
{
    /// <summary>Minimum order quantity. Default: one lot.</summary>
    public double? MinOrderQuantity { get; init; }
    /// <summary>Maximum order quantity (fat finger, absolute). Default: none beyond the relative guard.</summary>
    public double? MaxOrderQuantity { get; init; }
    /// <summary>Maximum order notional (price × quantity × multiplier). Default: none beyond the relative guard.</summary>
    public double? MaxOrderNotional { get; init; }
    /// <summary>Minimum order notional (|price| × quantity × multiplier), checked on new orders and replaces. Default: none.</summary>
    public double? MinOrderNotional { get; init; }
    /// <summary>Whether prices may be zero or negative (option and futures spreads, spot commodities that trade below zero).
    /// Default: true for <see cref="InstrumentKind.Swap"/> and <see cref="InstrumentKind.Future"/>, false otherwise
    /// (<see cref="InstrumentSpec.AllowsNonPositivePrice"/>); an explicit value overrides the kind's default either way.</summary>
    public bool? AllowNonPositivePrice { get; init; }
    /// <summary>Relative fat-finger guard: reject an order larger than this multiple of the account's typical order
    /// size on the instrument (learned), or of the market's typical trade size before the account has history.
    /// Default <see cref="RiskDefaults.FatFingerMultiple"/>.</summary>
    public double? FatFingerMultiple { get; init; }
    /// <summary>Price collar half-width in basis points around the reference price. Default <see cref="RiskDefaults.CollarBps"/>.</summary>
    public double? CollarBps { get; init; }
    /// <summary>Reference price for the collar. Default: <see cref="ReferencePriceSource.LastTrade"/>.</summary>
    public ReferencePriceSource? ReferenceSource { get; init; }
    /// <summary>A reference older than this (event time) is stale. Default <see cref="RiskDefaults.ReferenceStaleAfter"/>.</summary>
    public TimeSpan? ReferenceStaleAfter { get; init; }
    /// <summary>What to do without a fresh reference. Default <see cref="MissingReferencePolicy.Reject"/> (fail-closed).</summary>
    public MissingReferencePolicy? MissingReference { get; init; }
    /// <summary>Maximum long position per account, counting working buy orders. Default: none.</summary>
    public double? MaxLongPosition { get; init; }
    /// <summary>Maximum short position per account (a positive number), counting working sell orders. Default: none.</summary>
    public double? MaxShortPosition { get; init; }
    /// <summary>Maximum open orders on the instrument (all accounts). Default <see cref="RiskDefaults.MaxOpenOrdersPerInstrument"/>.</summary>
    public int? MaxOpenOrders { get; init; }
    /// <summary>Maximum open orders per account on this instrument; also the self-match book depth per side. Default <see cref="RiskDefaults.MaxOpenOrdersPerAccountInstrument"/>.</summary>
    public int? MaxOpenOrdersPerAccount { get; init; }
    /// <summary>New orders allowed on the instrument per rate window. Default <see cref="RiskDefaults.InstrumentOrdersPerWindow"/>.</summary>
    public int? MaxOrdersPerWindow { get; init; }
    /// <summary>Messages (new + replace + cancel) allowed on the instrument per rate window. Default <see cref="RiskDefaults.InstrumentMessagesPerWindow"/>.</summary>
    public int? MaxMessagesPerWindow { get; init; }
    /// <summary>Replaces (modifies) allowed on the instrument per rate window, apart from the new-order rate; a replace also
    /// counts as a message. Refused with <see cref="RejectReason.ModifyRate"/>. Default: none (no cost when unset).</summary>
    public int? MaxModifiesPerWindow { get; init; }
    /// <summary>Settlement currency of the instrument: the balance its orders draw on in accounts with a
    /// <see cref="AccountLimits.BalanceMode"/>. Default <see cref="RiskDefaults.SettlementCurrency"/>. Fixed for the gate's life.</summary>
    public string? SettlementCurrency { get; init; }
    /// <summary>Initial margin rate in (0, 1] for margin accounts: an order holds notional × rate of collateral, a position
    /// |notional at mark| × rate. Set this or <see cref="Leverage"/>, not both. Default 1 (no leverage). Fixed for the gate's life.</summary>
    public double? MarginRate { get; init; }
    /// <summary>Leverage ≥ 1 for margin accounts: the margin rate is 1 / leverage. Default: see <see cref="MarginRate"/>.</summary>
    public double? Leverage { get; init; }
    /// <summary>Fee rate in [0, 1) charged on notional: cash accounts hold notional × (1 + rate) per order, and every fill
    /// of a cash or margin account pays notional × rate from the balance. Default 0. Fixed for the gate's life.</summary>
    public double? FeeRate { get; init; }
}

/// <summary>Per-account limits. <c>null</c> takes the default of <see cref="RiskDefaults"/>. Notional in quote units.</summary>
public sealed record AccountLimits
{
    /// <summary>Maximum gross notional exposure (|positions| marked + working orders). Default: none.</summary>
    public double? MaxGrossExposure { get; init; }
    /// <summary>Maximum net notional exposure (signed positions + working orders on the side that grows it). Default: none.</summary>
    public double? MaxNetExposure { get; init; }
    /// <summary>Maximum open orders for the account. Default <see cref="RiskDefaults.MaxOpenOrdersPerAccount"/>.</summary>
    public int? MaxOpenOrders { get; init; }
    /// <summary>New orders per rate window. Default <see cref="RiskDefaults.AccountOrdersPerWindow"/>.</summary>
    public int? MaxOrdersPerWindow { get; init; }
    /// <summary>Messages per rate window. Default <see cref="RiskDefaults.AccountMessagesPerWindow"/>.</summary>
    public int? MaxMessagesPerWindow { get; init; }
    /// <summary>Replaces (modifies) per rate window for the account, apart from the new-order rate. Refused with
    /// <see cref="RejectReason.ModifyRate"/> (scope Account). Default: none (no cost when unset).</summary>
    public int? MaxModifiesPerWindow { get; init; }
    /// <summary>Maximum daily loss (realised + unrealised, a positive number): beyond it only reducing orders pass. Default: none.</summary>
    public double? MaxDailyLoss { get; init; }
    /// <summary>Refuse an order (<see cref="RejectReason.SelfMatch"/>) that would trade with a resting order of the same
    /// account on the same instrument. Default <c>true</c>; <c>false</c> switches the check off for the account (for an
    /// account whose venue prevents self-trades itself). The self-match book is preallocated either way (see
    /// <see cref="CircuitBreakerBuilder.MaxOrderBookBytes"/>).</summary>
    public bool? PreventSelfMatch { get; init; }
    /// <summary>Balance check (<see cref="RejectReason.InsufficientBalance"/>): <see cref="Limits.BalanceMode.Cash"/> or
    /// <see cref="Limits.BalanceMode.Margin"/>. Default <see cref="Limits.BalanceMode.None"/> (no check, no cost). Fixed for the gate's life.</summary>
    public BalanceMode? BalanceMode { get; init; }
    /// <summary>Starting balance per settlement currency (a currency not listed starts at 0). Balances then move with
    /// fills, fees and balance events (<see cref="RiskEvent.Balance"/>). Default: none.</summary>
    public IReadOnlyDictionary<string, double>? Balances { get; init; }
}

/// <summary>Per-group limits (a group is e.g. every instrument on one underlying). <c>null</c> = no limit.</summary>
public sealed record GroupLimits
{
    /// <summary>New orders per rate window across the group's instruments. Default: none.</summary>
    public int? MaxOrdersPerWindow { get; init; }
    /// <summary>Maximum open orders across the group. Default: none.</summary>
    public int? MaxOpenOrders { get; init; }
}
