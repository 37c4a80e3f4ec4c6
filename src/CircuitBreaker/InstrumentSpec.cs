namespace CircuitBreaker;

/// <summary>
/// Static description of an instrument: kind, tick, lot, multiplier, risk group, and for options the strike and
/// barrier. Immutable; created through <see cref="InstrumentRegistry.AddInstrument"/>.
/// </summary>
public sealed class InstrumentSpec
{
    internal InstrumentSpec(InstrumentId id, string symbol, InstrumentKind kind, double tick, double lot, double multiplier,
        string underlying, GroupId group, string groupName, double barrier, BarrierKind barrierKind, double strike)
    {
        Id = id; Symbol = symbol; Kind = kind; Tick = tick; Lot = lot; Multiplier = multiplier;
        Underlying = underlying; Group = group; GroupName = groupName; Barrier = barrier; BarrierKind = barrierKind; Strike = strike;
        InverseTick = 1.0 / tick;
        InverseLot = 1.0 / lot;
        NotionalPerTickLot = tick * lot * multiplier;
    }

    /// <summary>Dense id.</summary>
    public InstrumentId Id { get; }
    /// <summary>Symbol, e.g. <c>BTC-PERP</c>.</summary>
    public string Symbol { get; }
    /// <summary>Product kind.</summary>
    public InstrumentKind Kind { get; }
    /// <summary>Price increment in human units (&gt; 0).</summary>
    public double Tick { get; }
    /// <summary>Quantity increment in human units (&gt; 0).</summary>
    public double Lot { get; }
    /// <summary>Contract multiplier (default 1): notional = price × quantity × multiplier.</summary>
    public double Multiplier { get; }
    /// <summary>Underlying name (default: the symbol).</summary>
    public string Underlying { get; }
    /// <summary>Risk group id.</summary>
    public GroupId Group { get; }
    /// <summary>Risk group name (default: the underlying).</summary>
    public string GroupName { get; }
    /// <summary>Barrier level for barrier options; NaN when none.</summary>
    public double Barrier { get; }
    /// <summary>Barrier kind; <see cref="BarrierKind.None"/> when none.</summary>
    public BarrierKind BarrierKind { get; }
    /// <summary>Strike for options; NaN when none.</summary>
    public double Strike { get; }
    /// <summary>True for kinds whose prices may be zero or negative (swaps, and futures/spreads that can trade below zero).</summary>
    public bool AllowsNonPositivePrice => Kind is InstrumentKind.Swap or InstrumentKind.Future;

    internal double InverseTick { get; }
    internal double InverseLot { get; }
    /// <summary>Notional of one tick of price times one lot: notional = priceTicks × lots × this.</summary>
    internal double NotionalPerTickLot { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Symbol} ({Kind}, tick {Tick}, lot {Lot})";
}
