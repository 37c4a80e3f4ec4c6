using CircuitBreaker.Gate;

namespace CircuitBreaker.Tests.Gate;

/// <summary>Reject details (issue 20, item 1): a rejection for a breached limit carries the limit and the observed value;
/// <see cref="DecisionText.Format"/> renders them. Run in all three concurrency modes (RejectFigureTests*).</summary>
public class RejectFigureTests
{
    [Fact]
    public void MaxOrderNotional_CarriesLimitAndNotional_AndFormats()
    {
        var f = new GateFixture(new InstrumentLimits { MaxOrderNotional = 100_000, FatFingerMultiple = 1e9, CollarBps = 10_000 });
        var d = f.Send(Side.Buy, 75_005.0, 10);
        Assert.Equal(RejectReason.MaxOrderNotional, d.Reason);
        Assert.True(d.HasFigures);
        Assert.Equal(100_000, d.Limit);
        Assert.Equal(750_050, d.Observed, 6);
        Assert.Equal("MaxOrderNotional (Instrument): notional 750,050 > max 100,000", DecisionText.Format(in d));
    }

    [Fact]
    public void Accepted_AndReasonsWithoutALimit_HaveNoFigures()
    {
        var f = new GateFixture();
        var ok = f.Send(Side.Buy, 64000.0, 0.01);
        Assert.True(ok.IsAccepted);
        Assert.False(ok.HasFigures);
        Assert.Equal("Accepted", DecisionText.Format(in ok));
        var nan = f.Send(Side.Buy, double.NaN, 0.01);
        Assert.Equal(RejectReason.NonFinitePrice, nan.Reason);
        Assert.False(nan.HasFigures);
        Assert.Equal("NonFinitePrice (Instrument)", DecisionText.Format(in nan));
    }

    [Fact]
    public void SizeCollarAndPosition_Figures_AtTheBoundary()
    {
        var f = new GateFixture(new InstrumentLimits { MinOrderQuantity = 0.01, MaxOrderQuantity = 2, CollarBps = 100, MaxLongPosition = 1, FatFingerMultiple = 1e9 });
        var min = f.Send(Side.Buy, 64000.0, 0.009);
        Assert.Equal((RejectReason.MinOrderQuantity, 0.01, 0.009), (min.Reason, Math.Round(min.Limit, 9), Math.Round(min.Observed, 9)));
        var max = f.Send(Side.Buy, 64000.0, 2.001);
        Assert.Equal((RejectReason.MaxOrderQuantity, 2.0, 2.001), (max.Reason, Math.Round(max.Limit, 9), Math.Round(max.Observed, 9)));
        var collar = f.Send(Side.Buy, 64640.1, 0.01); // reference 64000: 1 % = 640
        Assert.Equal(RejectReason.PriceCollar, collar.Reason);
        Assert.Equal(100, collar.Limit);
        Assert.Equal(100.015625, collar.Observed, 6);
        Assert.True(f.Send(Side.Buy, 64000.0, 1.0).IsAccepted);
        var pos = f.Send(Side.Buy, 64000.0, 0.01);
        Assert.Equal((RejectReason.MaxPosition, 1.0, 1.01), (pos.Reason, Math.Round(pos.Limit, 9), Math.Round(pos.Observed, 9)));
        Assert.Equal("MaxPosition (Instrument): position with working orders 1.01 > max 1", DecisionText.Format(in pos));
    }

    [Fact]
    public void OpenOrdersRatesAndExposure_Figures()
    {
        var f = new GateFixture(new InstrumentLimits { MaxOpenOrdersPerAccount = 2, FatFingerMultiple = 1e9, MaxOrdersPerWindow = 1000 },
            account: new AccountLimits { MaxGrossExposure = 1_000 });
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01).IsAccepted);
        var gross = f.Send(Side.Buy, 64000.0, 0.001); // 640 working + 64 = 704: passes
        Assert.True(gross.IsAccepted);
        var open = f.Send(Side.Buy, 64000.0, 0.001);
        Assert.Equal((RejectReason.MaxOpenOrders, 2.0, 3.0), (open.Reason, open.Limit, open.Observed));
        f.Cancel(f.LastId - 1);
        var ex = f.Send(Side.Buy, 64000.0, 0.01); // 704 - 64 + 640 = 1280 > 1000
        Assert.Equal(RejectReason.MaxGrossExposure, ex.Reason);
        Assert.Equal(1_000, ex.Limit);
        Assert.Equal(1_280, ex.Observed, 6);

        var r = new GateFixture(new InstrumentLimits { MaxOrdersPerWindow = 2, FatFingerMultiple = 1e9 });
        long t = r.Now + 1;
        Assert.True(r.Send(Side.Buy, 64000.0, 0.01, time: t).IsAccepted);
        Assert.True(r.Send(Side.Buy, 64000.0, 0.01, time: t).IsAccepted);
        var rate = r.Send(Side.Buy, 64000.0, 0.01, time: t);
        Assert.Equal((RejectReason.OrderRate, 2.0, 3.0), (rate.Reason, rate.Limit, rate.Observed));
    }

    [Fact]
    public void Equality_IsReasonAndScope_FiguresAreDetail()
    {
        var a = Decision.Reject(RejectReason.MaxPosition, Scope.Instrument, 1, 2);
        Assert.Equal(Decision.Reject(RejectReason.MaxPosition), a);
        Assert.NotEqual(Decision.Reject(RejectReason.MaxPosition, Scope.Account), a);
        Assert.False(Decision.Reject(RejectReason.MaxPosition).HasFigures);
    }
}

public class RejectFigureTestsSingleWriter : RejectFigureTests
{
    public RejectFigureTestsSingleWriter() => GateFixture.AmbientConcurrency = GateConcurrency.SingleWriter;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsSingleWriter() => Assert.Equal(GateConcurrency.SingleWriter, new GateFixture().Breaker.Gate.Concurrency);
}

public class RejectFigureTestsAccountOwned : RejectFigureTests
{
    public RejectFigureTestsAccountOwned() => GateFixture.AmbientConcurrency = GateConcurrency.AccountOwned;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsAccountOwned() => Assert.Equal(GateConcurrency.AccountOwned, new GateFixture().Breaker.Gate.Concurrency);
}
