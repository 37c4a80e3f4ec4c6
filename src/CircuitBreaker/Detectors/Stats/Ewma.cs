namespace CircuitBreaker.Detectors;

/// <summary>
/// Exponentially weighted mean and variance with event-time decay: the weight of a new sample is
/// <c>alpha = 1 − 2^(−Δt / half-life)</c>, so irregular spacing is handled (a sample after a long gap counts more).
/// While few samples have been seen, alpha is floored at <c>1 / (count + 1)</c>, which makes the early estimate the
/// plain running mean (no bias towards the first sample) and keeps same-timestamp samples from being ignored.
/// A mutable value type meant to live in preallocated per-instrument arrays and be updated through a <c>ref</c>;
/// nothing allocates. Non-finite samples are ignored; an out-of-order sample counts as <c>Δt = 0</c>.
/// </summary>
public struct Ewma
{
    private const double Ln2 = 0.6931471805599453;
    private readonly double _decayPerNs;

    /// <summary>Creates an empty estimator.</summary>
    /// <param name="halfLifeNs">Half-life in event-time nanoseconds (&gt; 0).</param>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="halfLifeNs"/> is not positive.</exception>
    public Ewma(long halfLifeNs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(halfLifeNs);
        HalfLifeNs = halfLifeNs;
        _decayPerNs = Ln2 / halfLifeNs;
        Mean = 0; Variance = 0; Count = 0; LastTimeNs = long.MinValue;
    }

    /// <summary>Half-life in event-time nanoseconds.</summary>
    public long HalfLifeNs { get; }
    /// <summary>Weighted mean (0 before the first sample).</summary>
    public double Mean { get; private set; }
    /// <summary>Weighted variance (0 before the second sample).</summary>
    public double Variance { get; private set; }
    /// <summary>Number of samples taken.</summary>
    public long Count { get; private set; }
    /// <summary>Event time of the newest sample; <see cref="long.MinValue"/> before the first.</summary>
    public long LastTimeNs { get; private set; }
    /// <summary>Square root of <see cref="Variance"/>.</summary>
    public readonly double StdDev => Math.Sqrt(Variance);
    /// <summary>Root mean square: <c>sqrt(Mean² + Variance)</c>, a scale that stays positive when the mean is near 0.</summary>
    public readonly double Rms => Math.Sqrt(Mean * Mean + Variance);

    /// <summary>Weight a sample <paramref name="dtNs"/> after the previous one would get, before the count floor.</summary>
    /// <param name="dtNs">Event time since the last update, ns.</param>
    /// <returns>The weight of a new sample after that gap (0 for a gap of 0 or less).</returns>
    public readonly double AlphaFor(long dtNs) => dtNs <= 0 ? 0.0 : 1.0 - Math.Exp(-_decayPerNs * dtNs);

    /// <summary>Adds a sample taken at <paramref name="timeNs"/>. Ignores NaN and infinities.</summary>
    /// <param name="timeNs">Event time of the sample, ns.</param>
    /// <param name="x">The sample; a non-finite one is ignored.</param>
    public void Update(long timeNs, double x)
    {
        if (!double.IsFinite(x)) return;
        if (Count == 0)
        {
            Mean = x; Variance = 0; Count = 1; LastTimeNs = timeNs;
            return;
        }
        long dt = timeNs - LastTimeNs;
        if (dt > 0) LastTimeNs = timeNs; else dt = 0;
        double alpha = AlphaFor(dt);
        double floor = 1.0 / (Count + 1);
        if (alpha < floor) alpha = floor;
        double diff = x - Mean;
        double incr = alpha * diff;
        Mean += incr;
        Variance = (1.0 - alpha) * (Variance + diff * incr);
        Count++;
    }

    /// <summary>
    /// Standard score of <paramref name="x"/>: <c>(x − Mean) / max(StdDev, minStdDev)</c>; 0 before the first sample.
    /// </summary>
    /// <param name="x">The value to score.</param>
    /// <param name="minStdDev">Floor of the standard deviation (keeps a flat baseline from scoring noise as extreme).</param>
    public readonly double ZScore(double x, double minStdDev)
    {
        if (Count == 0) return 0;
        double sd = StdDev;
        if (sd < minStdDev) sd = minStdDev;
        return sd > 0 ? (x - Mean) / sd : 0;
    }
}
