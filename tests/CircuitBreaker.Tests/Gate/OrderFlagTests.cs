namespace CircuitBreaker.Tests.Gate;

/// <summary>Order-level flags and the per-instrument price/notional switches (issue 20, item 2), each with its boundary:
/// per-order reduce-only, good-till-date expiry, minimum notional, prices at or below zero. Scenarios follow the
/// NautilusTrader risk-engine cases they stand for (named in each test). Run in all three concurrency modes
/// (OrderFlagTestsSingleWriter / OrderFlagTestsAccountOwned).</summary>
public class OrderFlagTests
{
    private static GateFixture Open(InstrumentLimits? btc = null) => new(btc ?? new InstrumentLimits { FatFingerMultiple = 1e9 });

    /// <summary>Builds a long of <paramref name="qty"/> on BTC-PERP for mm-1: one buy, filled in full.</summary>
    private static void Long(GateFixture f, double qty)
    {
        Assert.True(f.Send(Side.Buy, 64000.0, qty).IsAccepted);
        f.Fill(f.Mm, f.Btc, f.LastId, Side.Buy, 64000.0, qty);
    }

    private static Decision Send(GateFixture f, Side side, double px, double qty, bool reduceOnly = false, long? expire = null)
    {
        var o = f.Order(side, px, qty);
        var flagged = expire is { } x
            ? new OrderRequest(o.TimeNs, o.Instrument, o.Account, o.OrderId, side, px, qty) { ReduceOnly = reduceOnly, ExpireTimeNs = x }
            : new OrderRequest(o.TimeNs, o.Instrument, o.Account, o.OrderId, side, px, qty) { ReduceOnly = reduceOnly };
        return f.Breaker.Check(in flagged);
    }

    [Fact] // nautilus: test_submit_reduce_only_order_when_position_flat_denied
    public void ReduceOnlyOrder_NoPosition_Denied_BothSides()
    {
        var f = Open();
        var buy = Send(f, Side.Buy, 64000.0, 0.01, reduceOnly: true);
        Assert.Equal(Decision.Reject(RejectReason.ReduceOnlyOrder), buy);
        Assert.Equal((0.0, 0.01), (buy.Limit, buy.Observed));
        Assert.Equal(RejectReason.ReduceOnlyOrder, Send(f, Side.Sell, 64000.0, 0.01, reduceOnly: true).Reason);
        Assert.True(Send(f, Side.Sell, 64000.0, 0.01).IsAccepted); // the same order without the flag passes
    }

    [Fact] // nautilus: test_submit_reduce_only_order_which_would_increase_position_denied
    public void ReduceOnlyOrder_ClosingExactlyPasses_OneLotMoreCountingWorkingFails_IncreasingFails()
    {
        var f = Open();
        Long(f, 0.5);
        Assert.Equal(RejectReason.ReduceOnlyOrder, Send(f, Side.Buy, 64000.0, 0.001, reduceOnly: true).Reason); // would increase
        Assert.Equal(RejectReason.ReduceOnlyOrder, Send(f, Side.Sell, 64000.0, 0.501, reduceOnly: true).Reason); // would flip
        Assert.True(Send(f, Side.Sell, 64000.0, 0.3, reduceOnly: true).IsAccepted);
        Assert.True(Send(f, Side.Sell, 64000.0, 0.2, reduceOnly: true).IsAccepted); // with the working 0.3: closes exactly
        var over = Send(f, Side.Sell, 64000.0, 0.001, reduceOnly: true);  // working 0.5 already closes it
        Assert.Equal(RejectReason.ReduceOnlyOrder, over.Reason);
        Assert.Equal(0.5, over.Limit, 9);
        Assert.Equal(0.501, over.Observed, 9);
    }

