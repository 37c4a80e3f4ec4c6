using System.Runtime.InteropServices;

namespace CircuitBreaker.Gate;

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
    /// <summary>The price of the last mark (trade price, quote mid, or oracle price while never traded or quoted), what a
    /// fill marks its pair at; valid once <see cref="Marked"/>. Keeper-only (not read by the gate).</summary>
    public double LastMark;
    public bool Marked;
}
