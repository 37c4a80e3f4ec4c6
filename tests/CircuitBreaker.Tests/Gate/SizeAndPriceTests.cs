namespace CircuitBreaker.Tests.Gate;

public class SizeAndPriceTests
{
    [Fact]
    public void MaxOrderQuantity_ExactlyAtLimitPasses_OneLotOverFails()
    {
        var f = new GateFixture(new InstrumentLimits { MaxOrderQuantity = 2.0, FatFingerMultiple = 1e9 });
        Assert.True(f.Send(Side.Buy, 64000.0, 2.0).IsAccepted);
        Assert.Equal(RejectReason.MaxOrderQuantity, f.Send(Side.Buy, 64000.0, 2.001).Reason);
    }

    [Fact]
    public void MinOrderQuantity_BelowFails_AtPasses()
    {
        var f = new GateFixture(new InstrumentLimits { MinOrderQuantity = 0.01 });
        Assert.Equal(RejectReason.MinOrderQuantity, f.Send(Side.Buy, 64000.0, 0.009).Reason);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01).IsAccepted);
    }

    [Fact]
    public void MaxOrderNotional_AtLimitPasses_AboveFails()
    {
        var f = new GateFixture(new InstrumentLimits { MaxOrderNotional = 64_000, FatFingerMultiple = 1e9 });
        Assert.True(f.Send(Side.Buy, 64000.0, 1.0).IsAccepted);
        Assert.Equal(RejectReason.MaxOrderNotional, f.Send(Side.Buy, 64000.0, 1.001).Reason);
    }

    [Fact]
    public void FatFinger_OnDefaults_ThousandTimesUsualSizeNeverPasses()
    {
        var f = new GateFixture();
        for (int i = 0; i < 20; i++)
        {
            Assert.True(f.Send(Side.Buy, 64000.0, 0.01).IsAccepted);
            f.Cancel(f.LastId);
        }
        Assert.Equal(RejectReason.MaxOrderQuantity, f.Send(Side.Buy, 64000.0, 10.0).Reason);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.02).IsAccepted);
    }

    [Fact]
    public void FatFinger_NewAccount_GuardedByMarketTradeSize()
    {
        var f = new GateFixture(); // one public trade of 1.0
        Assert.Equal(RejectReason.MaxOrderQuantity, f.Send(Side.Buy, 64000.0, 500).Reason);
        Assert.True(f.Send(Side.Buy, 64000.0, 5).IsAccepted);
    }

    [Fact]
    public void PriceCollar_InsideBandPasses_OutsideFails()
    {
        var f = new GateFixture(new InstrumentLimits { CollarBps = 100 }); // 1 % of 64000 = 640
        Assert.True(f.Send(Side.Buy, 64640.0, 0.01).IsAccepted);
        Assert.Equal(RejectReason.PriceCollar, f.Send(Side.Buy, 64640.1, 0.01).Reason);
        Assert.Equal(RejectReason.PriceCollar, f.Send(Side.Sell, 63359.9, 0.01).Reason);
    }

    [Fact]
    public void PriceCollar_MidReference_UsesQuote()
    {
        var f = new GateFixture(new InstrumentLimits { CollarBps = 100, ReferenceSource = ReferencePriceSource.Mid });
        f.Quote(f.Btc, 69999.9, 70000.1);
        Assert.True(f.Send(Side.Buy, 70500.0, 0.01).IsAccepted);
        Assert.Equal(RejectReason.PriceCollar, f.Send(Side.Buy, 64000.0, 0.01).Reason);
    }

    [Fact]
    public void PriceCollar_StaleReference_RejectedByDefault_AllowedWhenConfigured()
    {
        var strict = new GateFixture(new InstrumentLimits { ReferenceStaleAfter = TimeSpan.FromSeconds(1) });
        var late = strict.Now + 2_000_000_000;
        Assert.Equal(RejectReason.StaleReference, strict.Send(Side.Buy, 64000.0, 0.01, time: late).Reason);

        var lenient = new GateFixture(new InstrumentLimits { ReferenceStaleAfter = TimeSpan.FromSeconds(1), MissingReference = MissingReferencePolicy.Allow });
        Assert.True(lenient.Send(Side.Buy, 64000.0, 0.01, time: lenient.Now + 2_000_000_000).IsAccepted);
    }

    [Fact]
    public void PriceCollar_NoReferenceAtAll_FailsClosed()
    {
        var f = new GateFixture(more: b => b.Instrument("NEW-SPOT", InstrumentKind.Spot, 0.01, 0.01));
        f.Breaker.Registry.TryGetInstrument("NEW-SPOT", out var id);
        Assert.Equal(RejectReason.StaleReference, f.Send(Side.Buy, 10.0, 1, instrument: id).Reason);
    }
}
