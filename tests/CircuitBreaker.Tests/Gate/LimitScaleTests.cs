namespace CircuitBreaker.Tests.Gate;

/// <summary>Reduced limits (staged recovery, or an operator): the gate scales size and position limits by the scale in force.</summary>
public class LimitScaleTests
{
    [Fact]
    public void AccountScaledToHalf_MaxQuantityAndPositionLimitsHalve_RestoredAtOne()
    {
        var f = new GateFixture(new InstrumentLimits { MaxOrderQuantity = 2.0, MaxLongPosition = 3.0, FatFingerMultiple = 1e9 });
        f.Breaker.Board.SetLimitScale(Scope.Account, f.Mm.Value, 0.5);
        Assert.Equal(RejectReason.MaxOrderQuantity, f.Send(Side.Buy, 64000.0, 1.001).Reason);
        Assert.True(f.Send(Side.Buy, 64000.0, 1.0).IsAccepted);
        Assert.Equal(RejectReason.MaxPosition, f.Send(Side.Buy, 64000.0, 0.501).Reason); // 1.0 working + 0.501 > 1.5
        Assert.True(f.Send(Side.Buy, 64000.0, 0.5).IsAccepted);
        Assert.True(f.Send(Side.Buy, 64000.0, 1.0, account: f.Other).IsAccepted);          // another account is not scaled
        f.Breaker.Board.SetLimitScale(Scope.Account, f.Mm.Value, 1.0);
        Assert.True(f.Send(Side.Buy, 64000.0, 1.5).IsAccepted);                            // 1.5 + 1.5 working = 3.0: at the limit
    }

    [Fact]
    public void MostRestrictiveScaleWins_AndBadScaleFailsClosed()
    {
        var f = new GateFixture(new InstrumentLimits { MaxOrderQuantity = 4.0, FatFingerMultiple = 1e9 });
        var board = f.Breaker.Board;
        board.SetLimitScale(Scope.Global, -1, 0.5);
        board.SetLimitScale(Scope.Instrument, f.Btc.Value, 0.25);
        Assert.Equal(RejectReason.MaxOrderQuantity, f.Send(Side.Buy, 64000.0, 1.001).Reason);
        Assert.True(f.Send(Side.Buy, 64000.0, 1.0).IsAccepted);
        board.SetLimitScale(Scope.Instrument, f.Btc.Value, double.NaN); // nonsense scale: nothing passes
        Assert.Equal(RejectReason.MaxOrderQuantity, f.Send(Side.Buy, 64000.0, 0.001).Reason);
        board.SetLimitScale(Scope.Instrument, f.Btc.Value, 1.0);
        board.SetLimitScale(Scope.Global, -1, 1.0);
        Assert.Equal(1.0, board.EffectiveLimitScale(f.Btc.Value, 0, f.Mm.Value));
        Assert.True(f.Send(Side.Buy, 64000.0, 4.0).IsAccepted);
    }
}
