namespace CircuitBreaker;

/// <summary>
/// Fluent configuration for quants: declare instruments, accounts, groups and their limits, then
/// <see cref="BuildConfig"/> a validated, immutable <see cref="RiskConfig"/> (or <see cref="BuildBreaker"/> a
/// <see cref="Breaker"/> over it). Every problem (negative or NaN limits,
/// min &gt; max, collar ≤ 0, unknown symbol, a symbol, account or group declared or given limits twice, ...) is reported at once
/// in one <see cref="RiskConfigException"/>, as the configuration file reports its duplicates: a second declaration never silently wins.
/// Allocates; use at setup.
/// </summary>
public sealed class CircuitBreakerBuilder
{
    private readonly InstrumentRegistry _registry = new();
    private readonly List<string> _errors = new();
    private readonly Dictionary<string, InstrumentLimits> _instrumentLimits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccountLimits> _accountLimits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, GroupLimits> _groupLimits = new(StringComparer.Ordinal);
    private readonly HashSet<string> _accounts = new(StringComparer.Ordinal); // declared through Account (not the registry: a tape may add names)
    private InstrumentLimits _defaultInstrument = new();
    private AccountLimits _defaultAccount = new();
    private TimeSpan _rateWindow = RiskDefaults.RateWindow;
    private int _accountCapacity = 256;
    private int _pairCapacity = 16_384;
    private int _orderCapacity = 65_536;
    private long _version = 1;
    private GateConcurrency _concurrency = GateConcurrency.MultiThreaded;
    private int _maxListOrders = RiskDefaults.MaxListOrders;
    private ListRateMode _listRate = ListRateMode.PerList;

    /// <summary>Largest preallocated self-match book (pairs × depth × 2 sides × 8 B) <see cref="SelfMatchBookLimit"/> accepts: 512 MiB.</summary>
    public const long MaxOrderBookBytes = 512L << 20;

    /// <summary>The self-match book a configuration may preallocate unless <see cref="SelfMatchBookLimit"/> raises it: 64 MiB
    /// (the defaults need 16 MiB: 16,384 pairs × 64 slots × 2 sides × 8 B).</summary>
    public const long DefaultSelfMatchBookBytes = 64L << 20;

    private long _selfMatchBookLimit = DefaultSelfMatchBookBytes;
    private int _closedOrderIds; // off unless set: see ClosedOrderIds
    private TimeSpan _closedOrderIdHorizon = RiskDefaults.ClosedOrderIdHorizon;

    /// <summary>Largest closed-order-id memory <see cref="ClosedOrderIds"/> accepts: 1,048,576 closes (302 MiB).</summary>
    public const int MaxClosedOrderIds = 1 << 20;

    /// <summary>Largest working-order capacity: 4,194,304 orders (the order table then takes 896 MiB of native memory: 4 entries
    /// of 56 B, payload and tag, per order). Beyond it the table's size would overflow its indexing or exhaust a host's memory at start.</summary>
    public const int MaxOrderCapacity = 1 << 22;

    /// <summary>The registry being filled (ids are issued as instruments and accounts are declared).</summary>
    public InstrumentRegistry Registry => _registry;

    /// <summary>Declares an instrument (see <see cref="InstrumentRegistry.AddInstrument"/>) with optional limits. A symbol
    /// declared twice, or given limits here and through <see cref="Limits"/>, is an error reported at build.</summary>
    /// <param name="symbol">Unique symbol, e.g. <c>BTC-PERP</c>.</param>
    /// <param name="kind">Product kind.</param>
    /// <param name="tick">Price increment in human units, finite and &gt; 0.</param>
    /// <param name="lot">Quantity increment in human units, finite and &gt; 0.</param>
    /// <param name="multiplier">Contract multiplier, finite and &gt; 0 (default 1): notional = price × quantity × multiplier.</param>
    /// <param name="underlying">Underlying name (default: the symbol); oracle prices may name it.</param>
    /// <param name="group">Risk group (default: the underlying).</param>
    /// <param name="limits">Limits of this instrument (default: the default instrument limits, then <see cref="RiskDefaults"/>).</param>
    /// <param name="barrier">Barrier level (barrier options only; default none).</param>
    /// <param name="barrierKind">Barrier kind (barrier options only; default none).</param>
    /// <param name="strike">Strike (options only; default none).</param>
    /// <returns>This builder, for chaining.</returns>
    public CircuitBreakerBuilder Instrument(string symbol, InstrumentKind kind, double tick, double lot, double multiplier = 1,
        string? underlying = null, string? group = null, InstrumentLimits? limits = null, double barrier = double.NaN,
        BarrierKind barrierKind = BarrierKind.None, double strike = double.NaN)
    {
        try
        {
            _registry.AddInstrument(symbol, kind, tick, lot, multiplier, underlying, group, barrier, barrierKind, strike);
            if (limits is not null) SetInstrumentLimits(symbol, limits);
        }
        catch (ArgumentException ex)
        {
            string msg = ex.Message.Split(" (Parameter", 2)[0];
            int colon = msg.IndexOf(": ", StringComparison.Ordinal);
            if (colon < 0) _errors.Add(msg);
            else foreach (var part in msg[(colon + 2)..].Split("; ")) _errors.Add(msg[..colon] + ": " + part);
        }
        return this;
    }

