namespace CircuitBreaker.Detectors;

/// <summary>Parameters of <see cref="OracleDetector"/>. Immutable after construction; <see cref="Validate"/> reports every problem at once.</summary>
public sealed class OracleOptions : IDetectorOptions
{
    /// <summary>Oracle sources per instrument, told apart by <see cref="RiskEvent.Aux"/> in <c>[0, MaxSources)</c>; Aux −1 counts as source 0, others are ignored. Default 4.</summary>
    public int MaxSources { get; init; } = 4;
    /// <summary>Move between two updates of one source, in %, that raises a Warning. Default 10.</summary>
    public double JumpWarningPct { get; init; } = 10;
    /// <summary>Move between two updates of one source, in %, that is Critical. Default 50 (Liquity's maximum move between rounds).</summary>
    public double JumpCriticalPct { get; init; } = 50;
    /// <summary>Disagreement between two fresh sources, in %, that raises a Warning. Default 2.</summary>
    public double CrossSourceWarningPct { get; init; } = 2;
    /// <summary>Disagreement between two fresh sources, in %, that is Critical. Default 5 (Liquity's cross-oracle limit).</summary>
    public double CrossSourceCriticalPct { get; init; } = 5;
    /// <summary>Floor of the oracle-vs-mark band in bps (beyond the learned basis). Default 300.</summary>
    public double DeviationWarningBps { get; init; } = 300;
    /// <summary>Floor of the Critical oracle-vs-mark band in bps (beyond the learned basis). Default 1000.</summary>
    public double DeviationCriticalBps { get; init; } = 1000;
    /// <summary>Warning band in multiples of the learned basis standard deviation, when wider than the floor. Default 8.</summary>
    public double DeviationWarningSigmas { get; init; } = 8;
    /// <summary>Critical band in multiples of the learned basis standard deviation, when wider than the floor. Default 20.</summary>
    public double DeviationCriticalSigmas { get; init; } = 20;
    /// <summary>Half-life of the learned basis (oracle − mark, in bps). Default 10 min.</summary>
    public TimeSpan BasisHalfLife { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Basis samples (oracle updates with a fresh mark) needed before the deviation check gives a verdict. Default 50.</summary>
    public int BasisWarmupSamples { get; init; } = 50;
    /// <summary>Oldest quote mid used as the venue mark. Default 5 s.</summary>
    public TimeSpan MarkMaxAge { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Age of the freshest oracle update at which it is stale (Warning); also the freshness a source needs to be compared with another. Default 60 s.</summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>Multiple of <see cref="StaleAfter"/> at which staleness is Critical. Default 10.</summary>
    public double StaleCriticalFactor { get; init; } = 10;
    /// <summary>
    /// Keep comparing an oracle older than <see cref="StaleAfter"/> with the market, and make the deviation Critical as soon
    /// as it passes the Warning band (<see cref="DeviationWarningBps"/>, or its sigma band): a stale oracle far from the
    /// market is what protocols still price off. Default true; false skips the comparison once the oracle is stale.
    /// </summary>
    public bool StaleDivergentCritical { get; init; } = true;
    /// <summary>Fraction of the Warning threshold below which an open jump, cross-source or deviation episode ends. Default 0.5.</summary>
    public double RearmFraction { get; init; } = 0.5;
    /// <summary>Oracle updates per instrument before any verdict. Default 10.</summary>
    public int WarmupUpdates { get; init; } = 10;
    /// <summary>Event time since the instrument's first oracle update before any verdict. Default 10 s.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Event time after a finding before a new episode of the same check may open. Default 60 s.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid parameter.</summary>
    public void Validate()
    {
        var e = new OptionErrors(nameof(OracleOptions));
        e.InRange(MaxSources, 1, 64, nameof(MaxSources));
        e.Band(JumpWarningPct, JumpCriticalPct, nameof(JumpWarningPct), nameof(JumpCriticalPct));
        e.Band(CrossSourceWarningPct, CrossSourceCriticalPct, nameof(CrossSourceWarningPct), nameof(CrossSourceCriticalPct));
        e.Band(DeviationWarningBps, DeviationCriticalBps, nameof(DeviationWarningBps), nameof(DeviationCriticalBps));
        e.Band(DeviationWarningSigmas, DeviationCriticalSigmas, nameof(DeviationWarningSigmas), nameof(DeviationCriticalSigmas));
        e.Positive(BasisHalfLife, nameof(BasisHalfLife));
        e.NotNegative(BasisWarmupSamples, nameof(BasisWarmupSamples));
        e.Positive(MarkMaxAge, nameof(MarkMaxAge));
        e.Positive(StaleAfter, nameof(StaleAfter));
        e.AtLeast(StaleCriticalFactor, 1, nameof(StaleCriticalFactor), "1");
        e.Fraction(RearmFraction, nameof(RearmFraction));
        e.NotNegative(WarmupUpdates, nameof(WarmupUpdates));
        e.NotNegative(Warmup, nameof(Warmup));
        e.NotNegative(Cooldown, nameof(Cooldown));
        e.ThrowIfAny();
    }
}
