namespace CircuitBreaker.Detectors;

/// <summary>
/// Settings of <see cref="DrainDetector"/>. Outflows (<c>withdraw</c> and <c>transfer</c>) are summed over the last
/// <see cref="WindowBuckets"/> buckets of <see cref="BucketWidth"/> and compared with the key's typical window sum
/// (sampled at each of its outflows).
/// </summary>
public sealed class DrainOptions : IDetectorOptions
{
    /// <summary>Bucket width in event time (default 10 s).</summary>
    public TimeSpan BucketWidth { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Buckets in the window (default 60: ten minutes with the default bucket; at most 1024).</summary>
    public int WindowBuckets { get; init; } = 60;
    /// <summary>Outflows a key needs before its baseline is trusted (default 10).</summary>
    public int WarmupOutflows { get; init; } = 10;
    /// <summary>Weight of one sample (the window sum at an outflow) in the baseline (default 0.1); a tenth of it while an episode is open.</summary>
    public double BaselineAlpha { get; init; } = 0.1;
    /// <summary>Window outflow as a multiple of the typical window outflow that is a Warning (default 10).</summary>
    public double Ratio { get; init; } = 10;
    /// <summary>Multiple that is Critical (default 50).</summary>
    public double CriticalRatio { get; init; } = 50;
    /// <summary>Outflows of a key with no account are tracked per asset id below this bound; others are ignored (default 256).</summary>
    public int MaxAssets { get; init; } = 256;
    /// <summary>Pools (chain events' pool id, <see cref="RiskEvent.Aux"/>) whose total outflow is tracked, ids below this bound; 0 turns the pool check off (default 256).</summary>
    public int MaxPools { get; init; } = 256;
    /// <summary>Optional explicit asset id → instrument map for account-less findings (default none; see <see cref="FlashLoanOptions.AssetInstruments"/> for the rule).</summary>
    public IReadOnlyDictionary<int, InstrumentId>? AssetInstruments { get; init; }
    /// <summary>
    /// Materiality with a limit: an account's window outflow must reach this fraction of its daily-loss limit
    /// (<see cref="AccountLimits.MaxDailyLoss"/>, read from <see cref="DetectorContext.Limits"/>) (default 0.05). 0 disables.
    /// </summary>
    public double MaterialDailyLossFraction { get; init; } = 0.05;
    /// <summary>
    /// Materiality without a limit (and for asset and pool keys): the window outflow must reach this fraction of the key's learned
    /// daily range of window outflow: its slow root mean square × √(windows in 24 h) (default 0.25). 0 disables.
    /// </summary>
    public double MaterialDailyRangeFraction { get; init; } = 0.25;
    /// <summary>Cool-down in event time: an episode closes when the window sum falls below half the Warning level and this long has passed since its last finding (default 10 min).</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid setting.</summary>
    public void Validate() => new OptionErrors(nameof(DrainOptions))
        .Positive(BucketWidth, nameof(BucketWidth))
        .InRange(WindowBuckets, 1, 1024, nameof(WindowBuckets))
        .AtLeast(WarmupOutflows, 1, nameof(WarmupOutflows))
        .Fraction(BaselineAlpha, nameof(BaselineAlpha))
        .Positive(Ratio, nameof(Ratio))
        .Check(CriticalRatio >= Ratio, $"{nameof(CriticalRatio)} must be >= {nameof(Ratio)} (was {CriticalRatio})")
        .InRange(MaxAssets, 0, 1 << 20, nameof(MaxAssets))
        .InRange(MaxPools, 0, 1 << 20, nameof(MaxPools))
        .Materiality(MaterialDailyLossFraction, MaterialDailyRangeFraction)
        .NotNegative(Cooldown, nameof(Cooldown))
        .ThrowIfAny();
}
