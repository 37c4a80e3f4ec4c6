using System.Runtime.CompilerServices;

namespace CircuitBreaker;

/// <summary>The 8 packed buckets of a <see cref="RateWindow"/> (one 64-byte line when the window is line-aligned).</summary>
[InlineArray(8)]
internal struct RateBuckets
{
    private long _bucket;
}

/// <summary>
/// Sliding-window order and message counter of one scope, in event time, lock-free: 8 buckets of <c>window / 7</c>,
/// each one word packing (epoch 28 bits | orders 18 bits | messages 18 bits), so a new order takes its order unit
/// and its message unit in one CAS. The count covers the current bucket and the 7 before it, i.e. between W and 8W/7
/// of history, so it never admits more than the limit in any window of length W (conservative by at most 1/7).
/// Acquire increments first and checks after, rolling back on overflow, so concurrent callers can never jointly
/// exceed a limit (at worst both are refused). A scope whose two limits are both unlimited is not counted at all:
/// a configuration swap that later gives it a limit starts counting from zero.
/// <see cref="Head"/> remembers the newest epoch ever counted (one read instead of a scan of the 8 buckets), and the
/// caller computes the raw epoch once per check with <see cref="EpochClock"/> (a multiply, not a division). In
/// single-writer mode a running <see cref="Total"/> stands in for the sum (recounted only when the head moves) and
/// nothing is written when the limit is over.
/// </summary>
internal struct RateWindow
{
    /// <summary>The buckets.</summary>
    public RateBuckets Buckets;
    /// <summary>Newest epoch counted, tagged with <see cref="HeadSet"/>; 0 = nothing counted yet.</summary>
    public long Head;
    /// <summary>Single-writer mode only: the units in the window ending at <see cref="Head"/> (orders in the high 32 bits,
    /// messages in the low 32), kept as the buckets change and recomputed from them when the head moves (once per bucket
    /// width), so an acquire checks a limit without summing the 8 buckets. Unused (0) under atomics.</summary>
    public long Total;

    private const int FieldBits = 18;
    private const long FieldMask = (1L << FieldBits) - 1;
    private const int EpochShift = 2 * FieldBits;
    internal const long EpochMask = (1L << 28) - 1;
    private const long HeadSet = 1L << 32;
    /// <summary>Most units of one kind a bucket holds (2¹⁸ − 1); beyond that the kind is refused when it has a limit.</summary>
    public const long BucketCap = FieldMask;

    /// <summary>A limit at or above this can never be exceeded by the 8 buckets together (8 × <see cref="BucketCap"/>):
    /// with both limits there, only the bucket's saturation is checked and the window is not summed (cancels).</summary>
    public const int NeverReached = 8 * (int)FieldMask;

    /// <summary>Acquired.</summary>
    public const int Ok = 0;
    /// <summary>Refused: the order count is over its limit (nothing taken).</summary>
    public const int OrdersOver = 1;
    /// <summary>Refused: the message count is over its limit (nothing taken).</summary>
    public const int MessagesOver = 2;

    /// <summary>Bucket width for a window: ceil(window / 7).</summary>
    public static long BucketWidth(long windowNs) => Math.Max(1, (windowNs + 6) / 7);

    /// <summary>Takes units at an event time (computes the epoch; see <see cref="TryAcquire{TSync}(ref RateWindow, long, int, int, int, int)"/>).</summary>
    public static int TryAcquire<TSync>(ref RateWindow w, long timeNs, long bucketWidth, int orders, int messages, int orderLimit, int messageLimit)
        where TSync : struct, ISync
        => TryAcquire<TSync>(ref w, new EpochClock(bucketWidth).Epoch(timeNs), orders, messages, orderLimit, messageLimit);

    /// <summary>Gives back units at an event time (computes the epoch; see <see cref="Release{TSync}(ref RateWindow, long, int, int, int, int)"/>).</summary>
    public static void Release<TSync>(ref RateWindow w, long timeNs, long bucketWidth, int orders, int messages, int orderLimit, int messageLimit)
        where TSync : struct, ISync
        => Release<TSync>(ref w, new EpochClock(bucketWidth).Epoch(timeNs), orders, messages, orderLimit, messageLimit);

