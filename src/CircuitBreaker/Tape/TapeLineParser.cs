using System.Globalization;
using System.Text.Json;

namespace CircuitBreaker.Tape;

/// <summary>
/// Parses one tape line with <see cref="Utf8JsonReader"/> (no DOM): one pass stores each known field in a slot, then
/// the record is built for its <c>type</c>, checking JSON types and enum names. Semantic rules are in
/// <see cref="TapeRules"/>. Never throws for bad input; returns the reason instead.
/// </summary>
internal sealed class TapeLineParser
{
    private enum F
    {
        T, Type, Symbol, Kind, Tick, Lot, Underlying, Multiplier, Group, Barrier, BarrierKind, Strike, ExpiryT,
        Px, Qty, Aggressor, Venue, Bid, Ask, BidQty, AskQty, Source, Id, Account, Side, Action, Strategy, Tif,
        OrderId, Delta, Gamma, Vega, Notional, Pnl, Asset, Amount, Block, Tx, Pool, Scope, Target, Reason, ReduceOnly, ExpireT, QuoteQuantity, TriggerPx, Currency, Change, TrailingOffset, TrailingOffsetType, ListId, ListSize, Count,
    }

    private static readonly string[] Names =
    [
        "t", "type", "symbol", "kind", "tick", "lot", "underlying", "multiplier", "group", "barrier", "barrier_kind", "strike", "expiry_t",
        "px", "qty", "aggressor", "venue", "bid", "ask", "bid_qty", "ask_qty", "source", "id", "account", "side", "action", "strategy", "tif",
        "order_id", "delta", "gamma", "vega", "notional", "pnl", "asset", "amount", "block", "tx", "pool", "scope", "target", "reason",
        "reduce_only", "expire_t", "quote_quantity", "trigger_px", "currency", "change", "trailing_offset", "trailing_offset_type", "list_id", "list_size",
    ];

    private static readonly byte[][] Utf8Names = Names.Select(n => System.Text.Encoding.UTF8.GetBytes(n)).ToArray();

    private struct Slot
    {
        public JsonTokenType Token;
        public string? Str;
        public double Num;
        public bool NumOk;
        public long Int;
        public bool IsInt;
    }

    private readonly Slot[] _slots = new Slot[(int)F.Count];
    private readonly TapeStringPool _pool = new();
    private HashSet<string>? _unknown;
    private string? _error;

    /// <summary>Parses <paramref name="line"/>; returns null and the record, or the reason it is bad.</summary>
    public string? Parse(ReadOnlySpan<byte> line, long lineNumber, out TapeRecord? record)
    {
        record = null;
        try
        {
            string? e = ReadSlots(line);
            if (e is not null) return e;
            _error = null;
            record = Build(lineNumber);
            if (_error is not null) record = null;
            return _error;
        }
        catch (JsonException ex)
        {
            return string.Create(CultureInfo.InvariantCulture, $"invalid JSON at byte {ex.BytePositionInLine ?? 0}");
        }
        catch (InvalidOperationException)
        {
            return "invalid JSON: bad UTF-8 or escape in a string";
        }
        catch (ArgumentException)
        {
            return "invalid JSON: bad UTF-8 or escape in a string";
        }
    }

