using System.Runtime.InteropServices;

namespace CircuitBreaker.Gate;

/// <summary>Per account and settlement currency, for accounts with a balance mode (<see cref="Limits.BalanceMode"/>):
/// line 0 is written by the gate (what working orders hold), line 1 by the position keeper (balance, positions' margin,
/// unrealised PnL, and in account-owned mode what fills released of the hold). Allocated only when some account has a
/// balance mode; otherwise the gate keeps none.</summary>
[StructLayout(LayoutKind.Explicit, Size = 128)]
internal struct BalanceCounters
{
    /// <summary>Balance held by working orders (cash: notional × (1 + fee rate); margin: notional × margin rate), fixed
    /// point (<see cref="AccountCounters.NotionalScale"/>), rounded up per order.</summary>
    [FieldOffset(0)] public long HeldFx;
    // position-keeper-written (line 1)
    /// <summary>Account-owned mode: what fills released of <see cref="HeldFx"/> (0 otherwise).</summary>
    [FieldOffset(64)] public long ReleasedHeldFx;
    /// <summary>The balance: starting balance, then fills, fees, funding, deposits and withdrawals.</summary>
    [FieldOffset(72)] public double Balance;
    /// <summary>Margin accounts: Σ |position notional at mark| × margin rate over the currency's instruments.</summary>
    [FieldOffset(80)] public double PositionMargin;
    /// <summary>Margin accounts: unrealised PnL of the currency's positions at mark.</summary>
    [FieldOffset(88)] public double Unrealised;
}
