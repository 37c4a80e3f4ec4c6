namespace CircuitBreaker.Tests.Positions;

/// <summary>The mark a fill uses (issue 20, found by the margin model property): the documented rule
/// (docs/controls.md, "Post-trade limits") marks at the last trade price or quote mid applied, and at an oracle price only
/// while the instrument has never traded or quoted. A fill marks its pair at that same price, so a position opened by a
/// fill and one marked later by market data agree; until the fix the fill took the newest-stamped of trade, mid and oracle,
/// so a newer oracle (or a quote stamped after a later-applied trade) moved the margin and unrealised PnL of the fill only.
/// Run in all three concurrency modes.</summary>
public class FillMarkTests
{
    private static GateFixture Margin(double balance = 10_000)
        => new(new InstrumentLimits { FatFingerMultiple = 1e9, Leverage = 10, CollarBps = 5_000 },
               new AccountLimits { BalanceMode = BalanceMode.Margin, Balances = new Dictionary<string, double> { ["USD"] = balance } });

    private static BalanceSnapshot Snap(GateFixture f) => f.Breaker.Gate.Balance(f.Mm, f.Breaker.Config.CurrencyIndex("USD"));

    [Fact]
    public void FillAfterANewerOracle_MarksAtTheLastTrade_NotTheOracle()
    {
        var f = Margin();                                               // the fixture traded BTC at 64,000
        f.Breaker.Apply(RiskEvent.Oracle(++f.Now, f.Btc, 60_000.0));   // newer, but the instrument has traded: no mark
        Assert.True(f.Send(Side.Buy, 64_000.0, 0.010).IsAccepted);
        f.Fill(f.Mm, f.Btc, f.LastId, Side.Buy, 64_000.0, 0.010);
        Assert.Equal(640.0, f.Breaker.Positions.Exposure(f.Mm, f.Btc), 9);  // 0.01 × 64,000 (was 600 at the oracle)
        Assert.Equal(0.0, f.Breaker.Positions.DailyPnl(f.Mm), 9);          // no unrealised loss from the oracle (was −40)
        f.Breaker.Check(OrderRequest.Cancel(++f.Now, f.Btc, f.Mm, 999));  // drains a single-writer gate's release queue
        Assert.Equal(10_000 - 64.0, Snap(f).Free, 6);                      // margin 640 / 10 at the trade mark
    }

    [Fact]
    public void FillAfterALateStampedTrade_MarksAtThatTrade_LikeTheOtherPositions()
    {
        var f = Margin();
        f.Quote(f.Btc, 62_999.9, 63_000.1);                               // mid 63,000 at t
        long t = f.Now;
        Assert.True(f.Send(Side.Buy, 64_000.0, 0.010, account: f.Other).IsAccepted);
        f.Fill(f.Other, f.Btc, f.LastId, Side.Buy, 64_000.0, 0.010);      // the other account holds a position
        f.Breaker.Apply(RiskEvent.Trade(t - 1, f.Btc, 63_500.0, 0.1));    // stamped before the quote, newer than the last trade: marks
        Assert.Equal(635.0, f.Breaker.Positions.Exposure(f.Other, f.Btc), 9);
        Assert.True(f.Send(Side.Buy, 64_000.0, 0.010).IsAccepted);
        f.Fill(f.Mm, f.Btc, f.LastId, Side.Buy, 64_000.0, 0.010);
        Assert.Equal(635.0, f.Breaker.Positions.Exposure(f.Mm, f.Btc), 9); // the same mark as the other account (was the mid, 630)
    }

    [Fact]
    public void FillBeforeAnyPrice_MarksAtTheFillPrice_OracleMarksOnlyUntilTheFirstTradeOrQuote()
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9, CollarBps = 5_000 });
        f.Fill(f.Mm, f.Swap, 77, Side.Buy, 1.5, 4);                       // the fixture traded IRS at 1.5: marks there
        Assert.Equal(6.0, f.Breaker.Positions.Exposure(f.Mm, f.Swap), 9);
        f.Breaker.Apply(RiskEvent.Oracle(++f.Now, f.Swap, 2.0));           // traded before: the oracle does not mark
        f.Fill(f.Mm, f.Swap, 78, Side.Buy, 1.5, 1);
        Assert.Equal(7.5, f.Breaker.Positions.Exposure(f.Mm, f.Swap), 9);
    }
}

public class FillMarkTestsSingleWriter : FillMarkTests
{
    public FillMarkTestsSingleWriter() => GateFixture.AmbientConcurrency = GateConcurrency.SingleWriter;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsSingleWriter() => Assert.Equal(GateConcurrency.SingleWriter, new GateFixture().Breaker.Gate.Concurrency);
}

public class FillMarkTestsAccountOwned : FillMarkTests
{
    public FillMarkTestsAccountOwned() => GateFixture.AmbientConcurrency = GateConcurrency.AccountOwned;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsAccountOwned() => Assert.Equal(GateConcurrency.AccountOwned, new GateFixture().Breaker.Gate.Concurrency);
}
