namespace CircuitBreaker.Detectors;

/// <summary>
/// One setting that scales every default detector's "how far from normal" thresholds together
/// (<see cref="SignatureSwitches.Sensitivity"/>; configuration file: <c>signatures.sensitivity</c>, default
/// <c>default</c>). The thresholds are multiplied by a factor: <see cref="Conservative"/> 1.5 (fewer warnings, later
/// detection), <see cref="Default"/> 1, <see cref="Aggressive"/> 0.7 (earlier detection, more warnings). Scaled:
/// ratios to a learned baseline, sigma (z) thresholds, price bands and jumps in bps or %, materiality fractions, and the
/// barrier distances (divided: a more sensitive breaker warns farther from the barrier). Not scaled: hard limits
/// configured in absolute units, staleness times, windows and warm-ups. docs/detection.md shows the effect of each
/// setting on detection and false alarms.
/// </summary>
public enum DetectionSensitivity
{
    /// <summary>The documented defaults (factor 1).</summary>
    Default = 0,
    /// <summary>Thresholds × 1.5: for desks that prefer fewer warnings at the cost of later detection.</summary>
    Conservative = 1,
    /// <summary>Thresholds × 0.7: earlier detection, more warnings.</summary>
    Aggressive = 2,
}

/// <summary>
/// The options of each default detector at a <see cref="DetectionSensitivity"/>: the documented defaults with the
/// thresholds named in <see cref="DetectionSensitivity"/> multiplied by <see cref="Factor"/> (null at the default, so
/// the default profile is the detectors' own defaults, unchanged). Setup only; allocates.
/// </summary>
internal static class SensitivityScaling
{
    /// <summary>The threshold factor of a setting; throws for an undefined value.</summary>
    public static double Factor(DetectionSensitivity s) => s switch
    {
        DetectionSensitivity.Default => 1.0,
        DetectionSensitivity.Conservative => 1.5,
        DetectionSensitivity.Aggressive => 0.7,
        _ => throw new ArgumentOutOfRangeException(nameof(s), s, "unknown detection sensitivity"),
    };

    private static readonly VolumeSpikeOptions s_volume = new();
    private static readonly PriceVelocityOptions s_price = new();
    private static readonly OracleOptions s_oracle = new();
    private static readonly LiquidityCollapseOptions s_liquidity = new();
    private static readonly MlAnomalyOptions s_ml = new();
    private static readonly RunawayAlgorithmOptions s_runaway = new();
    private static readonly QuoteStuffingOptions s_stuffing = new();
    private static readonly LossVelocityOptions s_loss = new();
    private static readonly FlashLoanOptions s_flash = new();
    private static readonly DrainOptions s_drain = new();
    private static readonly ProductRiskOptions s_product = new();

    public static VolumeSpikeOptions? VolumeSpike(double f) => f == 1 ? null : new()
    {
        WarningRatio = s_volume.WarningRatio * f, CriticalRatio = s_volume.CriticalRatio * f, MinZScore = s_volume.MinZScore * f,
    };

    public static PriceVelocityOptions? PriceVelocity(double f) => f == 1 ? null : new()
    {
        WarningBandBps = s_price.WarningBandBps * f, CriticalBandBps = s_price.CriticalBandBps * f,
        WarningSigmas = s_price.WarningSigmas * f, CriticalSigmas = s_price.CriticalSigmas * f,
        LongWarningBandBps = s_price.LongWarningBandBps * f, LongCriticalBandBps = s_price.LongCriticalBandBps * f,
    };

    public static OracleOptions? Oracle(double f) => f == 1 ? null : new()
    {
        JumpWarningPct = s_oracle.JumpWarningPct * f, JumpCriticalPct = s_oracle.JumpCriticalPct * f,
        CrossSourceWarningPct = s_oracle.CrossSourceWarningPct * f, CrossSourceCriticalPct = s_oracle.CrossSourceCriticalPct * f,
        DeviationWarningBps = s_oracle.DeviationWarningBps * f, DeviationCriticalBps = s_oracle.DeviationCriticalBps * f,
        DeviationWarningSigmas = s_oracle.DeviationWarningSigmas * f, DeviationCriticalSigmas = s_oracle.DeviationCriticalSigmas * f,
    };

    public static LiquidityCollapseOptions? LiquidityCollapse(double f) => f == 1 ? null : new()
    {
        SpreadWarningRatio = s_liquidity.SpreadWarningRatio * f, SpreadOnlyWarningRatio = s_liquidity.SpreadOnlyWarningRatio * f,
        SpreadCriticalRatio = s_liquidity.SpreadCriticalRatio * f,
        DepthWarningDrop = s_liquidity.DepthWarningDrop * f, DepthCriticalDrop = s_liquidity.DepthCriticalDrop * f,
    };

    public static MlAnomalyOptions? MlAnomaly(double f) => f == 1 ? null : new() { ThresholdSigmas = s_ml.ThresholdSigmas * f };

    public static RunawayAlgorithmOptions? RunawayAlgorithm(double f) => f == 1 ? null : new()
    {
        RateRatio = s_runaway.RateRatio * f, AccumulationRatio = s_runaway.AccumulationRatio * f, RepeatRatio = s_runaway.RepeatRatio * f,
        MaterialDailyLossFraction = s_runaway.MaterialDailyLossFraction * f, MaterialDailyRangeFraction = s_runaway.MaterialDailyRangeFraction * f,
    };

    public static QuoteStuffingOptions? QuoteStuffing(double f) => f == 1 ? null : new()
    {
        RateRatio = s_stuffing.RateRatio * f, CriticalRateRatio = s_stuffing.CriticalRateRatio * f, CancelRateRatio = s_stuffing.CancelRateRatio * f,
    };

    public static LossVelocityOptions? LossVelocity(double f) => f == 1 ? null : new()
    {
        SwingRatio = s_loss.SwingRatio * f, CriticalSwingRatio = s_loss.CriticalSwingRatio * f,
        MaterialDailyLossFraction = s_loss.MaterialDailyLossFraction * f, MaterialDailyRangeFraction = s_loss.MaterialDailyRangeFraction * f,
    };

    public static FlashLoanOptions? FlashLoan(double f) => f == 1 ? null : new()
    {
        MoveBps = s_flash.MoveBps * f, RoundTripSizeRatio = s_flash.RoundTripSizeRatio * f,
        MaterialDailyLossFraction = s_flash.MaterialDailyLossFraction * f, MaterialDailyRangeFraction = s_flash.MaterialDailyRangeFraction * f,
    };

    public static DrainOptions? Drain(double f) => f == 1 ? null : new()
    {
        Ratio = s_drain.Ratio * f, CriticalRatio = s_drain.CriticalRatio * f,
        MaterialDailyLossFraction = s_drain.MaterialDailyLossFraction * f, MaterialDailyRangeFraction = s_drain.MaterialDailyRangeFraction * f,
    };

    public static ProductRiskOptions? ProductRisk(double f) => f == 1 ? null : new()
    {
        BarrierWarningPct = s_product.BarrierWarningPct / f, BarrierCriticalPct = s_product.BarrierCriticalPct / f,
        BarrierWarningTicks = s_product.BarrierWarningTicks / f, BarrierCriticalTicks = s_product.BarrierCriticalTicks / f,
        BarrierReleasePct = s_product.BarrierReleasePct / f,
    };
}