    [Fact]
    public void ReduceOnlyOrder_ReplaceShrinkPasses_GrowBeyondClosableFails_CancelPasses()
    {
        var f = Open();
        Long(f, 0.5);
        Assert.True(Send(f, Side.Sell, 64000.0, 0.4, reduceOnly: true).IsAccepted);
        long id = f.LastId;
        Assert.True(f.Replace(id, 64000.0, 0.3, Side.Sell).IsAccepted);       // shrink
        Assert.True(f.Replace(id, 64000.0, 0.5, Side.Sell).IsAccepted);       // grow up to the position: still reducing
        Assert.Equal(RejectReason.ReduceOnlyOrder, f.Replace(id, 64000.0, 0.501, Side.Sell).Reason); // the flag stays with the order
        Assert.True(f.Cancel(id).IsAccepted);
    }

    [Fact]
    public void ReduceOnly_StateReplaceThatShrinksAnIncreasingOrder_Passes_GrowingFails()
    {
        var f = Open();
        Assert.True(f.Send(Side.Buy, 64000.0, 0.5).IsAccepted); // exposure-increasing (flat position)
        long id = f.LastId;
        f.Breaker.ReduceOnly(Scope.Instrument, f.Btc.Value, ++f.Now);
        Assert.True(f.Replace(id, 64000.0, 0.2).IsAccepted);
        Assert.Equal(RejectReason.ReduceOnly, f.Replace(id, 64000.0, 0.3).Reason);
    }

    public static TheoryData<long> Origins => TimeOrigins.Rows(100_000_000_000);