    private string? ReadSlots(ReadOnlySpan<byte> line)
    {
        Array.Clear(_slots);
        _unknown?.Clear();
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return "record is not a JSON object";
        while (true)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.EndObject) break;
            int f = Match(ref reader);
            if (f >= 0)
            {
                if (_slots[f].Token != JsonTokenType.None) return $"duplicate field '{Names[f]}'";
            }
            else
            {
                _unknown ??= new HashSet<string>(StringComparer.Ordinal);
                string name = reader.GetString()!;
                if (!_unknown.Add(name)) return $"duplicate field '{Truncate(name)}'";
            }
            reader.Read();
            if (f < 0)
            {
                reader.Skip();
                continue;
            }
            ref Slot s = ref _slots[f];
            s.Token = reader.TokenType;
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    s.Str = ReadString(ref reader, f != (int)F.Tx && f != (int)F.Reason);
                    break;
                case JsonTokenType.Number:
                    s.NumOk = reader.TryGetDouble(out s.Num) && double.IsFinite(s.Num);
                    s.IsInt = reader.TryGetInt64(out s.Int);
                    break;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    reader.Skip();
                    break;
            }
        }
        if (reader.Read()) return "trailing content after the JSON object";
        return null;
    }

    private static int Match(ref Utf8JsonReader reader)
    {
        for (int i = 0; i < Utf8Names.Length; i++)
        {
            if (reader.ValueTextEquals(Utf8Names[i])) return i;
        }
        return -1;
    }

    private string ReadString(ref Utf8JsonReader reader, bool pooled)
    {
        if (!pooled || reader.ValueSpan.Length > TapeStringPool.MaxLength) return reader.GetString()!;
        Span<char> chars = stackalloc char[TapeStringPool.MaxLength];
        int n = reader.CopyString(chars);
        return _pool.Get(chars[..n]);
    }

    private TapeRecord? Build(long lineNumber)
    {
        string? typeName = Str(F.Type);
        if (_error is not null) return null;
        if (typeName is null) { _error = "missing required field 'type'"; return null; }
        int type = TapeNames.Find(TapeNames.RecordTypes, typeName);
        if (type < 0) { _error = $"unknown type '{Truncate(typeName)}'"; return null; }
        ref Slot t = ref _slots[(int)F.T];
        if (t.Token == JsonTokenType.None || t.Token == JsonTokenType.Null) { _error = "missing required field 't'"; return null; }
        if (t.Token != JsonTokenType.Number || !t.IsInt || t.Int < 0) { _error = "t must be a non-negative integer"; return null; }
        long tv = t.Int;
        var tt = (TapeRecordType)type;
        return (TapeRecordType)type switch
        {
            TapeRecordType.Instrument => new TapeRecord
            {
                T = tv, Type = tt, LineNumber = lineNumber,
                Symbol = Str(F.Symbol), InstrumentKind = (InstrumentKind?)Enum(F.Kind, TapeNames.InstrumentKinds),
                Tick = Num(F.Tick), Lot = Num(F.Lot), Underlying = Str(F.Underlying),
                Multiplier = OrOne(Num(F.Multiplier)),
                Group = Str(F.Group), Barrier = Num(F.Barrier), BarrierKind = (BarrierKind?)Enum(F.BarrierKind, TapeNames.BarrierKinds),
                Strike = Num(F.Strike), ExpiryT = Int(F.ExpiryT),
            },
            TapeRecordType.Trade => new TapeRecord
            {
                T = tv, Type = tt, LineNumber = lineNumber,
                Symbol = Str(F.Symbol), Px = Num(F.Px), Qty = Num(F.Qty),
                Aggressor = (Side?)Enum(F.Aggressor, TapeNames.Sides), Venue = Str(F.Venue),
            },
            TapeRecordType.Quote => new TapeRecord
            {
                T = tv, Type = tt, LineNumber = lineNumber,
                Symbol = Str(F.Symbol), Bid = Num(F.Bid), Ask = Num(F.Ask), BidQty = Num(F.BidQty), AskQty = Num(F.AskQty), Venue = Str(F.Venue),
            },
            TapeRecordType.Oracle => new TapeRecord { T = tv, Type = tt, LineNumber = lineNumber, Symbol = Str(F.Symbol), Px = Num(F.Px), Source = Str(F.Source) },
            TapeRecordType.Order => new TapeRecord
            {
                T = tv, Type = tt, LineNumber = lineNumber,
                Symbol = Str(F.Symbol), OrderId = Int(F.Id), Account = Str(F.Account), Side = (Side?)Enum(F.Side, TapeNames.Sides),
                Px = Num(F.Px), Qty = Num(F.Qty), OrderAction = (OrderAction?)Enum(F.Action, TapeNames.OrderActions) ?? OrderAction.New,
                Strategy = Str(F.Strategy), Tif = Str(F.Tif), ReduceOnly = Bool(F.ReduceOnly), ExpireT = Int(F.ExpireT),
                QuoteQuantity = Bool(F.QuoteQuantity), TriggerPx = Num(F.TriggerPx), TrailingOffset = Num(F.TrailingOffset),
                TrailingOffsetType = (TrailingOffsetType?)Enum(F.TrailingOffsetType, TapeNames.TrailingOffsetTypes),
                ListId = Int(F.ListId), ListSize = Int(F.ListSize),
            },
            TapeRecordType.Fill => new TapeRecord
            {
                T = tv, Type = tt, LineNumber = lineNumber,
                Symbol = Str(F.Symbol), OrderId = Int(F.OrderId), Account = Str(F.Account), Side = (Side?)Enum(F.Side, TapeNames.Sides),
                Px = Num(F.Px), Qty = Num(F.Qty), Venue = Str(F.Venue),
            },
            TapeRecordType.Position => new TapeRecord
            {
                T = tv, Type = tt, LineNumber = lineNumber,
                Account = Str(F.Account), Symbol = Str(F.Symbol), Qty = Num(F.Qty), Delta = Num(F.Delta), Gamma = Num(F.Gamma),
                Vega = Num(F.Vega), Notional = Num(F.Notional), Pnl = Num(F.Pnl),
            },
            TapeRecordType.Chain => new TapeRecord
            {
                T = tv, Type = tt, LineNumber = lineNumber,
                ChainKind = (ChainEventKind?)Enum(F.Kind, TapeNames.ChainKinds), Asset = Str(F.Asset), Amount = Num(F.Amount),
                Account = Str(F.Account), Block = Int(F.Block), Tx = Str(F.Tx), Pool = Str(F.Pool), Symbol = Str(F.Symbol),
            },
            TapeRecordType.Balance => new TapeRecord
            {
                T = tv, Type = tt, LineNumber = lineNumber,
                Account = Str(F.Account), Currency = Str(F.Currency), BalanceChange = (BalanceChange?)Enum(F.Change, TapeNames.BalanceChanges), Amount = Num(F.Amount),
            },
            _ => new TapeRecord
            {
                T = tv, Type = tt, LineNumber = lineNumber,
                AdminAction = (AdminAction?)Enum(F.Action, TapeNames.AdminActions), Scope = (Scope?)Enum(F.Scope, TapeNames.Scopes),
                Target = Str(F.Target), Reason = Str(F.Reason),
            },
        };
    }

    /// <summary>String field: null when absent or JSON null; a non-string sets the error.</summary>
    private string? Str(F f)
    {
        ref Slot s = ref _slots[(int)f];
        if (s.Token == JsonTokenType.String) return s.Str;
        if (s.Token != JsonTokenType.None && s.Token != JsonTokenType.Null) _error ??= $"field '{Names[(int)f]}' must be a string";
        return null;
    }

    /// <summary>Number field: NaN when absent or JSON null; a non-number or an out-of-range number sets the error.</summary>
    private double Num(F f)
    {
        ref Slot s = ref _slots[(int)f];
        if (s.Token == JsonTokenType.Number)
        {
            if (s.NumOk) return s.Num;
            _error ??= $"field '{Names[(int)f]}' is out of range";
        }
        else if (s.Token != JsonTokenType.None && s.Token != JsonTokenType.Null)
        {
            _error ??= $"field '{Names[(int)f]}' must be a number";
        }
        return double.NaN;
    }

    /// <summary>Integer field: null when absent or JSON null; anything but a 64-bit integer sets the error.</summary>
    private long? Int(F f)
    {
        ref Slot s = ref _slots[(int)f];
        if (s.Token == JsonTokenType.Number && s.IsInt) return s.Int;
        if (s.Token != JsonTokenType.None && s.Token != JsonTokenType.Null) _error ??= $"field '{Names[(int)f]}' must be an integer";
        return null;
    }

    /// <summary>Boolean field: null when absent or JSON null; anything but true or false sets the error.</summary>
    private bool? Bool(F f)
    {
        ref Slot s = ref _slots[(int)f];
        if (s.Token is JsonTokenType.True or JsonTokenType.False) return s.Token == JsonTokenType.True;
        if (s.Token != JsonTokenType.None && s.Token != JsonTokenType.Null) _error ??= $"field '{Names[(int)f]}' must be true or false";
        return null;
    }

    /// <summary>Enum field by tape name: null when absent; an unknown name sets the error.</summary>
    private int? Enum(F f, string[] names)
    {
        string? value = Str(f);
        if (value is null) return null;
        int i = TapeNames.Find(names, value);
        if (i >= 0) return i;
        _error ??= $"unknown {Names[(int)f]} '{Truncate(value)}'";
        return null;
    }

    private static double OrOne(double value) => double.IsNaN(value) ? 1.0 : value;

    private static string Truncate(string s) => s.Length <= 64 ? s : string.Concat(s.AsSpan(0, 64), "...");
}