    /// <summary>
    /// Takes <paramref name="orders"/> (0 or 1) order units and <paramref name="messages"/> (0 or 1) message units in
    /// raw epoch <paramref name="epoch"/> (from <see cref="EpochClock.Epoch"/>). Returns <see cref="Ok"/>, or the first
    /// limit exceeded (orders before messages) with nothing taken. A limit of <see cref="int.MaxValue"/> is unlimited.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TryAcquire<TSync>(ref RateWindow w, long epoch, int orders, int messages, int orderLimit, int messageLimit)
        where TSync : struct, ISync
    {
        if (orderLimit == int.MaxValue && messageLimit == int.MaxValue) return Ok;
        long e = Advance<TSync>(ref w, epoch);
        ref long slot = ref w.Buckets[(int)(e & 7)];
        long delta = ((long)orders << FieldBits) | (long)messages;
        if (TSync.SingleWriter)
        {
            // One thread: check first, write only when admitted (nothing to roll back). The running total replaces the sum.
            long cur = slot;
            long ce = (long)((ulong)cur >> EpochShift);
            bool here = ce == e || !IsNewer(e, ce);
            // A slot holding another epoch holds one 8k epochs away: outside the window, not in the total; it is replaced.
            if (!here) cur = e << EpochShift;
            long d = delta;
            if (orders != 0 && ((cur >> FieldBits) & FieldMask) == FieldMask)
            {
                if (orderLimit != int.MaxValue) return OrdersOver;
                d -= 1L << FieldBits;
            }
            if (messages != 0 && (cur & FieldMask) == FieldMask)
            {
                if (messageLimit != int.MaxValue) return MessagesOver;
                d -= 1;
            }
            long total = w.Total + ToTotal(d);
            if ((total >> 32) > orderLimit) return OrdersOver;
            if ((total & uint.MaxValue) > messageLimit) return MessagesOver;
            w.Total = total;
            Volatile.Write(ref slot, cur + d);
            return Ok;
        }
        while (true)
        {
            long cur = Volatile.Read(ref slot);
            long ce = (long)((ulong)cur >> EpochShift);
            long next;
            if (ce == e || !IsNewer(e, ce)) // same epoch, or an out-of-order older event: count it here (conservative)
            {
                long d = delta;
                if (orders != 0 && ((cur >> FieldBits) & FieldMask) == FieldMask)
                {
                    if (orderLimit != int.MaxValue) return OrdersOver;
                    d -= 1L << FieldBits; // saturated and unlimited: stop counting it
                }
                if (messages != 0 && (cur & FieldMask) == FieldMask)
                {
                    if (messageLimit != int.MaxValue) return MessagesOver;
                    d -= 1;
                }
                next = cur + d;
            }
            else next = (e << EpochShift) | delta;
            if (TSync.Cas(ref slot, next, cur)) break;
        }
        if (orderLimit >= NeverReached && messageLimit >= NeverReached) return Ok; // the sum could not exceed them
        SumScalar(ref w, e, out long sumOrders, out long sumMessages);
        int result = sumOrders > orderLimit ? OrdersOver : sumMessages > messageLimit ? MessagesOver : Ok;
        if (result != Ok) Release<TSync>(ref w, epoch, orders, messages, orderLimit, messageLimit);
        return result;
    }

    /// <summary>Gives back units taken by <see cref="TryAcquire{TSync}(ref RateWindow, long, int, int, int, int)"/> in the
    /// same epoch with the same limits (an order rejected by a later check).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Release<TSync>(ref RateWindow w, long epoch, int orders, int messages, int orderLimit, int messageLimit)
        where TSync : struct, ISync
    {
        if (orderLimit == int.MaxValue && messageLimit == int.MaxValue) return;
        long e = Newest(ref w, epoch);
        ref long slot = ref w.Buckets[(int)(e & 7)];
        while (true)
        {
            long cur = Volatile.Read(ref slot);
            long d = 0;
            if (orders != 0 && ((cur >> FieldBits) & FieldMask) != 0) d += 1L << FieldBits;
            if (messages != 0 && (cur & FieldMask) != 0) d += 1;
            if (d == 0) return;
            if (TSync.SingleWriter)
            {
                // The head's own bucket is in the window, so its units are in the total.
                w.Total -= ToTotal(d);
                Volatile.Write(ref slot, cur - d);
                return;
            }
            if (TSync.Cas(ref slot, cur - d, cur)) return;
        }
    }

