using System.Runtime.InteropServices;

namespace CircuitBreaker.Gate;

// Laid out in whole 64-byte cache lines and stored in a LineArray (line-aligned): fields the gate writes and fields
// the position keeper (evaluator) writes sit on different lines, so a fill or a mark never invalidates the line the
// gate is about to update, and vice versa. HotLayoutTests pins the offsets.

/// <summary>Gate-owned counters per instrument (rates, open orders, modify rate): four cache lines, the buckets of each
/// window alone on their line. The modify window is touched only when a modify limit is configured.</summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct InstrumentCounters
{
    [FieldOffset(0)] public RateWindow Rates;    // orders and messages, packed (buckets: line 0; head and total: line 1)
    [FieldOffset(80)] public int OpenOrders;
    [FieldOffset(128)] public RateWindow Modifies; // replaces, counted in the window's order field (lines 2-3)
}
