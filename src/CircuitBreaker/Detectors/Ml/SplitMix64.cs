namespace CircuitBreaker.Detectors;

/// <summary>
/// SplitMix64 (Steele, Lea &amp; Flood 2014): a tiny seeded generator whose output depends only on the seed and
/// integer arithmetic, so sequences are bit-identical across runtimes and platforms (unlike <see cref="Random"/>).
/// A mutable value type; nothing allocates. Not for cryptography.
/// </summary>
internal struct SplitMix64
{
    private ulong _state;

    /// <summary>Creates a generator from a seed.</summary>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>Uniform integer in [0, <paramref name="exclusiveMax"/>) (Lemire's multiply-shift; negligible bias for small bounds).</summary>
    public int NextInt(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);
        return (int)(((NextUInt64() >> 32) * (ulong)exclusiveMax) >> 32);
    }
}
