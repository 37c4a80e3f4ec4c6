using System.Runtime.CompilerServices;

namespace CircuitBreaker.Detectors;

/// <summary>
/// The slots of a rolling window of event-time buckets, one ring of <see cref="Buckets"/> slots per key (account, group,
/// asset, pool...): bucket <c>b</c> of key <c>k</c> lives in slot <c>k × Buckets + b mod Buckets</c>, and the ring
/// remembers which bucket each slot holds, so a slot left over from an older lap (a bucket with no event) is told apart
/// from the bucket asked for. A detector keeps its per-bucket figures in its own arrays of <see cref="Length"/>, indexed
/// by these slots. Construction allocates the bucket numbers once; every other member allocates nothing.
/// </summary>
internal readonly struct BucketRing
{
    private readonly long[] _bucket; // bucket number each slot holds; long.MinValue: never used

    /// <summary>Rings of <paramref name="buckets"/> slots for <paramref name="keys"/> keys, all empty. Allocates.</summary>
    public BucketRing(int keys, int buckets)
    {
        Buckets = buckets;
        _bucket = new long[keys * buckets];
        Array.Fill(_bucket, long.MinValue);
    }

    /// <summary>Buckets in the window (slots per key).</summary>
    public int Buckets { get; }

    /// <summary>Slots over all keys: the length of the detector's per-bucket arrays.</summary>
    public int Length => _bucket.Length;

    /// <summary>Makes the slot of bucket <paramref name="b"/> (≥ 0) of <paramref name="key"/> hold it and returns the slot;
    /// the caller resets its figures there.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Open(int key, long b)
    {
        int s = Slot(key, b);
        _bucket[s] = b;
        return s;
    }

    /// <summary>The slot of bucket <paramref name="b"/> (≥ 0) of <paramref name="key"/>, whichever bucket it holds now
    /// (the current bucket's slot, once <see cref="Open"/> has claimed it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Slot(int key, long b) => key * Buckets + (int)(b % Buckets);

    /// <summary>The oldest bucket of the window that ends at bucket <paramref name="b"/>: <c>b − Buckets + 1</c>, at least 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long Oldest(long b) => Math.Max(0, b - Buckets + 1);

    /// <summary>The slot holding bucket <paramref name="b"/> (≥ 0) of <paramref name="key"/>, or −1 when its slot holds
    /// another bucket (no event fell in <paramref name="b"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(int key, long b)
    {
        int s = Slot(key, b);
        return _bucket[s] == b ? s : -1;
    }
}
