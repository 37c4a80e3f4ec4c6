namespace CircuitBreaker.Limits;

/// <summary>The rules every limit set obeys, shared by the builder and the run-time swaps of <see cref="RiskConfig"/>:
/// each problem is added to <c>errors</c>, so one message lists them all.</summary>
internal static class LimitsValidation
{
    internal static void Validate(string who, InstrumentLimits l, List<string> errors)
    {
        Positive(who, "min order quantity", l.MinOrderQuantity, errors);
        Positive(who, "max order quantity", l.MaxOrderQuantity, errors);
        Positive(who, "max order notional", l.MaxOrderNotional, errors);
        Positive(who, "min order notional", l.MinOrderNotional, errors);
        NotAbove(who, "min order notional", l.MinOrderNotional, "max order notional", l.MaxOrderNotional, errors);
        Positive(who, "fat-finger multiple", l.FatFingerMultiple, errors);
        Positive(who, "collar (bps)", l.CollarBps, errors);
        Positive(who, "max long position", l.MaxLongPosition, errors);
        Positive(who, "max short position", l.MaxShortPosition, errors);
        NotAbove(who, "min order quantity", l.MinOrderQuantity, "max order quantity", l.MaxOrderQuantity, errors);
        if (l.ReferenceStaleAfter is { } s && s <= TimeSpan.Zero) errors.Add($"{who}: reference staleness must be > 0 (was {s})");
        PositiveCount(who, "max open orders", l.MaxOpenOrders, errors);
        if (l.MaxOpenOrdersPerAccount is <= 0 or > 4096) errors.Add($"{who}: max open orders per account must be in 1..4096 (was {l.MaxOpenOrdersPerAccount})");
        Rates(who, l.MaxOrdersPerWindow, l.MaxMessagesPerWindow, l.MaxModifiesPerWindow, errors);
        if (l.SettlementCurrency is { } c && string.IsNullOrWhiteSpace(c)) errors.Add($"{who}: settlement currency must not be empty");
        if (l.MarginRate is { } mr && !(mr > 0 && mr <= 1)) errors.Add($"{who}: margin rate must be in (0, 1] (was {mr})");
        if (l.Leverage is { } lev && !(lev >= 1 && double.IsFinite(lev))) errors.Add($"{who}: leverage must be finite and >= 1 (was {lev})");
        if (l.MarginRate is not null && l.Leverage is not null) errors.Add($"{who}: set margin rate or leverage, not both");
        if (l.FeeRate is { } fr && !(fr >= 0 && fr < 1)) errors.Add($"{who}: fee rate must be in [0, 1) (was {fr})");
    }

    internal static void ValidateAccount(string who, AccountLimits l, List<string> errors)
    {
        Positive(who, "max gross exposure", l.MaxGrossExposure, errors);
        Positive(who, "max net exposure", l.MaxNetExposure, errors);
        Positive(who, "max daily loss", l.MaxDailyLoss, errors);
        PositiveCount(who, "max open orders", l.MaxOpenOrders, errors);
        Rates(who, l.MaxOrdersPerWindow, l.MaxMessagesPerWindow, l.MaxModifiesPerWindow, errors);
        if (l.BalanceMode is { } bm && !Enum.IsDefined(bm)) errors.Add($"{who}: balance mode {(int)bm} is not a defined BalanceMode");
        if (l.Balances is { } bs)
            foreach (var (ccy, v) in bs)
            {
                if (string.IsNullOrWhiteSpace(ccy)) errors.Add($"{who}: a balance has an empty currency");
                if (!double.IsFinite(v) || Math.Abs(v) > 9e14) errors.Add($"{who}: balance {ccy} must be finite and within ±9e14 (was {v})");
            }
    }

    /// <summary>The three message rates an instrument and an account both limit.</summary>
    private static void Rates(string who, int? orders, int? messages, int? modifies, List<string> errors)
    {
        PositiveCount(who, "max orders per window", orders, errors);
        PositiveCount(who, "max messages per window", messages, errors);
        if (modifies is <= 0 or int.MaxValue) errors.Add($"{who}: max modifies per window must be in 1..{int.MaxValue - 1} (was {modifies})");
    }

    private static void PositiveCount(string who, string what, int? value, List<string> errors)
    {
        if (value is <= 0) errors.Add($"{who}: {what} must be > 0 (was {value})");
    }

    /// <summary>A minimum above its maximum (both set and finite; non-finite values are reported by <see cref="Positive"/>).</summary>
    private static void NotAbove(string who, string minName, double? min, string maxName, double? max, List<string> errors)
    {
        if (min is { } lo && max is { } hi && double.IsFinite(lo) && double.IsFinite(hi) && lo > hi)
            errors.Add($"{who}: {minName} {lo} > {maxName} {hi}");
    }

    private static void Positive(string who, string what, double? value, List<string> errors)
    {
        if (value is { } v && (!double.IsFinite(v) || v <= 0)) errors.Add($"{who}: {what} must be finite and > 0 (was {v})");
    }
}
