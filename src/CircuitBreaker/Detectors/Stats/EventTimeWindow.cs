namespace CircuitBreaker.Detectors;

/// <summary>
/// Sliding sum, count, minimum and maximum over event time, kept in a fixed ring of buckets of width
/// <c>window / buckets</c>. Construction allocates the ring; nothing allocates afterwards.
/// <para>
/// Coverage is conservative (never too long): at time <c>t</c> with bucket width <c>w</c> the window holds every
/// value whose bucket index lies in <c>(⌊t/w⌋ − buckets, ⌊t/w⌋]</c>, i.e. every value younger than <c>window − w</c>
/// and none older than <c>window</c>. It is exact when <c>t</c> falls on a bucket boundary. A value older than the
/// window when it arrives is dropped and counted in <see cref="Dropped"/>; a late value still inside the window goes
/// to its own bucket. Sums are recomputed from the buckets whenever the window slides, so rounding does not drift.
/// </para>
/// <para>
/// Buckets sit on multiples of their width on the time axis the caller passes. Where the grid must not depend on the
/// origin of event time, pass the time since an anchor (the built-in detectors pass the time since the first event they
/// observe, so a stream shifted by any constant falls into the same buckets); raw event times put the grid on multiples
/// of the width since t = 0, and a shift by a fraction of a bucket then moves values across bucket boundaries.
/// </para>
/// </summary>
public sealed class EventTimeWindow
{
    private readonly double[] _sum;
    private readonly long[] _count;
    private readonly double[] _min;
    private readonly double[] _max;
    private readonly int _buckets;
    private long _head = long.MinValue;
    private double _total;
    private long _totalCount;
    // The window's extremes, kept with the sums: raised by Add, recomputed from the buckets when the window slides, so
    // Min()/Max() are O(1) and equal to the scan over the buckets they replace.
    private double _lo = double.PositiveInfinity;
    private double _hi = double.NegativeInfinity;

    /// <summary>Creates an empty window. Allocates the bucket ring.</summary>
    /// <param name="windowNs">Window length in event-time nanoseconds; a positive multiple of <paramref name="buckets"/>.</param>
    /// <param name="buckets">Number of buckets (1 to 4096).</param>
    /// <exception cref="ArgumentOutOfRangeException">When the sizes are out of range or do not divide.</exception>
    public EventTimeWindow(long windowNs, int buckets)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowNs);
        ArgumentOutOfRangeException.ThrowIfLessThan(buckets, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(buckets, 4096);
        if (windowNs % buckets != 0)
            throw new ArgumentOutOfRangeException(nameof(windowNs), $"window {windowNs} ns is not a multiple of {buckets} buckets");
        WindowNs = windowNs;
        BucketNs = windowNs / buckets;
        _buckets = buckets;
        _sum = new double[buckets];
        _count = new long[buckets];
        _min = new double[buckets];
        _max = new double[buckets];
        for (int i = 0; i < buckets; i++) { _min[i] = double.PositiveInfinity; _max[i] = double.NegativeInfinity; }
    }

    /// <summary>Window length in nanoseconds.</summary>
    public long WindowNs { get; }
    /// <summary>Bucket width in nanoseconds.</summary>
    public long BucketNs { get; }
    /// <summary>Number of buckets.</summary>
    public int Buckets => _buckets;
    /// <summary>Sum of the values in the window as of the newest time seen.</summary>
    public double Sum => _total;
    /// <summary>Number of values in the window as of the newest time seen.</summary>
    public long Count => _totalCount;
    /// <summary>Values dropped because they were older than the window when they arrived (or not finite).</summary>
    public long Dropped { get; private set; }
    /// <summary>Index (<c>⌊t / BucketNs⌋</c>) of the newest bucket; <see cref="long.MinValue"/> before the first call.</summary>
    public long HeadBucket => _head;

    /// <summary>Bucket index of an event time (floor division, also for negative times).</summary>
    /// <param name="timeNs">Event time, ns (any origin, negative too).</param>
    /// <returns>The bucket index (floor division).</returns>
    public long BucketOf(long timeNs) => timeNs >= 0 ? timeNs / BucketNs : -((-timeNs + BucketNs - 1) / BucketNs);

    /// <summary>Slides the window forward to <paramref name="timeNs"/>; returns how many buckets it moved (0 when not forward).</summary>
    /// <param name="timeNs">Event time now, ns; earlier times leave the window as it is.</param>
    public long AdvanceTo(long timeNs)
    {
        long idx = BucketOf(timeNs);
        if (_head == long.MinValue) { _head = idx; return 0; }
        long steps = idx - _head;
        if (steps <= 0) return 0;
        if (steps >= _buckets)
        {
            for (int i = 0; i < _buckets; i++) Clear(i);
        }
        else
        {
            for (long b = _head + 1; b <= idx; b++) Clear(Slot(b));
        }
        _head = idx;
        Recount();
        return steps;
    }

    /// <summary>Adds a value at <paramref name="timeNs"/> (sliding first). Returns false when it was dropped.</summary>
    /// <param name="timeNs">Event time of the value, ns.</param>
    /// <param name="value">The value; a non-finite one is dropped and counted.</param>
    public bool Add(long timeNs, double value)
    {
        if (!double.IsFinite(value)) { Dropped++; return false; }
        AdvanceTo(timeNs);
        long idx = BucketOf(timeNs);
        if (idx <= _head - _buckets) { Dropped++; return false; }
        int s = Slot(idx);
        _sum[s] += value;
        _count[s]++;
        if (value < _min[s]) _min[s] = value;
        if (value > _max[s]) _max[s] = value;
        _total += value;
        _totalCount++;
        if (value < _lo) _lo = value;
        if (value > _hi) _hi = value;
        return true;
    }

    /// <summary>Smallest value in the window; NaN when empty. O(1): kept by <see cref="Add"/> and the slide.</summary>
    public double Min() => _totalCount > 0 ? _lo : double.NaN;

    /// <summary>Largest value in the window; NaN when empty. O(1): kept by <see cref="Add"/> and the slide.</summary>
    public double Max() => _totalCount > 0 ? _hi : double.NaN;

    /// <summary>Empties the window (keeps <see cref="Dropped"/>).</summary>
    public void Reset()
    {
        for (int i = 0; i < _buckets; i++) Clear(i);
        _head = long.MinValue;
        _total = 0;
        _totalCount = 0;
        _lo = double.PositiveInfinity;
        _hi = double.NegativeInfinity;
    }

    private int Slot(long bucket)
    {
        long m = bucket % _buckets;
        return (int)(m < 0 ? m + _buckets : m);
    }

    private void Clear(int slot)
    {
        _sum[slot] = 0;
        _count[slot] = 0;
        _min[slot] = double.PositiveInfinity;
        _max[slot] = double.NegativeInfinity;
    }

    private void Recount()
    {
        double t = 0, lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        long c = 0;
        for (int i = 0; i < _buckets; i++)
        {
            t += _sum[i];
            c += _count[i];
            if (_count[i] > 0 && _min[i] < lo) lo = _min[i];
            if (_count[i] > 0 && _max[i] > hi) hi = _max[i];
        }
        _total = t;
        _totalCount = c;
        _lo = lo;
        _hi = hi;
    }
}
