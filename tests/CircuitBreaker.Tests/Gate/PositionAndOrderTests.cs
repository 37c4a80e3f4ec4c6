namespace CircuitBreaker.Tests.Gate;

public class PositionAndOrderTests
{
    private static GateFixture Limited(double maxLong = 1.0, double maxShort = 1.0, int? maxOpen = null)
        => new(new InstrumentLimits { MaxLongPosition = maxLong, MaxShortPosition = maxShort, MaxOpenOrdersPerAccount = maxOpen, FatFingerMultiple = 1e9 });

    [Fact]
    public void MaxPosition_CountsWorkingOrders_ExactlyAtLimitPasses_OneLotOverFails()
    {
        var f = Limited();
        Assert.True(f.Send(Side.Buy, 64000.0, 0.6).IsAccepted);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.4).IsAccepted);
        Assert.Equal(RejectReason.MaxPosition, f.Send(Side.Buy, 64000.0, 0.001).Reason);
        Assert.True(f.Send(Side.Sell, 64100.0, 1.0).IsAccepted); // the short side has its own limit
    }

    [Fact]
    public void MaxPosition_FillMovesWorkingIntoPosition_CancelReleases()
    {
        var f = Limited();
        Assert.True(f.Send(Side.Buy, 64000.0, 0.5).IsAccepted);
        long first = f.LastId;
        f.Fill(f.Mm, f.Btc, first, Side.Buy, 64000.0, 0.5);
        Assert.Equal(0.5, f.Breaker.Positions.Position(f.Mm, f.Btc), 9);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.5).IsAccepted);
        Assert.Equal(RejectReason.MaxPosition, f.Send(Side.Buy, 64000.0, 0.001).Reason);
        Assert.True(f.Cancel(f.LastId - 1).IsAccepted);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.5).IsAccepted);
    }

    [Fact]
    public void MaxOpenOrders_NthPasses_NPlusOneFails_CancelFreesOne()
    {
        var f = Limited(maxLong: 100, maxShort: 100, maxOpen: 3);
        for (int i = 0; i < 3; i++) Assert.True(f.Send(Side.Buy, 64000.0, 0.01).IsAccepted);
        Assert.Equal(RejectReason.MaxOpenOrders, f.Send(Side.Buy, 64000.0, 0.01).Reason);
        f.Cancel(f.LastId - 1);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01).IsAccepted);
    }

    [Fact]
    public void DuplicateOrderId_SameAccountRejected_OtherAccountAccepted()
    {
        var f = new GateFixture();
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01, id: 42).IsAccepted);
        Assert.Equal(RejectReason.DuplicateOrderId, f.Send(Side.Buy, 64000.0, 0.01, id: 42).Reason);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01, id: 42, account: f.Other).IsAccepted);
        f.Cancel(42);
        // The closed-id memory is off by default (ClosedOrderIdTests cover it on): a cancelled id may be sent again.
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01, id: 42).IsAccepted);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01, id: 43).IsAccepted);
    }

    [Fact]
    public void SelfMatch_OrderCrossingOwnRestingOrder_Rejected_NonCrossingAccepted()
    {
        var f = new GateFixture();
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01).IsAccepted);
        Assert.Equal(RejectReason.SelfMatch, f.Send(Side.Sell, 64000.0, 0.01).Reason);
        Assert.Equal(RejectReason.SelfMatch, f.Send(Side.Sell, 63900.0, 0.01).Reason);
        Assert.True(f.Send(Side.Sell, 64000.1, 0.01).IsAccepted);
        Assert.True(f.Send(Side.Sell, 63900.0, 0.01, account: f.Other).IsAccepted); // another account may trade with us
    }

    [Fact]
    public void Replace_ChecksNewQuantityAgainstPositionAndSelfMatch()
    {
        var f = Limited();
        Assert.True(f.Send(Side.Buy, 64000.0, 0.5).IsAccepted);
        long id = f.LastId;
        Assert.True(f.Replace(id, 64000.0, 1.0).IsAccepted);
        Assert.Equal(RejectReason.MaxPosition, f.Replace(id, 64000.0, 1.001).Reason);
        Assert.True(f.Send(Side.Sell, 64100.0, 0.1).IsAccepted);
        Assert.Equal(RejectReason.SelfMatch, f.Replace(id, 64100.0, 0.5).Reason);
        Assert.Equal(RejectReason.UnknownOrder, f.Replace(999, 64000.0, 0.5).Reason);
    }

    [Fact]
    public void Cancel_UnknownOrder_StillPasses()
    {
        var f = new GateFixture();
        Assert.True(f.Cancel(12345).IsAccepted);
    }
}

/// <summary>Exposure bookkeeping is exact: an order's releases (partial fills, a replace, the final cancel) sum to what
/// it reserved, so the working-notional counters return to exactly zero instead of drifting by rounding units.</summary>
public class ExposureReleaseTests
{
    [Theory]
    [InlineData(GateConcurrency.MultiThreaded)]
    [InlineData(GateConcurrency.SingleWriter)]
    [InlineData(GateConcurrency.AccountOwned)]
    public void PartialFillsReplaceAndCancel_ReleaseExactlyWhatWasReserved(GateConcurrency mode)
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9 }, concurrency: mode);
        for (int round = 0; round < 50; round++)
        {
            double px = 64000.7 + 0.1 * (round % 9); // prices whose notional per lot is not exact in binary
            Assert.True(f.Send(Side.Buy, px, 0.011).IsAccepted);
            long id = f.LastId;
            Assert.True(f.Send(Side.Sell, px + 50, 0.013).IsAccepted);
            long sell = f.LastId;
            for (int k = 0; k < 3; k++) f.Fill(f.Mm, f.Btc, id, Side.Buy, px, 0.001);
            Assert.True(f.Replace(id, px - 0.3, 0.009).IsAccepted);
            for (int k = 0; k < 2; k++) f.Fill(f.Mm, f.Btc, id, Side.Buy, px - 0.3, 0.001);
            f.Fill(f.Mm, f.Btc, sell, Side.Sell, px + 50, 0.007);
            Assert.True(f.Cancel(id).IsAccepted);
            Assert.True(f.Cancel(sell).IsAccepted);
        }
        ref var a = ref f.Breaker.Gate.AccountState(f.Mm.Value);
        Assert.Equal(0, a.WorkingBuyNotionalFx - a.ReleasedBuyNotionalFx); // released: account-owned mode's keeper counters (0 otherwise)
        Assert.Equal(0, a.WorkingSellNotionalFx - a.ReleasedSellNotionalFx);
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
    }
}
