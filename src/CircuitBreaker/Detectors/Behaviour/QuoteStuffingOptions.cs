namespace CircuitBreaker.Detectors;

/// <summary>
/// Settings of <see cref="QuoteStuffingDetector"/>. Only departures from the account's own baseline count: an
/// account that always cancels 97 % of its orders at a steady rate has that as its baseline.
/// </summary>
public sealed class QuoteStuffingOptions : IDetectorOptions
{
    /// <summary>Bucket width in event time (default 1 s).</summary>
    public TimeSpan BucketWidth { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Active buckets (with order messages) before any verdict (default 30).</summary>
    public int WarmupBuckets { get; init; } = 30;
    /// <summary>Weight of one bucket in the baselines (default 0.05); a tenth of it while an episode is open.</summary>
    public double BaselineAlpha { get; init; } = 0.05;
    /// <summary>Messages (new, replace, cancel) in the current bucket as a multiple of the baseline that is a rate signal (default 10).</summary>
    public double RateRatio { get; init; } = 10;
    /// <summary>Rate multiple at which the finding is Critical on its own (default 50).</summary>
    public double CriticalRateRatio { get; init; } = 50;
    /// <summary>Baseline floor in messages per bucket (default 5).</summary>
    public double MinBaselineRate { get; init; } = 5;
    /// <summary>Absolute floor: fewer messages than this in a bucket are never judged (default 50).</summary>
    public double MinMessagesPerBucket { get; init; } = 50;
    /// <summary>Rise of the cancel ratio above the account's baseline ratio that is a cancel signal (default 0.25, i.e. 25 points).</summary>
    public double CancelRatioJump { get; init; } = 0.25;
    /// <summary>Rate multiple that must accompany the cancel signal (default 3): stuffing is many messages, not a quiet change of style.</summary>
    public double CancelRateRatio { get; init; } = 3;
    /// <summary>Cool-down in event time: an episode closes after a calm bucket and this long since its last finding (default 60 s).</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid setting.</summary>
    public void Validate() => new OptionErrors(nameof(QuoteStuffingOptions))
        .Positive(BucketWidth, nameof(BucketWidth))
        .AtLeast(WarmupBuckets, 1, nameof(WarmupBuckets))
        .Fraction(BaselineAlpha, nameof(BaselineAlpha))
        .Positive(RateRatio, nameof(RateRatio))
        .Check(CriticalRateRatio >= RateRatio, $"{nameof(CriticalRateRatio)} must be >= {nameof(RateRatio)} (was {CriticalRateRatio})")
        .Positive(MinBaselineRate, nameof(MinBaselineRate))
        .NotNegative(MinMessagesPerBucket, nameof(MinMessagesPerBucket))
        .Fraction(CancelRatioJump, nameof(CancelRatioJump))
        .Positive(CancelRateRatio, nameof(CancelRateRatio))
        .NotNegative(Cooldown, nameof(Cooldown))
        .ThrowIfAny();
}
