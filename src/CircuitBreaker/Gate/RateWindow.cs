using System.Runtime.CompilerServices;

namespace CircuitBreaker.Gate;

/// <summary>The 8 packed buckets of a <see cref="RateWindow"/> (one 64-byte line when the window is line-aligned).</summary>
[InlineArray(8)]
internal struct RateBuckets
{
    private long _bucket;
}

/// <summary>
/// Sliding-window order and message counter of one scope, in event time, lock-free: 8 buckets of <c>window / 7</c>,
/// each one word packing (tag 28 bits | orders 18 bits | messages 18 bits), so a new order takes its order unit and its
/// message unit in one CAS. The count covers the current bucket and the 7 before it, i.e. between W and 8W/7 of history,
/// so it never admits more than the limit in any window of length W (conservative by at most 1/7).
/// Acquire increments first and checks after, rolling back on overflow, so concurrent callers can never jointly
/// exceed a limit (at worst both are refused). Units given back because a later step of the check refused the order
/// leave exactly the bucket they were counted in (the acquire reports its epoch), never a newer one another thread has
/// opened meanwhile. A scope whose two limits are both unlimited is not counted at all:
/// a configuration swap that later gives it a limit starts counting from zero.
/// <para>
/// Epochs (bucket numbers) are full 64-bit numbers, counted from the gate's time anchor (<see cref="EpochClock"/>), so
/// nothing depends on where event time starts. <see cref="Head"/> holds the newest epoch ever counted, whole (one read
/// instead of a scan of the 8 buckets), and is the only thing ever compared for "newer". A bucket holding epoch E sits in
/// slot <c>E mod 8</c> and carries the tag <c>valid | (E / 8) mod 2²⁷</c>: a bucket belongs to the window ending at e only
/// when its tag is exactly the tag of the epoch of its slot in [e − 7, e] (or one round newer: a racing thread moved the
/// head). A zeroed bucket has no valid bit, so it never matches, whatever the time origin. A bucket left untouched for a
/// multiple of 2³⁰ epochs could alias its tag: in single-writer mode every head move clears buckets outside the window,
/// so it cannot; under atomics such a bucket would be counted (more refusals, never more admissions).
/// </para>
/// In single-writer mode a running <see cref="Total"/> stands in for the sum (recounted only when the head moves) and
/// nothing is written when the limit is over.
/// </summary>
internal struct RateWindow
{
    /// <summary>The buckets.</summary>
    public RateBuckets Buckets;
    /// <summary>Newest epoch counted, plus one (compared unsigned); 0 = nothing counted yet.</summary>
    public long Head;
    /// <summary>Single-writer mode only: the units in the window ending at <see cref="Head"/> (orders in the high 32 bits,
    /// messages in the low 32), kept as the buckets change and recomputed from them when the head moves (once per bucket
    /// width), so an acquire checks a limit without summing the 8 buckets. Unused (0) under atomics.</summary>
    public long Total;

    private const int FieldBits = 18;
    private const long FieldMask = (1L << FieldBits) - 1;
    private const int TagShift = 2 * FieldBits;
    private const long TagValid = 1L << 27;
    private const long RoundMask = TagValid - 1;
    private const long CountMask = (1L << TagShift) - 1;
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

    /// <summary>Takes units at an event time, epochs counted from <paramref name="anchorNs"/> (tests; see
    /// <see cref="TryAcquire{TSync}(ref RateWindow, long, int, int, int, int)"/>).</summary>
    public static int TryAcquire<TSync>(ref RateWindow w, long timeNs, long bucketWidth, int orders, int messages, int orderLimit, int messageLimit, long anchorNs = 0)
        where TSync : struct, ISync
        => TryAcquire<TSync>(ref w, new EpochClock(bucketWidth).Epoch(timeNs, anchorNs), orders, messages, orderLimit, messageLimit);

    /// <summary>Gives back units taken at an event time, epochs counted from <paramref name="anchorNs"/> (single-threaded
    /// tests: the units an acquire at that time took sit in the newest bucket, the epoch or the head if that is newer; see
    /// <see cref="Release{TSync}(ref RateWindow, long, int, int, int, int)"/>).</summary>
    public static void Release<TSync>(ref RateWindow w, long timeNs, long bucketWidth, int orders, int messages, int orderLimit, int messageLimit, long anchorNs = 0)
        where TSync : struct, ISync
        => Release<TSync>(ref w, Newest(ref w, new EpochClock(bucketWidth).Epoch(timeNs, anchorNs)), orders, messages, orderLimit, messageLimit);

    /// <summary>The tag a bucket of epoch <paramref name="e"/> carries: the valid bit and the epoch's round (e / 8) in 27 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long TagOf(long e) => ((long)((ulong)e >> 3) & RoundMask) | TagValid;

