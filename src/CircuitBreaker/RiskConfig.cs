namespace CircuitBreaker;

/// <summary>
/// A validated, immutable snapshot of every limit, produced by <see cref="CircuitBreakerBuilder.Build"/>. The gate
/// reads one snapshot per check, so a configuration swapped at run time is seen whole by each check: the old limits
/// or the new, never a mix.
/// </summary>
public sealed class RiskConfig
{
    internal RiskConfig(InstrumentRegistry registry, InstrumentRule[] instruments, AccountRule[] accounts, GroupRule[] groups,
        InstrumentLimits[] instrumentLimits, AccountLimits[] accountLimits, long rateWindowNs, int accountCapacity, int pairCapacity,
        int orderCapacity, long version, GateConcurrency concurrency)
    {
        Concurrency = concurrency;
        Registry = registry;
        Instruments = instruments;
        Accounts = accounts;
        Groups = groups;
        InstrumentLimits = instrumentLimits;
        AccountLimits = accountLimits;
        RateWindowNs = rateWindowNs;
        AccountCapacity = accountCapacity;
        PairCapacity = pairCapacity;
        OrderCapacity = orderCapacity;
        Version = version;
    }

    /// <summary>The instruments, accounts and groups this configuration covers.</summary>
    public InstrumentRegistry Registry { get; }
    /// <summary>Version number, recorded with every incident (limits in force).</summary>
    public long Version { get; }
    /// <summary>Rate window in nanoseconds of event time.</summary>
    public long RateWindowNs { get; }
    /// <summary>Accounts the breaker keeps state for (ids at or above are rejected as unknown).</summary>
    public int AccountCapacity { get; }
    /// <summary>Account × instrument pairs the breaker keeps order state for.</summary>
    public int PairCapacity { get; }
    /// <summary>Who may call <see cref="PreTradeGate.Check"/> (default <see cref="GateConcurrency.MultiThreaded"/>).</summary>
    public GateConcurrency Concurrency { get; }
    /// <summary>Working orders the order table holds.</summary>
    public int OrderCapacity { get; }
    /// <summary>Effective (defaults applied) limits per instrument, in id order.</summary>
    public IReadOnlyList<InstrumentLimits> InstrumentLimits { get; }
    /// <summary>Effective limits per account slot.</summary>
    public IReadOnlyList<AccountLimits> AccountLimits { get; }

    internal InstrumentRule[] Instruments { get; }
    internal AccountRule[] Accounts { get; }
    internal GroupRule[] Groups { get; }

    /// <summary>Returns a copy with new limits for <paramref name="instrument"/> (validated), for a run-time swap.</summary>
    public RiskConfig WithInstrumentLimits(InstrumentId instrument, InstrumentLimits limits)
    {
        var spec = Registry[instrument];
        var errors = new List<string>();
        LimitsValidation.Validate(spec.Symbol, limits, errors);
        if (errors.Count > 0) throw new RiskConfigException(errors);
        var rules = (InstrumentRule[])Instruments.Clone();
        var effective = (InstrumentLimits[])((InstrumentLimits[])InstrumentLimits).Clone();
        rules[instrument.Value] = new InstrumentRule(spec, limits);
        effective[instrument.Value] = limits;
        return new RiskConfig(Registry, rules, Accounts, Groups, effective, (AccountLimits[])AccountLimits, RateWindowNs,
            AccountCapacity, PairCapacity, OrderCapacity, Version + 1, Concurrency);
    }
}

/// <summary>A configuration failed validation. <see cref="Errors"/> lists every problem; the message joins them.</summary>
public sealed class RiskConfigException : Exception
{
    /// <summary>Creates the exception from the list of problems.</summary>
    public RiskConfigException(IReadOnlyList<string> errors)
        : base($"invalid risk configuration ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):" + Environment.NewLine + "- " + string.Join(Environment.NewLine + "- ", errors))
        => Errors = errors;

    /// <summary>Every problem found, one per entry.</summary>
    public IReadOnlyList<string> Errors { get; }
}
