namespace CircuitBreaker;

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
