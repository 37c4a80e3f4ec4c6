using System.Runtime.InteropServices;

namespace CircuitBreaker.Limits;

/// <summary>Per-instrument limits compiled to lots and ticks; read by value-ref on the hot path.</summary>
[StructLayout(LayoutKind.Auto)]
internal readonly struct InstrumentRule
{
    public InstrumentRule(InstrumentSpec spec, InstrumentLimits l, int currency = 0)
    {
        Currency = currency;
        FeeRate = l.FeeRate ?? 0;
        MarginRate = l.MarginRate ?? (l.Leverage is { } lev ? 1 / lev : 1);
        Spec = spec;
        Group = spec.Group.Value;
        InverseTick = spec.InverseTick;
        InverseLot = spec.InverseLot;
        NotionalPerTickLot = spec.NotionalPerTickLot;
        AllowsNonPositivePrice = l.AllowNonPositivePrice ?? spec.AllowsNonPositivePrice;
        MinLots = l.MinOrderQuantity is { } min ? Math.Max(1, (long)Math.Ceiling(min * spec.InverseLot - 1e-9)) : 1;
        MaxLots = l.MaxOrderQuantity is { } max ? (long)Math.Floor(max * spec.InverseLot + 1e-9) : long.MaxValue;
        MaxNotional = l.MaxOrderNotional ?? double.PositiveInfinity;
        MinNotional = l.MinOrderNotional ?? 0;
        FatFingerMultiple = l.FatFingerMultiple ?? RiskDefaults.FatFingerMultiple;
        // Options are collared on their premium with per-kind defaults (docs/controls.md): wider, a tick floor, the quote mid.
        bool option = spec.Kind is InstrumentKind.Option or InstrumentKind.BarrierOption;
        CollarBps = l.CollarBps ?? (option ? RiskDefaults.OptionCollarBps : RiskDefaults.CollarBps);
        CollarMinTicks = option ? RiskDefaults.OptionCollarMinTicks : 0;
        ReferenceSource = l.ReferenceSource ?? (option ? ReferencePriceSource.Mid : ReferencePriceSource.LastTrade);
        StaleNs = (long)(l.ReferenceStaleAfter ?? RiskDefaults.ReferenceStaleAfter).TotalNanoseconds;
        MissingReference = l.MissingReference ?? MissingReferencePolicy.Reject;
        MaxLongLots = l.MaxLongPosition is { } ml ? (long)Math.Floor(ml * spec.InverseLot + 1e-9) : long.MaxValue / 4;
        MaxShortLots = l.MaxShortPosition is { } ms ? (long)Math.Floor(ms * spec.InverseLot + 1e-9) : long.MaxValue / 4;
        MaxOpenOrders = l.MaxOpenOrders ?? RiskDefaults.MaxOpenOrdersPerInstrument;
        MaxOpenOrdersPerAccount = l.MaxOpenOrdersPerAccount ?? RiskDefaults.MaxOpenOrdersPerAccountInstrument;
        OrdersPerWindow = l.MaxOrdersPerWindow ?? RiskDefaults.InstrumentOrdersPerWindow;
        MessagesPerWindow = l.MaxMessagesPerWindow ?? RiskDefaults.InstrumentMessagesPerWindow;
        ModifiesPerWindow = l.MaxModifiesPerWindow ?? int.MaxValue;
    }

    public InstrumentSpec Spec { get; }
    public int Group { get; }
    /// <summary>Index of the settlement currency in <see cref="RiskConfig.Currencies"/>.</summary>
    public int Currency { get; }
    public double FeeRate { get; }
    public double MarginRate { get; }
    public double InverseTick { get; }
    public double InverseLot { get; }
    public double NotionalPerTickLot { get; }
    public bool AllowsNonPositivePrice { get; }
    public long MinLots { get; }
    public long MaxLots { get; }
    public double MaxNotional { get; }
    public double MinNotional { get; }
    public double FatFingerMultiple { get; }
    public double CollarBps { get; }
    /// <summary>The collar never rejects within this many ticks of the reference (options: <see cref="RiskDefaults.OptionCollarMinTicks"/>; others 0).</summary>
    public double CollarMinTicks { get; }
    public ReferencePriceSource ReferenceSource { get; }
    public long StaleNs { get; }
    public MissingReferencePolicy MissingReference { get; }
    public long MaxLongLots { get; }
    public long MaxShortLots { get; }
    public int MaxOpenOrders { get; }
    public int MaxOpenOrdersPerAccount { get; }
    public int OrdersPerWindow { get; }
    public int MessagesPerWindow { get; }
    /// <summary>Replaces per window; <see cref="int.MaxValue"/> when unlimited (the window is then not touched).</summary>
    public int ModifiesPerWindow { get; }
}

/// <summary>Per-account limits compiled for the hot path.</summary>
[StructLayout(LayoutKind.Auto)]
internal readonly struct AccountRule
{
    public AccountRule(AccountLimits l)
    {
        MaxGross = l.MaxGrossExposure ?? double.PositiveInfinity;
        MaxNet = l.MaxNetExposure ?? double.PositiveInfinity;
        MaxOpenOrders = l.MaxOpenOrders ?? RiskDefaults.MaxOpenOrdersPerAccount;
        OrdersPerWindow = l.MaxOrdersPerWindow ?? RiskDefaults.AccountOrdersPerWindow;
        MessagesPerWindow = l.MaxMessagesPerWindow ?? RiskDefaults.AccountMessagesPerWindow;
        MaxDailyLoss = l.MaxDailyLoss ?? double.PositiveInfinity;
        ModifiesPerWindow = l.MaxModifiesPerWindow ?? int.MaxValue;
        PreventSelfMatch = l.PreventSelfMatch ?? true;
        BalanceMode = l.BalanceMode ?? Limits.BalanceMode.None;
    }

    public BalanceMode BalanceMode { get; }

    public double MaxGross { get; }
    public double MaxNet { get; }
    public int MaxOpenOrders { get; }
    public int OrdersPerWindow { get; }
    public int MessagesPerWindow { get; }
    public double MaxDailyLoss { get; }
    /// <summary>Replaces per window; <see cref="int.MaxValue"/> when unlimited (the window is then not touched).</summary>
    public int ModifiesPerWindow { get; }
    public bool PreventSelfMatch { get; }
}

/// <summary>Per-group limits compiled for the hot path.</summary>
[StructLayout(LayoutKind.Auto)]
internal readonly struct GroupRule
{
    public GroupRule(GroupLimits l)
    {
        OrdersPerWindow = l.MaxOrdersPerWindow ?? int.MaxValue;
        MaxOpenOrders = l.MaxOpenOrders ?? int.MaxValue;
    }

    public int OrdersPerWindow { get; }
    public int MaxOpenOrders { get; }
}
