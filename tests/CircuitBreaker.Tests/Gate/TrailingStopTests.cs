namespace CircuitBreaker.Tests.Gate;

/// <summary>Trailing stops (issue 20): the offset is finite and positive, on the tick grid (price) or whole (ticks), of a
/// defined unit, and no wider than the price collar. Reference 64,000 (tick 0.1), collar 100 bps = 640.0 = 6,400 ticks.
/// New orders, replaces and list children; an order without an offset is unaffected. Run in all three modes.</summary>
public class TrailingStopTests
{
    private static GateFixture Make(long origin = 0) => new(new InstrumentLimits { CollarBps = 100, FatFingerMultiple = 1e9 }, origin: origin);

    private static OrderRequest Trail(GateFixture f, double offset, TrailingOffsetType type, long? id = null, OrderAction action = OrderAction.New)
    {
        var o = f.Order(Side.Sell, 63500.0, 0.01, id: id); // a sell stop below the market: no self-match with a buy at 64,000
        return new OrderRequest(o.TimeNs, o.Instrument, o.Account, o.OrderId, o.Side, o.Price, o.Quantity, action) { TrailingOffset = offset, TrailingOffsetType = type };
    }

    private static Decision Check(GateFixture f, double offset, TrailingOffsetType type, long? id = null, OrderAction action = OrderAction.New)
    {
        var o = Trail(f, offset, type, id, action);
        return f.Breaker.Check(in o);
    }

    public static TheoryData<long> Origins => TimeOrigins.Rows(100_000_000_000);

    [Theory, MemberData(nameof(Origins))] // nautilus: trailing offset types (price, basis points, ticks)
    public void EachOffsetType_AtTheCollarPasses_OneUnitBeyondFails_WithFigures(long origin)
    {
        var f = Make(origin);
        Assert.True(Check(f, 640.0, TrailingOffsetType.Price).IsAccepted);
        Assert.True(Check(f, 6400, TrailingOffsetType.Ticks).IsAccepted);
        Assert.True(Check(f, 100, TrailingOffsetType.BasisPoints).IsAccepted);

        var price = Check(f, 640.1, TrailingOffsetType.Price);
        Assert.Equal(RejectReason.InvalidTrailingOffset, price.Reason);
        Assert.Equal(Scope.Instrument, price.Scope);
        Assert.Equal((100.0, 100.015625), (price.Limit, Math.Round(price.Observed, 6)));
        var ticks = Check(f, 6401, TrailingOffsetType.Ticks);
        Assert.Equal(RejectReason.InvalidTrailingOffset, ticks.Reason);
        Assert.Equal(100.015625, Math.Round(ticks.Observed, 6));
        var bps = Check(f, 100.5, TrailingOffsetType.BasisPoints);
        Assert.Equal(RejectReason.InvalidTrailingOffset, bps.Reason);
        Assert.Equal((100.0, 100.5), (bps.Limit, bps.Observed));
        Assert.Equal("InvalidTrailingOffset (Instrument): trailing offset (bps of reference) 100.5 > collar 100", DecisionText.Format(in bps));
    }

    [Theory]
    [InlineData(0.0, TrailingOffsetType.Price)]
    [InlineData(-10.0, TrailingOffsetType.Price)]
    [InlineData(double.NaN, TrailingOffsetType.Price)]
    [InlineData(double.PositiveInfinity, TrailingOffsetType.BasisPoints)]
    [InlineData(double.NegativeInfinity, TrailingOffsetType.Ticks)]
    [InlineData(-5.0, TrailingOffsetType.BasisPoints)]
    [InlineData(10.05, TrailingOffsetType.Price)]   // off the 0.1 tick grid
    [InlineData(10.5, TrailingOffsetType.Ticks)]    // not a whole number of ticks
    [InlineData(1e300, TrailingOffsetType.Ticks)]   // beyond any price
    [InlineData(10.0, (TrailingOffsetType)7)]        // undefined unit
    public void Invalid_Refused_WithoutFigures_AndNothingReserved(double offset, TrailingOffsetType type)
    {
        var f = Make();
        var d = Check(f, offset, type);
        Assert.Equal(RejectReason.InvalidTrailingOffset, d.Reason);
        Assert.False(d.HasFigures);
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
    }

