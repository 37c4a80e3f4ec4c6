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
}
