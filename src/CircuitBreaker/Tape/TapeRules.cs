using System.Globalization;

namespace CircuitBreaker.Tape;

/// <summary>
/// The semantic rules of event-tape spec v1, shared by <see cref="TapeReader"/> and <see cref="TapeWriter"/> so that
/// whatever the writer accepts the reader reads back: required fields, time order, declared symbols, finite and
/// representable numbers, non-negative quantities, and the tick/lot rounding warnings.
/// </summary>
internal sealed class TapeRules
{
    /// <summary>Largest |value / increment| accepted: beyond 2^53 a double no longer counts ticks or lots exactly.</summary>
    internal const double MaxIncrements = 9007199254740992.0;

    private readonly Dictionary<string, Declared> _instruments = new(StringComparer.Ordinal);
    private readonly HashSet<string> _underlyings = new(StringComparer.Ordinal);

    /// <summary>Event time of the last good record; -1 before the first.</summary>
    public long LastT { get; private set; } = -1;

    /// <summary>Checks <paramref name="r"/> against the tape so far. Returns null when good, else the reason.</summary>
    public string? Check(TapeRecord r, out int warnings)
    {
        warnings = 0;
        if (r.T < 0) return "t must be a non-negative integer";
        if (r.T < LastT) return string.Create(CultureInfo.InvariantCulture, $"t goes back in time ({r.T} < {LastT})");
        switch (r.Type)
        {
            case TapeRecordType.Instrument:
                return Required(r.Symbol, "symbol") ?? Required(r.InstrumentKind.HasValue, "kind")
                    ?? Increment(r.Tick, "tick") ?? Increment(r.Lot, "lot")
                    ?? (double.IsNaN(r.Multiplier) ? null : Increment(r.Multiplier, "multiplier"))
                    ?? Finite(r.Barrier, "barrier") ?? Finite(r.Strike, "strike")
                    ?? NotBlank(r.Symbol, "symbol") ?? Barrier(r)
                    ?? (_instruments.TryGetValue(r.Symbol!, out var d)
                        ? string.Create(CultureInfo.InvariantCulture, $"instrument '{r.Symbol}' already declared on line {d.Line}")
                        : null);
            case TapeRecordType.Trade:
            {
                string? e = Instrument(r.Symbol, out var ins) ?? Required(r.Px, "px") ?? Required(r.Qty, "qty") ?? NonNegative(r.Qty, "qty");
                return e ?? OnGrid(r.Px, ins.Tick, "px", "tick", ref warnings) ?? OnGrid(r.Qty, ins.Lot, "qty", "lot", ref warnings);
            }
            case TapeRecordType.Quote:
            {
                string? e = Instrument(r.Symbol, out var ins) ?? Required(r.Bid, "bid") ?? Required(r.Ask, "ask")
                    ?? NonNegative(r.BidQty, "bid_qty") ?? NonNegative(r.AskQty, "ask_qty");
                return e ?? OnGrid(r.Bid, ins.Tick, "bid", "tick", ref warnings) ?? OnGrid(r.Ask, ins.Tick, "ask", "tick", ref warnings)
                    ?? OnGrid(r.BidQty, ins.Lot, "bid_qty", "lot", ref warnings) ?? OnGrid(r.AskQty, ins.Lot, "ask_qty", "lot", ref warnings);
            }
            case TapeRecordType.Oracle:
                return Required(r.Symbol, "symbol") ?? PriceSymbol(r.Symbol!) ?? Required(r.Px, "px");
            case TapeRecordType.Order:
            {
                string? e = Instrument(r.Symbol, out var ins) ?? Required(r.OrderId.HasValue, "id") ?? Required(r.Account, "account")
                    ?? NotBlank(r.Account, "account");
                if (e is not null) return e;
                if (r.OrderAction != OrderAction.Cancel)
                {
                    e = Required(r.Side.HasValue, "side") ?? Required(r.Px, "px") ?? Required(r.Qty, "qty");
                    if (e is not null) return e;
                }
                return Finite(r.Px, "px") ?? NonNegative(r.Qty, "qty") ?? ListSize(r)
                    ?? OnGrid(r.Px, ins.Tick, "px", "tick", ref warnings) ?? OnGrid(r.Qty, ins.Lot, "qty", "lot", ref warnings);
            }
            case TapeRecordType.Fill:
            {
                string? e = Instrument(r.Symbol, out var ins) ?? Required(r.OrderId.HasValue, "order_id") ?? Required(r.Account, "account")
                    ?? NotBlank(r.Account, "account") ?? Required(r.Side.HasValue, "side") ?? Required(r.Px, "px") ?? Required(r.Qty, "qty") ?? NonNegative(r.Qty, "qty");
                return e ?? OnGrid(r.Px, ins.Tick, "px", "tick", ref warnings) ?? OnGrid(r.Qty, ins.Lot, "qty", "lot", ref warnings);
            }
            case TapeRecordType.Position:
            {
                string? e = Instrument(r.Symbol, out var ins) ?? Required(r.Account, "account") ?? NotBlank(r.Account, "account") ?? Required(r.Qty, "qty")
                    ?? Finite(r.Delta, "delta") ?? Finite(r.Gamma, "gamma") ?? Finite(r.Vega, "vega")
                    ?? Finite(r.Notional, "notional") ?? Finite(r.Pnl, "pnl");
                return e ?? OnGrid(r.Qty, ins.Lot, "qty", "lot", ref warnings);
            }
            case TapeRecordType.Chain:
                return Required(r.ChainKind.HasValue, "kind") ?? Required(r.Asset, "asset") ?? Required(r.Amount, "amount")
                    ?? NotBlank(r.Account, "account") ?? (r.Symbol is null ? null : PriceSymbol(r.Symbol));
            case TapeRecordType.Balance:
                return Required(r.Account, "account") ?? NotBlank(r.Account, "account") ?? Required(r.Currency, "currency") ?? NotBlank(r.Currency, "currency")
                    ?? Required(r.BalanceChange.HasValue, "change") ?? Required(r.Amount, "amount") ?? Finite(r.Amount, "amount");
            case TapeRecordType.Admin:
                return Required(r.AdminAction.HasValue, "action") ?? NotBlank(r.Target, "target")
                    ?? (r.AdminAction == AdminAction.StartDay && r.Scope is Scope.Instrument or Scope.Group
                        ? "action 'start_day' applies to scope 'global' (every account) or 'account'" : null);
            default:
                return string.Create(CultureInfo.InvariantCulture, $"unknown type {(int)r.Type}");
        }
    }

