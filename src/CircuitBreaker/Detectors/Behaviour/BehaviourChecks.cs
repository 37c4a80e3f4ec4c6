namespace CircuitBreaker;

/// <summary>Validation of behaviour-detector options: collects every problem, then throws one message listing them all.</summary>
internal sealed class BehaviourChecks
{
    private readonly string _owner;
    private List<string>? _errors;

    public BehaviourChecks(string owner) => _owner = owner;

    public BehaviourChecks Positive(string name, double value)
    {
        if (!(value > 0) || double.IsNaN(value)) Add($"{name} must be > 0 (was {value})");
        return this;
    }

    public BehaviourChecks PositiveOrInfinity(string name, double value)
    {
        if (double.IsNaN(value) || value <= 0) Add($"{name} must be > 0 or +infinity to disable (was {value})");
        return this;
    }

    public BehaviourChecks NonNegative(string name, double value)
    {
        if (!double.IsFinite(value) || value < 0) Add($"{name} must be finite and >= 0 (was {value})");
        return this;
    }

    public BehaviourChecks Fraction(string name, double value)
    {
        if (!(value > 0 && value <= 1)) Add($"{name} must be in (0, 1] (was {value})");
        return this;
    }

    public BehaviourChecks AtLeast(string name, long value, long min)
    {
        if (value < min) Add($"{name} must be >= {min} (was {value})");
        return this;
    }

    public BehaviourChecks Require(bool ok, string message)
    {
        if (!ok) Add(message);
        return this;
    }

    public void ThrowIfAny()
    {
        if (_errors is { Count: > 0 })
            throw new ArgumentException($"{_owner}: " + string.Join("; ", _errors));
    }

    private void Add(string error) => (_errors ??= new List<string>()).Add(error);
}
