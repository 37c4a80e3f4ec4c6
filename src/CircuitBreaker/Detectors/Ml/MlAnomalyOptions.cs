namespace CircuitBreaker.Detectors;

/// <summary>Parameters of <see cref="MlAnomalyDetector"/>. Immutable after construction; <see cref="Validate"/> reports every problem at once.</summary>
public sealed class MlAnomalyOptions : IDetectorOptions
{
    /// <summary>Event-time interval of one feature sample per instrument (bounds the model's cost per event). Default 100 ms.</summary>
    public TimeSpan SampleInterval { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Half-life of the per-instrument feature normalisation and of the anomaly-score baseline. Default 10 min.</summary>
    public TimeSpan NormalisationHalfLife { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Floor of a feature's standard deviation as a fraction of its |mean| (plus 1e-9), so a constant feature does not explode. Default 0.1.</summary>
    public double MinRelativeStdDev { get; init; } = 0.1;
    /// <summary>Scale of the logistic squash of a feature's z-score into [0, 1]: <c>1 / (1 + e^(−z / scale))</c>. Default 2.</summary>
    public double SquashScale { get; init; } = 2;
    /// <summary>Samples an instrument's normalisation needs before its points train the model. Default 50.</summary>
    public int NormalisationWarmupSamples { get; init; } = 50;
    /// <summary>Samples per instrument before any verdict (the shared model must also have swapped its first window). Default 600 (60 s).</summary>
    public int WarmupSamples { get; init; } = 600;
    /// <summary>Standard scores of the anomaly score above its own baseline that open an episode. Default 4.</summary>
    public double ThresholdSigmas { get; init; } = 4;
    /// <summary>Standard scores below which an open episode ends. Default 2.</summary>
    public double RearmSigmas { get; init; } = 2;
    /// <summary>Floor of the anomaly-score baseline's standard deviation. Default 0.02.</summary>
    public double MinScoreStdDev { get; init; } = 0.02;
    /// <summary>Absolute anomaly score (in [0, 1]) also required to open an episode. Default 0.6.</summary>
    public double MinAnomalyScore { get; init; } = 0.6;
    /// <summary>Event time after a finding before a new episode may open. Default 60 s.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>Trees of the shared model. Default 25.</summary>
    public int Trees { get; init; } = 25;
    /// <summary>Depth of the shared model's trees. Default 10.</summary>
    public int Depth { get; init; } = 10;
    /// <summary>Window size ψ of the shared model. Default 250.</summary>
    public int WindowSize { get; init; } = 250;
    /// <summary>Seed of the shared model. Default 42.</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid parameter.</summary>
    public void Validate()
    {
        var e = new OptionErrors(nameof(MlAnomalyOptions));
        e.Positive(SampleInterval, nameof(SampleInterval));
        e.Positive(NormalisationHalfLife, nameof(NormalisationHalfLife));
        e.NotNegative(MinRelativeStdDev, nameof(MinRelativeStdDev));
        e.Positive(SquashScale, nameof(SquashScale));
        e.NotNegative(NormalisationWarmupSamples, nameof(NormalisationWarmupSamples));
        e.NotNegative(WarmupSamples, nameof(WarmupSamples));
        e.Band(RearmSigmas, ThresholdSigmas, nameof(RearmSigmas), nameof(ThresholdSigmas));
        e.Positive(MinScoreStdDev, nameof(MinScoreStdDev));
        e.Check(double.IsFinite(MinAnomalyScore) && MinAnomalyScore >= 0 && MinAnomalyScore <= 1, $"{nameof(MinAnomalyScore)} must be in [0, 1] (was {MinAnomalyScore})");
        e.NotNegative(Cooldown, nameof(Cooldown));
        e.ThrowIfAny();
        ModelOptions().Validate();
    }

    internal HalfSpaceTreesOptions ModelOptions() => new()
    {
        Dimensions = MlAnomalyDetector.FeatureCount, Trees = Trees, Depth = Depth, WindowSize = WindowSize, Seed = Seed,
    };
}
