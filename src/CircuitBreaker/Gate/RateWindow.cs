using System.Runtime.CompilerServices;

namespace CircuitBreaker;

/// <summary>
/// Sliding-window counter in event time, lock-free: 8 buckets of <c>window / 7</c>, each a packed (epoch, count)
/// long updated by CAS. The count covers the current bucket and the 7 before it, i.e. between W and 8W/7 of
/// history, so it never admits more than the limit in any window of length W (conservative by at most 1/7).
/// Acquire increments first and checks after, rolling back on overflow, so concurrent callers can never jointly
/// exceed the limit (at worst both are refused). Event time is made monotone per window: a late event counts in the
/// newest bucket seen (a far-future stamp therefore holds the window at that bucket: more refusals, never more admissions).
/// </summary>
[InlineArray(8)]
internal struct RateWindow
{
    private long _bucket;

    private const int CountBits = 20;
    private const long CountMask = (1L << CountBits) - 1;
    private const long EpochMask = (1L << 44) - 1;

    /// <summary>Bucket width for a window: ceil(window / 7).</summary>
    public static long BucketWidth(long windowNs) => Math.Max(1, (windowNs + 6) / 7);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryAcquire(ref RateWindow w, long timeNs, long bucketWidth, int limit)
    {
        if (limit == int.MaxValue) return true;
        long e = Newest(ref w, (Math.Max(0, timeNs) / bucketWidth) & EpochMask);
        int idx = (int)(e & 7);
        ref long slot = ref w[idx];
        while (true)
        {
            long cur = Volatile.Read(ref slot);
            long ce = (long)((ulong)cur >> CountBits);
            long next;
            if (ce == e || !IsNewer(e, ce)) // same epoch, or an out-of-order older event: count it here (conservative)
            {
                if ((cur & CountMask) == CountMask) return false;
                next = cur + 1;
            }
            else next = (e << CountBits) | 1;
            if (Interlocked.CompareExchange(ref slot, next, cur) == cur) break;
        }
        long sum = 0;
        for (int k = 0; k < 8; k++)
        {
            long v = Volatile.Read(ref w[k]);
            long age = (e - (long)((ulong)v >> CountBits)) & EpochMask;
            if (age < 8 || age > EpochMask - 8) sum += v & CountMask;
        }
        if (sum <= limit) return true;
        Release(ref w, timeNs, bucketWidth);
        return false;
    }

    /// <summary>Gives back one unit taken by <see cref="TryAcquire"/> at the same time (an order rejected by a later check).</summary>
    public static void Release(ref RateWindow w, long timeNs, long bucketWidth)
    {
        long e = Newest(ref w, (Math.Max(0, timeNs) / bucketWidth) & EpochMask);
        ref long slot = ref w[(int)(e & 7)];
        while (true)
        {
            long cur = Volatile.Read(ref slot);
            if ((cur & CountMask) == 0) return;
            if (Interlocked.CompareExchange(ref slot, cur - 1, cur) == cur) return;
        }
    }

    /// <summary>
    /// Time never goes backwards for a limit: an event older than the newest bucket counted is counted in that bucket.
    /// Otherwise an event stamped more than 8 buckets late would be checked against buckets long overwritten and pass
    /// whatever the count in the window in force.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Newest(ref RateWindow w, long e)
    {
        for (int k = 0; k < 8; k++)
        {
            long v = Volatile.Read(ref w[k]);
            long ce = (long)((ulong)v >> CountBits);
            if (v != 0 && IsNewer(ce, e)) e = ce;
        }
        return e;
    }

    private static bool IsNewer(long a, long b) => a != b && ((a - b) & EpochMask) < (EpochMask >> 1);
}
