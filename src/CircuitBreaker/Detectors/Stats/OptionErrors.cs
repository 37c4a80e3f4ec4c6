namespace CircuitBreaker;

/// <summary>Collects every invalid option so validation reports all problems in one message. Allocates; setup only.</summary>
internal sealed class OptionErrors
{
    private readonly string _owner;
    private List<string>? _errors;

    public OptionErrors(string owner) => _owner = owner;

    public void Check(bool ok, string message)
    {
        if (!ok) (_errors ??= new List<string>()).Add(message);
    }

    public void Positive(double value, string name) => Check(double.IsFinite(value) && value > 0, $"{name} must be finite and > 0 (was {value})");
    public void Positive(long value, string name) => Check(value > 0, $"{name} must be > 0 (was {value})");
    public void NotNegative(double value, string name) => Check(double.IsFinite(value) && value >= 0, $"{name} must be finite and ≥ 0 (was {value})");
    public void NotNegative(long value, string name) => Check(value >= 0, $"{name} must be ≥ 0 (was {value})");
    public void Finite(double value, string name) => Check(double.IsFinite(value), $"{name} must be finite (was {value})");
    public void AtLeast(double value, double min, string name, string minName) => Check(double.IsFinite(value) && value >= min, $"{name} ({value}) must be ≥ {minName} ({min})");
    public void Fraction(double value, string name) => Check(double.IsFinite(value) && value > 0 && value <= 1, $"{name} must be in (0, 1] (was {value})");

    public void ThrowIfAny()
    {
        if (_errors is { Count: > 0 })
            throw new ArgumentException($"{_owner}: " + string.Join("; ", _errors));
    }
}
