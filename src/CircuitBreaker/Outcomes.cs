namespace CircuitBreaker;

/// <summary>Side of an order or fill.</summary>
public enum Side : byte
{
    /// <summary>Buy (bid).</summary>
    Buy = 0,
    /// <summary>Sell (ask).</summary>
    Sell = 1,
}

/// <summary>What an order request asks for.</summary>
public enum OrderAction : byte
{
    /// <summary>A new order.</summary>
    New = 0,
    /// <summary>Replace (amend) a working order's price and/or quantity.</summary>
    Replace = 1,
    /// <summary>Cancel a working order. Cancels always pass, whatever the trading state.</summary>
    Cancel = 2,
}

/// <summary>Trading state of a scope. Ordered by restriction: the most restrictive state in force wins.</summary>
public enum TradingState : byte
{
    /// <summary>Normal trading.</summary>
    Active = 0,
    /// <summary>Only orders that reduce a position, without flipping it, are accepted. Cancels pass.</summary>
    ReduceOnly = 1,
    /// <summary>No new or replace orders are accepted. Cancels pass.</summary>
    Halted = 2,
}

/// <summary>Where a trading state or finding applies.</summary>
public enum Scope : byte
{
    /// <summary>One instrument.</summary>
    Instrument = 0,
    /// <summary>A risk group (e.g. all instruments on one underlying).</summary>
    Group = 1,
    /// <summary>One trading account.</summary>
    Account = 2,
    /// <summary>Everything.</summary>
    Global = 3,
}

/// <summary>Severity of a finding or trip.</summary>
public enum Severity : byte
{
    /// <summary>For the record.</summary>
    Info = 0,
    /// <summary>Worth a look; soft signatures start here.</summary>
    Warning = 1,
    /// <summary>Acts alone: hard limits and confirmed attacks.</summary>
    Critical = 2,
}