    [Fact]
    public void WithoutAnOffset_TheUnitIsIgnored_AndOrdinaryOrdersAreUnaffected()
    {
        var f = Make();
        var o = f.Order(Side.Buy, 64000.0, 0.01);
        Assert.False(o.HasTrailingOffset);
        var unitOnly = new OrderRequest(o.TimeNs, o.Instrument, o.Account, o.OrderId, o.Side, o.Price, o.Quantity) { TrailingOffsetType = (TrailingOffsetType)7 };
        Assert.True(f.Breaker.Check(in unitOnly).IsAccepted);
        var withOffset = Trail(f, 10.0, TrailingOffsetType.Price);
        Assert.True(withOffset.HasTrailingOffset);
        Assert.Equal(TrailingOffsetType.Price, new OrderRequest(0, f.Btc, f.Mm, 1, Side.Buy, 1, 1) { TrailingOffset = 1 }.TrailingOffsetType); // the default unit
    }

    [Fact]
    public void Replace_ChecksItsOffset_ARefusedReplaceLeavesTheOrderWorking()
    {
        var f = Make();
        Assert.True(Check(f, 100.0, TrailingOffsetType.Price).IsAccepted);
        long id = f.LastId;
        Assert.Equal(RejectReason.InvalidTrailingOffset, Check(f, 700.0, TrailingOffsetType.Price, id, OrderAction.Replace).Reason);
        Assert.Equal(1, f.Breaker.Gate.WorkingOrders);
        Assert.True(Check(f, 200.0, TrailingOffsetType.Price, id, OrderAction.Replace).IsAccepted);
        Assert.True(f.Cancel(id).IsAccepted);
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
    }

    [Fact]
    public void ListChild_WithAWideOffset_RefusesTheWholeList()
    {
        var f = Make();
        var entry = f.Order(Side.Buy, 64000.0, 0.01);
        var takeProfit = f.Order(Side.Sell, 64500.0, 0.01);
        var stop = Trail(f, 700.0, TrailingOffsetType.Price);
        var d = new Decision[3];
        var first = f.Breaker.CheckList([entry, takeProfit, stop], d);
        Assert.Equal(RejectReason.InvalidTrailingOffset, first.Reason);
        Assert.Equal([RejectReason.ListRejected, RejectReason.ListRejected, RejectReason.InvalidTrailingOffset], d.Select(x => x.Reason));
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
        // An entry below the stop: a stop crossing the entry would be refused SelfMatch (docs/controls.md, lists).
        var stopOk = Trail(f, 300.0, TrailingOffsetType.Price);
        var accepted = f.Breaker.CheckList([f.Order(Side.Buy, 63400.0, 0.01), f.Order(Side.Sell, 64500.0, 0.01), stopOk], d);
        Assert.True(accepted.IsAccepted, string.Join(", ", d.Select(x => DecisionText.Format(in x))));
        Assert.Equal(3, f.Breaker.Gate.WorkingOrders);
    }
}

public class TrailingStopTestsSingleWriter : TrailingStopTests
{
    public TrailingStopTestsSingleWriter() => GateFixture.AmbientConcurrency = GateConcurrency.SingleWriter;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsSingleWriter() => Assert.Equal(GateConcurrency.SingleWriter, new GateFixture().Breaker.Gate.Concurrency);
}

public class TrailingStopTestsAccountOwned : TrailingStopTests
{
    public TrailingStopTestsAccountOwned() => GateFixture.AmbientConcurrency = GateConcurrency.AccountOwned;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsAccountOwned() => Assert.Equal(GateConcurrency.AccountOwned, new GateFixture().Breaker.Gate.Concurrency);
}
