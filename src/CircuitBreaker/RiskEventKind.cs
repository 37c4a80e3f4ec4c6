namespace CircuitBreaker;

/// <summary>What a <see cref="RiskEvent"/> carries. One value per record type of the event tape (spec v1).</summary>
public enum RiskEventKind : byte
{
    /// <summary>Empty slot; never published.</summary>
    None = 0,
    /// <summary>A public trade on the market (<see cref="TradePayload"/>).</summary>
    Trade = 1,
    /// <summary>Top of book (<see cref="QuotePayload"/>).</summary>
    Quote = 2,
    /// <summary>Oracle / reference price (<see cref="OraclePayload"/>).</summary>
    Oracle = 3,
    /// <summary>The gate's decision on an order request (<see cref="OrderPayload"/>).</summary>
    Order = 4,
    /// <summary>An execution of one of the engine's orders (<see cref="FillPayload"/>).</summary>
    Fill = 5,
    /// <summary>The engine's view of a position with sensitivities (<see cref="PositionPayload"/>).</summary>
    Position = 6,
    /// <summary>An on-chain event (<see cref="ChainPayload"/>).</summary>
    Chain = 7,
    /// <summary>An operator command (<see cref="AdminPayload"/>).</summary>
    Admin = 8,
    /// <summary>A movement of an account's balance in one settlement currency (<see cref="BalancePayload"/>; the change in
    /// <see cref="RiskEvent.SubKind"/>, the currency index in <see cref="RiskEvent.Aux"/>). An extension of this library,
    /// not in tape format version 1.</summary>
    Balance = 9,
}

/// <summary>What moved an account's balance (<see cref="RiskEvent.Balance"/>).</summary>
public enum BalanceChange : byte
{
    /// <summary>Funds paid in: the balance grows by |amount|.</summary>
    Deposit,
    /// <summary>Funds taken out: the balance shrinks by |amount|.</summary>
    Withdrawal,
    /// <summary>A fee charged apart from fills (amount &gt; 0 is paid; &lt; 0 a rebate): the balance moves by −amount.</summary>
    Fee,
    /// <summary>A funding payment (signed: &gt; 0 received, &lt; 0 paid): the balance moves by amount.</summary>
    Funding,
    /// <summary>A realised profit or loss booked apart from fills (signed): the balance moves by amount.</summary>
    Pnl,
    /// <summary>The venue's balance, authoritative: the balance becomes amount.</summary>
    Set,
}

/// <summary>Kind of an on-chain event.</summary>
public enum ChainEventKind : byte
{
    /// <summary>Borrow (e.g. a flash loan leg).</summary>
    Borrow,
    /// <summary>Repay.</summary>
    Repay,
    /// <summary>Swap in a pool.</summary>
    Swap,
    /// <summary>Collateral deposit.</summary>
    Deposit,
    /// <summary>Collateral withdrawal.</summary>
    Withdraw,
    /// <summary>Transfer.</summary>
    Transfer,
    /// <summary>Liquidation.</summary>
    Liquidation,
}

/// <summary>An operator command.</summary>
public enum AdminAction : byte
{
    /// <summary>Halt a scope.</summary>
    Halt,
    /// <summary>Resume a scope (staged recovery may apply).</summary>
    Resume,
    /// <summary>Put a scope in reduce-only.</summary>
    ReduceOnly,
    /// <summary>Acknowledge an incident.</summary>
    Ack,
    /// <summary>Start a new trading day for daily-loss limits: every account (scope <see cref="Scope.Global"/>) or one
    /// (scope <see cref="Scope.Account"/>, target its id); today's loss then counts from the current PnL
    /// (<see cref="Positions.PositionKeeper.StartDay()"/>). Other scopes are ignored.</summary>
    StartDay,
}
