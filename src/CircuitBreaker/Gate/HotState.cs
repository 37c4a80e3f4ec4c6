using System.Runtime.InteropServices;

namespace CircuitBreaker;

/// <summary>Gate-owned counters per instrument (rates, open orders), one or two cache lines each.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct InstrumentCounters
{
    public RateWindow Rates;    // orders and messages, packed
    public int OpenOrders;
}

/// <summary>Market state per instrument, written by the position keeper / evaluator, read by the gate.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MarketState
{
    public long LastTradeTicks;
    public long LastTradeTimeNs;
    public long MidTicks;       // mid in ticks (rounded)
    public long MidTimeNs;
    public long OracleTicks;
    public long OracleTimeNs;
    public double TypicalTradeLots; // EWMA of public trade size
    public long Trades;
    public long Quotes;
    public long Oracles;
}

/// <summary>Per-account counters: rates and open orders (gate), working notional (gate), marked exposure and PnL (position keeper).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct AccountCounters
{
    public RateWindow Rates;    // orders and messages, packed
    public int OpenOrders;
    public long WorkingBuyNotionalFx;   // notional × NotionalScale, rounded up
    public long WorkingSellNotionalFx;
    public double PositionGross;        // Σ |position| × mark × multiplier
    public double PositionNet;          // Σ position × mark × multiplier
    public double RealisedPnl;
    public double UnrealisedPnl;
    public double DayStartPnl;

    public const double NotionalScale = 10_000;
}

/// <summary>Per-group counters.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GroupCounters
{
    public RateWindow Rates;    // orders only (no group message rate)
    public int OpenOrders;
}
