namespace CircuitBreaker;

/// <summary>
/// A validated, immutable snapshot of every limit, produced by <see cref="CircuitBreakerBuilder.BuildConfig"/>. The gate
/// reads one snapshot per check, so a configuration swapped at run time is seen whole by each check: the old limits
/// or the new, never a mix.
/// </summary>
public sealed class RiskConfig
{
    internal RiskConfig(InstrumentRegistry registry, InstrumentRule[] instruments, AccountRule[] accounts, GroupRule[] groups,
        InstrumentLimits[] instrumentLimits, AccountLimits[] accountLimits, long rateWindowNs, int accountCapacity, int pairCapacity,
        int orderCapacity, long version, GateConcurrency concurrency, string[] currencies, int closedOrderIds, long closedOrderIdHorizonNs)
    {
        ClosedOrderIds = closedOrderIds;
        ClosedOrderIdHorizonNs = closedOrderIdHorizonNs;
        Currencies = currencies;
        HasBalances = Array.Exists(accounts, a => a.BalanceMode != BalanceMode.None);
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
    /// <summary>Closed order ids remembered gate-wide (0: off, the default); see <see cref="CircuitBreakerBuilder.ClosedOrderIds"/>.
    /// Fixed for the gate's life.</summary>
    public int ClosedOrderIds { get; }
    /// <summary>Event time, in nanoseconds, a closed order id is remembered for. Default
    /// <see cref="RiskDefaults.ClosedOrderIdHorizon"/>. Fixed for the gate's life.</summary>
    public long ClosedOrderIdHorizonNs { get; }
    /// <summary>The most children an order list or amendment batch may have (<see cref="PreTradeGate.CheckList"/>,
    /// <see cref="PreTradeGate.CheckBatch"/>): default <see cref="RiskDefaults.MaxListOrders"/> (32), at most
    /// <see cref="RiskDefaults.MaxListOrdersCeiling"/> (256). May change at run time.</summary>
    public int MaxListOrders { get; internal init; } = RiskDefaults.MaxListOrders;
    /// <summary>How an order list or amendment batch counts in the rate windows: one unit per window it touches
    /// (<see cref="ListRateMode.PerList"/>, the default) or one per child. May change at run time.</summary>
    public ListRateMode ListRate { get; internal init; } = ListRateMode.PerList;
    /// <summary>Effective (defaults applied) limits per instrument, in id order.</summary>
    public IReadOnlyList<InstrumentLimits> InstrumentLimits { get; }
    /// <summary>Effective limits per account slot.</summary>
    public IReadOnlyList<AccountLimits> AccountLimits { get; }

    /// <summary>The settlement currencies (instruments' and accounts' balances), sorted ordinally; the index a
    /// <see cref="RiskEvent.Balance"/> event names. Fixed for the gate's life.</summary>
    public IReadOnlyList<string> Currencies { get; }
    /// <summary>The index of a settlement currency in <see cref="Currencies"/>, or -1 when none (allocates nothing).</summary>
    /// <param name="currency">The currency name, e.g. <c>USDT</c>.</param>
    /// <returns>Its index, or -1.</returns>
    public int CurrencyIndex(string currency) => Array.IndexOf((string[])Currencies, currency);
    /// <summary>True when some account has a <see cref="BalanceMode"/> other than none.</summary>
    internal bool HasBalances { get; }

    internal static string[] CurrencyTable(InstrumentLimits[] instruments, AccountLimits[] accounts)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var l in instruments) set.Add(l.SettlementCurrency ?? RiskDefaults.SettlementCurrency);
        foreach (var l in accounts) if (l.Balances is { } b) foreach (var c in b.Keys) set.Add(c);
        return set.ToArray();
    }

    internal static int IndexOf(string[] currencies, InstrumentLimits l) => Array.IndexOf(currencies, l.SettlementCurrency ?? RiskDefaults.SettlementCurrency);

    internal InstrumentRule[] Instruments { get; }
    internal AccountRule[] Accounts { get; }
    internal GroupRule[] Groups { get; }

    /// <summary>Returns a copy with new limits for <paramref name="instrument"/> (validated), for a run-time swap.</summary>
    /// <param name="instrument">The instrument whose limits change.</param>
    /// <param name="limits">Its new limits (validated; unset fields take <see cref="RiskDefaults"/>).</param>
    /// <returns>A new snapshot with the version incremented; this one is unchanged. Allocates (setup or operator action).</returns>
    public RiskConfig WithInstrumentLimits(InstrumentId instrument, InstrumentLimits limits)
    {
        var spec = Registry[instrument];
        var errors = new List<string>();
        LimitsValidation.Validate(spec.Symbol, limits, errors);
        var old = ((InstrumentLimits[])InstrumentLimits)[instrument.Value];
        if ((limits.SettlementCurrency ?? RiskDefaults.SettlementCurrency) != (old.SettlementCurrency ?? RiskDefaults.SettlementCurrency)
            || limits.FeeRate != old.FeeRate || limits.MarginRate != old.MarginRate || limits.Leverage != old.Leverage)
            errors.Add($"{spec.Symbol}: settlement currency, margin rate, leverage and fee rate cannot change at run time (working orders hold balance at the old ones)");
        if (errors.Count > 0) throw new RiskConfigException(errors);
        var rules = (InstrumentRule[])Instruments.Clone();
        var effective = (InstrumentLimits[])((InstrumentLimits[])InstrumentLimits).Clone();
        rules[instrument.Value] = new InstrumentRule(spec, limits, Instruments[instrument.Value].Currency);
        effective[instrument.Value] = limits;
        return new RiskConfig(Registry, rules, Accounts, Groups, effective, (AccountLimits[])AccountLimits, RateWindowNs,
            AccountCapacity, PairCapacity, OrderCapacity, Version + 1, Concurrency, (string[])Currencies, ClosedOrderIds, ClosedOrderIdHorizonNs) { MaxListOrders = MaxListOrders, ListRate = ListRate };
    }

    /// <summary>
    /// This configuration's limits over <paramref name="running"/>'s registry, ready for <see cref="PreTradeGate.SwapConfig"/>
    /// (a reload: the new file is parsed into its own registry, then rebased onto the one the breaker runs with). Instruments
    /// (symbol, kind, tick, lot, multiplier, underlying, group, barrier, strike, in order), accounts and groups (names, in
    /// order), capacities, rate window and concurrency must be the same; only limits and the version may differ.
    /// Throws <see cref="RiskConfigException"/> listing every difference. Allocates (a copy of the rules); setup or reload only.
    /// </summary>
    /// <param name="running">The configuration in force (<see cref="Breaker.Config"/>).</param>
    /// <returns>A configuration sharing <paramref name="running"/>'s registry, with this one's limits and version.</returns>
    public RiskConfig RebaseOnto(RiskConfig running)
    {
        ArgumentNullException.ThrowIfNull(running);
        if (ReferenceEquals(running.Registry, Registry)) return this;
        var errors = new List<string>();
        var mine = Registry.Instruments;
        var theirs = running.Registry.Instruments;
        if (mine.Count != theirs.Count) errors.Add($"instruments cannot be added or removed at run time ({theirs.Count} running, {mine.Count} in the new configuration)");
        for (int i = 0; i < Math.Min(mine.Count, theirs.Count); i++)
            if (!SameSpec(mine[i], theirs[i])) errors.Add($"instrument #{i} '{mine[i].Symbol}' differs from the running '{theirs[i].Symbol}' ({theirs[i]}): instruments cannot change at run time");
        if (!SameNames(Registry.AccountCount, running.Registry.AccountCount, a => Registry.AccountName(new AccountId(a)), a => running.Registry.AccountName(new AccountId(a))))
            errors.Add("accounts cannot be added, removed or reordered at run time");
        if (!SameNames(Registry.GroupCount, running.Registry.GroupCount, g => Registry.GroupName(new GroupId(g)), g => running.Registry.GroupName(new GroupId(g))))
            errors.Add("groups cannot be added, removed or reordered at run time");
        if (AccountCapacity != running.AccountCapacity || PairCapacity != running.PairCapacity || OrderCapacity != running.OrderCapacity) errors.Add("capacities cannot change at run time");
        if (RateWindowNs != running.RateWindowNs) errors.Add("the rate window cannot change at run time");
        if (ClosedOrderIds != running.ClosedOrderIds || ClosedOrderIdHorizonNs != running.ClosedOrderIdHorizonNs) errors.Add("the closed order id memory cannot change at run time");
        if (Concurrency != running.Concurrency) errors.Add("the gate concurrency mode cannot change at run time");
        if (!Currencies.SequenceEqual(running.Currencies, StringComparer.Ordinal)) errors.Add("settlement currencies cannot change at run time");
        for (int i = 0; i < Math.Min(Instruments.Length, running.Instruments.Length); i++)
            if (Instruments[i].Currency != running.Instruments[i].Currency || Instruments[i].FeeRate != running.Instruments[i].FeeRate || Instruments[i].MarginRate != running.Instruments[i].MarginRate)
                errors.Add($"instrument #{i} '{mine[i].Symbol}': settlement currency, margin rate and fee rate cannot change at run time");
        for (int a = 0; a < Math.Min(Accounts.Length, running.Accounts.Length); a++)
            if (Accounts[a].BalanceMode != running.Accounts[a].BalanceMode) errors.Add($"account #{a}: the balance mode cannot change at run time");
        if (errors.Count > 0) throw new RiskConfigException(errors);
        var rules = new InstrumentRule[Instruments.Length];
        for (int i = 0; i < rules.Length; i++) rules[i] = new InstrumentRule(theirs[i], ((InstrumentLimits[])InstrumentLimits)[i], Instruments[i].Currency);
        return new RiskConfig(running.Registry, rules, Accounts, Groups, (InstrumentLimits[])InstrumentLimits, (AccountLimits[])AccountLimits,
            RateWindowNs, AccountCapacity, PairCapacity, OrderCapacity, Version, Concurrency, (string[])Currencies, ClosedOrderIds, ClosedOrderIdHorizonNs) { MaxListOrders = MaxListOrders, ListRate = ListRate };
    }

    private static bool SameSpec(InstrumentSpec a, InstrumentSpec b)
        => a.Symbol == b.Symbol && a.Kind == b.Kind && a.Tick.Equals(b.Tick) && a.Lot.Equals(b.Lot) && a.Multiplier.Equals(b.Multiplier)
           && a.Underlying == b.Underlying && a.GroupName == b.GroupName && a.Barrier.Equals(b.Barrier) && a.BarrierKind == b.BarrierKind
           && a.Strike.Equals(b.Strike);

    private static bool SameNames(int countA, int countB, Func<int, string> a, Func<int, string> b)
    {
        if (countA != countB) return false;
        for (int k = 0; k < countA; k++) if (a(k) != b(k)) return false;
        return true;
    }
}

/// <summary>A configuration failed validation. <see cref="Errors"/> lists every problem; the message joins them.</summary>
public sealed class RiskConfigException : Exception
{
    /// <summary>Creates the exception from the list of problems.</summary>
    /// <param name="errors">Every problem found, one per entry.</param>
    public RiskConfigException(IReadOnlyList<string> errors)
        : base($"invalid risk configuration ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):" + Environment.NewLine + "- " + string.Join(Environment.NewLine + "- ", errors))
        => Errors = errors;

    /// <summary>Every problem found, one per entry.</summary>
    public IReadOnlyList<string> Errors { get; }
}