    /// <summary>Sets limits for an instrument declared before or after this call (checked at build). Limits for a symbol
    /// that already has some (from an earlier call or its <see cref="Instrument"/> declaration) are an error reported at
    /// build; the first ones are kept meanwhile.</summary>
    /// <param name="symbol">The instrument's symbol.</param>
    /// <param name="limits">Its limits; unset fields take the default instrument limits.</param>
    /// <returns>This builder, for chaining.</returns>
    public CircuitBreakerBuilder Limits(string symbol, InstrumentLimits limits)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        ArgumentNullException.ThrowIfNull(limits);
        SetInstrumentLimits(symbol, limits);
        return this;
    }

    private void SetInstrumentLimits(string symbol, InstrumentLimits limits)
    {
        if (!_instrumentLimits.TryAdd(symbol, limits)) _errors.Add($"duplicate limits for symbol '{symbol}'");
    }

    /// <summary>Declares an account with optional limits. An account declared twice is an error reported at build (the
    /// first declaration is kept meanwhile), as in the configuration file.</summary>
    /// <param name="name">Unique account name (the engine's account or sub-account).</param>
    /// <param name="limits">Its limits (default: the default account limits).</param>
    /// <returns>This builder, for chaining.</returns>
    public CircuitBreakerBuilder Account(string name, AccountLimits? limits = null)
    {
        if (string.IsNullOrWhiteSpace(name)) { _errors.Add("account name must be non-empty"); return this; }
        if (!_accounts.Add(name)) { _errors.Add($"duplicate account '{name}'"); return this; }
        _registry.GetOrAddAccount(name);
        if (limits is not null) _accountLimits[name] = limits;
        return this;
    }

    /// <summary>Sets limits for a risk group (by name; groups come from instruments' underlying or group). Limits for a
    /// group given twice are an error reported at build (the first ones are kept meanwhile).</summary>
    /// <param name="name">The group's name (an instrument's group, else its underlying).</param>
    /// <param name="limits">Limits across every instrument of the group.</param>
    /// <returns>This builder, for chaining.</returns>
    public CircuitBreakerBuilder Group(string name, GroupLimits limits)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(limits);
        if (!_groupLimits.TryAdd(name, limits)) _errors.Add($"duplicate limits for group '{name}'");
        return this;
    }

    /// <summary>Limits applied to every instrument that has none of its own (fields left null still take <see cref="RiskDefaults"/>).</summary>
    /// <param name="limits">The default instrument limits (default: every field unset, so <see cref="RiskDefaults"/> apply).</param>
    /// <returns>This builder, for chaining.</returns>
    public CircuitBreakerBuilder DefaultInstrumentLimits(InstrumentLimits limits) { _defaultInstrument = limits; return this; }

    /// <summary>Limits applied to every account that has none of its own.</summary>
    /// <param name="limits">The default account limits (default: every field unset).</param>
    /// <returns>This builder, for chaining.</returns>
    public CircuitBreakerBuilder DefaultAccountLimits(AccountLimits limits) { _defaultAccount = limits; return this; }

    /// <summary>Sliding window for order and message rates, in event time. Default 1 s.</summary>
    /// <param name="window">Window length, &gt; 0 (default 1 s), measured in event time.</param>
    /// <returns>This builder, for chaining.</returns>
    public CircuitBreakerBuilder RateWindow(TimeSpan window) { _rateWindow = window; return this; }

    /// <summary>Preallocated capacities: accounts (default 256), account × instrument pairs with order state (default 16,384),
    /// working orders (default 65,536; the order table takes 4 × 56 B per order, 14 MiB by default, in
    /// native memory allocated at build). Exceeding one rejects
    /// with a reason code, never allocates.</summary>
    /// <param name="accounts">Account slots, at least the declared accounts (null: keep, default 256).</param>
    /// <param name="pairs">Account × instrument pairs (null: keep, default 16,384).</param>
    /// <param name="orders">Working orders, 1..4,194,304 (null: keep, default 65,536).</param>
    /// <returns>This builder, for chaining.</returns>
    public CircuitBreakerBuilder Capacity(int? accounts = null, int? pairs = null, int? orders = null)
    {
        if (accounts is { } a) _accountCapacity = a;
        if (pairs is { } p) _pairCapacity = p;
        if (orders is { } o) _orderCapacity = o;
        return this;
    }

    /// <summary>The most memory the self-match book may preallocate (pair capacity × the largest
    /// <see cref="InstrumentLimits.MaxOpenOrdersPerAccount"/> × 2 sides × 8 B): default
    /// <see cref="DefaultSelfMatchBookBytes"/> (64 MiB), at most <see cref="MaxOrderBookBytes"/> (512 MiB). A configuration
    /// needing more fails <see cref="BuildConfig"/> with the figure, so one raised cap cannot preallocate a quarter of a gigabyte
    /// unnoticed.</summary>
    /// <param name="bytes">The most bytes the self-match book may preallocate, in (0, 512 MiB].</param>
    /// <returns>This builder. Allocates nothing.</returns>
    public CircuitBreakerBuilder SelfMatchBookLimit(long bytes) { _selfMatchBookLimit = bytes; return this; }

    /// <summary>
    /// How long the gate remembers the ids of closed orders (cancelled, or completely filled), so that a new order
    /// resending one is refused with <see cref="RejectReason.DuplicateOrderId"/> like an id still working: the last
    /// <paramref name="count"/> closes gate-wide that are at most <paramref name="horizon"/> of event time older than the
    /// new order. Default off (count 0): the check costs every new order a lookup in a table of several MiB, a cache miss
    /// on a busy book (the single-writer check measured 2.8× slower with it on, `--compare`, 2026-12-05), so a user turns
    /// it on where resent ids are a risk. Recommended when on: <see cref="RiskDefaults.ClosedOrderIds"/> (16,384) closes,
    /// <see cref="RiskDefaults.ClosedOrderIdHorizon"/> (24 h). Memory is preallocated at construction and bounded: 8 × count (rounded up to a power of two) entries of
    /// 36 B, 4.5 MiB by default; a close overwrites the oldest entry of its 8-entry bucket, so an id is forgotten before
    /// <paramref name="count"/> later closes only when 8 of them hash to its bucket (about 1e-5 per id). Checking costs a new
    /// order one cache line of tags; recording a close one compare-and-swap. Allocates nothing after construction.
    /// </summary>
    /// <param name="count">Closes remembered, 0 (off: no memory, no check) to <see cref="MaxClosedOrderIds"/>.</param>
    /// <param name="horizon">Event time a close is remembered for, &gt; 0.</param>
    /// <returns>This builder, for chaining.</returns>
    public CircuitBreakerBuilder ClosedOrderIds(int count, TimeSpan horizon) { _closedOrderIds = count; _closedOrderIdHorizon = horizon; return this; }

    /// <summary>
    /// Who may call <see cref="PreTradeGate.Check"/>: any thread (<see cref="GateConcurrency.MultiThreaded"/>, the
    /// default), one thread at a time (<see cref="GateConcurrency.SingleWriter"/>, fastest) or one thread per account at a
    /// time (<see cref="GateConcurrency.AccountOwned"/>). Fixed for the life of
    /// the gate: a swap to a configuration with another mode is refused.
    /// </summary>
    /// <param name="mode">The mode (default <see cref="GateConcurrency.MultiThreaded"/>).</param>
    /// <returns>This builder, for chaining.</returns>
    public CircuitBreakerBuilder Concurrency(GateConcurrency mode) { _concurrency = mode; return this; }

    /// <summary>Order lists and amendment batches (<see cref="PreTradeGate.CheckList"/>, <see cref="PreTradeGate.CheckBatch"/>):
    /// the most children one may have, and how it counts in the rate windows.</summary>
    /// <param name="maxOrders">Children per list or batch, 1..<see cref="RiskDefaults.MaxListOrdersCeiling"/> (default <see cref="RiskDefaults.MaxListOrders"/>, 32).</param>
    /// <param name="rate">One rate unit per list (default) or per child.</param>
    /// <returns>This builder, for chaining. Allocates nothing.</returns>
    public CircuitBreakerBuilder Lists(int maxOrders = RiskDefaults.MaxListOrders, ListRateMode rate = ListRateMode.PerList)
    {
        _maxListOrders = maxOrders;
        _listRate = rate;
        return this;
    }

    /// <summary>Configuration version recorded with incidents. Default 1.</summary>
    /// <param name="version">Any number you track configurations by (default 1).</param>
    /// <returns>This builder, for chaining.</returns>
    public CircuitBreakerBuilder Version(long version) { _version = version; return this; }

    /// <summary>Validates everything and builds a breaker over the snapshot (<c>new Breaker(BuildConfig())</c>).
    /// Throws <see cref="RiskConfigException"/> listing every problem. The caller disposes the breaker.</summary>
    public Breaker BuildBreaker() => new(BuildConfig());

    /// <summary>Validates everything and builds the configuration snapshot. Throws <see cref="RiskConfigException"/> listing every problem.</summary>
    public RiskConfig BuildConfig()
    {
        var errors = new List<string>(_errors);
        if (_closedOrderIds < 0 || _closedOrderIds > MaxClosedOrderIds)
            errors.Add($"closed order ids must be between 0 (off) and {MaxClosedOrderIds} (was {_closedOrderIds})");
        if (_closedOrderIdHorizon <= TimeSpan.Zero) errors.Add($"closed order id horizon must be > 0 (was {_closedOrderIdHorizon})");
        if (!Enum.IsDefined(_concurrency)) errors.Add($"concurrency mode {(int)_concurrency} is not a defined GateConcurrency");
        if (_registry.InstrumentCount == 0) errors.Add("at least one instrument must be declared");
        if (_rateWindow <= TimeSpan.Zero) errors.Add($"rate window must be > 0 (was {_rateWindow})");
        if (_accountCapacity < Math.Max(1, _registry.AccountCount)) errors.Add($"account capacity {_accountCapacity} is below the {_registry.AccountCount} declared accounts (and must be >= 1)");
        if (_pairCapacity < 1) errors.Add($"pair capacity must be >= 1 (was {_pairCapacity})");
        if (_orderCapacity < 1 || _orderCapacity > MaxOrderCapacity) errors.Add($"order capacity must be between 1 and {MaxOrderCapacity} (was {_orderCapacity})");
        if (_maxListOrders < 1 || _maxListOrders > RiskDefaults.MaxListOrdersCeiling) errors.Add($"max list orders must be between 1 and {RiskDefaults.MaxListOrdersCeiling} (was {_maxListOrders})");
        if (!Enum.IsDefined(_listRate)) errors.Add($"list rate mode {(int)_listRate} is not a defined ListRateMode");
        LimitsValidation.Validate("default instrument limits", _defaultInstrument, errors);
        LimitsValidation.ValidateAccount("default account limits", _defaultAccount, errors);
        foreach (var (symbol, limits) in _instrumentLimits)
        {
            if (!_registry.TryGetInstrument(symbol, out _)) errors.Add($"limits for unknown symbol '{symbol}'");
            LimitsValidation.Validate(symbol, limits, errors);
        }
        foreach (var (name, limits) in _accountLimits) LimitsValidation.ValidateAccount(name, limits, errors);
        foreach (var (name, limits) in _groupLimits)
        {
            if (!_registry.TryGetGroup(name, out _)) errors.Add($"limits for unknown group '{name}'");
            if (limits.MaxOrdersPerWindow is <= 0) errors.Add($"group '{name}': max orders per window must be > 0");
            if (limits.MaxOpenOrders is <= 0) errors.Add($"group '{name}': max open orders must be > 0");
        }
        int depth = Math.Max(_defaultInstrument.MaxOpenOrdersPerAccount ?? RiskDefaults.MaxOpenOrdersPerAccountInstrument,
            _instrumentLimits.Values.Select(l => l.MaxOpenOrdersPerAccount ?? 0).DefaultIfEmpty(0).Max());
        long slabBytes = (long)_pairCapacity * depth * 2 * sizeof(long);
        if (_selfMatchBookLimit < 1 || _selfMatchBookLimit > MaxOrderBookBytes)
            errors.Add($"self-match book limit must be between 1 B and {MaxOrderBookBytes >> 20} MiB (was {_selfMatchBookLimit} B)");
        else if (slabBytes > _selfMatchBookLimit)
            errors.Add($"pair capacity {_pairCapacity} × max open orders per account {depth} × 2 sides × 8 B needs {slabBytes / (1024.0 * 1024):0.#} MiB of self-match book (limit {_selfMatchBookLimit / (1024.0 * 1024):0.#} MiB): lower one of them, or raise SelfMatchBookLimit (at most {MaxOrderBookBytes >> 20} MiB)");
        if (errors.Count > 0) throw new RiskConfigException(errors);

        var specs = _registry.Instruments;
        var rules = new InstrumentRule[specs.Count];
        var effective = new InstrumentLimits[specs.Count];
        var accounts = new AccountRule[_accountCapacity];
        var accountLimits = new AccountLimits[_accountCapacity];
        for (int a = 0; a < _accountCapacity; a++)
        {
            string? name = a < _registry.AccountCount ? _registry.AccountName(new AccountId(a)) : null;
            var l = name is not null && _accountLimits.TryGetValue(name, out var own) ? own : _defaultAccount;
            accountLimits[a] = l;
            accounts[a] = new AccountRule(l);
        }
        for (int i = 0; i < specs.Count; i++) effective[i] = Merge(_instrumentLimits.GetValueOrDefault(specs[i].Symbol), _defaultInstrument);
        var currencies = RiskConfig.CurrencyTable(effective, accountLimits);
        for (int i = 0; i < specs.Count; i++) rules[i] = new InstrumentRule(specs[i], effective[i], RiskConfig.IndexOf(currencies, effective[i]));
        var groups = new GroupRule[Math.Max(1, _registry.GroupCount)];
        for (int g = 0; g < _registry.GroupCount; g++)
            groups[g] = new GroupRule(_groupLimits.GetValueOrDefault(_registry.GroupName(new GroupId(g))) ?? new GroupLimits());
        return new RiskConfig(_registry, rules, accounts, groups, effective, accountLimits, (long)_rateWindow.TotalNanoseconds,
            _accountCapacity, _pairCapacity, _orderCapacity, _version, _concurrency, currencies, _closedOrderIds,
            _closedOrderIdHorizon.Ticks >= long.MaxValue / 100 ? long.MaxValue : _closedOrderIdHorizon.Ticks * 100) { MaxListOrders = _maxListOrders, ListRate = _listRate };
    }

    private static InstrumentLimits Merge(InstrumentLimits? own, InstrumentLimits d) => own is null ? d : new InstrumentLimits
    {
        MinOrderQuantity = own.MinOrderQuantity ?? d.MinOrderQuantity,
        MaxOrderQuantity = own.MaxOrderQuantity ?? d.MaxOrderQuantity,
        MaxOrderNotional = own.MaxOrderNotional ?? d.MaxOrderNotional,
        MinOrderNotional = own.MinOrderNotional ?? d.MinOrderNotional,
        AllowNonPositivePrice = own.AllowNonPositivePrice ?? d.AllowNonPositivePrice,
        FatFingerMultiple = own.FatFingerMultiple ?? d.FatFingerMultiple,
        CollarBps = own.CollarBps ?? d.CollarBps,
        ReferenceSource = own.ReferenceSource ?? d.ReferenceSource,
        ReferenceStaleAfter = own.ReferenceStaleAfter ?? d.ReferenceStaleAfter,
        MissingReference = own.MissingReference ?? d.MissingReference,
        MaxLongPosition = own.MaxLongPosition ?? d.MaxLongPosition,
        MaxShortPosition = own.MaxShortPosition ?? d.MaxShortPosition,
        MaxOpenOrders = own.MaxOpenOrders ?? d.MaxOpenOrders,
        MaxOpenOrdersPerAccount = own.MaxOpenOrdersPerAccount ?? d.MaxOpenOrdersPerAccount,
        MaxOrdersPerWindow = own.MaxOrdersPerWindow ?? d.MaxOrdersPerWindow,
        MaxMessagesPerWindow = own.MaxMessagesPerWindow ?? d.MaxMessagesPerWindow,
        MaxModifiesPerWindow = own.MaxModifiesPerWindow ?? d.MaxModifiesPerWindow,
        SettlementCurrency = own.SettlementCurrency ?? d.SettlementCurrency,
        MarginRate = own.MarginRate is null && own.Leverage is null ? d.MarginRate : own.MarginRate,
        Leverage = own.MarginRate is null && own.Leverage is null ? d.Leverage : own.Leverage,
        FeeRate = own.FeeRate ?? d.FeeRate,
    };
}
