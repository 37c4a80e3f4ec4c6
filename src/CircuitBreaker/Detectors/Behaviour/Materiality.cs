namespace CircuitBreaker.Detectors;

/// <summary>
/// The one materiality rule of the detectors that score money or size against a learned baseline (loss velocity,
/// runaway algorithm, drain, flash-loan round trip): a finding needs an abnormal rate <em>and</em> a material amount.
/// An amount is material when it reaches
/// <list type="bullet">
/// <item>with a daily-loss limit configured for the account (<see cref="DetectorContext.MaxDailyLoss"/>): the limit ×
/// the detector's <c>MaterialDailyLossFraction</c> (default 0.05: an amount that, repeated 20 times, reaches the limit);</item>
/// <item>otherwise (no limit, account-less keys, groups): the key's typical daily range × the detector's
/// <c>MaterialDailyRangeFraction</c>. The typical daily range is learned, not a per-second swing: a slow root mean
/// square of the key's per-period amount (<see cref="Scale"/>) × √(periods per day), the range a random walk of that
/// step makes in a day.</item>
/// </list>
/// A fraction of 0 turns that branch off. Construction allocates one double per account; <see cref="Threshold"/>,
/// <see cref="IsMaterial"/> and <see cref="Learn"/> are O(1) and allocate nothing.
/// </summary>
internal sealed class Materiality
{
    /// <summary>The trading day the learned range is scaled to when a detector has no <c>Day</c> option.</summary>
    public static readonly TimeSpan DefaultDay = TimeSpan.FromHours(24);
    /// <summary>Weight of one period in the slow scale when a detector has no <c>ScaleAlpha</c> option (about 500 periods of memory).</summary>
    public const double DefaultScaleAlpha = 0.002;
    /// <summary>Periods of the slow scale before its samples are winsorised (the amount being judged cannot raise its own bar).</summary>
    public const int DefaultWarmup = 30;

    /// <summary>One key's learned scale: the slow mean square of its per-period amount. A plain value.</summary>
    public struct Scale
    {
        /// <summary>Mean of the squared per-period amount.</summary>
        public double Square;
        /// <summary>Periods learned (saturates).</summary>
        public int Count;

        /// <summary>The root mean square of the per-period amount.</summary>
        public readonly double Rms => Math.Sqrt(Square);
    }

    private readonly double[] _limitFloor; // per account: fraction × MaxDailyLoss, 0 when none
    private readonly double _rangeFraction, _dayScale, _alpha;
    private readonly int _warmup;

    /// <summary>Creates the rule. Allocates; setup only.</summary>
    /// <param name="context">The accounts and their limits (<see cref="DetectorContext.MaxDailyLoss"/>), read once here.</param>
    /// <param name="dailyLossFraction">Fraction of the account's daily-loss limit that is material (0: the limit is not used).</param>
    /// <param name="dailyRangeFraction">Fraction of the learned daily range that is material (0: off).</param>
    /// <param name="period">The period one learned sample covers (a bucket, a window).</param>
    /// <param name="day">The trading day the range is scaled to.</param>
    /// <param name="scaleAlpha">Weight of one period in the slow scale.</param>
    /// <param name="warmup">Periods before samples are winsorised at 4 × the scale.</param>
    public Materiality(DetectorContext context, double dailyLossFraction, double dailyRangeFraction, TimeSpan period, TimeSpan day,
        double scaleAlpha = DefaultScaleAlpha, int warmup = DefaultWarmup)
    {
        _limitFloor = new double[context.AccountCapacity];
        for (int a = 0; a < _limitFloor.Length; a++)
        {
            double limit = context.MaxDailyLoss(a);
            _limitFloor[a] = double.IsFinite(limit) ? dailyLossFraction * limit : 0;
        }
        _rangeFraction = dailyRangeFraction;
        _dayScale = Math.Sqrt(Math.Max(1.0, (double)EventTimeSpan.ToNs(day) / EventTimeSpan.ToNs(period)));
        _alpha = scaleAlpha;
        _warmup = warmup;
    }

    /// <summary>
    /// The smallest material amount for <paramref name="account"/> (negative: no account, e.g. a group, an asset or a
    /// pool): the limit's fraction when the account has a limit, else the learned daily range's fraction.
    /// </summary>
    public double Threshold(int account, in Scale scale)
    {
        if ((uint)account < (uint)_limitFloor.Length && _limitFloor[account] > 0) return _limitFloor[account];
        return _rangeFraction * scale.Rms * _dayScale;
    }

    /// <summary>True when <paramref name="amount"/> (money or size, ≥ 0) is material for the key.</summary>
    public bool IsMaterial(double amount, int account, in Scale scale) => amount >= Threshold(account, in scale);

    /// <summary>
    /// Learns one period's amount into <paramref name="scale"/>: a plain mean of the squares until 1/n falls below the
    /// weight, then exponential (no first-sample bias); winsorised at 4 × the scale once warm, and a tenth of the weight
    /// while the key's episode is open, so the amount being judged cannot raise its own bar.
    /// </summary>
    public void Learn(ref Scale scale, double amount, bool inEpisode)
    {
        if (!double.IsFinite(amount)) return;
        if (scale.Count >= _warmup)
        {
            double cap = 4 * scale.Rms;
            amount = Math.Clamp(amount, -cap, cap);
        }
        if (scale.Count < int.MaxValue) scale.Count++;
        double w = Math.Max(inEpisode ? _alpha * 0.1 : _alpha, 1.0 / scale.Count);
        scale.Square += w * (amount * amount - scale.Square);
    }
}
