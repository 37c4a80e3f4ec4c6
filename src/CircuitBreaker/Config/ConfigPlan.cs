namespace CircuitBreaker.Config;

/// <summary>An instrument entry of the file that passed its own checks.</summary>
internal sealed record PlannedInstrument(string Path, string Symbol, InstrumentKind Kind, double Tick, double Lot, double Multiplier,
    string? Underlying, string? Group, double Barrier, BarrierKind BarrierKind, double Strike, InstrumentLimits? Limits);

/// <summary>An account entry of the file (limits null when absent or invalid).</summary>
internal sealed record PlannedAccount(string Path, string Name, AccountLimits? Limits);

/// <summary>A group entry of the file.</summary>
internal sealed record PlannedGroup(string Path, string Name, GroupLimits Limits);

/// <summary>
/// What the file asks for, holding only values that passed their own checks, so that the builder reports only the
/// problems that span sections (capacities against declared accounts, the self-match book size).
/// </summary>
internal sealed class ConfigPlan
{
    public long? Version;
    public TimeSpan? RateWindow;
    public GateConcurrency? Concurrency;
    public int? MaxListOrders;
    public ListRateMode? ListRate;
    public int? Accounts, Pairs, Orders;
    public int? ClosedOrderIds;
    public TimeSpan? ClosedOrderIdHorizon;
    public InstrumentLimits DefaultInstrument = new();
    public AccountLimits DefaultAccount = new();
    public readonly List<PlannedInstrument> Instruments = new();
    public readonly List<PlannedAccount> AccountList = new();
    public readonly List<PlannedGroup> GroupList = new();
    public int InstrumentErrors;

    /// <summary>Builds through <see cref="CircuitBreakerBuilder"/>; its errors are added with the path they concern.</summary>
    public RiskConfig? Build(List<ConfigError> errors, bool suppressEmpty)
    {
        var b = new CircuitBreakerBuilder();
        Apply(b);
        try
        {
            var config = b.BuildConfig();
            return CheckEffective(config, errors) ? config : null;
        }
        catch (RiskConfigException ex)
        {
            foreach (var e in ex.Errors)
            {
                if (e.StartsWith("at least one instrument", StringComparison.Ordinal))
                {
                    if (!suppressEmpty && !errors.Exists(x => x.Path == "$.instruments")) errors.Add(new ConfigError("$.instruments", e));
                }
                else errors.Add(new ConfigError(PathOf(e), e));
            }
            return null;
        }
        catch (ArgumentException ex)
        {
            errors.Add(new ConfigError("$", ex.Message));
            return null;
        }
    }

    /// <summary>
    /// Limits that pass one by one can still leave an instrument that takes no order at all once the defaults are merged
    /// in and quantities are counted in lots: an effective minimum above the effective maximum (a default minimum of 10
    /// with an instrument maximum of 5, or a maximum below one lot). Reported at the instrument's own limit when it sets
    /// one, else at the defaults. False when any was found.
    /// </summary>
    private bool CheckEffective(RiskConfig config, List<ConfigError> errors)
    {
        bool ok = true;
        foreach (var i in Instruments)
        {
            if (!config.Registry.TryGetInstrument(i.Symbol, out var id)) continue;
            ref readonly var rule = ref config.Instruments[id.Value];
            if (rule.MinLots <= rule.MaxLots) continue;
            ok = false;
            var effective = config.InstrumentLimits[id.Value];
            double lot = rule.Spec.Lot;
            string min = effective.MinOrderQuantity is { } mn ? Invariant($"min_order_quantity {mn} ({rule.MinLots} lots of {lot})") : Invariant($"one lot ({lot})");
            string max = Invariant($"max_order_quantity {effective.MaxOrderQuantity} ({rule.MaxLots} lots of {lot})");
            string path = i.Limits?.MaxOrderQuantity is not null ? i.Path + ".limits.max_order_quantity"
                : i.Limits?.MinOrderQuantity is not null ? i.Path + ".limits.min_order_quantity"
                : DefaultInstrument.MaxOrderQuantity is not null ? "$.defaults.instrument.max_order_quantity"
                : i.Path;
            errors.Add(new ConfigError(path, $"instrument '{i.Symbol}' would reject every order: its effective {min} exceeds its effective {max}"));
        }
        return ok;
    }

    private static string Invariant(FormattableString s) => s.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Lays this plan over a builder: settings, defaults, limits; instruments the builder already declares
    /// (e.g. from a tape) keep their declaration and take this plan's limits.</summary>
    public void Apply(CircuitBreakerBuilder b)
    {
        if (Version is { } v) b.Version(v);
        if (RateWindow is { } w) b.RateWindow(w);
        if (Concurrency is { } c) b.Concurrency(c);
        if (MaxListOrders is not null || ListRate is not null) b.Lists(MaxListOrders ?? RiskDefaults.MaxListOrders, ListRate ?? ListRateMode.PerList);
        b.Capacity(Accounts, Pairs, Orders);
        if (ClosedOrderIds is not null || ClosedOrderIdHorizon is not null)
            b.ClosedOrderIds(ClosedOrderIds ?? RiskDefaults.ClosedOrderIds, ClosedOrderIdHorizon ?? RiskDefaults.ClosedOrderIdHorizon);
        b.DefaultInstrumentLimits(DefaultInstrument);
        b.DefaultAccountLimits(DefaultAccount);
        foreach (var i in Instruments)
        {
            if (b.Registry.TryGetInstrument(i.Symbol, out _)) { if (i.Limits is not null) b.Limits(i.Symbol, i.Limits); }
            else b.Instrument(i.Symbol, i.Kind, i.Tick, i.Lot, i.Multiplier, i.Underlying, i.Group, i.Limits, i.Barrier, i.BarrierKind, i.Strike);
        }
        foreach (var a in AccountList) b.Account(a.Name, a.Limits);
        foreach (var g in GroupList) b.Group(g.Name, g.Limits);
    }

    private static string PathOf(string builderError) =>
        builderError.StartsWith("account capacity", StringComparison.Ordinal) ? "$.capacities.accounts"
        : builderError.StartsWith("pair capacity", StringComparison.Ordinal) ? "$.capacities.pairs"
        : builderError.StartsWith("order capacity", StringComparison.Ordinal) ? "$.capacities.orders"
        : builderError.StartsWith("rate window", StringComparison.Ordinal) ? "$.rate_window_ms"
        : builderError.StartsWith("closed order ids", StringComparison.Ordinal) ? "$.closed_order_ids.count"
        : builderError.StartsWith("closed order id horizon", StringComparison.Ordinal) ? "$.closed_order_ids.horizon_ms"
        : "$";
}
