namespace CircuitBreaker;

/// <summary>Product kind of an instrument. Tape names in lower_snake_case (<c>barrier_option</c>).</summary>
public enum InstrumentKind : byte
{
    /// <summary>Spot pair or cash equity.</summary>
    Spot,
    /// <summary>Perpetual swap (crypto perp).</summary>
    Perpetual,
    /// <summary>Dated future.</summary>
    Future,
    /// <summary>Vanilla option. Prices are premiums and are never negative.</summary>
    Option,
    /// <summary>Barrier option (knock-in/knock-out).</summary>
    BarrierOption,
    /// <summary>Swap (rates, basis, total return). Prices may be negative.</summary>
    Swap,
}

/// <summary>Kind of barrier for <see cref="InstrumentKind.BarrierOption"/>.</summary>
public enum BarrierKind : byte
{
    /// <summary>No barrier.</summary>
    None,
    /// <summary>Knocked out when spot rises to the barrier.</summary>
    UpAndOut,
    /// <summary>Knocked out when spot falls to the barrier.</summary>
    DownAndOut,
    /// <summary>Knocked in when spot rises to the barrier.</summary>
    UpAndIn,
    /// <summary>Knocked in when spot falls to the barrier.</summary>
    DownAndIn,
}