    /// <summary>Bucket-packed units (orders above <see cref="FieldBits"/>, messages below) in the <see cref="Total"/> packing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long ToTotal(long d) => ((d >> FieldBits) << 32) | (d & FieldMask);

    /// <summary>Single-writer mode: the units in the window ending at epoch <paramref name="e"/>, from the buckets (tests).</summary>
    internal static long RecountTotal(ref RateWindow w, long e)
    {
        SumScalar(ref w, e, out long orders, out long messages);
        return (orders << 32) | messages;
    }

    /// <summary>Units in the buckets of epochs e−7..e (and any newer by less than 8, from racing threads); each word read whole.</summary>
    private static void SumScalar(ref RateWindow w, long e, out long orders, out long messages)
    {
        long so = 0, sm = 0;
        for (int k = 0; k < 8; k++)
        {
            long v = Volatile.Read(ref w.Buckets[k]);
            long age = (e - (long)((ulong)v >> EpochShift)) & EpochMask;
            if (age < 8 || age > EpochMask - 8)
            {
                so += (v >> FieldBits) & FieldMask;
                sm += v & FieldMask;
            }
        }
        orders = so; messages = sm;
    }

    /// <summary>Event time is monotone per window: a late event counts in the newest bucket seen, so stamping orders in the
    /// past can never open fresh budget (a far-future stamp holds the window there: more refusals, never more admissions).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Newest(ref RateWindow w, long e)
    {
        long h = Volatile.Read(ref w.Head);
        return h != 0 && IsNewer(h & EpochMask, e) ? h & EpochMask : e;
    }

    /// <summary><see cref="Newest"/>, recording <paramref name="e"/> as the head when it is newer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Advance<TSync>(ref RateWindow w, long e) where TSync : struct, ISync
    {
        long h = Volatile.Read(ref w.Head);
        while (true)
        {
            if (h != 0 && !IsNewer(e, h & EpochMask)) return h & EpochMask; // the head is this epoch or newer
            if (TSync.SingleWriter)
            {
                // The window moved: buckets left it. Recount what remains (once per bucket width, not per acquire).
                w.Total = RecountTotal(ref w, e);
                Volatile.Write(ref w.Head, e | HeadSet);
                return e;
            }
            long seen = Interlocked.CompareExchange(ref w.Head, e | HeadSet, h);
            if (seen == h) return e;
            h = seen;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsNewer(long a, long b) => a != b && ((a - b) & EpochMask) < (EpochMask >> 1);
}

/// <summary>
/// Event time → raw bucket epoch (<c>max(0, t) / width</c>, masked to 28 bits) with a multiply by a precomputed
/// reciprocal instead of a 64-bit division: q = ⌊t·M / 2⁶⁴⌋ with M = ⌊(2⁶⁴ − 1) / width⌋ is ⌊t / width⌋ or one less
/// (for t &lt; 2⁶³), and one compare corrects it.
/// </summary>
internal readonly struct EpochClock
{
    private readonly ulong _width;
    private readonly ulong _magic;

    /// <summary>A clock for buckets of <paramref name="bucketWidth"/> ns (at least 1).</summary>
    public EpochClock(long bucketWidth)
    {
        _width = (ulong)Math.Max(1, bucketWidth);
        _magic = ulong.MaxValue / _width;
    }

    /// <summary>The raw epoch of an event time; negative times count as 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Epoch(long timeNs)
    {
        ulong t = (ulong)Math.Max(0, timeNs);
        ulong q = Math.BigMul(t, _magic, out _);
        if (t - q * _width >= _width) q++;
        return (long)q & RateWindow.EpochMask;
    }
}