    /// <summary>
    /// Takes <paramref name="orders"/> (0 or 1) order units and <paramref name="messages"/> (0 or 1) message units in
    /// epoch <paramref name="epoch"/> (from <see cref="EpochClock.Epoch"/>). Returns <see cref="Ok"/>, or the first
    /// limit exceeded (orders before messages) with nothing taken. A limit of <see cref="int.MaxValue"/> is unlimited.
    /// For units that may have to be given back, use the overload that reports the bucket they were counted in.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TryAcquire<TSync>(ref RateWindow w, long epoch, int orders, int messages, int orderLimit, int messageLimit)
        where TSync : struct, ISync
        => TryAcquire<TSync>(ref w, ref epoch, orders, messages, orderLimit, messageLimit);

    /// <summary>
    /// <see cref="TryAcquire{TSync}(ref RateWindow, long, int, int, int, int)"/>, and on <see cref="Ok"/> sets
    /// <paramref name="epoch"/> to the epoch whose bucket holds the units: the one asked for, or the head when another
    /// thread had moved the window past it. A rollback passes that epoch to
    /// <see cref="Release{TSync}(ref RateWindow, long, int, int, int, int)"/>, so the units leave exactly the bucket they
    /// were counted in, even when the head moves on meanwhile.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TryAcquire<TSync>(ref RateWindow w, ref long epoch, int orders, int messages, int orderLimit, int messageLimit)
        where TSync : struct, ISync
    {
        if (orderLimit == int.MaxValue && messageLimit == int.MaxValue) return Ok;
        long e = Advance<TSync>(ref w, epoch);
        long delta = ((long)orders << FieldBits) | (long)messages;
        if (TSync.SingleWriter)
        {
            // One thread: check first, write only when admitted (nothing to roll back). The running total replaces the sum.
            ref long slot = ref w.Buckets[(int)(e & 7)];
            long cur = slot;
            long tag = TagOf(e);
            // A bucket with another tag holds an epoch that left the window (the head move cleared it): not in the total.
            if ((long)((ulong)cur >> TagShift) != tag) cur = tag << TagShift;
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
            epoch = e;
            return Ok;
        }
        while (true)
        {
            ref long slot = ref w.Buckets[(int)(e & 7)];
            long tag = TagOf(e);
            long cur = Volatile.Read(ref slot);
            long next;
            if ((long)((ulong)cur >> TagShift) == tag) // this epoch's bucket: count it here
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
            else
            {
                // Another epoch's bucket, or none. The head says which is newer: a head past e means another thread moved
                // the window on (it may have stamped this bucket): count at the head instead (conservative). Otherwise the
                // bucket is older than e (a thread moves the head before it writes a bucket) and is replaced.
                long h = Volatile.Read(ref w.Head) - 1;
                if ((ulong)h > (ulong)e) { e = h; continue; }
                next = (tag << TagShift) | delta;
            }
            if (TSync.Cas(ref slot, next, cur)) break;
        }
        epoch = e;
        if (orderLimit >= NeverReached && messageLimit >= NeverReached) return Ok; // the sum could not exceed them
        SumScalar(ref w, e, out long sumOrders, out long sumMessages);
        int result = sumOrders > orderLimit ? OrdersOver : sumMessages > messageLimit ? MessagesOver : Ok;
        if (result != Ok) ReleaseAt<TSync>(ref w, e, orders, messages);
        return result;
    }

    /// <summary>Gives back units taken by <see cref="TryAcquire{TSync}(ref RateWindow, ref long, int, int, int, int)"/> with
    /// the same limits (an order rejected by a later check): <paramref name="takenEpoch"/> is the epoch that acquire
    /// reported, and the units leave exactly that bucket. If the window has moved on so far that the bucket now holds a
    /// newer epoch, the units already left the window with it and nothing is taken; never from a newer bucket, which
    /// would under-count the window that holds it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Release<TSync>(ref RateWindow w, long takenEpoch, int orders, int messages, int orderLimit, int messageLimit)
        where TSync : struct, ISync
    {
        if (orderLimit == int.MaxValue && messageLimit == int.MaxValue) return;
        ReleaseAt<TSync>(ref w, takenEpoch, orders, messages);
    }

