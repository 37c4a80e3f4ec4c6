namespace CircuitBreaker.Nats;

/// <summary>A firm-wide limit on one account or group, summed across every engine's published exposure. Each figure
/// defaults to +∞ (no limit); a given one must be positive.</summary>
public sealed class FirmLimit
{
    /// <summary>Gross marked exposure (Σ |position| × mark × multiplier over every engine) above which the scope is
    /// restricted (default +∞).</summary>
    public double MaxGross { get; init; } = double.PositiveInfinity;
    /// <summary>Absolute net marked exposure above which the scope is restricted (default +∞).</summary>
    public double MaxNet { get; init; } = double.PositiveInfinity;
    /// <summary>Today's loss (a positive amount: PnL at or below −MaxDailyLoss summed over engines) at which the account is
    /// halted (default +∞; accounts only).</summary>
    public double MaxDailyLoss { get; init; } = double.PositiveInfinity;

    internal void Validate(string where, bool isGroup, List<string> errors)
    {
        foreach (var (name, v) in new[] { ("MaxGross", MaxGross), ("MaxNet", MaxNet), ("MaxDailyLoss", MaxDailyLoss) })
            if (double.IsNaN(v) || v <= 0) errors.Add($"{where}.{name}: {v} must be positive (or +∞ for none)");
        if (isGroup && !double.IsPositiveInfinity(MaxDailyLoss)) errors.Add($"{where}.MaxDailyLoss: daily loss is limited per account, not per group");
        if (double.IsPositiveInfinity(MaxGross) && double.IsPositiveInfinity(MaxNet) && double.IsPositiveInfinity(MaxDailyLoss))
            errors.Add($"{where}: sets no limit");
    }
}
