namespace CircuitBreaker.Tests.Gate;

/// <summary>
/// The order table reads a key's second bucket only when an entry spilled there from the key's first bucket. A tiny
/// table (16 entries in 2 buckets) forces spills; duplicates, cancels and reuse must behave exactly as without the
/// shortcut, in both concurrency modes.
/// </summary>
public class OrderTableSpillTests
{
    private static GateFixture Tiny(GateConcurrency mode)
        => new(new InstrumentLimits { FatFingerMultiple = 1e9 }, more: b => b.Capacity(orders: 8).ClosedOrderIds(RiskDefaults.ClosedOrderIds, RiskDefaults.ClosedOrderIdHorizon), concurrency: mode);

    /// <summary>The k-th id of these tests: multiples of 16, whose first-choice buckets in a 2-bucket table all
    /// coincide (ids 16 apart are 4 groups apart in one block), so every id past the 8th spills. Sequential ids would
    /// fill both buckets evenly and never spill.</summary>
    private static long IdOf(long k) => 16 * k;

    [Theory]
    [InlineData(GateConcurrency.MultiThreaded)]
    [InlineData(GateConcurrency.SingleWriter)]
    public void SpilledOrders_DuplicateIdsRefused_CancelsRelease_CountReturnsToZero(GateConcurrency mode)
    {
        var f = Tiny(mode);
        var table = f.Breaker.Gate.Orders;
        var placed = new List<long>();
        for (long k = 1; k <= 16; k++)
        {
            long id = IdOf(k);
            var d = f.Send(Side.Buy, 64000.0, 0.001, id: id);
            if (d.IsAccepted) placed.Add(id);
            else Assert.Equal(RejectReason.OrderTableFull, d.Reason);
        }
        Assert.True(table.SpilledCount() > 0, "the tiny table must spill for this test to mean anything");
        Assert.Equal(placed.Count, f.Breaker.Gate.WorkingOrders);
        // every working id, wherever it is stored, is found: a second order with it is a duplicate, even in a full table
        foreach (long id in placed) Assert.Equal(RejectReason.DuplicateOrderId, f.Send(Side.Buy, 64000.0, 0.001, id: id).Reason);
        // a cancel finds each, spilled or not, and frees it
        foreach (long id in placed) Assert.True(f.Cancel(id).IsAccepted);
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
        Assert.Equal(0, table.SpilledCount());
        Assert.Equal(0, table.CountLive());
        // the closed ids are refused for the horizon (RiskConfig.ClosedOrderIds), and nothing was placed for them
        foreach (long id in placed) Assert.Equal(RejectReason.DuplicateOrderId, f.Send(Side.Buy, 64000.0, 0.001, id: id).Reason);
        Assert.Equal(0, table.CountLive());
        // and the table is reusable with the same ids once the closed-id memory is off
        f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9 }, more: b => b.Capacity(orders: 8).ClosedOrderIds(0, TimeSpan.FromSeconds(1)), concurrency: mode);
        table = f.Breaker.Gate.Orders;
        foreach (long id in placed) Assert.True(f.Send(Side.Buy, 64000.0, 0.001, id: id).IsAccepted);
        foreach (long id in placed) Assert.True(f.Cancel(id).IsAccepted);
        foreach (long id in placed) Assert.True(f.Send(Side.Buy, 64000.0, 0.001, id: id).IsAccepted);
        foreach (long id in placed) Assert.Equal(RejectReason.DuplicateOrderId, f.Send(Side.Buy, 64000.0, 0.001, id: id).Reason);
    }

    [Theory]
    [InlineData(GateConcurrency.MultiThreaded)]
    [InlineData(GateConcurrency.SingleWriter)]
    public void SpilledOrder_Fill_CompletesAndFreesIt(GateConcurrency mode)
    {
        var f = Tiny(mode);
        var placed = new List<long>();
        for (long k = 1; k <= 16; k++) if (f.Send(Side.Buy, 64000.0, 0.001, id: IdOf(k)).IsAccepted) placed.Add(IdOf(k));
        var table = f.Breaker.Gate.Orders;
        Assert.True(table.SpilledCount() > 0);
        int before = f.Breaker.Gate.WorkingOrders;
        foreach (long id in placed)
            f.Breaker.Apply(RiskEvent.Fill(f.Now + id, f.Btc, f.Mm, id, Side.Buy, 64000.0, 0.001));
        f.Send(Side.Sell, 64000.0, 0.001, id: 999); // single-writer: drains the releases
        f.Cancel(999);
        Assert.True(before > 0);
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
        Assert.Equal(0, table.SpilledCount());
    }

    [Fact]
    public void ConcurrentDuplicateIds_TinyTableThatSpills_NeverBothAccepted()
    {
        // Every bucket fills, so inserts spill into second buckets while other threads insert the same ids: the re-scan
        // after publish reads a second bucket only when something spilled from the first, and must still never let two
        // inserts of one id both stay.
        int threads = Math.Max(4, Environment.ProcessorCount * 2);
        // (a re-scan that never reads the second bucket was caught in about half of 200-round runs; 600 rounds)
        for (int round = 0; round < 600; round++)
        {
            var f = Tiny(GateConcurrency.MultiThreaded);
            var acceptedPerId = new int[24];
            using var go = new Barrier(threads);
            var ts = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                go.SignalAndWait();
                for (int k = 0; k < acceptedPerId.Length; k++)
                {
                    int id = (k * 7 + t * 5) % acceptedPerId.Length; // each thread in its own order: real races on every id
                    var o = new OrderRequest(f.Now, f.Btc, f.Mm, IdOf(id + 1), Side.Buy, 64000.0, 0.001);
                    if (f.Breaker.Check(in o).IsAccepted) Interlocked.Increment(ref acceptedPerId[id]);
                }
            })).ToArray();
            foreach (var t in ts) t.Start();
            foreach (var t in ts) t.Join();
            Assert.All(acceptedPerId, n => Assert.True(n <= 1, $"round {round}: an id accepted {n} times"));
            Assert.Equal(acceptedPerId.Sum(), f.Breaker.Gate.Orders.CountLive());
            Assert.Equal(acceptedPerId.Sum(), f.Breaker.Gate.WorkingOrders);
        }
    }
}