    [Theory, MemberData(nameof(Origins))] // nautilus: test_submit_order_with_gtd_expired_denied
    public void ExpiredOrder_ExpireAtOrBeforeNowDenied_OneNanosecondLaterPasses(long origin)
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9 }, origin: origin);
        long now = f.Now + 1;
        var atNow = new OrderRequest(now, f.Btc, f.Mm, 1, Side.Buy, 64000.0, 0.01) { ExpireTimeNs = now };
        var d = f.Breaker.Check(in atNow);
        Assert.Equal(RejectReason.ExpiredOrder, d.Reason);
        Assert.Equal(0, d.Observed);
        var past = new OrderRequest(now, f.Btc, f.Mm, 2, Side.Buy, 64000.0, 0.01) { ExpireTimeNs = now - 5 };
        Assert.Equal(5, f.Breaker.Check(in past).Observed);
        var live = new OrderRequest(now, f.Btc, f.Mm, 3, Side.Buy, 64000.0, 0.01) { ExpireTimeNs = now + 1 };
        Assert.True(f.Breaker.Check(in live).IsAccepted);
        var expiredReplace = new OrderRequest(now + 1, f.Btc, f.Mm, 3, Side.Buy, 64000.0, 0.02, OrderAction.Replace) { ExpireTimeNs = now + 1 };
        Assert.Equal(RejectReason.ExpiredOrder, f.Breaker.Check(in expiredReplace).Reason);
        var plain = new OrderRequest(now, f.Btc, f.Mm, 4, Side.Buy, 64000.0, 0.01);
        Assert.False(plain.HasExpireTime);
        Assert.True(f.Breaker.Check(in plain).IsAccepted); // no expire time: good till cancelled, whatever the origin
    }

    [Fact] // nautilus: test_submit_order_when_notional_below_min_notional_denied
    public void MinOrderNotional_AtLimitPasses_OneLotUnderFails_ReplaceToo()
    {
        var f = Open(new InstrumentLimits { MinOrderNotional = 640, FatFingerMultiple = 1e9 }); // 0.01 at 64000
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01).IsAccepted);
        long id = f.LastId;
        var d = f.Send(Side.Buy, 64000.0, 0.009);
        Assert.Equal(RejectReason.MinOrderNotional, d.Reason);
        Assert.Equal((640.0, 576.0), (d.Limit, Math.Round(d.Observed, 6)));
        Assert.Equal(RejectReason.MinOrderNotional, f.Replace(id, 64000.0, 0.009).Reason);
    }

    [Fact]
    public void MinOrderNotional_AboveMaxNotional_IsAConfigError()
    {
        var ex = Assert.Throws<RiskConfigException>(() => new CircuitBreakerBuilder()
            .Instrument("X", InstrumentKind.Spot, 0.1, 1, limits: new InstrumentLimits { MinOrderNotional = 10, MaxOrderNotional = 5 }).BuildConfig());
        Assert.Contains(ex.Errors, e => e.Contains("min order notional 10 > max order notional 5"));
        var neg = Assert.Throws<RiskConfigException>(() => new CircuitBreakerBuilder()
            .Instrument("X", InstrumentKind.Spot, 0.1, 1, limits: new InstrumentLimits { MinOrderNotional = -1 }).BuildConfig());
        Assert.Contains(neg.Errors, e => e.Contains("min order notional must be finite and > 0"));
    }

    private static (GateFixture F, InstrumentId Spread, InstrumentId Fut) Spreads(bool? spotAllows, bool? futureAllows)
    {
        var lim = new InstrumentLimits { MissingReference = MissingReferencePolicy.Allow, FatFingerMultiple = 1e9 };
        var f = new GateFixture(more: b => b
            .Instrument("CAL-SPREAD", InstrumentKind.Spot, 0.01, 1, limits: lim with { AllowNonPositivePrice = spotAllows })
            .Instrument("CL-FUT", InstrumentKind.Future, 0.01, 1, limits: lim with { AllowNonPositivePrice = futureAllows }));
        f.Breaker.Registry.TryGetInstrument("CAL-SPREAD", out var spread);
        f.Breaker.Registry.TryGetInstrument("CL-FUT", out var fut);
        return (f, spread, fut);
    }

    [Fact] // nautilus: test_submit_order_with_negative_price_for_option_spread_accepted
    public void AllowNonPositivePrice_FlagOnASpotSpread_AcceptsZeroAndNegative_DefaultRefuses()
    {
        var (f, spread, _) = Spreads(spotAllows: true, futureAllows: null);
        Assert.True(f.Send(Side.Buy, -1.25, 1, instrument: spread).IsAccepted);
        Assert.True(f.Send(Side.Sell, 0.0, 1, instrument: spread).IsAccepted);
        Assert.Equal(RejectReason.OffTick, f.Send(Side.Buy, -1.255, 1, instrument: spread).Reason); // the tick still applies
        var (g, plainSpot, _) = Spreads(spotAllows: null, futureAllows: null);
        Assert.Equal(RejectReason.InvalidPrice, g.Send(Side.Buy, -1.25, 1, instrument: plainSpot).Reason);
        Assert.Equal(RejectReason.InvalidPrice, g.Send(Side.Buy, 0.0, 1, instrument: plainSpot).Reason);
    }

    [Fact]
    public void AllowNonPositivePrice_ExplicitFalse_OverridesAFuturesDefault()
    {
        var (f, _, fut) = Spreads(spotAllows: null, futureAllows: null);
        Assert.True(f.Send(Side.Buy, -37.63, 1, instrument: fut).IsAccepted); // futures may trade below zero by default
        var (g, _, strictFut) = Spreads(spotAllows: null, futureAllows: false);
        Assert.Equal(RejectReason.InvalidPrice, g.Send(Side.Buy, -37.63, 1, instrument: strictFut).Reason);
        Assert.True(g.Send(Side.Buy, 37.63, 1, instrument: strictFut).IsAccepted);
    }
}

public class OrderFlagTestsSingleWriter : OrderFlagTests
{
    public OrderFlagTestsSingleWriter() => GateFixture.AmbientConcurrency = GateConcurrency.SingleWriter;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsSingleWriter() => Assert.Equal(GateConcurrency.SingleWriter, new GateFixture().Breaker.Gate.Concurrency);
}

public class OrderFlagTestsAccountOwned : OrderFlagTests
{
    public OrderFlagTestsAccountOwned() => GateFixture.AmbientConcurrency = GateConcurrency.AccountOwned;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsAccountOwned() => Assert.Equal(GateConcurrency.AccountOwned, new GateFixture().Breaker.Gate.Concurrency);
}
