namespace CircuitBreaker.Tests.Gate;

/// <summary>Cash and margin balances (issue 20, item 3 of the table): the hold of the order plus the working orders against
/// the free balance / free collateral of the instrument's settlement currency, position-reducing orders never refused,
/// balances moved by fills, fees, funding, deposits and withdrawals. BTC-PERP trades at 64,000 with a 0.001 lot, so one
/// lot is 64 of notional. Run in all three concurrency modes (the subclasses below).</summary>
public class BalanceTests
{
    private const double Lot = 64.0; // notional of 0.001 BTC at 64,000

    private static GateFixture Open(BalanceMode mode, double balance, double? leverage = null, double? fee = null, string? currency = null)
        => new(new InstrumentLimits { FatFingerMultiple = 1e9, Leverage = leverage, FeeRate = fee, SettlementCurrency = currency },
               new AccountLimits { BalanceMode = mode, Balances = new Dictionary<string, double> { ["USD"] = balance } });

    private static int Usd(GateFixture f) => f.Breaker.Config.CurrencyIndex("USD");
    private static BalanceSnapshot Snap(GateFixture f) => f.Breaker.Gate.Balance(f.Mm, Usd(f));

    [Fact] // nautilus: test_submit_order_when_insufficient_balance_denied (cash)
    public void Cash_AtTheBalancePasses_OneLotOverIsRefused_WithFigures()
    {
        var f = Open(BalanceMode.Cash, 16 * Lot);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.010).IsAccepted);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.006).IsAccepted); // 16 lots held: exactly the balance
        var over = f.Send(Side.Buy, 64000.0, 0.001);
        Assert.Equal(RejectReason.InsufficientBalance, over.Reason);
        Assert.Equal(Scope.Account, over.Scope);
        Assert.Equal(16 * Lot, over.Limit, 6);
        Assert.Equal(17 * Lot, over.Observed, 3);
        Assert.Equal(16 * Lot, Snap(f).Held, 3);
    }

    [Fact]
    public void Cash_FeeRateIsHeldOnTopOfTheNotional()
    {
        var f = Open(BalanceMode.Cash, 10 * Lot * 1.01, fee: 0.01);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.010).IsAccepted); // 640 × 1.01 = 646.4: exactly the balance
        Assert.Equal(RejectReason.InsufficientBalance, f.Send(Side.Buy, 64000.0, 0.001).Reason);
        var without = Open(BalanceMode.Cash, 10 * Lot * 1.01 - 0.01, fee: 0.01);
        Assert.Equal(RejectReason.InsufficientBalance, without.Send(Side.Buy, 64000.0, 0.010).Reason);
    }

    [Fact]
    public void Cash_CancelReleasesTheHold_FillMovesTheBalance()
    {
        var f = Open(BalanceMode.Cash, 10 * Lot);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.010).IsAccepted);
        long id = f.LastId;
        Assert.Equal(RejectReason.InsufficientBalance, f.Send(Side.Buy, 64000.0, 0.001).Reason);
        Assert.True(f.Cancel(id).IsAccepted);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.004).IsAccepted);
        id = f.LastId;
        f.Fill(f.Mm, f.Btc, id, Side.Buy, 64000.0, 0.004); // pays 256
        Assert.True(f.Send(Side.Buy, 64000.0, 0.006).IsAccepted); // the fill's release is drained by this check in single-writer mode
        var s = Snap(f);
        Assert.Equal(6 * Lot, s.Balance, 6);
        Assert.Equal(6 * Lot, s.Held, 3);
        Assert.Equal(RejectReason.InsufficientBalance, f.Send(Side.Buy, 64000.0, 0.001).Reason);
    }

    [Fact] // nautilus: test_submit_reduce_only / position-reducing orders skip the balance check
    public void PositionReducingOrdersSkipTheCheck_IncreasingOnesDoNot()
    {
        var f = Open(BalanceMode.Cash, 10 * Lot);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.010).IsAccepted);
        f.Fill(f.Mm, f.Btc, f.LastId, Side.Buy, 64000.0, 0.010); // balance now 0
        Assert.True(f.Send(Side.Sell, 64000.0, 0.010).IsAccepted);  // closes the long exactly: passes with nothing free
        Assert.Equal(RejectReason.InsufficientBalance, f.Send(Side.Sell, 64000.0, 0.001).Reason); // would open a short
        Assert.Equal(RejectReason.InsufficientBalance, f.Send(Side.Buy, 64000.0, 0.001).Reason);
    }

    [Fact] // nautilus: margin account, initial margin of the order plus working orders against free collateral
    public void Margin_LeverageDividesTheHold_AtTheCollateralPasses_OneLotOverFails()
    {
        var f = Open(BalanceMode.Margin, 16 * Lot / 10, leverage: 10);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.016).IsAccepted); // margin 102.4 = collateral
        var over = f.Send(Side.Sell, 64000.0, 0.001);              // a sell with no position opens exposure too
        Assert.Equal(RejectReason.InsufficientBalance, over.Reason);
        Assert.Equal(16 * Lot / 10, over.Limit, 6);
        Assert.Equal(17 * Lot / 10, over.Observed, 3);
    }

    [Fact]
    public void Margin_PositionsHoldMarginAtMark_LossAndWithdrawalShrinkCollateral_ReducingStillPasses()
    {
        var f = Open(BalanceMode.Margin, 94, leverage: 10);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.010).IsAccepted);    // margin 64
        f.Fill(f.Mm, f.Btc, f.LastId, Side.Buy, 64000.0, 0.010);      // the position holds the 64 now
        Assert.True(f.Send(Side.Sell, 64000.0, 0.001).IsAccepted);   // reducing
        var s = Snap(f);
        Assert.Equal(94 - 64 - 6.4, s.Free, 3);                      // the reducing order holds too (conservative)
        f.Trade(f.Btc, 62000.0, 0.1);                                 // loss 20, position margin 62
        Assert.Equal(94 - 20 - 62 - 6.4, Snap(f).Free, 3);
        Assert.Equal(RejectReason.InsufficientBalance, f.Send(Side.Buy, 62000.0, 0.001).Reason); // 6.2 > 5.6 free
        f.Breaker.Apply(RiskEvent.Balance(++f.Now, f.Mm, Usd(f), BalanceChange.Deposit, 1));
        Assert.True(f.Send(Side.Buy, 62000.0, 0.001).IsAccepted);    // 6.2 ≤ 6.6
        f.Breaker.Apply(RiskEvent.Balance(++f.Now, f.Mm, Usd(f), BalanceChange.Withdrawal, 50));
        Assert.Equal(RejectReason.InsufficientBalance, f.Send(Side.Buy, 62000.0, 0.001).Reason);
        Assert.True(f.Send(Side.Sell, 62500.0, 0.008).IsAccepted);   // with the working 0.001 sell: closes 0.009 of 0.010 (above the working buy: no self-match)
    }

    [Fact]
    public void BalanceEvents_Fee_Funding_Pnl_Set_MoveTheBalance_BadOnesAreIgnoredAndCounted()
    {
        var f = Open(BalanceMode.Margin, 100);
        int usd = Usd(f);
        void Move(BalanceChange c, double amount) => f.Breaker.Apply(RiskEvent.Balance(++f.Now, f.Mm, usd, c, amount));
        Move(BalanceChange.Fee, 2);        // 98
        Move(BalanceChange.Funding, -3);   // 95
        Move(BalanceChange.Pnl, 10);       // 105
        Move(BalanceChange.Deposit, -5);   // |amount|: 110
        Assert.Equal(110, Snap(f).Balance, 9);
        Move(BalanceChange.Set, 40);
        Assert.Equal(40, Snap(f).Balance, 9);
        long before = f.Breaker.Positions.IgnoredBalanceEvents;
        Move(BalanceChange.Deposit, double.NaN);
        f.Breaker.Apply(RiskEvent.Balance(++f.Now, f.Mm, 99, BalanceChange.Deposit, 1));
        f.Breaker.Apply(RiskEvent.Balance(++f.Now, f.Mm, usd, (BalanceChange)77, 1));
        Assert.Equal(before + 3, f.Breaker.Positions.IgnoredBalanceEvents);
        Assert.Equal(40, Snap(f).Balance, 9);
    }

    [Fact]
    public void MarginFills_BookRealisedPnlAndFees()
    {
        var f = Open(BalanceMode.Margin, 1000, leverage: 5, fee: 0.001);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.010).IsAccepted);
        f.Fill(f.Mm, f.Btc, f.LastId, Side.Buy, 64000.0, 0.010);     // fee 0.64
        Assert.True(f.Send(Side.Sell, 65000.0, 0.010).IsAccepted);
        f.Fill(f.Mm, f.Btc, f.LastId, Side.Sell, 65000.0, 0.010);    // +10 realised, fee 0.65
        Assert.Equal(1000 - 0.64 + 10 - 0.65, Snap(f).Balance, 6);
    }

    [Fact]
    public void Replace_GrowthIsChecked_ShrinkPasses()
    {
        var f = Open(BalanceMode.Cash, 10 * Lot);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.008).IsAccepted);
        long id = f.LastId;
        Assert.True(f.Replace(id, 64000.0, 0.010).IsAccepted);      // to the balance exactly
        Assert.Equal(RejectReason.InsufficientBalance, f.Replace(id, 64000.0, 0.011).Reason);
        Assert.Equal(10 * Lot, Snap(f).Held, 3);                     // the refused replace left the hold as it was
        f.Breaker.Apply(RiskEvent.Balance(++f.Now, f.Mm, Usd(f), BalanceChange.Withdrawal, 5 * Lot));
        Assert.True(f.Replace(id, 64000.0, 0.009).IsAccepted);      // shrinking an order over the balance passes
        Assert.Equal(9 * Lot, Snap(f).Held, 3);
    }

    [Fact]
    public void Currencies_AreSeparateBalances()
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9, SettlementCurrency = "USDT" },
            new AccountLimits { BalanceMode = BalanceMode.Cash, Balances = new Dictionary<string, double> { ["USD"] = 1e6, ["USDT"] = 2 * Lot } });
        Assert.Equal(new[] { "USD", "USDT" }, f.Breaker.Config.Currencies);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.002).IsAccepted);
        Assert.Equal(RejectReason.InsufficientBalance, f.Send(Side.Buy, 64000.0, 0.001).Reason); // USD's million does not help
        Assert.Equal(2 * Lot, f.Breaker.Gate.Balance(f.Mm, f.Breaker.Config.CurrencyIndex("USDT")).Held, 3);
        Assert.Equal(0, f.Breaker.Gate.Balance(f.Mm, f.Breaker.Config.CurrencyIndex("USD")).Held);
    }

    [Fact]
    public void DefaultProfile_KeepsNoBalances_AndIgnoresBalanceEvents()
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9 });
        Assert.False(f.Breaker.Gate.KeepsBalances);
        Assert.True(f.Send(Side.Buy, 64000.0, 1.0).IsAccepted);
        f.Breaker.Apply(RiskEvent.Balance(++f.Now, f.Mm, 0, BalanceChange.Deposit, 1));
        Assert.Equal(1, f.Breaker.Positions.IgnoredBalanceEvents);
        Assert.Equal(default, f.Breaker.Gate.Balance(f.Mm, 0));
    }

    public static TheoryData<long> Origins => TimeOrigins.Rows(10_000_000_000);

    [Theory]
    [MemberData(nameof(Origins))]
    public void Margin_SameDecisionsAtEveryTimeOrigin(long origin)
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9, Leverage = 10 },
            new AccountLimits { BalanceMode = BalanceMode.Margin, Balances = new Dictionary<string, double> { ["USD"] = 6.4 } }, origin: origin);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.001).IsAccepted);
        Assert.Equal(RejectReason.InsufficientBalance, f.Send(Side.Buy, 64000.0, 0.001).Reason);
    }

    [Fact]
    public void MarginCheck_AllocatesNothing_AfterWarmUp_WithAControlThatAllocates()
    {
        var f = Open(BalanceMode.Margin, 1e9, leverage: 20, fee: 0.0005);
        void Cycle(int n)
        {
            for (int i = 0; i < n; i++)
            {
                var o = f.Order(Side.Buy, 64000.0, 0.01);
                f.Breaker.Check(in o);
                var r = new OrderRequest(++f.Now, f.Btc, f.Mm, o.OrderId, Side.Buy, 64000.0, 0.02, OrderAction.Replace);
                f.Breaker.Check(in r);
                var c = OrderRequest.Cancel(++f.Now, f.Btc, f.Mm, o.OrderId);
                f.Breaker.Check(in c);
                f.Breaker.Apply(RiskEvent.Balance(++f.Now, f.Mm, 0, BalanceChange.Funding, 0.01));
            }
        }
        Cycle(2000);
        long used = AllocationProbe.MinAllocated(() => Cycle(2_000), rounds: 6);
        Assert.Equal(0, used);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var boxed = (object)f.Breaker.Gate.Balance(f.Mm, 0);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before > 0, boxed.ToString());
    }
}

public class BalanceTestsSingleWriter : BalanceTests
{
    public BalanceTestsSingleWriter() => GateFixture.AmbientConcurrency = GateConcurrency.SingleWriter;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsSingleWriter() => Assert.Equal(GateConcurrency.SingleWriter, new GateFixture().Breaker.Gate.Concurrency);
}

public class BalanceTestsAccountOwned : BalanceTests
{
    public BalanceTestsAccountOwned() => GateFixture.AmbientConcurrency = GateConcurrency.AccountOwned;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsAccountOwned() => Assert.Equal(GateConcurrency.AccountOwned, new GateFixture().Breaker.Gate.Concurrency);
}
