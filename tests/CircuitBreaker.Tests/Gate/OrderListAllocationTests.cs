namespace CircuitBreaker.Tests.Gate;

/// <summary>Order lists and amendment batches allocate nothing after warm-up: accepted and refused lists (the rollback
/// path), accepted and refused batches (the restore path). Run in all three concurrency modes; a control proves the probe
/// sees an allocation.</summary>
public class OrderListAllocationTests
{
    [Fact]
    public void CheckListAndCheckBatch_AfterWarmUp_AllocateNothing_WithAControlThatAllocates()
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9, MaxLongPosition = 10.0, MaxShortPosition = 10.0, MaxOrdersPerWindow = int.MaxValue - 1, MaxMessagesPerWindow = int.MaxValue - 1 },
            new AccountLimits { MaxOrdersPerWindow = int.MaxValue - 1, MaxMessagesPerWindow = int.MaxValue - 1, PreventSelfMatch = false });
        var list = new OrderRequest[3];
        var decisions = new Decision[3];
        long next = 1;
        void Cycle(int n)
        {
            for (int i = 0; i < n; i++)
            {
                long t = f.Now + 1, a = next, b = next + 1, c = next + 2;
                next += 3;
                list[0] = new OrderRequest(t, f.Btc, f.Mm, a, Side.Buy, 64_000.0, 0.01);
                list[1] = new OrderRequest(t, f.Btc, f.Mm, b, Side.Buy, 63_990.0, 0.01);
                list[2] = new OrderRequest(t, f.Btc, f.Mm, c, Side.Buy, 63_980.0, 0.01);
                if (!f.Breaker.CheckList(list, decisions).IsAccepted) throw new InvalidOperationException("list refused");
                // A batch of amendments that passes, then one that is refused (a NaN price): the restore path.
                for (int k = 0; k < 3; k++) list[k] = new OrderRequest(t, f.Btc, f.Mm, a + k, Side.Buy, 63_970.0 - k, 0.02, OrderAction.Replace);
                if (!f.Breaker.CheckBatch(list, decisions).IsAccepted) throw new InvalidOperationException("batch refused");
                list[2] = new OrderRequest(t, f.Btc, f.Mm, c, Side.Buy, double.NaN, 0.02, OrderAction.Replace);
                if (f.Breaker.CheckBatch(list, decisions).IsAccepted) throw new InvalidOperationException("a batch with a NaN price passed");
                for (int k = 0; k < 3; k++) { var cancel = OrderRequest.Cancel(t, f.Btc, f.Mm, a + k); f.Breaker.Check(in cancel); }
                // A list refused by its last child: the rollback path.
                list[0] = new OrderRequest(t, f.Btc, f.Mm, next, Side.Buy, 64_000.0, 0.01);
                list[1] = new OrderRequest(t, f.Btc, f.Mm, next + 1, Side.Buy, 64_000.0, 0.01);
                list[2] = new OrderRequest(t, f.Btc, f.Mm, next + 2, Side.Buy, 64_000.0, 50.0); // over the position limit
                if (f.Breaker.CheckList(list, decisions).Reason != RejectReason.MaxPosition) throw new InvalidOperationException("over-limit list not refused");
                next += 3;
            }
            if (f.Breaker.Gate.WorkingOrders != 0) throw new InvalidOperationException("orders left working");
        }
        Cycle(500);
        long used = AllocationProbe.MinAllocated(() => Cycle(2_000), rounds: 4);
        Assert.Equal(0, used);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var boxed = (object)f.Breaker.CheckList(list, decisions);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before > 0, boxed.ToString());
    }
}

public class OrderListAllocationTestsSingleWriter : OrderListAllocationTests
{
    public OrderListAllocationTestsSingleWriter() => GateFixture.AmbientConcurrency = GateConcurrency.SingleWriter;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsSingleWriter() => Assert.Equal(GateConcurrency.SingleWriter, new GateFixture().Breaker.Gate.Concurrency);
}

public class OrderListAllocationTestsAccountOwned : OrderListAllocationTests
{
    public OrderListAllocationTestsAccountOwned() => GateFixture.AmbientConcurrency = GateConcurrency.AccountOwned;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsAccountOwned() => Assert.Equal(GateConcurrency.AccountOwned, new GateFixture().Breaker.Gate.Concurrency);
}
