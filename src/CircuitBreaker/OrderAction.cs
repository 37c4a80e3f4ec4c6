namespace CircuitBreaker;

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
