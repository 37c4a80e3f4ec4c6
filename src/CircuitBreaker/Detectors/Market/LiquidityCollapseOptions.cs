namespace CircuitBreaker.Detectors;

/// <summary>Parameters of <see cref="LiquidityCollapseDetector"/>. Immutable after construction; <see cref="Validate"/> reports every problem at once.</summary>
public sealed class LiquidityCollapseOptions : IDetectorOptions
{
    /// <summary>Half-life of the spread and depth baselines. Default 2 min.</summary>
    public TimeSpan BaselineHalfLife { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>Floor of the baseline spread in bps, so a one-tick book widening to a few ticks is not a collapse. Default 1.</summary>
    public double MinBaselineSpreadBps { get; init; } = 1;
    /// <summary>The same floor in ticks (default 2): the floor used is the smaller of the two, so a sub-bps, one-tick book
    /// that widens ×30 is judged as ×15 (against 2 ticks), not ×5 (against 1 bps). +infinity keeps the bps floor only.</summary>
    public double MinBaselineSpreadTicks { get; init; } = 2;
    /// <summary>Spread / baseline at which, together with <see cref="DepthWarningDrop"/>, a Warning opens. Default 5.</summary>
    public double SpreadWarningRatio { get; init; } = 5;
    /// <summary>Baseline depth / displayed depth at which, together with <see cref="SpreadWarningRatio"/>, a Warning opens. Default 4 (depth at 25 %).</summary>
    public double DepthWarningDrop { get; init; } = 4;
    /// <summary>Spread / baseline that raises a Warning on its own (also used when depth is not given). Default 15.</summary>
    public double SpreadOnlyWarningRatio { get; init; } = 15;
    /// <summary>Spread / baseline needed, with <see cref="DepthCriticalDrop"/>, for Critical. Default 20.</summary>
    public double SpreadCriticalRatio { get; init; } = 20;
    /// <summary>Baseline depth / displayed depth needed, with <see cref="SpreadCriticalRatio"/>, for Critical. Default 10 (depth at 10 %).</summary>
    public double DepthCriticalDrop { get; init; } = 10;
    /// <summary>How long the Critical condition must hold in event time before the finding is Critical (a macro release's book recovers faster). Default 1 s.</summary>
    public TimeSpan CriticalPersist { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Fraction of the Warning condition below which an open episode ends. Default 0.5.</summary>
    public double RearmFraction { get; init; } = 0.5;
    /// <summary>Quotes per instrument before any verdict. Default 200.</summary>
    public int WarmupQuotes { get; init; } = 200;
    /// <summary>Event time since the instrument's first quote before any verdict. Default 30 s.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Event time after a finding before a new episode may open. Default 60 s.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid parameter.</summary>
    public void Validate()
    {
        var e = new OptionErrors(nameof(LiquidityCollapseOptions));
        e.Positive(BaselineHalfLife, nameof(BaselineHalfLife));
        e.Positive(MinBaselineSpreadBps, nameof(MinBaselineSpreadBps));
        e.PositiveOrInfinity(MinBaselineSpreadTicks, nameof(MinBaselineSpreadTicks));
        e.AtLeast(SpreadWarningRatio, 1, nameof(SpreadWarningRatio), "1");
        e.AtLeast(DepthWarningDrop, 1, nameof(DepthWarningDrop), "1");
        e.AtLeast(SpreadOnlyWarningRatio, SpreadWarningRatio, nameof(SpreadOnlyWarningRatio), nameof(SpreadWarningRatio));
        e.AtLeast(SpreadCriticalRatio, SpreadWarningRatio, nameof(SpreadCriticalRatio), nameof(SpreadWarningRatio));
        e.AtLeast(DepthCriticalDrop, DepthWarningDrop, nameof(DepthCriticalDrop), nameof(DepthWarningDrop));
        e.NotNegative(CriticalPersist, nameof(CriticalPersist));
        e.Fraction(RearmFraction, nameof(RearmFraction));
        e.NotNegative(WarmupQuotes, nameof(WarmupQuotes));
        e.NotNegative(Warmup, nameof(Warmup));
        e.NotNegative(Cooldown, nameof(Cooldown));
        e.ThrowIfAny();
    }
}
