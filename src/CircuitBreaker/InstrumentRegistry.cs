using System.Diagnostics.CodeAnalysis;

namespace CircuitBreaker;

/// <summary>
/// Issues dense <see cref="InstrumentId"/>, <see cref="AccountId"/> and <see cref="GroupId"/> values from symbols at setup,
/// so the hot path never touches a string. Registration allocates and is not thread-safe: do it before trading starts.
/// Lookups by id are O(1) array reads.
/// </summary>
public sealed class InstrumentRegistry
{
    private readonly List<InstrumentSpec> _instruments = new();
    private readonly Dictionary<string, InstrumentId> _instrumentBySymbol = new(StringComparer.Ordinal);
    private readonly List<string> _accounts = new();
    private readonly Dictionary<string, AccountId> _accountByName = new(StringComparer.Ordinal);
    private readonly List<string> _groups = new();
    private readonly Dictionary<string, GroupId> _groupByName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InstrumentId> _underlyingReference = new(StringComparer.Ordinal);

    /// <summary>Number of instruments.</summary>
    public int InstrumentCount => _instruments.Count;
    /// <summary>Number of accounts.</summary>
    public int AccountCount => _accounts.Count;
    /// <summary>Number of groups.</summary>
    public int GroupCount => _groups.Count;
    /// <summary>All instruments in id order.</summary>
    public IReadOnlyList<InstrumentSpec> Instruments => _instruments;

