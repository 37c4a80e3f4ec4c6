namespace CircuitBreaker.Detectors;

/// <summary>Parameters of <see cref="HalfSpaceTrees"/>. Immutable after construction; <see cref="Validate"/> reports every problem at once.</summary>
public sealed class HalfSpaceTreesOptions
{
    /// <summary>Number of features (dimensions), each expected in [0, 1]. Required (no default; must be 1 to 256).</summary>
    public int Dimensions { get; init; }
    /// <summary>Number of trees. Default 25 (the paper's setting).</summary>
    public int Trees { get; init; } = 25;
    /// <summary>Depth of every tree. Default 10 (the paper: 15; 10 keeps 25 trees at ~1 MB). At most 20.</summary>
    public int Depth { get; init; } = 10;
    /// <summary>Window size ψ: updates per reference/latest window swap. Default 250 (the paper's setting).</summary>
    public int WindowSize { get; init; } = 250;
    /// <summary>Scoring stops at a node whose reference mass is at or below this fraction of ψ. Default 0.1 (the paper's sizeLimit).</summary>
    public double SizeLimitFraction { get; init; } = 0.1;
    /// <summary>Seed of the deterministic generator that builds the trees. Default 42.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid parameter.</summary>
    public void Validate()
    {
        var e = new OptionErrors(nameof(HalfSpaceTreesOptions));
        e.InRange(Dimensions, 1, 256, nameof(Dimensions));
        e.InRange(Trees, 1, 1024, nameof(Trees));
        e.InRange(Depth, 1, 20, nameof(Depth));
        e.Check(WindowSize >= 1, $"{nameof(WindowSize)} must be ≥ 1 (was {WindowSize})");
        e.Check(double.IsFinite(SizeLimitFraction) && SizeLimitFraction >= 0 && SizeLimitFraction < 1,
            $"{nameof(SizeLimitFraction)} must be in [0, 1) (was {SizeLimitFraction})");
        e.Check((long)Trees * ((1L << (Math.Clamp(Depth, 1, 20) + 1)) - 1) <= 64L << 20, "Trees × nodes must not exceed 64 Mi nodes");
        e.ThrowIfAny();
    }
}
