namespace CircuitBreaker.Detectors;

/// <summary>
/// A detector on the evaluator thread. It sees every event in sequence (single-threaded: no locks needed), keeps
/// O(1) preallocated state per instrument/account, and reports findings to the sink. It must not allocate in
/// <see cref="Observe"/> after construction, must give no verdict before its baseline has warmed up, and must
/// raise one finding per episode (hysteresis + cool-down in event time). A detector that throws is quarantined
/// by the evaluator and the fault is reported.
/// </summary>
public interface IDetector
{
    /// <summary>Stable name (used in reports and configuration).</summary>
    string Name { get; }

    /// <summary>Observes one event. Event time is <see cref="RiskEvent.TimeNs"/>; never read the wall clock.</summary>
    /// <param name="e">The event, by reference.</param>
    /// <param name="sink">Where findings go (the evaluator: log, incident desk).</param>
    void Observe(in RiskEvent e, IFindingSink sink);
}

/// <summary>What a detector may know of the instruments: sizes and specs, read at construction.</summary>
public sealed class DetectorContext
{
    /// <summary>Creates a context over a registry.</summary>
    /// <param name="registry">Instruments, groups and accounts.</param>
    /// <param name="accountCapacity">Accounts to size per-account state for (default: the registry's count, at least 1);
    /// accounts registered later with an id at or above it are ignored by detectors.</param>
    public DetectorContext(InstrumentRegistry registry, int accountCapacity = 0)
    {
        Registry = registry;
        AccountCapacity = Math.Max(Math.Max(1, accountCapacity), registry.AccountCount);
    }
    /// <summary>Number of accounts per-account arrays are sized for.</summary>
    public int AccountCapacity { get; }
    /// <summary>The registry (instrument specs, groups, accounts). Size per-instrument arrays from it at construction.</summary>
    public InstrumentRegistry Registry { get; }
    /// <summary>The limits in force when the detectors are built (default null: none known). Detectors that judge
    /// materiality read limits such as an account's <see cref="AccountLimits.MaxDailyLoss"/> from it at construction.</summary>
    public RiskConfig? Limits { get; init; }

    /// <summary>The daily-loss limit of account <paramref name="account"/> from <see cref="Limits"/>, or +infinity when none is known.</summary>
    /// <param name="account">The account's dense id.</param>
    /// <returns>The limit in quote currency, or +infinity. Allocates nothing.</returns>
    public double MaxDailyLoss(int account)
        => Limits is { } l && (uint)account < (uint)l.AccountLimits.Count && l.AccountLimits[account].MaxDailyLoss is double v && v > 0 ? v : double.PositiveInfinity;
}
