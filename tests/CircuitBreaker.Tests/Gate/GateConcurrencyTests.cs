namespace CircuitBreaker.Tests.Gate;

[Collection(ThreadStressCollection.Name)]
public class GateConcurrencyTests
{
    /// <summary>A gate whose rate, open-order and fat-finger limits never bind, so only the race under test decides.</summary>
    private static GateFixture Unthrottled() => new(
        new InstrumentLimits { ReferenceStaleAfter = TimeSpan.FromDays(3650), FatFingerMultiple = 1e9, MaxOpenOrdersPerAccount = 4096, MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 10_000_000 },
        account: new AccountLimits { MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 10_000_000, MaxOpenOrders = 100_000 },
        more: b => b.Capacity(pairs: 64));

    [Fact]
    public void ConcurrentChecks_SameInstrument_NeverExceedPositionLimit()
    {
        var f = new GateFixture(new InstrumentLimits { MaxLongPosition = 5.0, MaxShortPosition = 5.0, FatFingerMultiple = 1e9, MaxOpenOrdersPerAccount = 4096, MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 1_000_000 },
            account: new AccountLimits { MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 1_000_000, MaxOpenOrders = 100_000 },
            more: b => b.Capacity(pairs: 64, orders: 200_000));
        int threads = Math.Max(4, Environment.ProcessorCount * 2);
        long accepted = 0;
        using var go = new Barrier(threads);
        var ts = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            go.SignalAndWait();
            for (int i = 0; i < 2_000; i++)
            {
                var o = new OrderRequest(f.Now, f.Btc, f.Mm, t * 1_000_000L + i, Side.Buy, 64000.0, 0.003);
                if (f.Breaker.Check(in o).IsAccepted) Interlocked.Add(ref accepted, 3);
            }
        })).ToArray();
        foreach (var t in ts) t.Start();
        foreach (var t in ts) t.Join();
        Assert.True(accepted <= 5000, $"accepted {accepted} lots against a 5000-lot limit");
        Assert.True(accepted >= 4998 - 2, $"limit should be nearly used, accepted {accepted}");
    }

    [Fact]
    public void ConcurrentDuplicateIds_NeverBothAccepted()
    {
        var f = Unthrottled();
        int threads = Math.Max(4, Environment.ProcessorCount * 2);
        var acceptedPerId = new int[2_000];
        using var go = new Barrier(threads);
        var ts = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            go.SignalAndWait();
            for (int i = 0; i < acceptedPerId.Length; i++)
            {
                var o = new OrderRequest(f.Now, f.Btc, f.Mm, i, Side.Buy, 64000.0, 0.001);
                if (f.Breaker.Check(in o).IsAccepted) Interlocked.Increment(ref acceptedPerId[i]);
            }
        })).ToArray();
        foreach (var t in ts) t.Start();
        foreach (var t in ts) t.Join();
        Assert.All(acceptedPerId, n => Assert.True(n <= 1));
    }

    [Fact]
    public void NewOrderWithTheIdOfAnOrderBeingReplaced_OnAnotherThread_NeverAccepted()
    {
        // A replace takes the working order's entry (busy) for a moment. A new order with the same id racing it on another
        // thread must still find it (the insert's re-scan waits out busy entries): the id is working throughout.
        var f = Unthrottled();
        const long id = 77;
        var first = new OrderRequest(f.Now, f.Btc, f.Mm, id, Side.Buy, 64000.0, 0.001);
        Assert.True(f.Breaker.Check(in first).IsAccepted);
        long duplicatesAccepted = 0, replacesAccepted = 0;
        using var go = new Barrier(2);
        var replacer = new Thread(() =>
        {
            go.SignalAndWait();
            for (int i = 0; i < 200_000; i++)
            {
                var o = new OrderRequest(f.Now, f.Btc, f.Mm, id, Side.Buy, 64000.0 - (i % 2) * 0.5, 0.001 * (1 + i % 3), OrderAction.Replace);
                if (f.Breaker.Check(in o).IsAccepted) replacesAccepted++;
            }
        });
        var inserter = new Thread(() =>
        {
            go.SignalAndWait();
            for (int i = 0; i < 200_000; i++)
            {
                var o = new OrderRequest(f.Now, f.Btc, f.Mm, id, Side.Buy, 64000.0, 0.001);
                if (f.Breaker.Check(in o).IsAccepted) duplicatesAccepted++;
            }
        });
        replacer.Start(); inserter.Start();
        replacer.Join(); inserter.Join();
        Assert.Equal(0, duplicatesAccepted);
        Assert.True(replacesAccepted > 100_000, $"replaces accepted {replacesAccepted}");
        Assert.Equal(1, f.Breaker.Gate.Orders.CountLive());
    }

    [Fact]
    public void CancelRacingAReplaceOfTheSameOrder_AlwaysReleasesIt()
    {
        // The engine cancels an order while another of its threads is replacing it: the replace holds the order's entry
        // for a moment. The cancel must wait for it, not pass over it, or the order's working quantity and open-order
        // count would stay reserved after it is gone.
        var f = Unthrottled();
        for (long id = 1; id <= 2_000; id++)
        {
            long now = f.Now + id * 2_000_000_000L; // each round in a fresh rate window
            var place = new OrderRequest(now, f.Btc, f.Mm, id, Side.Buy, 64000.0, 0.001);
            var placed = f.Breaker.Check(in place);
            if (!placed.IsAccepted) Assert.Fail($"order {id}: placing it was rejected with {placed.Reason}");
            bool cancelled = false;
            long orderId = id;
            var replacer = new Thread(() =>
            {
                for (int i = 0; !Volatile.Read(ref cancelled) || i < 4; i++)
                {
                    var o = new OrderRequest(now, f.Btc, f.Mm, orderId, Side.Buy, 64000.0 - (i % 2) * 0.5, 0.001 * (1 + i % 3), OrderAction.Replace);
                    f.Breaker.Check(in o);
                }
            });
            replacer.Start();
            Thread.SpinWait((int)(id % 50) * 20);
            var cancel = OrderRequest.Cancel(now, f.Btc, f.Mm, orderId);
            Assert.True(f.Breaker.Check(in cancel).IsAccepted);
            Volatile.Write(ref cancelled, true);
            replacer.Join();
            if (f.Breaker.Gate.WorkingOrders != 0) Assert.Fail($"order {id}: {f.Breaker.Gate.WorkingOrders} still counted as working after its cancel, live entries {f.Breaker.Gate.Orders.CountLive()}");
        }
        Assert.Equal(0, f.Breaker.Gate.Orders.CountLive());
    }

    [Theory]
    [InlineData(GateConcurrency.MultiThreaded)]
    [InlineData(GateConcurrency.AccountOwned)]
    public void ReplaceOfAnOrderAFillIsHolding_WaitsForIt_InsteadOfCallingTheWorkingOrderUnknown(GateConcurrency mode)
    {
        // The position keeper holds an order's entry for a moment while it applies a fill. A replace arriving then must
        // wait and be decided on the order, not be refused as UnknownOrder: the engine would take a working order for gone.
        var f = new GateFixture(new InstrumentLimits { MaxLongPosition = 1.0, FatFingerMultiple = 1e9 }, concurrency: mode);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.5).IsAccepted);
        long id = f.LastId;
        var orders = f.Breaker.Gate.Orders;
        int idx = orders.Find(f.Mm.Value, id);
        Assert.True(orders.TryTake<AtomicSync>(idx, f.Mm.Value, id)); // what the keeper does while it fills part of it
        var replace = new OrderRequest(f.Now + 1, f.Btc, f.Mm, id, Side.Buy, 64000.0, 0.8, OrderAction.Replace);
        Decision decided = default;
        var engine = new Thread(() => decided = f.Breaker.Check(in replace));
        engine.Start();
        Assert.False(engine.Join(100), $"the replace did not wait for the held order: {decided.Reason}");
        orders.PutBack(idx);
        Assert.True(engine.Join(10_000));
        Assert.True(decided.IsAccepted, $"replace refused: {decided.Reason}");
        f.Now += 2;
        Assert.True(f.Send(Side.Buy, 64000.0, 0.2).IsAccepted); // the replaced 0.8 is what is working now
        Assert.Equal(RejectReason.MaxPosition, f.Send(Side.Buy, 64000.0, 0.001).Reason);

        // An order the holder frees (a fill that completes it) is unknown to the replace that waited for it.
        id = f.LastId - 1;
        Assert.True(f.Cancel(id).IsAccepted);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.1, id: 777).IsAccepted);
        idx = orders.Find(f.Mm.Value, 777);
        Assert.True(orders.TryTake<AtomicSync>(idx, f.Mm.Value, 777));
        var late = new OrderRequest(f.Now + 1, f.Btc, f.Mm, 777, Side.Buy, 64000.0, 0.2, OrderAction.Replace);
        engine = new Thread(() => decided = f.Breaker.Check(in late));
        engine.Start();
        Assert.False(engine.Join(100));
        orders.Remove(idx);
        Assert.True(engine.Join(10_000));
        Assert.Equal(RejectReason.UnknownOrder, decided.Reason);
    }
}
