namespace CircuitBreaker.Tests.Gate;

/// <summary>Stop / trigger prices (issue 20, item 4): tick, sign and collar around the reference, on new orders and
/// replaces; an order without a trigger is unaffected. Reference 64,000, collar 100 bps (640). Run in all three modes.</summary>
public class TriggerPriceTests
{
    private static GateFixture Make() => new(new InstrumentLimits { CollarBps = 100, FatFingerMultiple = 1e9 });

    private static Decision Stop(GateFixture f, double trigger, long? id = null, OrderAction action = OrderAction.New)
    {
        var o = f.Order(Side.Buy, 64000.0, 0.01, id: id);
        var s = new OrderRequest(o.TimeNs, o.Instrument, o.Account, o.OrderId, o.Side, o.Price, o.Quantity, action) { TriggerPrice = trigger };
        return f.Breaker.Check(in s);
    }

    [Fact] // nautilus: test_submit_order_with_invalid_trigger_price_denied
    public void Trigger_AtTheCollarEdgePasses_OneTickBeyondFails_WithFigures()
    {
        var f = Make();
        Assert.True(Stop(f, 64640.0).IsAccepted);
        Assert.True(Stop(f, 63360.0).IsAccepted);
        var d = Stop(f, 64640.1);
        Assert.Equal(RejectReason.InvalidTriggerPrice, d.Reason);
        Assert.Equal((100.0, 100.015625), (d.Limit, Math.Round(d.Observed, 6)));
    }

    [Theory]
    [InlineData(64000.05)]         // off tick
    [InlineData(0.0)]              // not positive on a perpetual
    [InlineData(-64000.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Trigger_Invalid_Refused_WithoutFigures(double trigger)
    {
        var d = Stop(Make(), trigger);
        Assert.Equal(RejectReason.InvalidTriggerPrice, d.Reason);
        Assert.False(d.HasFigures);
    }

    [Fact]
    public void Replace_ChecksItsTrigger_OrdersWithoutOneUnaffected()
    {
        var f = Make();
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01).IsAccepted);
        long id = f.LastId;
        Assert.Equal(RejectReason.InvalidTriggerPrice, Stop(f, 70000.0, id, OrderAction.Replace).Reason);
        Assert.True(Stop(f, 64100.0, id, OrderAction.Replace).IsAccepted);
        Assert.False(f.Order(Side.Buy, 64000.0, 0.01).HasTriggerPrice);
    }
}

public class TriggerPriceTestsSingleWriter : TriggerPriceTests
{
    public TriggerPriceTestsSingleWriter() => GateFixture.AmbientConcurrency = GateConcurrency.SingleWriter;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsSingleWriter() => Assert.Equal(GateConcurrency.SingleWriter, new GateFixture().Breaker.Gate.Concurrency);
}

public class TriggerPriceTestsAccountOwned : TriggerPriceTests
{
    public TriggerPriceTestsAccountOwned() => GateFixture.AmbientConcurrency = GateConcurrency.AccountOwned;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsAccountOwned() => Assert.Equal(GateConcurrency.AccountOwned, new GateFixture().Breaker.Gate.Concurrency);
}