    /// <summary>Takes units back out of the bucket of epoch <paramref name="e"/>, if it is still that epoch's.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ReleaseAt<TSync>(ref RateWindow w, long e, int orders, int messages) where TSync : struct, ISync
    {
        ref long slot = ref w.Buckets[(int)(e & 7)];
        long tag = TagOf(e);
        while (true)
        {
            long cur = Volatile.Read(ref slot);
            if ((long)((ulong)cur >> TagShift) != tag) return; // replaced by a newer epoch: the units left with it
            long d = 0;
            if (orders != 0 && ((cur >> FieldBits) & FieldMask) != 0) d += 1L << FieldBits;
            if (messages != 0 && (cur & FieldMask) != 0) d += 1;
            if (d == 0) return;
            if (TSync.SingleWriter)
            {
                // A bucket whose tag matches is in the window (a head move clears every bucket that leaves it), so its
                // units are in the total.
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

    /// <summary>The newest epoch counted (the head), or -1 when nothing was counted (tests).</summary>
    internal static long HeadEpoch(ref RateWindow w) => Volatile.Read(ref w.Head) - 1;

    /// <summary>Units in the buckets of epochs e−7..e, and of e+1..e+8 (written by racing threads that moved the head
    /// meanwhile); each word read whole. A bucket counts only when its tag is exactly the one its slot's epoch has.</summary>
    private static void SumScalar(ref RateWindow w, long e, out long orders, out long messages)
    {
        long so = 0, sm = 0;
        long round = (long)((ulong)e >> 3);
        int lo = (int)(e & 7);
        for (int k = 0; k < 8; k++)
        {
            long v = Volatile.Read(ref w.Buckets[k]);
            long tag = (long)((ulong)v >> TagShift);
            long r = round - (k > lo ? 1 : 0); // slot k's epoch in [e − 7, e] is in this round or the one before
            if (tag == ((r & RoundMask) | TagValid) || tag == (((r + 1) & RoundMask) | TagValid))
            {
                so += (v >> FieldBits) & FieldMask;
                sm += v & FieldMask;
            }
        }
        orders = so; messages = sm;
    }

    /// <summary>Single-writer mode, when the head moves to <paramref name="e"/>: clears every bucket outside the window
    /// ending at e (so no old tag can ever alias a new one) and returns the units of those inside.</summary>
    private static long SweepAndCount(ref RateWindow w, long e)
    {
        long so = 0, sm = 0;
        long round = (long)((ulong)e >> 3);
        int lo = (int)(e & 7);
        for (int k = 0; k < 8; k++)
        {
            ref long b = ref w.Buckets[k];
            long v = b;
            if (v == 0) continue;
            long r = round - (k > lo ? 1 : 0);
            if ((long)((ulong)v >> TagShift) == ((r & RoundMask) | TagValid))
            {
                so += (v >> FieldBits) & FieldMask;
                sm += v & FieldMask;
            }
            else Volatile.Write(ref b, 0);
        }
        return (so << 32) | sm;
    }

    /// <summary>Event time is monotone per window: a late event counts in the newest bucket seen, so stamping orders in the
    /// past can never open fresh budget (a far-future stamp holds the window there: more refusals, never more admissions).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Newest(ref RateWindow w, long e)
    {
        long h = Volatile.Read(ref w.Head) - 1; // -1 (ulong max) when nothing was counted: never newer
        return h != -1 && (ulong)h > (ulong)e ? h : e;
    }

    /// <summary><see cref="Newest"/>, recording <paramref name="e"/> as the head when it is newer.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Advance<TSync>(ref RateWindow w, long e) where TSync : struct, ISync
    {
        long h = Volatile.Read(ref w.Head);
        while (true)
        {
            if (h != 0 && (ulong)(h - 1) >= (ulong)e) return h - 1; // the head is this epoch or newer
            if (TSync.SingleWriter)
            {
                // The window moved: buckets left it. Clear them and recount what remains (once per bucket width, not per acquire).
                w.Total = SweepAndCount(ref w, e);
                Volatile.Write(ref w.Head, e + 1);
                return e;
            }
            long seen = Interlocked.CompareExchange(ref w.Head, e + 1, h);
            if (seen == h) return e;
            h = seen;
        }
    }
}

/// <summary>
/// Event time → epoch (bucket number): <c>(t − anchor) / width</c> as an unsigned 64-bit number, with times before the
/// anchor counted as the anchor. The anchor is where the gate's bucket grid starts (its first rate-counted check), so the
/// same order stream shifted by any constant falls into the same buckets. The division is a multiply by a precomputed
/// reciprocal: q = ⌊d·M / 2⁶⁴⌋ with M = ⌊(2⁶⁴ − 1) / width⌋ is ⌊d / width⌋ or one less for every 64-bit d (the error
/// d·(1 + (2⁶⁴ − 1) mod width) / (width·2⁶⁴) is below d / 2⁶⁴ &lt; 1), and one compare corrects it.
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

    /// <summary>The epoch of an event time counted from <paramref name="anchorNs"/>; times before the anchor count as the
    /// anchor. Any two int64 values: the difference is taken unsigned, so nothing overflows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Epoch(long timeNs, long anchorNs)
    {
        ulong d = timeNs < anchorNs ? 0 : (ulong)timeNs - (ulong)anchorNs;
        ulong q = Math.BigMul(d, _magic, out _);
        if (d - q * _width >= _width) q++;
        return (long)q;
    }
}
