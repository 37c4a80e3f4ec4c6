namespace CircuitBreaker.Tests.Gate;

/// <summary>Single-writer mode: fills reach the gate through the release queue, lossless and fail-closed when full.</summary>
public class SingleWriterReleaseTests
{
    private static GateFixture SingleWriter(InstrumentLimits? btc = null, Action<CircuitBreakerBuilder>? more = null)
        => new(btc ?? new InstrumentLimits { FatFingerMultiple = 1e9, MaxLongPosition = 1.0, MaxOpenOrdersPerAccount = 4096, MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 1_000_000 },
            account: new AccountLimits { MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 1_000_000 },
            more: b => { b.Capacity(pairs: 64); more?.Invoke(b); }, concurrency: GateConcurrency.SingleWriter);

    private static long WorkingBuyLots(GateFixture f)
    {
        var gate = f.Breaker.Gate;
        int p = gate.Pairs.Find(f.Mm.Value, f.Btc.Value);
        return p < 0 ? 0 : gate.Pairs[p].WorkingBuyLots;
    }

    [Fact]
    public void Fill_PartialThenComplete_FreesWorkingAtTheNextCheck()
    {
        var f = SingleWriter();
        Assert.True(f.Send(Side.Buy, 64000.0, 0.6).IsAccepted);
        long id = f.LastId;
        f.Fill(f.Mm, f.Btc, id, Side.Buy, 64000.0, 0.2);
        // Not drained yet: the filled 0.2 counts in the position and still as working (conservative).
        Assert.Equal(600, WorkingBuyLots(f));
        Assert.Equal(0.2, f.Breaker.Positions.Position(f.Mm, f.Btc), 9);
        // Position 0.2 + working 0.6 + 0.3 > 1.0 until the release is drained; the check drains first, so it passes.
        Assert.True(f.Send(Side.Buy, 64000.0, 0.2).IsAccepted);
        Assert.Equal(400 + 200, WorkingBuyLots(f));
        f.Fill(f.Mm, f.Btc, id, Side.Buy, 64000.0, 0.4); // completes the first order
        Assert.Equal(RejectReason.MaxPosition, f.Send(Side.Buy, 64000.0, 0.21).Reason); // 0.6 + 0.2 + 0.21 > 1.0
        Assert.Equal(200, WorkingBuyLots(f));
        Assert.Equal(1, f.Breaker.Gate.WorkingOrders);
        Assert.Equal(RejectReason.UnknownOrder, f.Replace(id, 64000.0, 0.1).Reason); // the completed order is gone
        Assert.Equal(0, f.Breaker.Positions.UnknownOrderFills);
    }

    [Fact]
    public void Fill_OfUnknownOrder_IsCountedOnceDrained()
    {
        var f = SingleWriter();
        f.Fill(f.Mm, f.Btc, 424242, Side.Buy, 64000.0, 0.1);
        Assert.Equal(0, f.Breaker.Positions.UnknownOrderFills);
        f.Send(Side.Buy, 64000.0, 0.001);
        Assert.Equal(1, f.Breaker.Positions.UnknownOrderFills);
    }

    [Fact]
    public void ReleaseQueue_Full_NoFillLost_GateRefusesUntilDrained()
    {
        var f = SingleWriter(more: b => b.Capacity(orders: 16)); // ring of 256 records, backlog of 256
        int capacity = f.Breaker.Gate.Releases!.Capacity;
        int fills = capacity + 40;
        Assert.True(f.Send(Side.Buy, 64000.0, fills * 0.001).IsAccepted); // one order of `fills` lots
        long id = f.LastId;
        for (int i = 0; i < fills; i++) f.Fill(f.Mm, f.Btc, id, Side.Buy, 64000.0, 0.001); // no check in between

        Assert.Equal(40, f.Breaker.Gate.ReleaseQueueOverflows);
        var d = f.Send(Side.Buy, 64000.0, 0.001); // drains the ring; the backlog is still outside it
        Assert.Equal(RejectReason.ReleaseBacklog, d.Reason);
        Assert.Equal(Scope.Global, d.Scope);
        Assert.True(f.Cancel(999_999).IsAccepted); // cancels still pass

        f.Trade(f.Btc, 64000.0, 1.0); // any event: the keeper moves its backlog into the ring
        Assert.True(f.Send(Side.Buy, 64000.0, 0.001).IsAccepted); // drained: every fill released, none lost
        Assert.Equal(1, WorkingBuyLots(f)); // only the order just accepted
        Assert.Equal(1, f.Breaker.Gate.WorkingOrders);
        Assert.Equal(0, f.Breaker.Gate.LostReleases);
        Assert.Equal(0, f.Breaker.Positions.UnknownOrderFills);
    }

    [Fact]
    public void ReleaseQueue_RingAndBacklogFull_CountsLostAndStaysClosed()
    {
        var f = SingleWriter(more: b => b.Capacity(orders: 16));
        int capacity = f.Breaker.Gate.Releases!.Capacity;
        for (int i = 0; i < 2 * capacity + 3; i++) f.Fill(f.Mm, f.Btc, 7, Side.Buy, 64000.0, 0.001);
        Assert.Equal(3, f.Breaker.Gate.LostReleases);
        f.Send(Side.Buy, 64000.0, 0.001);
        f.Trade(f.Btc, 64000.0, 1.0);
        f.Send(Side.Buy, 64000.0, 0.001);
        f.Trade(f.Btc, 64000.0, 1.0);
        Assert.Equal(0, f.Breaker.Gate.Releases.Backlog);
        Assert.Equal(RejectReason.ReleaseBacklog, f.Send(Side.Buy, 64000.0, 0.001).Reason); // closed for good
    }

    [Fact]
    public void SwapConfig_ToOtherConcurrencyMode_IsRefused()
    {
        var f = SingleWriter();
        var b = new CircuitBreakerBuilder().Instrument("BTC-PERP", InstrumentKind.Perpetual, tick: 0.1, lot: 0.001);
        var other = b.BuildConfig();
        Assert.Equal(GateConcurrency.MultiThreaded, other.Concurrency);
        var ex = Assert.Throws<RiskConfigException>(() => f.Breaker.Gate.SwapConfig(other));
        Assert.Contains(ex.Errors, e => e.Contains("concurrency", StringComparison.Ordinal));
    }

    [Fact]
    public void MultiThreaded_Fill_FreesWorkingImmediately()
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9 }, concurrency: GateConcurrency.MultiThreaded);
        Assert.Null(f.Breaker.Gate.Releases);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.5).IsAccepted);
        f.Fill(f.Mm, f.Btc, f.LastId, Side.Buy, 64000.0, 0.2);
        Assert.Equal(300, WorkingBuyLots(f));
    }
}
