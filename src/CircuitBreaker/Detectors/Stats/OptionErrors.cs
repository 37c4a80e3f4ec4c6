namespace CircuitBreaker.Detectors;

/// <summary>
/// The one validator of detector options: collects every invalid option, then <see cref="ThrowIfAny"/> throws one
/// <see cref="ArgumentException"/> listing them all. Calls chain (each returns this) and take the value first, then its
/// name. One rule set: "positive" means finite and &gt; 0 (+∞ is not a positive duration or threshold); an option where
/// +∞ means "off" says so with <see cref="PositiveOrInfinity"/>. A <see cref="TimeSpan"/> duration is finite when its
/// nanoseconds fit in event time (at most <see cref="EventTimeSpan.Max"/>). Allocates; setup only.
/// </summary>
internal sealed class OptionErrors
{
    private readonly string _owner;
    private List<string>? _errors;

    public OptionErrors(string owner) => _owner = owner;

    public OptionErrors Check(bool ok, string message)
    {
        if (!ok) (_errors ??= new List<string>()).Add(message);
        return this;
    }

    public OptionErrors Positive(double value, string name) => Check(double.IsFinite(value) && value > 0, $"{name} must be finite and > 0 (was {value})");
    public OptionErrors Positive(long value, string name) => Check(value > 0, $"{name} must be > 0 (was {value})");
    public OptionErrors PositiveOrInfinity(double value, string name)
        => Check(value > 0 && !double.IsNaN(value), $"{name} must be > 0, or +infinity to disable (was {value})");
    public OptionErrors NotNegative(double value, string name) => Check(double.IsFinite(value) && value >= 0, $"{name} must be finite and ≥ 0 (was {value})");
    public OptionErrors NotNegative(long value, string name) => Check(value >= 0, $"{name} must be ≥ 0 (was {value})");
    public OptionErrors Positive(TimeSpan value, string name)
        => Check(value > TimeSpan.Zero && value <= EventTimeSpan.Max, $"{name} must be > 0 and at most {EventTimeSpan.Max} (was {value})");
    public OptionErrors NotNegative(TimeSpan value, string name)
        => Check(value >= TimeSpan.Zero && value <= EventTimeSpan.Max, $"{name} must be ≥ 0 and at most {EventTimeSpan.Max} (was {value})");
    public OptionErrors Finite(double value, string name) => Check(double.IsFinite(value), $"{name} must be finite (was {value})");
    public OptionErrors AtLeast(long value, long min, string name) => Check(value >= min, $"{name} must be ≥ {min} (was {value})");
    public OptionErrors AtLeast(double value, double min, string name, string minName) => Check(double.IsFinite(value) && value >= min, $"{name} ({value}) must be ≥ {minName} ({min})");
    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public OptionErrors InRange(long value, long min, long max, string name) => Check(value >= min && value <= max, $"{name} must be in [{min}, {max}] (was {value})");

    /// <summary>A pair of thresholds: <paramref name="lower"/> positive, <paramref name="upper"/> at least as high (a
    /// Warning level and its Critical level, or a re-arm level and its trigger).</summary>
    public OptionErrors Band(double lower, double upper, string lowerName, string upperName)
        => Positive(lower, lowerName).AtLeast(upper, lower, upperName, lowerName);
    public OptionErrors Fraction(double value, string name) => Check(double.IsFinite(value) && value > 0 && value <= 1, $"{name} must be in (0, 1] (was {value})");

    /// <summary>The two fractions of <see cref="Materiality"/>: of the daily-loss limit in [0, 1], of the learned daily range in [0, 10].</summary>
    public OptionErrors Materiality(double dailyLossFraction, double dailyRangeFraction)
        => Check(double.IsFinite(dailyLossFraction) && dailyLossFraction is >= 0 and <= 1, $"MaterialDailyLossFraction must be in [0, 1] (was {dailyLossFraction})")
            .Check(double.IsFinite(dailyRangeFraction) && dailyRangeFraction is >= 0 and <= 10, $"MaterialDailyRangeFraction must be in [0, 10] (was {dailyRangeFraction})");

    public void ThrowIfAny()
    {
        if (_errors is { Count: > 0 })
            throw new ArgumentException($"{_owner}: " + string.Join("; ", _errors));
    }
}
