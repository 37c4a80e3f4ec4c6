using CircuitBreaker.Ring;
using CircuitBreaker.Tests.Gate;

namespace CircuitBreaker.Tests.Safety;

/// <summary>
/// Edges found by testing the public API from outside (issue 16, items 3 to 6): a failed name look-up, prices and
/// quantities just off the grid, a pipeline that cannot record a decision, and a replace that lowers risk under
/// reduce-only. Each test failed on 5b7b4b7.
/// </summary>
public class FailClosedEdgeTests
{
    private const long Now = 1_796_342_400_000_000_000; // present-day Unix ns

    // ---- item 3: a failed look-up yields an id the gate refuses ----

    [Fact]
    public void TryGet_UnknownName_ReturnsNoneAndTheGateRefusesIt()
    {
        var f = new GateFixture();
        var reg = f.Breaker.Registry;
        Assert.False(reg.TryGetInstrument("BTC-PREP", out var ins));
        Assert.False(reg.TryGetAccount("mm-l", out var acc));
        Assert.False(reg.TryGetGroup("no-such-group", out var grp));
        Assert.False(reg.TryResolvePriceSymbol("DOGE", out var px));
        Assert.Equal(InstrumentId.None, ins);
        Assert.Equal(AccountId.None, acc);
        Assert.Equal(GroupId.None, grp);
        Assert.Equal(InstrumentId.None, px);
        // An engine that ignores the bool: the order is refused, never checked under instrument 0's or account 0's limits.
        var o1 = new OrderRequest(f.Now, ins, f.Mm, 1, Side.Buy, 64000.0, 0.01);
        Assert.Equal(RejectReason.UnknownInstrument, f.Breaker.Check(in o1).Reason);
        var o2 = new OrderRequest(f.Now, f.Btc, acc, 2, Side.Buy, 64000.0, 0.01);
        Assert.Equal(RejectReason.UnknownAccount, f.Breaker.Check(in o2).Reason);
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
        // The position queries say so instead of reading another account's figures or failing with an index error.
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Breaker.Positions.DailyPnl(acc));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Breaker.Positions.GrossExposure(acc));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Breaker.Positions.StartDay(acc));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Breaker.Positions.Position(acc, f.Btc));
        Assert.Throws<ArgumentOutOfRangeException>(() => f.Breaker.Positions.Position(f.Mm, ins));
    }

    // ---- item 4: off-tick and off-lot within floating-point noise only ----

    [Theory]
    [InlineData(0.00001, 1.0, 0.999999999, 1.0, RejectReason.OffTick)]      // 1e-4 ticks off
    [InlineData(0.1, 0.001, 64000.10004, 0.01, RejectReason.OffTick)]      // 4e-4 ticks off
    [InlineData(0.1, 1.0, 64000.1, 100000.00001, RejectReason.OffLot)]     // 1e-5 lots off
    [InlineData(0.01, 0.001, 1.2300000001, 0.01, RejectReason.OffTick)]
    public void Check_JustOffTheGrid_Refused(double tick, double lot, double price, double qty, RejectReason expected)
    {
        var (b, ins, acc) = Single(tick, lot, reference: price);
        var o = new OrderRequest(Now, ins, acc, 1, Side.Buy, price, qty);
        Assert.Equal(expected, b.Check(in o).Reason);
    }

    [Theory]
    [InlineData(0.1, 0.001, 64000.1, 0.003)]
    [InlineData(0.00001, 1.0, 0.99999, 7.0)]
    [InlineData(0.01, 0.01, 1234567.89, 0.07)]
    [InlineData(0.5, 0.1, 0.5, 0.3)]
    public void Check_OnTheGrid_EvenAfterArithmetic_Accepted(double tick, double lot, double price, double qty)
    {
        // Prices and sizes an engine computes (k × tick, sums) land a few ulps from the grid: still on it.
        var (b, ins, acc) = Single(tick, lot, reference: price);
        double computedPx = Math.Round(price / tick) * tick;
        double computedQty = 0;
        for (int i = 0; i < (int)Math.Round(qty / lot); i++) computedQty += lot;
        var o = new OrderRequest(Now, ins, acc, 1, Side.Buy, computedPx, computedQty);
        Assert.Equal(RejectReason.None, b.Check(in o).Reason);
    }

    private static (Breaker, InstrumentId, AccountId) Single(double tick, double lot, double reference)
    {
        var b = new Breaker(new CircuitBreakerBuilder()
            .Instrument("X", InstrumentKind.Spot, tick: tick, lot: lot, limits: new InstrumentLimits { FatFingerMultiple = 1e12 })
            .Account("a").BuildConfig());
        Assert.True(b.Registry.TryGetInstrument("X", out var ins));
        Assert.True(b.Registry.TryGetAccount("a", out var acc));
        b.Apply(RiskEvent.Trade(Now, ins, reference, lot));
        return (b, ins, acc);
    }

    // ---- item 5: a decision the pipeline cannot record is not Accepted ----

    [Fact]
    public void CheckAndPublish_AfterStop_RefusedNotAccepted_CancelsStillPass()
    {
        var f = new GateFixture();
        var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 64 }, StallThreshold = TimeSpan.Zero });
        p.Start();
        var first = f.Order(Side.Buy, 64000.0, 0.01);
        Assert.True(p.CheckAndPublish(in first).IsAccepted);
        p.Stop();
        for (int i = 0; i < 5; i++)
        {
            var o = f.Order(Side.Buy, 64000.0, 0.01);
            var d = p.CheckAndPublish(in o);
            Assert.Equal(RejectReason.RiskPipelineStopped, d.Reason);
            Assert.Equal(Scope.Global, d.Scope);
        }
        Assert.Equal(1, f.Breaker.Gate.WorkingOrders); // the refused orders reserved nothing
        var cancel = OrderRequest.Cancel(++f.Now, f.Btc, f.Mm, first.OrderId);
        Assert.True(p.CheckAndPublish(in cancel).IsAccepted);
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
        Assert.Equal(1, p.UnrecordedCancels);
        p.Dispose();
    }

    [Theory]
    [InlineData(FullRingPolicy.FailClosed)]
    [InlineData(FullRingPolicy.DropAndCount)]
    public void CheckAndPublish_RingFull_TheOrderThatFoundNoRoomIsRefused(FullRingPolicy policy)
    {
        var f = new GateFixture();
        using var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 4, FullRingPolicy = policy }, StallThreshold = TimeSpan.Zero });
        // Not started: nothing consumes. Four orders fill the ring and are accepted (each decision is on the ring).
        for (int i = 0; i < 4; i++)
        {
            var o = f.Order(Side.Buy, 64000.0, 0.01);
            Assert.True(p.CheckAndPublish(in o).IsAccepted);
        }
        var fifth = f.Order(Side.Buy, 64000.0, 0.01);
        var d = p.CheckAndPublish(in fifth);
        Assert.Equal(RejectReason.RiskPipelineBackpressure, d.Reason);
        Assert.Equal(4, f.Breaker.Gate.WorkingOrders); // the fifth reserved nothing
        Assert.Equal(policy == FullRingPolicy.FailClosed ? TradingState.Halted : TradingState.Active, f.Breaker.Board.Global);
    }

    // ---- item 6: reduce-only refuses only replaces that add risk ----

    [Theory]
    [InlineData(GateConcurrency.MultiThreaded)]
    [InlineData(GateConcurrency.SingleWriter)]
    [InlineData(GateConcurrency.AccountOwned)]
    public void ReduceOnly_ReplaceShrinkingAnIncreasingOrder_Passes_GrowingRefused(GateConcurrency mode)
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9 }, concurrency: mode);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.5).IsAccepted); // flat: the buy would open a long
        long id = f.LastId;
        Assert.True(f.Breaker.ReduceOnly(Scope.Account, f.Mm.Value, ++f.Now));
        Assert.Equal(RejectReason.ReduceOnly, f.Replace(id, 64000.0, 0.6).Reason);
        Assert.Equal(RejectReason.None, f.Replace(id, 64000.0, 0.2).Reason);
        Assert.Equal(RejectReason.None, f.Replace(id, 63990.0, 0.2).Reason); // a price change at the same size adds no lots
        Assert.Equal(RejectReason.ReduceOnly, f.Replace(id, 63990.0, 0.3).Reason);
        Assert.Equal(1, f.Breaker.Gate.WorkingOrders);
    }

    [Fact]
    public void ShrinkingReplaceAtItsOwnPrice_AfterTheMarketMovedOutsideTheCollar_Passes()
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9 });
        Assert.True(f.Send(Side.Buy, 64000.0, 0.5).IsAccepted);
        long id = f.LastId;
        f.Trade(f.Btc, 60000.0, 1.0); // the order's price is now ~6.7 % from the reference: outside the collar
        Assert.Equal(RejectReason.PriceCollar, f.Replace(id, 64000.0, 0.6).Reason);
        Assert.Equal(RejectReason.None, f.Replace(id, 64000.0, 0.3).Reason);
        Assert.Equal(RejectReason.PriceCollar, f.Replace(id, 64000.1, 0.3).Reason); // a new price is collared as before
    }

    [Fact]
    public void ShrinkingReplace_AccountAlreadyAboveItsGrossLimit_Passes_GrowingRefused()
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9 }, new AccountLimits { MaxGrossExposure = 50_000 });
        Assert.True(f.Send(Side.Buy, 64000.0, 0.5).IsAccepted); // 32,000 working
        long id = f.LastId;
        f.Fill(f.Mm, f.Btc, 999_999, Side.Buy, 64000.0, 0.6); // a fill the gate did not see: 38,400 held, 70,400 in all
        Assert.Equal(RejectReason.MaxGrossExposure, f.Replace(id, 64000.0, 0.6).Reason);
        Assert.Equal(RejectReason.None, f.Replace(id, 64000.0, 0.3).Reason); // 57,600 in all: still above, but lower
        Assert.Equal(RejectReason.MaxGrossExposure, f.Send(Side.Buy, 64000.0, 0.01).Reason);
    }
}
