using System.Runtime.CompilerServices;

namespace CircuitBreaker;

/// <summary>
/// Sliding-window order and message counter of one scope, in event time, lock-free: 8 buckets of <c>window / 7</c>,
/// each one word packing (epoch 28 bits | orders 18 bits | messages 18 bits), so a new order takes its order unit
/// and its message unit in one CAS. The count covers the current bucket and the 7 before it, i.e. between W and 8W/7
/// of history, so it never admits more than the limit in any window of length W (conservative by at most 1/7).
/// Acquire increments first and checks after, rolling back on overflow, so concurrent callers can never jointly
/// exceed a limit (at worst both are refused). A scope whose two limits are both unlimited is not counted at all:
/// a configuration swap that later gives it a limit starts counting from zero.
/// </summary>
[InlineArray(8)]
internal struct RateWindow
{
    private long _bucket;

    private const int FieldBits = 18;
    private const long FieldMask = (1L << FieldBits) - 1;
    private const int EpochShift = 2 * FieldBits;
    private const long EpochMask = (1L << 28) - 1;
    /// <summary>Most units of one kind a bucket holds (2¹⁸ − 1); beyond that the kind is refused when it has a limit.</summary>
    public const long BucketCap = FieldMask;

    /// <summary>Acquired.</summary>
    public const int Ok = 0;
    /// <summary>Refused: the order count is over its limit (nothing taken).</summary>
    public const int OrdersOver = 1;
    /// <summary>Refused: the message count is over its limit (nothing taken).</summary>
    public const int MessagesOver = 2;

    /// <summary>Bucket width for a window: ceil(window / 7).</summary>
    public static long BucketWidth(long windowNs) => Math.Max(1, (windowNs + 6) / 7);

    /// <summary>
    /// Takes <paramref name="orders"/> (0 or 1) order units and <paramref name="messages"/> (0 or 1) message units at
    /// <paramref name="timeNs"/>. Returns <see cref="Ok"/>, or the first limit exceeded (orders before messages) with
    /// nothing taken. A limit of <see cref="int.MaxValue"/> is unlimited.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int TryAcquire<TSync>(ref RateWindow w, long timeNs, long bucketWidth, int orders, int messages, int orderLimit, int messageLimit)
        where TSync : struct, ISync
    {
        if (orderLimit == int.MaxValue && messageLimit == int.MaxValue) return Ok;
        long e = Newest(ref w, (Math.Max(0, timeNs) / bucketWidth) & EpochMask);
        ref long slot = ref w[(int)(e & 7)];
        long delta = ((long)orders << FieldBits) | (long)messages;
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
        long sumOrders = 0, sumMessages = 0;
        for (int k = 0; k < 8; k++)
        {
            long v = Volatile.Read(ref w[k]);
            long age = (e - (long)((ulong)v >> EpochShift)) & EpochMask;
            if (age < 8 || age > EpochMask - 8)
            {
                sumOrders += (v >> FieldBits) & FieldMask;
                sumMessages += v & FieldMask;
            }
        }
        int result = sumOrders > orderLimit ? OrdersOver : sumMessages > messageLimit ? MessagesOver : Ok;
        if (result != Ok) Release<TSync>(ref w, timeNs, bucketWidth, orders, messages, orderLimit, messageLimit);
        return result;
    }

    /// <summary>Gives back units taken by <see cref="TryAcquire{TSync}"/> at the same time with the same limits (an
    /// order rejected by a later check).</summary>
    public static void Release<TSync>(ref RateWindow w, long timeNs, long bucketWidth, int orders, int messages, int orderLimit, int messageLimit)
        where TSync : struct, ISync
    {
        if (orderLimit == int.MaxValue && messageLimit == int.MaxValue) return;
        long e = Newest(ref w, (Math.Max(0, timeNs) / bucketWidth) & EpochMask);
        ref long slot = ref w[(int)(e & 7)];
        while (true)
        {
            long cur = Volatile.Read(ref slot);
            long d = 0;
            if (orders != 0 && ((cur >> FieldBits) & FieldMask) != 0) d += 1L << FieldBits;
            if (messages != 0 && (cur & FieldMask) != 0) d += 1;
            if (d == 0 || TSync.Cas(ref slot, cur - d, cur)) return;
        }
    }

    /// <summary>Event time is monotone per window: a late event counts in the newest bucket seen, so stamping orders in the
    /// past can never open fresh budget (a far-future stamp holds the window there: more refusals, never more admissions).</summary>
    private static long Newest(ref RateWindow w, long e)
    {
        for (int k = 0; k < 8; k++)
        {
            long v = Volatile.Read(ref w[k]);
            long ce = (long)((ulong)v >> EpochShift);
            if (v != 0 && IsNewer(ce, e)) e = ce;
        }
        return e;
    }

    private static bool IsNewer(long a, long b) => a != b && ((a - b) & EpochMask) < (EpochMask >> 1);
}
