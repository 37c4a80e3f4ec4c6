using System.Numerics;
using System.Runtime.CompilerServices;

namespace CircuitBreaker.Telemetry;

/// <summary>
/// A small log-linear histogram of non-negative <see cref="long"/> values (latencies in nanoseconds).
/// Values below <c>2^b</c> (b = <see cref="SubBucketBits"/>, default 6) are counted exactly; above that, each power of
/// two <c>[2^k, 2^(k+1))</c> is split into <c>2^b</c> equal sub-buckets, so a reported value is within a relative error
/// of <see cref="MaxRelativeError"/> (<c>2^-(b+1)</c>, 0.78 % by default) of the recorded one. The whole
/// <see cref="long"/> range is covered.
/// <para>
/// The bucket array is allocated once in the constructor (<c>(64 - b) · 2^b</c> counters: 29 KB by default).
/// <see cref="Record(long)"/>, <see cref="Record(long, long)"/>, <see cref="ValueAtPercentile"/>, <see cref="Reset"/>
/// and <see cref="Merge"/> allocate nothing.
/// </para>
/// <para>
/// Threading: one writer, no lock. <see cref="Record(long)"/> uses plain stores, so it must be called from a single
/// thread at a time; reading from another thread while it records gives an approximate snapshot (counters may be
/// mutually inconsistent by the records in flight). Read, merge and reset after the writer has stopped for exact figures.
/// </para>
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>Default number of sub-bucket bits: 64 sub-buckets per power of two, relative error ≤ 0.78 %.</summary>
    public const int DefaultSubBucketBits = 6;
    /// <summary>Smallest accepted <see cref="SubBucketBits"/>.</summary>
    public const int MinSubBucketBits = 1;
    /// <summary>Largest accepted <see cref="SubBucketBits"/> (54 · 1024 counters, 432 KB).</summary>
    public const int MaxSubBucketBits = 10;

    private readonly long[] _counts;
    private readonly int _bits;
    private readonly long _subCount;
    private long _count;
    private long _min = long.MaxValue;
    private long _max;
    private double _sum;

    /// <summary>Creates an empty histogram. Allocates its bucket array; nothing else allocates afterwards.</summary>
    /// <param name="subBucketBits">
    /// Sub-bucket bits <c>b</c> in [<see cref="MinSubBucketBits"/>, <see cref="MaxSubBucketBits"/>] (default
    /// <see cref="DefaultSubBucketBits"/>). Relative error is <c>2^-(b+1)</c>. Out-of-range values throw
    /// <see cref="ArgumentOutOfRangeException"/>.
    /// </param>
    public LatencyHistogram(int subBucketBits = DefaultSubBucketBits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(subBucketBits, MinSubBucketBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(subBucketBits, MaxSubBucketBits);
        _bits = subBucketBits;
        _subCount = 1L << subBucketBits;
        // Highest bit of a non-negative long is 62, so shifts run 0..62-b: (64 - b) groups of 2^b counters.
        _counts = new long[(64 - subBucketBits) << subBucketBits];
    }

    /// <summary>Sub-bucket bits this histogram was created with.</summary>
    public int SubBucketBits => _bits;

    /// <summary>Largest relative error of a reported value against the recorded one: <c>2^-(b+1)</c>.</summary>
    public double MaxRelativeError => 1.0 / (2 * _subCount);

    /// <summary>Number of values recorded.</summary>
    public long Count => _count;

    /// <summary>Smallest value recorded (exact); 0 when empty.</summary>
    public long Min => _count == 0 ? 0 : _min;

    /// <summary>Largest value recorded (exact); 0 when empty.</summary>
    public long Max => _max;

    /// <summary>Arithmetic mean of the recorded values (exact up to double rounding); 0 when empty.</summary>
    public double Mean => _count == 0 ? 0 : _sum / _count;

    /// <summary>
    /// Records one value. Negative values (a clock stepping back) are recorded as 0. Allocation-free, lock-free,
    /// single writer.
    /// </summary>
    /// <param name="value">The value (ns or any unit), &gt;= 0; larger than the top bucket counts in the top bucket.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Record(long value)
    {
        if (value < 0) value = 0;
        _counts[IndexOf(value)]++;
        _count++;
        _sum += value;
        if (value < _min) _min = value;
        if (value > _max) _max = value;
    }

    /// <summary>
    /// Records <paramref name="value"/> <paramref name="times"/> times (e.g. a batch of equal per-operation timings).
    /// Negative values are recorded as 0; <paramref name="times"/> ≤ 0 records nothing. Allocation-free, single writer.
    /// </summary>
    /// <param name="value">The value, &gt;= 0.</param>
    /// <param name="times">How many times it was seen, &gt;= 0.</param>
    public void Record(long value, long times)
    {
        if (times <= 0) return;
        if (value < 0) value = 0;
        _counts[IndexOf(value)] += times;
        _count += times;
        _sum += (double)value * times;
        if (value < _min) _min = value;
        if (value > _max) _max = value;
    }

    /// <summary>
    /// The value at or below which <paramref name="percentile"/> % of the recorded values fall, within
    /// <see cref="MaxRelativeError"/> and clamped to [<see cref="Min"/>, <see cref="Max"/>]. 0 returns <see cref="Min"/>,
    /// 100 returns <see cref="Max"/>; an empty histogram returns 0. A percentile that is NaN or outside [0, 100] throws
    /// <see cref="ArgumentOutOfRangeException"/>. O(number of buckets); allocation-free.
    /// </summary>
    /// <param name="percentile">The percentile, in [0, 100].</param>
    public long ValueAtPercentile(double percentile)
    {
        if (double.IsNaN(percentile) || percentile < 0 || percentile > 100)
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "percentile must be in [0, 100]");
        long count = _count;
        if (count == 0) return 0;
        if (percentile == 0) return _min;
        if (percentile == 100) return _max;

        long rank = (long)Math.Ceiling(percentile / 100.0 * count);
        if (rank < 1) rank = 1;
        if (rank > count) rank = count;

        long seen = 0;
        long[] counts = _counts;
        for (int i = 0; i < counts.Length; i++)
        {
            seen += counts[i];
            if (seen >= rank) return Math.Clamp(MidpointOf(i), _min, _max);
        }
        return _max; // Only reachable when read while a writer is recording.
    }

    /// <summary>Forgets every recorded value. Allocation-free; not safe while a writer is recording.</summary>
    public void Reset()
    {
        Array.Clear(_counts);
        _count = 0;
        _sum = 0;
        _min = long.MaxValue;
        _max = 0;
    }

    /// <summary>
    /// Adds every value recorded in <paramref name="other"/> to this histogram (e.g. per-thread histograms into one).
    /// Both must have the same <see cref="SubBucketBits"/>, else <see cref="ArgumentException"/>; a null argument throws
    /// <see cref="ArgumentNullException"/>. Merging a histogram into itself doubles its counts. Allocation-free.
    /// </summary>
    /// <param name="other">A histogram with the same precision; it is left unchanged.</param>
    public void Merge(LatencyHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._bits != _bits)
            throw new ArgumentException($"cannot merge a histogram with {other._bits} sub-bucket bits into one with {_bits}", nameof(other));
        if (other._count == 0) return;
        long[] mine = _counts, theirs = other._counts;
        for (int i = 0; i < mine.Length; i++) mine[i] += theirs[i];
        long otherMin = other._min, otherMax = other._max;
        _count += other._count;
        _sum += other._sum;
        if (otherMin < _min) _min = otherMin;
        if (otherMax > _max) _max = otherMax;
    }

    /// <inheritdoc />
    public override string ToString()
        => _count == 0 ? "empty"
            : $"n={_count} min={Min} p50={ValueAtPercentile(50)} p99={ValueAtPercentile(99)} max={_max} mean={Mean:F1}";

    /// <summary>Bucket index: exact below 2^b, then 2^b sub-buckets per power of two. Branch-free.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal int IndexOf(long value)
    {
        int shift = BitOperations.Log2((ulong)(value | _subCount)) - _bits;
        return (shift << _bits) + (int)(value >> shift);
    }

    /// <summary>Smallest value that maps to bucket <paramref name="index"/>.</summary>
    internal long LowestOf(int index)
    {
        int shift = Math.Max(0, (index >> _bits) - 1);
        return (long)(index - (shift << _bits)) << shift;
    }

    /// <summary>Number of distinct values in bucket <paramref name="index"/>.</summary>
    internal long WidthOf(int index) => 1L << Math.Max(0, (index >> _bits) - 1);

    private long MidpointOf(int index) => LowestOf(index) + (WidthOf(index) >> 1);
}
