namespace CircuitBreaker;

/// <summary>Side of an order or fill.</summary>
public enum Side : byte
{
    /// <summary>Buy (bid).</summary>
    Buy = 0,
    /// <summary>Sell (ask).</summary>
    Sell = 1,
}
