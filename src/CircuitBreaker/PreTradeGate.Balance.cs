using System.Runtime.CompilerServices;

namespace CircuitBreaker;

public sealed partial class PreTradeGate
{
    /// <summary>Per account × settlement currency (<c>account * currencies + currency</c>); empty when no account has a
    /// balance mode, so the default profile keeps no balance state and pays one compare per order.</summary>
    private readonly LineArray<BalanceCounters> _balances;
    private readonly int _currencies;

    /// <summary>What an order holding <paramref name="notionalFx"/> of working notional holds of its account's balance:
    /// cash, notional × (1 + fee rate); margin, notional × margin rate; rounded up. A pure function of the notional, so an
    /// order's later changes (replaces, partial fills, release) move the hold by differences that sum exactly to it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long HoldFx(in InstrumentRule r, BalanceMode mode, long notionalFx)
        => notionalFx == 0 ? 0 : (long)Math.Ceiling(notionalFx * (mode == BalanceMode.Cash ? 1 + r.FeeRate : r.MarginRate));

    internal ref BalanceCounters BalanceState(int account, int currency) => ref _balances[account * _currencies + currency];

    /// <summary>True when the gate keeps balances (some account has a balance mode).</summary>
    internal bool KeepsBalances => _balances.Length > 0;

    /// <summary>Reserves the balance a new order (or the growth of a replaced one) holds and checks it against the free
    /// balance (cash) or free collateral (margin) of its settlement currency; a <paramref name="reducing"/> order holds but
    /// is never refused. Rolls its own reservation back on refusal. Only for accounts with a balance mode.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private Decision ReserveBalance<TSync>(in InstrumentRule r, in AccountRule ar, int acc, long oldFx, long newFx, bool reducing) where TSync : struct, ISync
    {
        ref BalanceCounters b = ref BalanceState(acc, r.Currency);
        long h = HoldFx(in r, ar.BalanceMode, newFx) - HoldFx(in r, ar.BalanceMode, oldFx);
        long held = Acct.Add<TSync>(ref b.HeldFx, h) - (TSync.Owned ? Volatile.Read(ref b.ReleasedHeldFx) : 0);
        if (reducing || h <= 0) return Decision.Accept;
        double free = Volatile.Read(ref b.Balance);
        if (ar.BalanceMode == BalanceMode.Margin) free += Volatile.Read(ref b.Unrealised) - Volatile.Read(ref b.PositionMargin);
        double need = held / AccountCounters.NotionalScale;
        if (need <= free) return Decision.Accept;
        Acct.Add<TSync>(ref b.HeldFx, -h);
        return Decision.Reject(RejectReason.InsufficientBalance, Scope.Account, free, need);
    }

    /// <summary>Moves an order's hold from what <paramref name="oldFx"/> of working notional holds to what
    /// <paramref name="newFx"/> holds, unchecked (a release, a rollback, a partial fill). Nothing without a balance mode.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MoveHold<TSync>(int instrument, int acc, long oldFx, long newFx) where TSync : struct, ISync
    {
        var cfg = _config;
        ref readonly AccountRule ar = ref cfg.Accounts[acc];
        if (ar.BalanceMode == BalanceMode.None) return;
        ref readonly InstrumentRule r = ref cfg.Instruments[instrument];
        Acct.Add<TSync>(ref BalanceState(acc, r.Currency).HeldFx, HoldFx(in r, ar.BalanceMode, newFx) - HoldFx(in r, ar.BalanceMode, oldFx));
    }

    /// <summary>Account-owned mode, on the position keeper's thread: a fill's release of an order's hold, into the
    /// keeper-written counter the gate subtracts.</summary>
    private void ReleaseHoldOwned(int instrument, int acc, long oldFx, long newFx)
    {
        var cfg = _config;
        ref readonly AccountRule ar = ref cfg.Accounts[acc];
        if (ar.BalanceMode == BalanceMode.None) return;
        ref readonly InstrumentRule r = ref cfg.Instruments[instrument];
        ref BalanceCounters b = ref BalanceState(acc, r.Currency);
        Volatile.Write(ref b.ReleasedHeldFx, b.ReleasedHeldFx + HoldFx(in r, ar.BalanceMode, oldFx) - HoldFx(in r, ar.BalanceMode, newFx));
    }

    /// <summary>Whether an order of <paramref name="buy"/> side leaves the position no larger: this side's working lots
    /// (including it) at most close the position.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Reducing(bool buy, long position, long newWorking) => buy ? position < 0 && newWorking <= -position : position > 0 && newWorking <= position;

    /// <summary>A snapshot of an account's balance in one settlement currency: the balance, what working orders hold, and
    /// what is free (cash: balance − held; margin: balance + unrealised PnL − positions' initial margin − held). Zeros when
    /// the gate keeps no balances. Allocates nothing.</summary>
    /// <param name="account">The account.</param>
    /// <param name="currency">The currency's index in <see cref="RiskConfig.Currencies"/> (<see cref="RiskConfig.CurrencyIndex"/>).</param>
    /// <returns>The snapshot.</returns>
    public BalanceSnapshot Balance(AccountId account, int currency)
    {
        if (_balances.Length == 0 || (uint)account.Value >= (uint)_config.Accounts.Length || (uint)currency >= (uint)_currencies) return default;
        ref BalanceCounters b = ref BalanceState(account.Value, currency);
        double held = (Volatile.Read(ref b.HeldFx) - Volatile.Read(ref b.ReleasedHeldFx)) / AccountCounters.NotionalScale;
        double balance = Volatile.Read(ref b.Balance);
        double free = balance - held;
        if (_config.Accounts[account.Value].BalanceMode == BalanceMode.Margin) free += Volatile.Read(ref b.Unrealised) - Volatile.Read(ref b.PositionMargin);
        return new BalanceSnapshot(balance, held, free);
    }
}
