namespace CircuitBreaker.Limits;

/// <summary>How the gate checks an account's orders against its balances (<see cref="AccountLimits.BalanceMode"/>).</summary>
public enum BalanceMode : byte
{
    /// <summary>No balance check (the default; costs one compare per order).</summary>
    None = 0,
    /// <summary>Cash account: notional × (1 + fee rate) of the order plus the working orders ≤ free balance of the
    /// instrument's settlement currency. Fills move the balance by their notional and fee.</summary>
    Cash = 1,
    /// <summary>Margin account: initial margin (notional × margin rate) of the order plus the working orders ≤ free
    /// collateral (balance + unrealised PnL − initial margin of the positions) of the settlement currency. Fills move the
    /// balance by their realised PnL and fee.</summary>
    Margin = 2,
}
