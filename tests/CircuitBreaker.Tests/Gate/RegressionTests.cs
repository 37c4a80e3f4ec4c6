namespace CircuitBreaker.Tests.Gate;

/// <summary>Bugs found in review, each pinned by the case that exposed it.</summary>
public class RegressionTests
{
    [Fact]
    public void PostTradeTrip_NeverRelaxesAManualHalt()
    {
        var f = new GateFixture(new InstrumentLimits { MaxLongPosition = 1.0, FatFingerMultiple = 1e9 });
        f.Breaker.Halt(Scope.Instrument, f.Btc.Value, f.Now);
        f.Fill(f.Mm, f.Btc, 999, Side.Buy, 64000.0, 2.0); // beyond the position limit: would trip reduce-only
        Assert.Equal(TradingState.Halted, f.Breaker.Board.Get(Scope.Instrument, f.Btc.Value));
        f.Breaker.Resume(Scope.Instrument, f.Btc.Value, f.Now); // the operator may still relax it
        Assert.Equal(TradingState.Active, f.Breaker.Board.Get(Scope.Instrument, f.Btc.Value));
    }

    [Theory]
    [InlineData(Scope.Account)]
    [InlineData(Scope.Global)]
    public void ReduceOnlyRejection_ReportsTheScopeThatImposedIt(Scope scope)
    {
        var f = new GateFixture();
        f.Breaker.ReduceOnly(scope, scope == Scope.Account ? f.Mm.Value : -1, f.Now);
        var d = f.Send(Side.Buy, 64000.0, 0.01);
        Assert.Equal(RejectReason.ReduceOnly, d.Reason);
        Assert.Equal(scope, d.Scope);
    }

    [Fact]
    public void StaleLastTrade_FallsBackToFreshQuote()
    {
        var f = new GateFixture(new InstrumentLimits { ReferenceStaleAfter = TimeSpan.FromSeconds(1), CollarBps = 100 });
        f.Now += 5_000_000_000; // the last trade is now 5 s old
        f.Quote(f.Btc, 64999.9, 65000.1);
        Assert.True(f.Send(Side.Buy, 65000.0, 0.01).IsAccepted);
        Assert.Equal(RejectReason.PriceCollar, f.Send(Side.Buy, 64000.0, 0.01).Reason); // measured against the fresh mid
    }

    [Fact]
    public void SwapConfig_DeeperThanTheSelfMatchBook_RefusedUpFront()
    {
        var f = new GateFixture();
        var next = f.Breaker.Config.WithInstrumentLimits(f.Btc, new InstrumentLimits { MaxOpenOrdersPerAccount = 100 });
        var ex = Assert.Throws<RiskConfigException>(() => f.Breaker.Gate.SwapConfig(next));
        Assert.Contains("self-match book depth", ex.Message);
    }
}
