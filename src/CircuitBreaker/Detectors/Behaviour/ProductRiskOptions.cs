namespace CircuitBreaker.Detectors;

/// <summary>
/// Settings of <see cref="ProductRiskDetector"/>. Greeks and swap limits are per risk group and in the units the
/// engine reports in its <c>position</c> events; they have no universal value, so they default to +infinity (off)
/// and must be set per book. Barrier thresholds have working defaults.
/// </summary>
public sealed class ProductRiskOptions : IDetectorOptions
{
    /// <summary>Limit of |Σ delta| per group; +infinity disables (default).</summary>
    public double MaxAbsDelta { get; init; } = double.PositiveInfinity;
    /// <summary>Limit of |Σ gamma| per group; +infinity disables (default).</summary>
    public double MaxAbsGamma { get; init; } = double.PositiveInfinity;
    /// <summary>Limit of |Σ vega| per group; +infinity disables (default).</summary>
    public double MaxAbsVega { get; init; } = double.PositiveInfinity;
    /// <summary>Limit of |Σ notional × sensitivity| of swaps per group; +infinity disables (default).</summary>
    public double MaxSwapExposure { get; init; } = double.PositiveInfinity;
    /// <summary>Share of a limit that raises a Warning before the Critical breach at 100 % (default 0.8).</summary>
    public double WarningFraction { get; init; } = 0.8;
    /// <summary>Share of a limit below which an episode may close (hysteresis; default 0.7).</summary>
    public double ReleaseFraction { get; init; } = 0.7;
    /// <summary>Barrier: distance of spot from the barrier, in % of the barrier, that is a Warning (default 2 %).</summary>
    public double BarrierWarningPct { get; init; } = 2;
    /// <summary>Barrier: distance in % that is Critical — gamma explodes near the barrier (default 0.5 %).</summary>
    public double BarrierCriticalPct { get; init; } = 0.5;
    /// <summary>Barrier: distance in ticks of the spot instrument that is a Warning, whatever the % (default 20).</summary>
    public double BarrierWarningTicks { get; init; } = 20;
    /// <summary>Barrier: distance in ticks that is Critical (default 5).</summary>
    public double BarrierCriticalTicks { get; init; } = 5;
    /// <summary>Barrier: distance in % beyond which an episode may close (hysteresis; default 3 %).</summary>
    public double BarrierReleasePct { get; init; } = 3;
    /// <summary>Cool-down in event time before an episode may close after its last finding (default 60 s).</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid setting.</summary>
    public void Validate() => new OptionErrors(nameof(ProductRiskOptions))
        .PositiveOrInfinity(MaxAbsDelta, nameof(MaxAbsDelta))
        .PositiveOrInfinity(MaxAbsGamma, nameof(MaxAbsGamma))
        .PositiveOrInfinity(MaxAbsVega, nameof(MaxAbsVega))
        .PositiveOrInfinity(MaxSwapExposure, nameof(MaxSwapExposure))
        .Fraction(WarningFraction, nameof(WarningFraction))
        .Check(ReleaseFraction > 0 && ReleaseFraction <= WarningFraction, $"{nameof(ReleaseFraction)} must be in (0, {nameof(WarningFraction)}] (was {ReleaseFraction})")
        .Positive(BarrierWarningPct, nameof(BarrierWarningPct))
        .Check(BarrierCriticalPct > 0 && BarrierCriticalPct <= BarrierWarningPct, $"{nameof(BarrierCriticalPct)} must be in (0, {nameof(BarrierWarningPct)}] (was {BarrierCriticalPct})")
        .NotNegative(BarrierWarningTicks, nameof(BarrierWarningTicks))
        .Check(BarrierCriticalTicks >= 0 && BarrierCriticalTicks <= BarrierWarningTicks, $"{nameof(BarrierCriticalTicks)} must be in [0, {nameof(BarrierWarningTicks)}] (was {BarrierCriticalTicks})")
        .Check(BarrierReleasePct >= BarrierWarningPct, $"{nameof(BarrierReleasePct)} must be >= {nameof(BarrierWarningPct)} (was {BarrierReleasePct})")
        .NotNegative(Cooldown, nameof(Cooldown))
        .ThrowIfAny();
}
