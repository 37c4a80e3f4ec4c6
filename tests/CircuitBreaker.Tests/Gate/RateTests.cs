namespace CircuitBreaker.Tests.Gate;

public class RateTests
{
    [Fact]
    public void OrderRate_NthOrderInWindowPasses_NPlusOneDenied_AllowedAgainAfterWindow()
    {
        var f = new GateFixture(new InstrumentLimits { MaxOrdersPerWindow = 5, FatFingerMultiple = 1e9 },
            more: b => b.RateWindow(TimeSpan.FromSeconds(1)));
        long t0 = f.Now + 1;
        for (int i = 0; i < 5; i++) Assert.True(f.Send(Side.Buy, 64000.0, 0.001, time: t0 + i).IsAccepted);
        Assert.Equal(RejectReason.OrderRate, f.Send(Side.Buy, 64000.0, 0.001, time: t0 + 10).Reason);
        // the window is conservative by at most one bucket (1/7 of the window)
        Assert.True(f.Send(Side.Buy, 64000.0, 0.001, time: t0 + 1_200_000_000).IsAccepted);
    }

    [Fact]
    public void AccountOrderRate_SpansInstruments()
    {
        var f = new GateFixture(account: new AccountLimits { MaxOrdersPerWindow = 2 },
            more: b => b.Limits("IRS-5Y", new InstrumentLimits { CollarBps = 1e6 }));
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01).IsAccepted);
        Assert.True(f.Send(Side.Buy, 1.5, 1, instrument: f.Swap).IsAccepted);
        var d = f.Send(Side.Buy, 64000.0, 0.01);
        Assert.Equal(RejectReason.OrderRate, d.Reason);
        Assert.Equal(Scope.Account, d.Scope);
    }

    [Fact]
    public void MessageRate_CountsReplaces_CancelsAlwaysPass()
    {
        var f = new GateFixture(new InstrumentLimits { MaxMessagesPerWindow = 3, FatFingerMultiple = 1e9 });
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01).IsAccepted);
        long id = f.LastId;
        Assert.True(f.Replace(id, 64000.1, 0.01).IsAccepted);
        Assert.True(f.Replace(id, 64000.2, 0.01).IsAccepted);
        Assert.Equal(RejectReason.MessageRate, f.Replace(id, 64000.3, 0.01).Reason);
        Assert.True(f.Cancel(id).IsAccepted);
    }

    [Fact]
    public void RejectedOrder_DoesNotConsumeRateBudget()
    {
        var f = new GateFixture(new InstrumentLimits { MaxOrdersPerWindow = 2, MaxLongPosition = 0.01, FatFingerMultiple = 1e9 });
        long t = f.Now + 1;
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01, time: t).IsAccepted);
        Assert.Equal(RejectReason.MaxPosition, f.Send(Side.Buy, 64000.0, 0.01, time: t + 1).Reason);
        Assert.True(f.Send(Side.Sell, 64100.0, 0.01, time: t + 2).IsAccepted);
    }
}
