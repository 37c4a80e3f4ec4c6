namespace CircuitBreaker.Detectors;

/// <summary>Parameters of <see cref="VolumeSpikeDetector"/>. Immutable after construction; <see cref="Validate"/> reports every problem at once.</summary>
public sealed class VolumeSpikeOptions : IDetectorOptions
{
    /// <summary>Short window whose traded volume is watched. Default 1 s.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Buckets in the window (the baseline is sampled once per bucket). Default 10 (100 ms).</summary>
    public int Buckets { get; init; } = 10;
    /// <summary>Half-life of the baseline of the window's volume. Default 5 min: a one-second burst barely moves it.</summary>
    public TimeSpan BaselineHalfLife { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>Window volume / baseline mean at which a Warning episode opens. Default 10.</summary>
    public double WarningRatio { get; init; } = 10;
    /// <summary>Ratio at which the finding is Critical. Default 100: a macro release rarely exceeds 20–30×.</summary>
    public double CriticalRatio { get; init; } = 100;
    /// <summary>Ratio below which an open episode ends (hysteresis). Default 3.</summary>
    public double RearmRatio { get; init; } = 3;
    /// <summary>Minimum z-score of the window volume against the baseline for a ratio to count. Default 6.</summary>
    public double MinZScore { get; init; } = 6;
    /// <summary>Floor of the baseline standard deviation as a fraction of its mean (guards a too-steady baseline). Default 0.25.</summary>
    public double MinRelativeStdDev { get; init; } = 0.25;
    /// <summary>Baseline samples (bucket ends) needed before any verdict. Default 300 (30 s of 100 ms buckets).</summary>
    public int WarmupSamples { get; init; } = 300;
    /// <summary>Event time since the instrument's first trade before any verdict. Default 60 s.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>Event time after a finding before a new episode may open. Default 30 s.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid parameter.</summary>
    public void Validate()
    {
        var e = new OptionErrors(nameof(VolumeSpikeOptions));
        e.Positive(Window, nameof(Window));
        e.InRange(Buckets, 1, 4096, nameof(Buckets));
        e.Check(Buckets < 1 || EventTimeSpan.ToNs(Window) % Math.Max(1, Buckets) == 0, $"{nameof(Window)} must be a whole number of ns per bucket ({nameof(Buckets)})");
        e.Positive(BaselineHalfLife, nameof(BaselineHalfLife));
        e.Check(double.IsFinite(RearmRatio) && RearmRatio > 0, $"{nameof(RearmRatio)} must be finite and > 0 (was {RearmRatio})");
        e.AtLeast(WarningRatio, RearmRatio, nameof(WarningRatio), nameof(RearmRatio));
        e.AtLeast(CriticalRatio, WarningRatio, nameof(CriticalRatio), nameof(WarningRatio));
        e.NotNegative(MinZScore, nameof(MinZScore));
        e.Positive(MinRelativeStdDev, nameof(MinRelativeStdDev));
        e.NotNegative(WarmupSamples, nameof(WarmupSamples));
        e.NotNegative(Warmup, nameof(Warmup));
        e.NotNegative(Cooldown, nameof(Cooldown));
        e.ThrowIfAny();
    }
}
