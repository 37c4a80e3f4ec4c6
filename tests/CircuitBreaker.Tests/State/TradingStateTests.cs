namespace CircuitBreaker.Tests.State;

public class TradingStateTests
{
    [Theory]
    [InlineData(Scope.Instrument)]
    [InlineData(Scope.Group)]
    [InlineData(Scope.Account)]
    [InlineData(Scope.Global)]
    public void Halted_DeniesNewAndReplace_PassesCancel(Scope scope)
    {
        var f = new GateFixture();
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01).IsAccepted);
        long id = f.LastId;
        int target = scope switch { Scope.Instrument => f.Btc.Value, Scope.Group => f.Breaker.Config.Registry[f.Btc].Group.Value, Scope.Account => f.Mm.Value, _ => -1 };
        Assert.True(f.Breaker.Halt(scope, target, f.Now));
        var d = f.Send(Side.Buy, 64000.0, 0.01);
        Assert.Equal(RejectReason.Halted, d.Reason);
        Assert.Equal(scope, d.Scope);
        Assert.Equal(RejectReason.Halted, f.Replace(id, 64000.0, 0.02).Reason);
        Assert.True(f.Cancel(id).IsAccepted);
        f.Breaker.Resume(scope, target, f.Now);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01).IsAccepted);
    }

    [Fact]
    public void MostRestrictiveStateWins()
    {
        var f = new GateFixture();
        f.Breaker.ReduceOnly(Scope.Instrument, f.Btc.Value, f.Now);
        f.Breaker.Halt(Scope.Account, f.Mm.Value, f.Now);
        Assert.Equal(RejectReason.Halted, f.Send(Side.Buy, 64000.0, 0.01).Reason);
        Assert.Equal(RejectReason.ReduceOnly, f.Send(Side.Buy, 64000.0, 0.01, account: f.Other).Reason);
    }

    [Fact]
    public void ReduceOnly_NoPosition_Rejected()
    {
        var f = new GateFixture();
        f.Breaker.ReduceOnly(Scope.Instrument, f.Btc.Value, f.Now);
        Assert.Equal(RejectReason.ReduceOnly, f.Send(Side.Buy, 64000.0, 0.01).Reason);
        Assert.Equal(RejectReason.ReduceOnly, f.Send(Side.Sell, 64000.0, 0.01).Reason);
    }

    [Fact]
    public void ReduceOnly_ReducingPasses_ExceedingOrFlippingRejected_SameSideRejected()
    {
        var f = new GateFixture();
        Assert.True(f.Send(Side.Buy, 64000.0, 1.0).IsAccepted);
        f.Fill(f.Mm, f.Btc, f.LastId, Side.Buy, 64000.0, 1.0);
        f.Breaker.ReduceOnly(Scope.Account, f.Mm.Value, f.Now);
        Assert.Equal(RejectReason.ReduceOnly, f.Send(Side.Buy, 64000.0, 0.01).Reason);
        Assert.Equal(RejectReason.ReduceOnly, f.Send(Side.Sell, 64000.1, 1.001).Reason); // would flip
        Assert.True(f.Send(Side.Sell, 64000.1, 0.6).IsAccepted);
        Assert.Equal(RejectReason.ReduceOnly, f.Send(Side.Sell, 64000.1, 0.5).Reason); // with working 0.6, would flip
        Assert.True(f.Send(Side.Sell, 64000.1, 0.4).IsAccepted);
    }

    [Fact]
    public void DailyLoss_BeyondLimit_OnlyReducingOrdersPass_AndAccountTrips()
    {
        var f = new GateFixture(account: new AccountLimits { MaxDailyLoss = 1_000 });
        Assert.True(f.Send(Side.Buy, 64000.0, 1.0).IsAccepted);
        f.Fill(f.Mm, f.Btc, f.LastId, Side.Buy, 64000.0, 1.0);
        f.Trade(f.Btc, 62900.0, 0.1); // -1,100
        Assert.Equal(-1100, f.Breaker.Positions.DailyPnl(f.Mm), 6);
        Assert.Equal(TradingState.ReduceOnly, f.Breaker.Board.Get(Scope.Account, f.Mm.Value));
        Assert.Equal(RejectReason.ReduceOnly, f.Send(Side.Buy, 62900.0, 0.01).Reason);
        Assert.True(f.Send(Side.Sell, 62900.0, 0.5).IsAccepted);
    }

    [Fact]
    public void GrossExposure_CountsPositionAndWorking()
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9 }, account: new AccountLimits { MaxGrossExposure = 100_000 });
        Assert.True(f.Send(Side.Buy, 64000.0, 1.0).IsAccepted);
        f.Fill(f.Mm, f.Btc, f.LastId, Side.Buy, 64000.0, 1.0);
        Assert.True(f.Send(Side.Sell, 64100.0, 0.5).IsAccepted); // 64,000 + 32,050
        var d = f.Send(Side.Sell, 64100.0, 0.1);
        Assert.Equal(RejectReason.MaxGrossExposure, d.Reason);
        Assert.Equal(Scope.Account, d.Scope);
    }
}
