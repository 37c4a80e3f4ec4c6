namespace CircuitBreaker;

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
