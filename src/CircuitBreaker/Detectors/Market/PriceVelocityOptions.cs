namespace CircuitBreaker.Detectors;

/// <summary>Parameters of <see cref="PriceVelocityDetector"/>. Immutable after construction; <see cref="Validate"/> reports every problem at once.</summary>
public sealed class PriceVelocityOptions : IDetectorOptions
{
    /// <summary>Look-back window over which the price range is measured. Default 2 s (velocity logic, not a daily band).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Buckets in the window (the volatility baseline is sampled once per bucket). Default 10.</summary>
    public int Buckets { get; init; } = 10;
    /// <summary>Absolute floor of the Warning band in bps. Default 150: above what a macro release usually does in 2 s.</summary>
    public double WarningBandBps { get; init; } = 150;
    /// <summary>Absolute floor of the Critical band in bps. Default 500 (5 %, a flash-crash leg; LULD tier-1 band size).</summary>
    public double CriticalBandBps { get; init; } = 500;
    /// <summary>Warning band in multiples of the learned RMS window range, when that is wider than the floor. Default 8.</summary>
    public double WarningSigmas { get; init; } = 8;
    /// <summary>Critical band in multiples of the learned RMS window range, when wider than the floor. Default 20.</summary>
    public double CriticalSigmas { get; init; } = 20;
    /// <summary>Fraction of the Warning band below which an open episode ends. Default 0.5.</summary>
    public double RearmFraction { get; init; } = 0.5;
    /// <summary>Half-life of the learned window-range baseline. Default 10 min.</summary>
    public TimeSpan BaselineHalfLife { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>Baseline samples per price source needed before it gives a verdict. Default 300.</summary>
    public int WarmupSamples { get; init; } = 300;
    /// <summary>Event time since the instrument's first price before any verdict. Default 60 s.</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>Event time after a finding before a new episode may open. Default 30 s.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// Second, longer look-back window for slow pumps and dumps (a manipulated thin market walked up step by step, each
    /// step below the short window's band); 0 disables it. Default 60 s.
    /// </summary>
    public TimeSpan LongWindow { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>Buckets in the long window. Default 12 (5 s each).</summary>
    public int LongBuckets { get; init; } = 12;
    /// <summary>Absolute floor of the long window's Warning band in bps. Default 500 (5 % in a minute: a strong trending day moves about 1 %).</summary>
    public double LongWarningBandBps { get; init; } = 500;
    /// <summary>Absolute floor of the long window's Critical band in bps. Default 1000 (10 %, the LULD tier-2 band).</summary>
    public double LongCriticalBandBps { get; init; } = 1000;
    /// <summary>
    /// Measure an option's premium moves in bps of its underlying's price (else its strike) instead of the premium's own
    /// percentage. Default true: short-dated premiums move 25–50 % on a 0.1–0.2 % move of the underlying.
    /// </summary>
    public bool OptionsByUnderlying { get; init; } = true;
    /// <summary>Watch trade prices. Default true.</summary>
    public bool UseTrades { get; init; } = true;
    /// <summary>Watch quote mids (both sides positive, not crossed). Default true.</summary>
    public bool UseQuoteMids { get; init; } = true;
    /// <summary>Watch oracle prices (all sources together). Default true.</summary>
    public bool UseOracle { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid parameter.</summary>
    public void Validate()
    {
        var e = new OptionErrors(nameof(PriceVelocityOptions));
        e.Positive(Window, nameof(Window));
        e.InRange(Buckets, 1, 4096, nameof(Buckets));
        e.Check(Buckets < 1 || EventTimeSpan.ToNs(Window) % Math.Max(1, Buckets) == 0, $"{nameof(Window)} must be a whole number of ns per bucket ({nameof(Buckets)})");
        e.Band(WarningBandBps, CriticalBandBps, nameof(WarningBandBps), nameof(CriticalBandBps));
        e.Band(WarningSigmas, CriticalSigmas, nameof(WarningSigmas), nameof(CriticalSigmas));
        e.Fraction(RearmFraction, nameof(RearmFraction));
        e.Positive(BaselineHalfLife, nameof(BaselineHalfLife));
        e.NotNegative(WarmupSamples, nameof(WarmupSamples));
        e.NotNegative(Warmup, nameof(Warmup));
        e.NotNegative(Cooldown, nameof(Cooldown));
        e.NotNegative(LongWindow, nameof(LongWindow));
        e.InRange(LongBuckets, 1, 4096, nameof(LongBuckets));
        e.Check(LongWindow == TimeSpan.Zero || (LongWindow > Window && EventTimeSpan.ToNs(LongWindow) % Math.Max(1, LongBuckets) == 0),
            $"{nameof(LongWindow)} must be 0 (off) or longer than {nameof(Window)} and a whole number of ns per bucket ({nameof(LongBuckets)})");
        e.Band(LongWarningBandBps, LongCriticalBandBps, nameof(LongWarningBandBps), nameof(LongCriticalBandBps));
        e.Check(UseTrades || UseQuoteMids || UseOracle, "at least one price source must be used");
        e.ThrowIfAny();
    }
}
