namespace CircuitBreaker.Limits;

/// <summary>An account's balance in one settlement currency (<see cref="PreTradeGate.Balance"/>), in that currency.</summary>
/// <param name="Balance">The balance: starting balance moved by fills, fees, funding, deposits and withdrawals.</param>
/// <param name="Held">What working orders hold (cash: notional plus fee; margin: initial margin).</param>
/// <param name="Free">What a new exposure-increasing order may still hold: cash, balance − held; margin, balance +
/// unrealised PnL − the positions' initial margin − held.</param>
public readonly record struct BalanceSnapshot(double Balance, double Held, double Free);
