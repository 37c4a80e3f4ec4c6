namespace CircuitBreaker.Tape;

/// <summary>The tape's lower_snake_case names for record types and enums, indexed by enum value.</summary>
internal static class TapeNames
{
    public static readonly string[] RecordTypes = ["instrument", "trade", "quote", "oracle", "order", "fill", "position", "chain", "admin", "balance"];
    public static readonly string[] BalanceChanges = ["deposit", "withdrawal", "fee", "funding", "pnl", "set"];
    public static readonly string[] InstrumentKinds = ["spot", "perpetual", "future", "option", "barrier_option", "swap"];
    public static readonly string[] BarrierKinds = ["none", "up_and_out", "down_and_out", "up_and_in", "down_and_in"];
    public static readonly string[] Sides = ["buy", "sell"];
    public static readonly string[] OrderActions = ["new", "replace", "cancel"];
    public static readonly string[] TrailingOffsetTypes = ["price", "basis_points", "ticks"];
    public static readonly string[] ChainKinds = ["borrow", "repay", "swap", "deposit", "withdraw", "transfer", "liquidation"];
    public static readonly string[] AdminActions = ["halt", "resume", "reduce_only", "ack", "start_day"];
    public static readonly string[] Scopes = ["instrument", "group", "account", "global"];
    public static readonly string[] TradingStates = ["active", "reduce_only", "halted"];
    public static readonly string[] Severities = ["info", "warning", "critical"];

    /// <summary>Index of <paramref name="value"/> in <paramref name="names"/> (ordinal), or -1.</summary>
    public static int Find(string[] names, string value)
    {
        for (int i = 0; i < names.Length; i++)
        {
            if (string.Equals(names[i], value, StringComparison.Ordinal)) return i;
        }
        return -1;
    }
}
