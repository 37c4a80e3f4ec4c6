namespace CircuitBreaker.Tests.Pipeline;

/// <summary><see cref="RiskPipeline.CheckListAndPublish"/> and <see cref="RiskPipeline.CheckBatchAndPublish"/>: every
/// child's decision reaches the detectors in list order; a ring that cannot take the whole list refuses every child
/// without reaching the gate; a stopped pipeline refuses them.</summary>
public sealed class PipelineListTests
{
    private sealed class OrderSpy(List<(long Id, RejectReason Reason)> seen) : IDetector
    {
        public string Name => "spy";
        public void Observe(in RiskEvent e, IFindingSink sink) { if (e.Kind == RiskEventKind.Order) lock (seen) seen.Add((e.OrderData.OrderId, (RejectReason)e.Reason)); }
    }

    private static GateFixture Fixture() => new(new InstrumentLimits { FatFingerMultiple = 1e9 });

    [Fact]
    public void List_EveryChildsDecisionIsPublished_InOrder_AndARefusedListReachesNoState()
    {
        var f = Fixture();
        var seen = new List<(long, RejectReason)>();
        using var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 64 }, StallThreshold = TimeSpan.Zero }, new IDetector[] { new OrderSpy(seen) });
        p.Start();
        var d = new Decision[2];
        var a = f.Order(Side.Buy, 63900.0, 0.01, id: 1);
        var b = f.Order(Side.Sell, 64100.0, 0.01, id: 2);
        Assert.True(p.CheckListAndPublish([a, b], d).IsAccepted);
        var c = f.Order(Side.Buy, 63900.0, 0.01, id: 3);
        var bad = f.Order(Side.Buy, double.NaN, 0.01, id: 4);
        Assert.Equal(RejectReason.NonFinitePrice, p.CheckListAndPublish([c, bad], d).Reason);
        var ra = new OrderRequest(f.Now, f.Btc, f.Mm, 1, Side.Buy, 63950.0, 0.01, OrderAction.Replace);
        var rb = new OrderRequest(f.Now, f.Btc, f.Mm, 2, Side.Sell, 64050.0, 0.01, OrderAction.Replace);
        Assert.True(p.CheckBatchAndPublish([ra, rb], d).IsAccepted);
        p.Stop();
        Assert.Equal([(1L, RejectReason.None), (2L, RejectReason.None), (3L, RejectReason.ListRejected), (4L, RejectReason.NonFinitePrice), (1L, RejectReason.None), (2L, RejectReason.None)], seen);
        Assert.Equal(2, f.Breaker.Gate.WorkingOrders);
    }

    [Fact]
    public void ARingThatCannotTakeTheWholeList_RefusesEveryChild_WithoutReachingTheGate()
    {
        var f = Fixture();
        using var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 4, FullRingPolicy = FullRingPolicy.DropAndCount }, StallThreshold = TimeSpan.Zero });
        // not started: nothing consumes; three slots taken leave one
        for (int i = 0; i < 3; i++) Assert.Equal(PublishResult.Published, p.Publish(RiskEvent.Trade(f.Now + i, f.Btc, 64000.0, 1)));
        var d = new Decision[8];
        var two = new[] { f.Order(Side.Buy, 63900.0, 0.01), f.Order(Side.Sell, 64100.0, 0.01) };
        Assert.Equal(RejectReason.RiskPipelineBackpressure, p.CheckListAndPublish(two, d).Reason);
        Assert.All(d[..2], x => Assert.Equal(RejectReason.RiskPipelineBackpressure, x.Reason));
        var longer = Enumerable.Range(0, 5).Select(i => f.Order(Side.Buy, 63900.0 - i, 0.01)).ToArray(); // longer than the ring
        Assert.Equal(RejectReason.RiskPipelineBackpressure, p.CheckListAndPublish(longer, d).Reason);
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
        var one = new[] { f.Order(Side.Buy, 63900.0, 0.01) }; // control: a list that fits is checked
        Assert.True(p.CheckListAndPublish(one, d).IsAccepted);
        Assert.Equal(1, f.Breaker.Gate.WorkingOrders);
    }

    [Fact]
    public void AfterStop_EveryChildIsRefusedStopped()
    {
        var f = Fixture();
        var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 64 }, StallThreshold = TimeSpan.Zero });
        p.Start();
        p.Stop();
        var d = new Decision[2];
        var r = p.CheckListAndPublish([f.Order(Side.Buy, 63900.0, 0.01), f.Order(Side.Sell, 64100.0, 0.01)], d);
        Assert.Equal(RejectReason.RiskPipelineStopped, r.Reason);
        Assert.All(d, x => Assert.Equal(RejectReason.RiskPipelineStopped, x.Reason));
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
    }

    [Fact]
    public void CheckListAndPublish_AfterWarmUp_AllocatesNothingOnTheCallingThread_WithAControl()
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9, MaxOrdersPerWindow = int.MaxValue - 1, MaxMessagesPerWindow = int.MaxValue - 1 },
            new AccountLimits { MaxOrdersPerWindow = int.MaxValue - 1, MaxMessagesPerWindow = int.MaxValue - 1 });
        using var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 1024 }, StallThreshold = TimeSpan.Zero }, Array.Empty<IDetector>());
        p.Start();
        var list = new OrderRequest[2];
        var d = new Decision[2];
        long next = 1;
        void Cycle(int n)
        {
            for (int i = 0; i < n; i++)
            {
                while (p.Lag > 256) Thread.Yield(); // let the evaluator keep up: a full ring fails closed
                long t = f.Now + 1, a = next, b = next + 1;
                next += 2;
                list[0] = new OrderRequest(t, f.Btc, f.Mm, a, Side.Buy, 63_900.0, 0.01);
                list[1] = new OrderRequest(t, f.Btc, f.Mm, b, Side.Sell, 64_100.0, 0.01);
                if (!p.CheckListAndPublish(list, d).IsAccepted) throw new InvalidOperationException("list refused: " + d[0].Reason + "/" + d[1].Reason);
                list[0] = new OrderRequest(t, f.Btc, f.Mm, a, Side.Buy, 63_910.0, 0.01, OrderAction.Replace);
                list[1] = new OrderRequest(t, f.Btc, f.Mm, b, Side.Sell, 64_090.0, 0.01, OrderAction.Replace);
                if (!p.CheckBatchAndPublish(list, d).IsAccepted) throw new InvalidOperationException("batch refused");
                var ca = OrderRequest.Cancel(t, f.Btc, f.Mm, a);
                var cb = OrderRequest.Cancel(t, f.Btc, f.Mm, b);
                p.CheckAndPublish(in ca);
                p.CheckAndPublish(in cb);
            }
            if (f.Breaker.Gate.WorkingOrders != 0) throw new InvalidOperationException("orders left working");
        }
        Cycle(200);
        long used = AllocationProbe.MinAllocated(() => Cycle(200), rounds: 4);
        Assert.Equal(0, used);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var boxed = (object)p.CheckListAndPublish(list, d);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before > 0, boxed.ToString());
    }
}
