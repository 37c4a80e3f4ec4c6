namespace CircuitBreaker.Detectors;

/// <summary>
/// Settings of <see cref="LossVelocityDetector"/>. PnL is in the instruments' quote currency (price × quantity ×
/// multiplier); the drawdown is the drop from the running peak within the last <see cref="WindowBuckets"/> buckets.
/// </summary>
public sealed class LossVelocityOptions : IDetectorOptions
{
    /// <summary>Bucket width in event time (default 1 s).</summary>
    public TimeSpan BucketWidth { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Buckets in the peak window (default 60: a one-minute window; at most 1024).</summary>
    public int WindowBuckets { get; init; } = 60;
    /// <summary>Closed buckets with PnL activity before the baseline is trusted (default 30).</summary>
    public int WarmupBuckets { get; init; } = 30;
    /// <summary>Weight of one bucket in the swing baseline (default 0.05); a tenth of it while an episode is open.</summary>
    public double BaselineAlpha { get; init; } = 0.05;
    /// <summary>
    /// Drop ÷ (typical per-bucket swing × √buckets since the drop began), the fastest in the window, that is a Warning (default 6: a random walk of
    /// the account's own volatility almost never drops that fast).
    /// </summary>
    public double SwingRatio { get; init; } = 6;
    /// <summary>The same score that is Critical (default 12).</summary>
    public double CriticalSwingRatio { get; init; } = 12;
    /// <summary>Absolute floor: a drawdown below this is never a finding, whatever the baseline (default 0: no floor).</summary>
    public double MinDrawdown { get; init; }
    /// <summary>
    /// Materiality with a limit: for an account with a daily-loss limit (<see cref="AccountLimits.MaxDailyLoss"/>, read from
    /// <see cref="DetectorContext.Limits"/>), a drawdown is a finding only when it is at least this fraction of the limit
    /// (default 0.05: a loss that, repeated 20 times, would reach the limit). 0 disables.
    /// </summary>
    public double MaterialDailyLossFraction { get; init; } = 0.05;
    /// <summary>
    /// Materiality without a limit (and for groups): a drawdown is a finding only when it is at least this fraction of the
    /// track's typical daily range, learned as its slow per-bucket swing × √(buckets in <see cref="Day"/>) (default 0.25).
    /// A quiet account's first ordinary loss is many times its per-second swing but a small part of its daily range. 0 disables.
    /// </summary>
    public double MaterialDailyRangeFraction { get; init; } = 0.25;
    /// <summary>Weight of one bucket in the slow swing behind the daily range (default 0.002, a memory of about 8 minutes of 1 s buckets).</summary>
    public double ScaleAlpha { get; init; } = 0.002;
    /// <summary>The trading day the typical range is scaled to (default 24 h).</summary>
    public TimeSpan Day { get; init; } = TimeSpan.FromHours(24);
    /// <summary>
    /// A group's finding is Critical (and so may restrict the group) only when at least this many accounts holding the
    /// group's instruments are themselves in a loss-velocity episode (default 2): one account's loss is that account's
    /// finding, not group-level evidence. 1 lets one account's loss escalate to its group.
    /// </summary>
    public int GroupMinAccounts { get; init; } = 2;
    /// <summary>Absolute drawdown that is Critical on its own, warm-up or not; +infinity disables (default).</summary>
    public double CriticalDrawdown { get; init; } = double.PositiveInfinity;
    /// <summary>Also judge per risk group (sum over accounts of the group's instruments) (default true).</summary>
    public bool PerGroup { get; init; } = true;
    /// <summary>Cool-down in event time: an episode closes after a calm bucket and this long since its last finding (default 60 s).</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid setting.</summary>
    public void Validate() => new OptionErrors(nameof(LossVelocityOptions))
        .Positive(BucketWidth, nameof(BucketWidth))
        .InRange(WindowBuckets, 2, 1024, nameof(WindowBuckets))
        .AtLeast(WarmupBuckets, 1, nameof(WarmupBuckets))
        .Fraction(BaselineAlpha, nameof(BaselineAlpha))
        .Positive(SwingRatio, nameof(SwingRatio))
        .Check(CriticalSwingRatio >= SwingRatio, $"{nameof(CriticalSwingRatio)} must be >= {nameof(SwingRatio)} (was {CriticalSwingRatio})")
        .NotNegative(MinDrawdown, nameof(MinDrawdown))
        .Materiality(MaterialDailyLossFraction, MaterialDailyRangeFraction)
        .Fraction(ScaleAlpha, nameof(ScaleAlpha))
        .Check(Day >= BucketWidth, $"{nameof(Day)} must be ≥ {nameof(BucketWidth)} (was {Day})")
        .InRange(GroupMinAccounts, 1, 64, nameof(GroupMinAccounts))
        .PositiveOrInfinity(CriticalDrawdown, nameof(CriticalDrawdown))
        .NotNegative(Cooldown, nameof(Cooldown))
        .ThrowIfAny();
}
