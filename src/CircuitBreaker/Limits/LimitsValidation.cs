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
        if (l.MinOrderNotional is { } minN && l.MaxOrderNotional is { } maxN && double.IsFinite(minN) && double.IsFinite(maxN) && minN > maxN)
            errors.Add($"{who}: min order notional {minN} > max order notional {maxN}");
        Positive(who, "fat-finger multiple", l.FatFingerMultiple, errors);
        Positive(who, "collar (bps)", l.CollarBps, errors);
        Positive(who, "max long position", l.MaxLongPosition, errors);
        Positive(who, "max short position", l.MaxShortPosition, errors);
        if (l.MinOrderQuantity is { } min && l.MaxOrderQuantity is { } max && double.IsFinite(min) && double.IsFinite(max) && min > max)
            errors.Add($"{who}: min order quantity {min} > max order quantity {max}");
        if (l.ReferenceStaleAfter is { } s && s <= TimeSpan.Zero) errors.Add($"{who}: reference staleness must be > 0 (was {s})");
        if (l.MaxOpenOrders is <= 0) errors.Add($"{who}: max open orders must be > 0 (was {l.MaxOpenOrders})");
        if (l.MaxOpenOrdersPerAccount is <= 0 or > 4096) errors.Add($"{who}: max open orders per account must be in 1..4096 (was {l.MaxOpenOrdersPerAccount})");
        if (l.MaxOrdersPerWindow is <= 0) errors.Add($"{who}: max orders per window must be > 0 (was {l.MaxOrdersPerWindow})");
        if (l.MaxMessagesPerWindow is <= 0) errors.Add($"{who}: max messages per window must be > 0 (was {l.MaxMessagesPerWindow})");
        if (l.MaxModifiesPerWindow is <= 0 or int.MaxValue) errors.Add($"{who}: max modifies per window must be in 1..{int.MaxValue - 1} (was {l.MaxModifiesPerWindow})");
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
        if (l.MaxOpenOrders is <= 0) errors.Add($"{who}: max open orders must be > 0 (was {l.MaxOpenOrders})");
        if (l.MaxOrdersPerWindow is <= 0) errors.Add($"{who}: max orders per window must be > 0 (was {l.MaxOrdersPerWindow})");
        if (l.MaxMessagesPerWindow is <= 0) errors.Add($"{who}: max messages per window must be > 0 (was {l.MaxMessagesPerWindow})");
        if (l.MaxModifiesPerWindow is <= 0 or int.MaxValue) errors.Add($"{who}: max modifies per window must be in 1..{int.MaxValue - 1} (was {l.MaxModifiesPerWindow})");
        if (l.BalanceMode is { } bm && !Enum.IsDefined(bm)) errors.Add($"{who}: balance mode {(int)bm} is not a defined BalanceMode");
        if (l.Balances is { } bs)
            foreach (var (ccy, v) in bs)
            {
                if (string.IsNullOrWhiteSpace(ccy)) errors.Add($"{who}: a balance has an empty currency");
                if (!double.IsFinite(v) || Math.Abs(v) > 9e14) errors.Add($"{who}: balance {ccy} must be finite and within ±9e14 (was {v})");
            }
    }

    private static void Positive(string who, string what, double? value, List<string> errors)
    {
        if (value is { } v && (!double.IsFinite(v) || v <= 0)) errors.Add($"{who}: {what} must be finite and > 0 (was {v})");
    }
}
