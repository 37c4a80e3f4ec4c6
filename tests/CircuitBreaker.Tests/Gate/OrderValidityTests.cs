namespace CircuitBreaker.Tests.Gate;

public class OrderValidityTests
{
    [Theory]
    [InlineData(double.NaN, RejectReason.NonFinitePrice)]
    [InlineData(double.PositiveInfinity, RejectReason.NonFinitePrice)]
    [InlineData(double.NegativeInfinity, RejectReason.NonFinitePrice)]
    [InlineData(0.0, RejectReason.InvalidPrice)]
    [InlineData(-64000.0, RejectReason.InvalidPrice)]
    [InlineData(4.9e-324, RejectReason.InvalidPrice)]
    [InlineData(1e300, RejectReason.InvalidPrice)]
    [InlineData(64000.05, RejectReason.OffTick)]
    public void Check_BadPrice_RejectedWithReason(double price, RejectReason expected)
    {
        var f = new GateFixture();
        Assert.Equal(expected, f.Send(Side.Buy, price, 0.01).Reason);
    }

    [Theory]
    [InlineData(double.NaN, RejectReason.NonFiniteQuantity)]
    [InlineData(double.PositiveInfinity, RejectReason.NonFiniteQuantity)]
    [InlineData(0.0, RejectReason.InvalidQuantity)]
    [InlineData(-1.0, RejectReason.InvalidQuantity)]
    [InlineData(1e-320, RejectReason.InvalidQuantity)]
    [InlineData(1e200, RejectReason.InvalidQuantity)]
    [InlineData(0.0015, RejectReason.OffLot)]
    public void Check_BadQuantity_RejectedWithReason(double qty, RejectReason expected)
    {
        var f = new GateFixture();
        Assert.Equal(expected, f.Send(Side.Buy, 64000.0, qty).Reason);
    }

    [Fact]
    public void Check_NegativePriceOnSwap_Allowed()
    {
        var f = new GateFixture(more: b => b.Limits("IRS-5Y", new InstrumentLimits { MissingReference = MissingReferencePolicy.Allow, CollarBps = 1_000_000 }));
        Assert.True(f.Send(Side.Buy, -0.25, 5, instrument: f.Swap).IsAccepted);
    }

    [Fact]
    public void Check_UnknownInstrumentOrAccount_Rejected()
    {
        var f = new GateFixture();
        Assert.Equal(RejectReason.UnknownInstrument, f.Send(Side.Buy, 64000.0, 0.01, instrument: new InstrumentId(99)).Reason);
        Assert.Equal(RejectReason.UnknownInstrument, f.Send(Side.Buy, 64000.0, 0.01, instrument: InstrumentId.None).Reason);
        Assert.Equal(RejectReason.UnknownAccount, f.Send(Side.Buy, 64000.0, 0.01, account: new AccountId(100_000)).Reason);
    }

    [Fact]
    public void Check_OrderOnTickAndLot_Accepted()
    {
        var f = new GateFixture();
        Assert.True(f.Send(Side.Buy, 64000.1, 0.003).IsAccepted);
    }
}
