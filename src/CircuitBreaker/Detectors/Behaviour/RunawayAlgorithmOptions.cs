namespace CircuitBreaker.Detectors;

/// <summary>
/// Settings of <see cref="RunawayAlgorithmDetector"/>. Every default is conservative: it fires only on departures of
/// an order of magnitude from the account's own baseline. Counts are per bucket of <see cref="BucketWidth"/> event time;
/// the window is the last <see cref="WindowBuckets"/> buckets including the current one.
/// </summary>
public sealed class RunawayAlgorithmOptions : IDetectorOptions
{
    /// <summary>Bucket width in event time (default 1 s).</summary>
    public TimeSpan BucketWidth { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Buckets in the window for accumulation, crossing-loss and the quantity trip (default 10, at most 64).</summary>
    public int WindowBuckets { get; init; } = 10;
    /// <summary>Active buckets (with orders or fills) the account needs before any baseline verdict (default 30).</summary>
    public int WarmupBuckets { get; init; } = 30;
    /// <summary>Weight of one bucket in the baselines (default 0.05, about a 20-bucket memory); a tenth of it while an episode is open.</summary>
    public double BaselineAlpha { get; init; } = 0.05;
    /// <summary>Order or fill count in the current bucket, as a multiple of the account's baseline, that is a rate signal (default 10).
    /// Orders and fills together are one signal: a taker's orders are its fills, so a burst of them is one piece of evidence.</summary>
    public double RateRatio { get; init; } = 10;
    /// <summary>Baseline floor in events per bucket, so a quiet account is not judged against ~0 (default 2).</summary>
    public double MinBaselineRate { get; init; } = 2;
    /// <summary>Absolute floor: fewer events than this in a bucket are never a rate signal (default 20).</summary>
    public double MinEventsPerBucket { get; init; } = 20;
    /// <summary>
    /// Net filled notional over the window, as a multiple of the account's baseline gross notional per bucket times
    /// the window length, that is an accumulation signal (default 3: net flow three times the account's usual total flow).
    /// </summary>
    public double AccumulationRatio { get; init; } = 3;
    /// <summary>Share of the window's active buckets whose net flow has the dominant sign (default 0.8).</summary>
    public double AccumulationConsistency { get; init; } = 0.8;
    /// <summary>Relative price tolerance for two new orders to count as near-identical (default 1e-4 = 1 bp); same instrument, side and quantity.</summary>
    public double RepeatPriceTolerance { get; init; } = 1e-4;
    /// <summary>Near-identical repeats in the current bucket, as a multiple of the baseline, that are a repeat signal (default 10).</summary>
    public double RepeatRatio { get; init; } = 10;
    /// <summary>Share of the window's fills that crossed the spread (buy at/above ask, sell at/below bid) for the crossing-loss signal (default 0.8).</summary>
    public double CrossingShare { get; init; } = 0.8;
    /// <summary>Fills in the window needed before the crossing-loss signal is judged (default 20).</summary>
    public int MinCrossingFills { get; init; } = 20;
    /// <summary>Share of the window's bucket-to-bucket PnL steps that must be losses for the crossing-loss signal (default 0.8, at least 4 steps).</summary>
    public double LossStepShare { get; init; } = 0.8;
    /// <summary>Off-market orders: a new buy priced more than this % above the quote mid (a sell below it) counts as off-market (default 10: beyond any collar a sane strategy crosses).</summary>
    public double OffMarketPct { get; init; } = 10;
    /// <summary>
    /// Off-market floor in ticks: an order is off-market only when it is also more than this many ticks of its instrument
    /// through the mid (default 10). A cheap option's premium of a few ticks is 10 % away at one tick: that is the spread,
    /// not a broken pricer.
    /// </summary>
    public double OffMarketMinTicks { get; init; } = 10;
    /// <summary>Off-market new orders within the window that raise the off-market signal; no warm-up needed (default 3: one can be a typo, three is a pattern).</summary>
    public int MinOffMarketOrders { get; init; } = 3;
    /// <summary>Deribit-style protection: absolute filled quantity (human units, all instruments) over the window that trips Critical; +infinity disables (default).</summary>
    public double QuantityLimit { get; init; } = double.PositiveInfinity;
    /// <summary>Deribit-style protection: absolute net filled quantity (buys minus sells) over the window that trips Critical; +infinity disables (default).</summary>
    public double DeltaLimit { get; init; } = double.PositiveInfinity;
    /// <summary>
    /// Materiality with a limit (accumulation and crossing loss): the window's net notional or loss must reach this fraction of the
    /// account's daily-loss limit (<see cref="AccountLimits.MaxDailyLoss"/>, read from <see cref="DetectorContext.Limits"/>)
    /// (default 0.05). 0 disables.
    /// </summary>
    public double MaterialDailyLossFraction { get; init; } = 0.05;
    /// <summary>
    /// Materiality without a limit: the window's net notional (loss) must reach this fraction of the account's learned daily
    /// range of gross flow (PnL change): its slow per-bucket root mean square × √(buckets in 24 h) (default 0.25). 0 disables.
    /// </summary>
    public double MaterialDailyRangeFraction { get; init; } = 0.25;
    /// <summary>Cool-down in event time: an episode closes only after a calm bucket and this long since its last finding (default 60 s).</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid setting.</summary>
    public void Validate() => new OptionErrors(nameof(RunawayAlgorithmOptions))
        .Positive(BucketWidth, nameof(BucketWidth))
        .InRange(WindowBuckets, 2, 64, nameof(WindowBuckets))
        .AtLeast(WarmupBuckets, 1, nameof(WarmupBuckets))
        .Fraction(BaselineAlpha, nameof(BaselineAlpha))
        .Positive(RateRatio, nameof(RateRatio))
        .Positive(MinBaselineRate, nameof(MinBaselineRate))
        .NotNegative(MinEventsPerBucket, nameof(MinEventsPerBucket))
        .Positive(AccumulationRatio, nameof(AccumulationRatio))
        .Fraction(AccumulationConsistency, nameof(AccumulationConsistency))
        .NotNegative(RepeatPriceTolerance, nameof(RepeatPriceTolerance))
        .Positive(RepeatRatio, nameof(RepeatRatio))
        .Fraction(CrossingShare, nameof(CrossingShare))
        .AtLeast(MinCrossingFills, 1, nameof(MinCrossingFills))
        .Fraction(LossStepShare, nameof(LossStepShare))
        .Positive(OffMarketPct, nameof(OffMarketPct))
        .NotNegative(OffMarketMinTicks, nameof(OffMarketMinTicks))
        .AtLeast(MinOffMarketOrders, 1, nameof(MinOffMarketOrders))
        .PositiveOrInfinity(QuantityLimit, nameof(QuantityLimit))
        .PositiveOrInfinity(DeltaLimit, nameof(DeltaLimit))
        .Materiality(MaterialDailyLossFraction, MaterialDailyRangeFraction)
        .NotNegative(Cooldown, nameof(Cooldown))
        .ThrowIfAny();
}
