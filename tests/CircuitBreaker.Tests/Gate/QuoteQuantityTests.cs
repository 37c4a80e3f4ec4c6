namespace CircuitBreaker.Tests.Gate;

/// <summary>Quote-quantity orders (issue 20, item 4): "buy 100 USDT of BTC" converted to lots at the fresh reference,
/// min/max order quantity skipped, notional limits enforced on the converted lots. Reference 64,000 (a trade), lot 0.001:
/// one lot is worth 64. Run in all three concurrency modes (QuoteQuantityTests*).</summary>
public class QuoteQuantityTests
{
    private static Decision Quote(GateFixture f, double amount, double px = 64000.0, long? time = null, long id = 0)
    {
        var o = f.Order(Side.Buy, px, amount, id: id == 0 ? null : id, time: time);
        var q = new OrderRequest(o.TimeNs, o.Instrument, o.Account, o.OrderId, o.Side, o.Price, o.Quantity) { QuoteQuantity = true };
        return f.Breaker.Check(in q);
    }

    [Fact] // nautilus: test_submit_order_with_quote_quantity_... (min/max quantity skipped)
    public void QuoteAmount_ConvertedAtTheReference_MinAndMaxQuantitySkipped()
    {
        var f = new GateFixture(new InstrumentLimits { MinOrderQuantity = 0.002, MaxOrderQuantity = 0.003, FatFingerMultiple = 1e9, MaxLongPosition = 0.005 });
        Assert.True(Quote(f, 100).IsAccepted);   // floor(100 / 64) = 1 lot, below the 2-lot minimum: skipped
        Assert.True(Quote(f, 256).IsAccepted);   // exactly 4 lots (above the 3-lot maximum: skipped); 5 lots working
        var d = Quote(f, 64);                     // one more lot breaches the 5-lot long limit: the converted lots count
        Assert.Equal(RejectReason.MaxPosition, d.Reason);
        Assert.Equal(0.006, d.Observed, 9);
    }

    [Fact] // nautilus: test_submit_order_with_quote_quantity_below_min_notional_denied
    public void MinAndMaxNotional_StillEnforced_OnTheConvertedLots()
    {
        var f = new GateFixture(new InstrumentLimits { MinOrderNotional = 128, MaxOrderNotional = 640, FatFingerMultiple = 1e9 });
        Assert.Equal(RejectReason.MinOrderNotional, Quote(f, 127.99).Reason); // 1 lot = 64 < 128
        Assert.True(Quote(f, 128).IsAccepted);                                 // exactly 2 lots = 128
        Assert.True(Quote(f, 640).IsAccepted);                                 // 10 lots = 640
        Assert.Equal(RejectReason.MaxOrderNotional, Quote(f, 704).Reason);     // 11 lots
    }

    [Fact]
    public void BelowOneLot_NoFreshReference_AndBadAmounts_Refused()
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9, ReferenceStaleAfter = TimeSpan.FromSeconds(1), MissingReference = MissingReferencePolicy.Allow });
        Assert.Equal(RejectReason.InvalidQuantity, Quote(f, 63.99).Reason);
        Assert.Equal(RejectReason.InvalidQuantity, Quote(f, 0).Reason);
        Assert.Equal(RejectReason.NonFiniteQuantity, Quote(f, double.PositiveInfinity).Reason);
        // The collar may be waived without a reference, a conversion cannot: fail-closed.
        Assert.Equal(RejectReason.StaleReference, Quote(f, 100, time: f.Now + 5_000_000_000).Reason);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.001, time: f.Now + 5_000_000_000).IsAccepted); // a base-quantity order passes
    }
}

public class QuoteQuantityTestsSingleWriter : QuoteQuantityTests
{
    public QuoteQuantityTestsSingleWriter() => GateFixture.AmbientConcurrency = GateConcurrency.SingleWriter;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsSingleWriter() => Assert.Equal(GateConcurrency.SingleWriter, new GateFixture().Breaker.Gate.Concurrency);
}

public class QuoteQuantityTestsAccountOwned : QuoteQuantityTests
{
    public QuoteQuantityTestsAccountOwned() => GateFixture.AmbientConcurrency = GateConcurrency.AccountOwned;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsAccountOwned() => Assert.Equal(GateConcurrency.AccountOwned, new GateFixture().Breaker.Gate.Concurrency);
}