    /// <summary>Accepts a record that passed <see cref="Check"/>: advances time and declares instruments.</summary>
    public void Commit(TapeRecord r)
    {
        LastT = r.T;
        if (r.Type == TapeRecordType.Instrument)
        {
            _instruments.Add(r.Symbol!, new Declared(r.Tick, r.Lot, r.LineNumber));
            if (r.Underlying is { Length: > 0 } u) _underlyings.Add(u);
        }
    }

    private static string? Required(string? value, string name) => value is null ? Missing(name) : null;
    private static string? Required(bool present, string name) => present ? null : Missing(name);
    private static string? Required(double value, string name) =>
        double.IsNaN(value) ? Missing(name) : Finite(value, name);
    private static string Missing(string name) => $"missing required field '{name}'";

    private static string? Finite(double value, string name) =>
        double.IsInfinity(value) ? $"field '{name}' must be a finite number" : null;

    private static string? NonNegative(double value, string name) =>
        Finite(value, name) ?? (value < 0 ? $"field '{name}' must not be negative" : null);

    /// <summary>An optional name (null passes) must hold something besides white space: an empty or blank account,
    /// symbol or admin target names nothing, and registering it would fail.</summary>
    private static string? NotBlank(string? value, string name) =>
        value is not null && string.IsNullOrWhiteSpace(value) ? $"field '{name}' must not be empty or white space" : null;

    /// <summary>The barrier rule of the registry (<see cref="InstrumentRegistry.AddInstrument"/>), checked per record so a
    /// bad declaration is a bad record, not a configuration that fails as a whole.</summary>
    private static string? Barrier(TapeRecord r)
    {
        bool barrierOption = r.InstrumentKind == CircuitBreaker.InstrumentKind.BarrierOption;
        if (barrierOption && (r.BarrierKind is null or CircuitBreaker.BarrierKind.None))
            return "a barrier_option needs field 'barrier_kind'";
        if (barrierOption && !(r.Barrier > 0)) return "a barrier_option needs field 'barrier' greater than 0";
        if (!barrierOption && r.BarrierKind is not null and not CircuitBreaker.BarrierKind.None) return "only a barrier_option takes field 'barrier_kind'";
        return null;
    }

    private static string? Increment(double value, string name) =>
        Required(value, name) ?? (value > 0 ? null : $"field '{name}' must be greater than 0");

    private string? Instrument(string? symbol, out Declared declared)
    {
        declared = default;
        if (symbol is null) return Missing("symbol");
        return _instruments.TryGetValue(symbol, out declared) ? null : $"undeclared symbol '{symbol}'";
    }

    private string? PriceSymbol(string symbol) =>
        _instruments.ContainsKey(symbol) || _underlyings.Contains(symbol) ? null : $"undeclared symbol '{symbol}'";

    /// <summary>Optional value (NaN passes): must fit in 2^53 increments; off-grid values count one warning.</summary>
    private static string? OnGrid(double value, double increment, string name, string incrementName, ref int warnings)
    {
        if (double.IsNaN(value)) return null;
        double units = value / increment;
        if (!(Math.Abs(units) <= MaxIncrements))
        {
            return string.Create(CultureInfo.InvariantCulture, $"field '{name}' is too large for {incrementName} {increment:R}");
        }
        double nearest = Math.Round(units);
        if (Math.Abs(units - nearest) > 1e-9 + Math.Abs(units) * 1e-15) warnings++;
        return null;
    }

    private readonly record struct Declared(double Tick, double Lot, long Line);

    /// <summary>Largest <c>list_size</c> accepted (the gate's own cap, <c>max_list_orders</c>, is at most 256: a larger list
    /// is read and then refused <c>ListTooLarge</c>).</summary>
    internal const long MaxListSize = 1024;

    private static string? ListSize(TapeRecord r)
    {
        if (r.ListSize is not { } n) return null;
        if (r.ListId is null) return "list_size needs a list_id";
        return n is < 1 or > MaxListSize ? string.Create(CultureInfo.InvariantCulture, $"list_size must be 1 to {MaxListSize}") : null;
    }
}
