namespace CircuitBreaker.Detectors;

/// <summary>Settings of <see cref="FlashLoanDetector"/>.</summary>
public sealed class FlashLoanOptions : IDetectorOptions
{
    /// <summary>When a chain event has no block number, a borrow and a repay within this long in event time count as one block (default 2 s).</summary>
    public TimeSpan SameBlockWindow { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Swaps needed between the borrow and the repay (default 1).</summary>
    public int MinSwaps { get; init; } = 1;
    /// <summary>Move of the referenced instrument's price, in bps from its price at the borrow, that makes the pattern an attack (default 300 = 3 %).</summary>
    public double MoveBps { get; init; } = 300;
    /// <summary>Open borrows tracked at once; the oldest is dropped when full (default 64).</summary>
    public int MaxOpenLoans { get; init; } = 64;
    /// <summary>Optional explicit asset id → instrument map; otherwise asset k is the first instrument of the k-th underlying registered (default none).</summary>
    public IReadOnlyDictionary<int, InstrumentId>? AssetInstruments { get; init; }
    /// <summary>Round trip: a position opened from flat and closed to flat within this long while the mark moved by <see cref="MoveBps"/> (default 60 s).</summary>
    public TimeSpan RoundTripWindow { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>Round trip: the largest notional held, as a multiple of the account's typical fill notional, that makes it large (default 20).</summary>
    public double RoundTripSizeRatio { get; init; } = 20;
    /// <summary>Round trip: fills an account needs before its typical fill notional is trusted (default 20).</summary>
    public int WarmupFills { get; init; } = 20;
    /// <summary>
    /// Round-trip materiality with a limit: the largest notional held must reach this fraction of the account's daily-loss limit
    /// (<see cref="AccountLimits.MaxDailyLoss"/>, read from <see cref="DetectorContext.Limits"/>) (default 0.05). 0 disables.
    /// </summary>
    public double MaterialDailyLossFraction { get; init; } = 0.05;
    /// <summary>
    /// Round-trip materiality without a limit: the largest notional held must reach this fraction of the account's learned daily
    /// range of fill notional: its slow root mean square × √(<see cref="RoundTripWindow"/>s in 24 h) (default 0.25). 0 disables.
    /// </summary>
    public double MaterialDailyRangeFraction { get; init; } = 0.25;
    /// <summary>Cool-down in event time between two findings on the same target (default 60 s).</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid setting.</summary>
    public void Validate() => new OptionErrors(nameof(FlashLoanOptions))
        .NotNegative(SameBlockWindow, nameof(SameBlockWindow))
        .AtLeast(MinSwaps, 0, nameof(MinSwaps))
        .Positive(MoveBps, nameof(MoveBps))
        .InRange(MaxOpenLoans, 1, 4096, nameof(MaxOpenLoans))
        .Positive(RoundTripWindow, nameof(RoundTripWindow))
        .Positive(RoundTripSizeRatio, nameof(RoundTripSizeRatio))
        .AtLeast(WarmupFills, 1, nameof(WarmupFills))
        .Materiality(MaterialDailyLossFraction, MaterialDailyRangeFraction)
        .NotNegative(Cooldown, nameof(Cooldown))
        .ThrowIfAny();
}
