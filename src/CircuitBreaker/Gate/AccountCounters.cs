using System.Runtime.InteropServices;

namespace CircuitBreaker.Gate;

// Laid out in whole 64-byte cache lines and stored in a LineArray (line-aligned): fields the gate writes and fields
// the position keeper (evaluator) writes sit on different lines, so a fill or a mark never invalidates the line the
// gate is about to update, and vice versa. HotLayoutTests pins the offsets.

/// <summary>Per-account counters. Lines 0–1, written by the gate: rates, open orders, working notional. Line 2,
/// written by the position keeper: marked exposure and PnL (the gate only reads them).</summary>
[StructLayout(LayoutKind.Explicit, Size = 320)]
internal struct AccountCounters
{
    // gate-written (lines 0 and 1)
    [FieldOffset(0)] public RateWindow Rates;    // orders and messages, packed
    [FieldOffset(80)] public int OpenOrders;
    [FieldOffset(88)] public long WorkingBuyNotionalFx;   // notional × NotionalScale, rounded up
    [FieldOffset(96)] public long WorkingSellNotionalFx;
    // position-keeper-written (line 2)
    [FieldOffset(128)] public double PositionGross;        // Σ |position| × mark × multiplier
    [FieldOffset(136)] public double PositionNet;          // Σ position × mark × multiplier
    [FieldOffset(144)] public double RealisedPnl;
    [FieldOffset(152)] public double UnrealisedPnl;
    [FieldOffset(160)] public double DayStartPnl;
    // position-keeper-written releases (account-owned mode only; 0 otherwise): what fills released of the gate's counters
    // above, which the account's owning thread writes with plain stores. Effective = gate counter - released.
    [FieldOffset(168)] public long ReleasedBuyNotionalFx;
    [FieldOffset(176)] public long ReleasedSellNotionalFx;
    [FieldOffset(184)] public int ReleasedOpenOrders;
    // gate-written again (lines 3 and 4): replaces per window, counted in the window's order field; touched only when a
    // modify limit is configured.
    [FieldOffset(192)] public RateWindow Modifies;

    /// <summary>Offset of the first field the position keeper writes.</summary>
    public const int EvaluatorOffset = 128;
    public const double NotionalScale = 10_000;
}
