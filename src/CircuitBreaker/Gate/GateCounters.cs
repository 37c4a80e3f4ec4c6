using System.Runtime.CompilerServices;

namespace CircuitBreaker.Gate;

/// <summary>
/// Counters the gate keeps once metrics are attached (<see cref="PreTradeGate.EnableCounters"/>): checks, striped by
/// thread over 64-byte-padded slots so concurrent checks do not share a cache line, and rejections per reason.
/// Recording is one or two uncontended atomic increments and allocates nothing. Before metrics are attached the gate
/// pays one null test per check.
/// </summary>
internal sealed class GateCounters
{
    private const int Stripes = 16;
    private const int Pad = 8; // longs per 64-byte line
    private readonly long[] _checks = new long[(Stripes + 1) * Pad];
    private readonly long[] _rejects = new long[256];

    /// <summary>Counts one check. A single-writer gate owns the counters: plain increments on one padded slot; a
    /// multi-threaded gate uses striped atomics so threads never contend on one line.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Record<TSync>(RejectReason reason) where TSync : struct, ISync
    {
        if (TSync.SingleWriter)
        {
            ref long slot = ref _checks[Pad];
            Volatile.Write(ref slot, slot + 1);
            if (reason != RejectReason.None) { ref long r = ref _rejects[(byte)reason]; Volatile.Write(ref r, r + 1); }
            return;
        }
        Interlocked.Increment(ref _checks[((Environment.CurrentManagedThreadId & (Stripes - 1)) + 1) * Pad]);
        if (reason != RejectReason.None) Interlocked.Increment(ref _rejects[(byte)reason]);
    }

    /// <summary>Checks so far (sum of the stripes).</summary>
    public long Checks
    {
        get
        {
            long sum = 0;
            for (int s = 1; s <= Stripes; s++) sum += Volatile.Read(ref _checks[s * Pad]);
            return sum;
        }
    }

    /// <summary>Rejections for one reason so far.</summary>
    public long Rejects(RejectReason reason) => Volatile.Read(ref _rejects[(byte)reason]);
}
