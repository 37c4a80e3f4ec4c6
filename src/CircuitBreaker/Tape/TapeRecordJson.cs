using System.Text.Json;

namespace CircuitBreaker.Tape;

/// <summary>Serialises one <see cref="TapeRecord"/> in the spec's field order, only the fields of its type.</summary>
internal static class TapeRecordJson
{
    public static void Write(Utf8JsonWriter w, TapeRecord r)
    {
        w.WriteStartObject();
        w.WriteNumber("t"u8, r.T);
        w.WriteString("type"u8, TapeNames.RecordTypes[(int)r.Type]);
        switch (r.Type)
        {
            case TapeRecordType.Instrument:
                Str(w, "symbol"u8, r.Symbol);
                Enum(w, "kind"u8, TapeNames.InstrumentKinds, (int?)r.InstrumentKind);
                Num(w, "tick"u8, r.Tick);
                Num(w, "lot"u8, r.Lot);
                Str(w, "underlying"u8, r.Underlying);
                Num(w, "multiplier"u8, r.Multiplier);
                Str(w, "group"u8, r.Group);
                Num(w, "barrier"u8, r.Barrier);
                Enum(w, "barrier_kind"u8, TapeNames.BarrierKinds, (int?)r.BarrierKind);
                Num(w, "strike"u8, r.Strike);
                Int(w, "expiry_t"u8, r.ExpiryT);
                break;
            case TapeRecordType.Trade:
                Str(w, "symbol"u8, r.Symbol);
                Num(w, "px"u8, r.Px);
                Num(w, "qty"u8, r.Qty);
                Enum(w, "aggressor"u8, TapeNames.Sides, (int?)r.Aggressor);
                Str(w, "venue"u8, r.Venue);
                break;
            case TapeRecordType.Quote:
                Str(w, "symbol"u8, r.Symbol);
                Num(w, "bid"u8, r.Bid);
                Num(w, "ask"u8, r.Ask);
                Num(w, "bid_qty"u8, r.BidQty);
                Num(w, "ask_qty"u8, r.AskQty);
                Str(w, "venue"u8, r.Venue);
                break;
            case TapeRecordType.Oracle:
                Str(w, "symbol"u8, r.Symbol);
                Num(w, "px"u8, r.Px);
                Str(w, "source"u8, r.Source);
                break;
            case TapeRecordType.Order:
                Str(w, "symbol"u8, r.Symbol);
                Int(w, "id"u8, r.OrderId);
                Str(w, "account"u8, r.Account);
                Enum(w, "side"u8, TapeNames.Sides, (int?)r.Side);
                Num(w, "px"u8, r.Px);
                Num(w, "qty"u8, r.Qty);
                Enum(w, "action"u8, TapeNames.OrderActions, (int?)r.OrderAction);
                Str(w, "strategy"u8, r.Strategy);
                Str(w, "tif"u8, r.Tif);
                if (r.ReduceOnly is { } reduceOnly) w.WriteBoolean("reduce_only"u8, reduceOnly);
                Int(w, "expire_t"u8, r.ExpireT);
                if (r.QuoteQuantity is { } quoteQuantity) w.WriteBoolean("quote_quantity"u8, quoteQuantity);
                Num(w, "trigger_px"u8, r.TriggerPx);
                Num(w, "trailing_offset"u8, r.TrailingOffset);
                Enum(w, "trailing_offset_type"u8, TapeNames.TrailingOffsetTypes, (int?)r.TrailingOffsetType);
                Int(w, "list_id"u8, r.ListId);
                Int(w, "list_size"u8, r.ListSize);
                break;
            case TapeRecordType.Fill:
                Str(w, "symbol"u8, r.Symbol);
                Int(w, "order_id"u8, r.OrderId);
                Str(w, "account"u8, r.Account);
                Enum(w, "side"u8, TapeNames.Sides, (int?)r.Side);
                Num(w, "px"u8, r.Px);
                Num(w, "qty"u8, r.Qty);
                Str(w, "venue"u8, r.Venue);
                break;
            case TapeRecordType.Position:
                Str(w, "account"u8, r.Account);
                Str(w, "symbol"u8, r.Symbol);
                Num(w, "qty"u8, r.Qty);
                Num(w, "delta"u8, r.Delta);
                Num(w, "gamma"u8, r.Gamma);
                Num(w, "vega"u8, r.Vega);
                Num(w, "notional"u8, r.Notional);
                Num(w, "pnl"u8, r.Pnl);
                break;
            case TapeRecordType.Chain:
                Enum(w, "kind"u8, TapeNames.ChainKinds, (int?)r.ChainKind);
                Str(w, "asset"u8, r.Asset);
                Num(w, "amount"u8, r.Amount);
                Str(w, "account"u8, r.Account);
                Int(w, "block"u8, r.Block);
                Str(w, "tx"u8, r.Tx);
                Str(w, "pool"u8, r.Pool);
                Str(w, "symbol"u8, r.Symbol);
                break;
            case TapeRecordType.Balance:
                Str(w, "account"u8, r.Account);
                Str(w, "currency"u8, r.Currency);
                Enum(w, "change"u8, TapeNames.BalanceChanges, (int?)r.BalanceChange);
                Num(w, "amount"u8, r.Amount);
                break;
            case TapeRecordType.Admin:
                Enum(w, "action"u8, TapeNames.AdminActions, (int?)r.AdminAction);
                Enum(w, "scope"u8, TapeNames.Scopes, (int?)r.Scope);
                Str(w, "target"u8, r.Target);
                Str(w, "reason"u8, r.Reason);
                break;
        }
        w.WriteEndObject();
    }

    private static void Str(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? value)
    {
        if (value is null) return;
        if (!IsValidUtf16(value)) throw new ArgumentException($"Field '{System.Text.Encoding.UTF8.GetString(name)}' holds an unpaired surrogate.");
        w.WriteString(name, value);
    }

    private static void Num(Utf8JsonWriter w, ReadOnlySpan<byte> name, double value)
    {
        if (!double.IsNaN(value)) w.WriteNumber(name, value);
    }

    private static void Int(Utf8JsonWriter w, ReadOnlySpan<byte> name, long? value)
    {
        if (value is { } v) w.WriteNumber(name, v);
    }

    private static void Enum(Utf8JsonWriter w, ReadOnlySpan<byte> name, string[] names, int? value)
    {
        if (value is not { } v) return;
        if ((uint)v >= (uint)names.Length) throw new ArgumentException($"Field '{System.Text.Encoding.UTF8.GetString(name)}' has no tape name for value {v}.");
        w.WriteString(name, names[v]);
    }

    private static bool IsValidUtf16(string s)
    {
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }
        return true;
    }
}