    /// <summary>Registers an instrument and returns its id. Throws <see cref="ArgumentException"/> listing every problem.</summary>
    /// <param name="symbol">Unique symbol.</param>
    /// <param name="kind">Product kind.</param>
    /// <param name="tick">Price increment, finite and &gt; 0.</param>
    /// <param name="lot">Quantity increment, finite and &gt; 0.</param>
    /// <param name="multiplier">Contract multiplier, finite and &gt; 0 (default 1).</param>
    /// <param name="underlying">Underlying name (default: the symbol).</param>
    /// <param name="group">Risk group (default: the underlying).</param>
    /// <param name="barrier">Barrier level (barrier options only).</param>
    /// <param name="barrierKind">Barrier kind (barrier options only).</param>
    /// <param name="strike">Strike (options only).</param>
    public InstrumentId AddInstrument(string symbol, InstrumentKind kind, double tick, double lot, double multiplier = 1,
        string? underlying = null, string? group = null, double barrier = double.NaN, BarrierKind barrierKind = BarrierKind.None,
        double strike = double.NaN)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(symbol)) errors.Add("symbol must be non-empty");
        else if (_instrumentBySymbol.ContainsKey(symbol)) errors.Add($"symbol '{symbol}' is already registered");
        if (!double.IsFinite(tick) || tick <= 0) errors.Add($"tick must be finite and > 0 (was {tick})");
        if (!double.IsFinite(lot) || lot <= 0) errors.Add($"lot must be finite and > 0 (was {lot})");
        if (!double.IsFinite(multiplier) || multiplier <= 0) errors.Add($"multiplier must be finite and > 0 (was {multiplier})");
        if (kind == InstrumentKind.BarrierOption && (barrierKind == BarrierKind.None || !double.IsFinite(barrier) || barrier <= 0))
            errors.Add("a barrier option needs a barrier kind and a finite barrier > 0");
        if (kind != InstrumentKind.BarrierOption && barrierKind != BarrierKind.None)
            errors.Add("only barrier options take a barrier");
        if (errors.Count > 0)
            throw new ArgumentException($"instrument '{symbol}': " + string.Join("; ", errors), nameof(symbol));

        string und = string.IsNullOrWhiteSpace(underlying) ? symbol : underlying!;
        string grp = string.IsNullOrWhiteSpace(group) ? und : group!;
        var id = new InstrumentId(_instruments.Count);
        var spec = new InstrumentSpec(id, symbol, kind, tick, lot, multiplier, und, GetOrAddGroup(grp), grp,
            kind == InstrumentKind.BarrierOption ? barrier : double.NaN, barrierKind, strike);
        _instruments.Add(spec);
        _instrumentBySymbol.Add(symbol, id);
        _underlyingReference.TryAdd(und, id);
        return id;
    }

    /// <summary>Registers (or returns) an account.</summary>
    /// <param name="name">The account's name.</param>
    /// <returns>Its dense id (the next free one when new). Allocates when new; setup only.</returns>
    public AccountId GetOrAddAccount(string name) => GetOrAdd(name, _accounts, _accountByName, static i => new AccountId(i));

    /// <summary>Registers (or returns) a risk group.</summary>
    /// <param name="name">The group's name.</param>
    /// <returns>Its dense id (the next free one when new). Allocates when new; setup only.</returns>
    public GroupId GetOrAddGroup(string name) => GetOrAdd(name, _groups, _groupByName, static i => new GroupId(i));

    /// <summary>The id of <paramref name="name"/>: found in <paramref name="index"/>, or the next dense one, appended.</summary>
    private static TId GetOrAdd<TId>(string name, List<string> names, Dictionary<string, TId> index, Func<int, TId> idOf)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (index.TryGetValue(name, out var id)) return id;
        id = idOf(names.Count);
        names.Add(name);
        index.Add(name, id);
        return id;
    }

    /// <summary>The instrument registered under <paramref name="symbol"/>. On failure <paramref name="id"/> is
    /// <see cref="InstrumentId.None"/>, which the gate refuses (<see cref="RejectReason.UnknownInstrument"/>): an engine
    /// that ignores the result never trades under another instrument's limits.</summary>
    /// <param name="symbol">The symbol.</param>
    /// <param name="id">The instrument, or <see cref="InstrumentId.None"/>.</param>
    /// <returns>True when found. Allocates nothing; thread-safe once setup is over.</returns>
    public bool TryGetInstrument(string symbol, out InstrumentId id) => Found(_instrumentBySymbol.TryGetValue(symbol, out id), ref id, InstrumentId.None);

    /// <summary>
    /// Resolves a symbol or an underlying name (oracle prices may name an underlying): the instrument itself, else
    /// the first instrument registered on that underlying.
    /// </summary>
    /// <param name="symbolOrUnderlying">A symbol or an underlying name.</param>
    /// <param name="id">The instrument, or <see cref="InstrumentId.None"/>.</param>
    /// <returns>True when found.</returns>
    public bool TryResolvePriceSymbol(string symbolOrUnderlying, out InstrumentId id)
        => Found(_instrumentBySymbol.TryGetValue(symbolOrUnderlying, out id) || _underlyingReference.TryGetValue(symbolOrUnderlying, out id), ref id, InstrumentId.None);

    /// <summary>The account registered under <paramref name="name"/>. On failure <paramref name="id"/> is
    /// <see cref="AccountId.None"/>, which the gate refuses (<see cref="RejectReason.UnknownAccount"/>).</summary>
    /// <param name="name">The account's name.</param>
    /// <param name="id">The account, or <see cref="AccountId.None"/>.</param>
    /// <returns>True when found. Allocates nothing.</returns>
    public bool TryGetAccount(string name, out AccountId id) => Found(_accountByName.TryGetValue(name, out id), ref id, AccountId.None);
    /// <summary>The group registered under <paramref name="name"/>. On failure <paramref name="id"/> is <see cref="GroupId.None"/>.</summary>
    /// <param name="name">The group's name.</param>
    /// <param name="id">The group, or <see cref="GroupId.None"/>.</param>
    /// <returns>True when found.</returns>
    public bool TryGetGroup(string name, out GroupId id) => Found(_groupByName.TryGetValue(name, out id), ref id, GroupId.None);

    /// <summary>A failed look-up leaves <c>default</c> (id 0, a valid id) in its out parameter; replace it with "none".</summary>
    private static bool Found<T>(bool found, ref T id, T none)
    {
        if (!found) id = none;
        return found;
    }

    /// <summary>The spec of <paramref name="id"/>; throws for an id this registry did not issue.</summary>
    public InstrumentSpec this[InstrumentId id] => _instruments[id.Value];

    /// <summary>The spec of <paramref name="id"/>, or false for an id this registry did not issue.</summary>
    /// <param name="id">An instrument id.</param>
    /// <param name="spec">Its spec, or null.</param>
    /// <returns>True for an id this registry issued.</returns>
    public bool TryGetSpec(InstrumentId id, [NotNullWhen(true)] out InstrumentSpec? spec)
    {
        if ((uint)id.Value < (uint)_instruments.Count) { spec = _instruments[id.Value]; return true; }
        spec = null;
        return false;
    }

    /// <summary>Name of an account id.</summary>
    /// <param name="id">An account id.</param>
    /// <returns>Its name, or <c>?</c> for an id not issued here.</returns>
    public string AccountName(AccountId id) => (uint)id.Value < (uint)_accounts.Count ? _accounts[id.Value] : "?";
    /// <summary>Name of a group id.</summary>
    /// <param name="id">A group id.</param>
    /// <returns>Its name, or <c>?</c> for an id not issued here.</returns>
    public string GroupName(GroupId id) => (uint)id.Value < (uint)_groups.Count ? _groups[id.Value] : "?";
    /// <summary>Human name of a scope target: symbol, group, account, or <c>*</c> for global.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="target">The dense id of its target (ignored for global).</param>
    /// <returns>The symbol, group or account name, <c>*</c> for global, <c>?</c> for an unknown id.</returns>
    public string TargetName(Scope scope, int target) => scope switch
    {
        Scope.Instrument => (uint)target < (uint)_instruments.Count ? _instruments[target].Symbol : "?",
        Scope.Group => GroupName(new GroupId(target)),
        Scope.Account => AccountName(new AccountId(target)),
        _ => "*",
    };
}
