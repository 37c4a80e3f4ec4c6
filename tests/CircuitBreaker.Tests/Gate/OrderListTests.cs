using System.Runtime.InteropServices;

namespace CircuitBreaker.Tests.Gate;

/// <summary>Order lists and amendment batches (issue 20): all accepted or all refused with each child's own reason, the
/// children's combined effect, each child on its own instrument, one rate unit per list (or per child), the size cap, the
/// malformed lists, and no partial state after a refusal (every counter the gate keeps compared before and after). Run in
/// all three concurrency modes (OrderListTests*).</summary>
public class OrderListTests
{
    private const long Second = 1_000_000_000;

    public static TheoryData<long> Origins => TimeOrigins.Rows(100 * Second);

    private static GateFixture Fixture(InstrumentLimits? btc = null, AccountLimits? account = null, Action<CircuitBreakerBuilder>? more = null, long origin = 0)
        => new(btc ?? new InstrumentLimits { FatFingerMultiple = 1e9, MaxLongPosition = 1.0, MaxShortPosition = 1.0 }, account, more, origin: origin);

    private static OrderRequest New(GateFixture f, long id, Side side, double px, double qty, long t, InstrumentId? ins = null, AccountId? acc = null)
        => new(t, ins ?? f.Btc, acc ?? f.Mm, id, side, px, qty);

    private static OrderRequest Amend(GateFixture f, long id, Side side, double px, double qty, long t)
        => new(t, f.Btc, f.Mm, id, side, px, qty, OrderAction.Replace);

    [Theory, MemberData(nameof(Origins))]
    public void Bracket_AllChildrenAccepted_AndEachIsWorking(long origin)
    {
        // A bracket's stop-loss (a sell below the entry buy) would cross the entry were both resting: the gate checks every
        // child as working at once, so brackets need self-match prevention off for the account (docs/controls.md).
        var f = Fixture(new InstrumentLimits { FatFingerMultiple = 1e9, MaxLongPosition = 1.0, MaxShortPosition = 2.0 }, new AccountLimits { PreventSelfMatch = false }, origin: origin);
        long t = f.Now + 1;
        OrderRequest[] bracket =
        [
            New(f, 1, Side.Buy, 64000.0, 0.5, t),
            New(f, 2, Side.Sell, 65000.0, 0.5, t),
            New(f, 3, Side.Sell, 63000.0, 0.5, t) with { TriggerPrice = 63000.0 },
        ];
        var d = new Decision[3];
        Assert.Equal(Decision.Accept, f.Breaker.CheckList(bracket, d));
        Assert.All(d, x => Assert.True(x.IsAccepted));
        Assert.Equal(3, f.Breaker.Gate.WorkingOrders);
        Assert.True(f.Cancel(2).IsAccepted);
        Assert.Equal(2, f.Breaker.Gate.WorkingOrders);
    }

    [Theory, MemberData(nameof(Origins))]
    public void TwoBuys_AtTheLimitTogether_Pass_OneLotOver_BothRefused_WithNothingReserved(long origin)
    {
        var f = Fixture(origin: origin);
        long t = f.Now + 1;
        Assert.True(f.Send(Side.Buy, 64000.0, 0.001, time: t, id: 100).IsAccepted); // warms the rate windows' head at t
        Assert.True(f.Cancel(100).IsAccepted);
        var d = new Decision[2];
        var before = GateState.Of(f);
        OrderRequest[] over = [New(f, 1, Side.Buy, 64000.0, 0.5, t), New(f, 2, Side.Buy, 64000.0, 0.501, t)];
        var first = f.Breaker.CheckList(over, d);
        Assert.Equal(Decision.Reject(RejectReason.MaxPosition), first);
        Assert.Equal(Decision.Reject(RejectReason.ListRejected), d[0]);
        Assert.Equal(Decision.Reject(RejectReason.MaxPosition), d[1]);
        Assert.Equal((1.0, 1.001), (d[1].Limit, Math.Round(d[1].Observed, 9))); // the combined effect, with figures
        Assert.Equal(before, GateState.Of(f)); // no partial state: working orders, lots, exposure, open orders, rate windows

        OrderRequest[] atLimit = [New(f, 1, Side.Buy, 64000.0, 0.5, t), New(f, 2, Side.Buy, 64000.0, 0.5, t)];
        Assert.True(f.Breaker.CheckList(atLimit, d).IsAccepted);
        Assert.Equal(2, f.Breaker.Gate.WorkingOrders);
    }

    [Fact]
    public void EachChild_IsCheckedAgainstItsOwnInstrument()
    {
        var f = Fixture();
        long t = f.Now + 1;
        var d = new Decision[2];
        OrderRequest[] basket = [New(f, 1, Side.Buy, 64000.0, 0.5, t), New(f, 2, Side.Buy, 1.505, 10, t, f.Swap)]; // off the swap's 0.01 tick
        Assert.Equal(RejectReason.OffTick, f.Breaker.CheckList(basket, d).Reason);
        Assert.Equal((RejectReason.ListRejected, RejectReason.OffTick), (d[0].Reason, d[1].Reason));
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
        basket[1] = New(f, 2, Side.Buy, 1.5, 10, t, f.Swap);
        Assert.True(f.Breaker.CheckList(basket, d).IsAccepted);
        Assert.Equal(2, f.Breaker.Gate.WorkingOrders);
    }

    [Fact]
    public void OcoLegs_CountInFull_AsNautilusAccumulatesAList()
    {
        // An OCO pair's legs are alternatives at the venue, but the gate cannot know which will fill: both reserve (the
        // conservative reading, and NautilusTrader's: its risk engine sums a list's notional whatever its contingency).
        var f = Fixture();
        long t = f.Now + 1;
        var d = new Decision[2];
        OrderRequest[] oco = [New(f, 1, Side.Buy, 64000.0, 0.6, t), New(f, 2, Side.Buy, 63000.0, 0.6, t) with { TriggerPrice = 64500.0 }];
        Assert.False(f.Breaker.CheckList(oco, d).IsAccepted);
        Assert.Equal((RejectReason.ListRejected, RejectReason.MaxPosition), (d[0].Reason, d[1].Reason));
    }

    [Fact]
    public void AListCountsOneRateUnit_ByDefault_AndARefusedListGivesItBack()
    {
        var f = Fixture(account: new AccountLimits { MaxOrdersPerWindow = 2 });
        long t = f.Now + 1;
        var d = new Decision[3];
        OrderRequest[] refused = [New(f, 1, Side.Buy, 64000.0, 0.6, t), New(f, 2, Side.Buy, 64000.0, 0.6, t), New(f, 3, Side.Sell, 65000.0, 0.1, t)];
        Assert.False(f.Breaker.CheckList(refused, d).IsAccepted); // refused for position: its unit is given back
        OrderRequest[] list1 = [New(f, 1, Side.Buy, 64000.0, 0.1, t), New(f, 2, Side.Buy, 64000.0, 0.1, t), New(f, 3, Side.Sell, 65000.0, 0.1, t)];
        OrderRequest[] list2 = [New(f, 4, Side.Buy, 64000.0, 0.1, t), New(f, 5, Side.Buy, 64000.0, 0.1, t), New(f, 6, Side.Sell, 65000.0, 0.1, t)];
        OrderRequest[] list3 = [New(f, 7, Side.Buy, 64000.0, 0.1, t), New(f, 8, Side.Buy, 64000.0, 0.1, t), New(f, 9, Side.Sell, 65000.0, 0.1, t)];
        Assert.True(f.Breaker.CheckList(list1, d).IsAccepted);
        Assert.True(f.Breaker.CheckList(list2, d).IsAccepted); // the limit: two lists, six orders
        var over = f.Breaker.CheckList(list3, d);
        Assert.Equal(Decision.Reject(RejectReason.OrderRate, Scope.Account), over);
        Assert.All(d, x => Assert.Equal(Decision.Reject(RejectReason.OrderRate, Scope.Account), x));
        Assert.Equal((2.0, 3.0), (over.Limit, over.Observed));
        Assert.Equal(6, f.Breaker.Gate.WorkingOrders);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.1, time: t + 2 * Second, id: 50).IsAccepted); // a window later
    }

    [Fact]
    public void PerChildRate_CountsEveryChild_AtTheLimitPasses_OneMoreFails()
    {
        var f = Fixture(account: new AccountLimits { MaxOrdersPerWindow = 3 }, more: b => b.Lists(rate: ListRateMode.PerChild));
        Assert.Equal(ListRateMode.PerChild, f.Breaker.Config.ListRate);
        long t = f.Now + 1;
        var d = new Decision[3];
        OrderRequest[] three = [New(f, 1, Side.Buy, 64000.0, 0.1, t), New(f, 2, Side.Buy, 64000.0, 0.1, t), New(f, 3, Side.Sell, 65000.0, 0.1, t)];
        Assert.True(f.Breaker.CheckList(three, d).IsAccepted);
        var one = f.Send(Side.Buy, 64000.0, 0.1, time: t, id: 4);
        Assert.Equal(Decision.Reject(RejectReason.OrderRate, Scope.Account), one);

        var g = Fixture(account: new AccountLimits { MaxOrdersPerWindow = 2 }, more: b => b.Lists(rate: ListRateMode.PerChild));
        Assert.Equal(Decision.Reject(RejectReason.OrderRate, Scope.Account), g.Breaker.CheckList(three, d));
        Assert.Equal(0, g.Breaker.Gate.WorkingOrders);
        Assert.True(g.Send(Side.Buy, 64000.0, 0.1, time: t, id: 10).IsAccepted); // the two units it took were given back
        Assert.True(g.Send(Side.Buy, 64000.0, 0.1, time: t, id: 11).IsAccepted);
    }

    [Fact]
    public void ListSizeCap_AtTheCapPasses_OneMoreIsListTooLarge_DefaultIs32()
    {
        Assert.Equal(RiskDefaults.MaxListOrders, Fixture().Breaker.Config.MaxListOrders);
        Assert.Equal(32, RiskDefaults.MaxListOrders);
        var f = Fixture(new InstrumentLimits { FatFingerMultiple = 1e9 }, more: b => b.Lists(maxOrders: 3));
        long t = f.Now + 1;
        var d = new Decision[4];
        var four = Enumerable.Range(1, 4).Select(i => New(f, i, Side.Buy, 64000.0, 0.01, t)).ToArray();
        var big = f.Breaker.CheckList(four, d);
        Assert.Equal(Decision.Reject(RejectReason.ListTooLarge, Scope.Account), big);
        Assert.Equal((3.0, 4.0), (big.Limit, big.Observed));
        Assert.All(d, x => Assert.Equal(RejectReason.ListTooLarge, x.Reason));
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
        Assert.True(f.Breaker.CheckList(four.AsSpan(0, 3), d).IsAccepted);
    }

    [Fact]
    public void MalformedLists_AreInvalidList_AndReserveNothing()
    {
        var f = Fixture();
        long t = f.Now + 1;
        var d = new Decision[3];
        Assert.Equal(RejectReason.InvalidList, f.Breaker.CheckList(ReadOnlySpan<OrderRequest>.Empty, d).Reason);
        OrderRequest[] mixed = [New(f, 1, Side.Buy, 64000.0, 0.1, t), New(f, 2, Side.Buy, 64000.0, 0.1, t, acc: f.Other)];
        Assert.Equal(RejectReason.InvalidList, f.Breaker.CheckList(mixed, d).Reason);
        Assert.Equal((RejectReason.InvalidList, RejectReason.InvalidList), (d[0].Reason, d[1].Reason));
        OrderRequest[] withCancel = [New(f, 1, Side.Buy, 64000.0, 0.1, t), OrderRequest.Cancel(t, f.Btc, f.Mm, 2)];
        Assert.Equal(RejectReason.InvalidList, f.Breaker.CheckList(withCancel, d).Reason);
        OrderRequest[] two = [New(f, 1, Side.Buy, 64000.0, 0.1, t), New(f, 2, Side.Buy, 64000.0, 0.1, t)];
        Assert.Equal(RejectReason.InvalidList, f.Breaker.CheckList(two, d.AsSpan(0, 1)).Reason); // no room for every decision
        OrderRequest[] unknown = [New(f, 1, Side.Buy, 64000.0, 0.1, t, acc: new AccountId(10_000))];
        Assert.Equal(Decision.Reject(RejectReason.UnknownAccount, Scope.Account), f.Breaker.CheckList(unknown, d));
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
    }

    [Fact]
    public void DuplicateIdsInAList_TheSecondIsDuplicateOrderId_TheFirstIsGivenBack()
    {
        var f = Fixture();
        long t = f.Now + 1;
        var d = new Decision[2];
        OrderRequest[] dup = [New(f, 7, Side.Buy, 64000.0, 0.1, t), New(f, 7, Side.Buy, 64000.0, 0.1, t)];
        Assert.Equal(Decision.Reject(RejectReason.DuplicateOrderId, Scope.Account), f.Breaker.CheckList(dup, d));
        Assert.Equal(RejectReason.ListRejected, d[0].Reason);
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.1, id: 7).IsAccepted); // the id is free again
    }

    [Fact]
    public void HaltedInstrument_RefusesItsChildren_TheOthersGetListRejected()
    {
        var f = Fixture();
        long t = f.Now + 1;
        f.Breaker.Halt(Scope.Instrument, f.Swap.Value, t);
        var d = new Decision[2];
        OrderRequest[] basket = [New(f, 1, Side.Buy, 64000.0, 0.1, t), New(f, 2, Side.Buy, 1.5, 10, t, f.Swap)];
        Assert.Equal(RejectReason.Halted, f.Breaker.CheckList(basket, d).Reason);
        Assert.Equal((RejectReason.ListRejected, RejectReason.Halted), (d[0].Reason, d[1].Reason));
    }

    [Fact]
    public void Counters_CountEveryChildsDecision()
    {
        var f = Fixture();
        var metrics = f.Breaker.Gate.EnableCounters();
        long t = f.Now + 1;
        var d = new Decision[2];
        OrderRequest[] over = [New(f, 1, Side.Buy, 64000.0, 0.6, t), New(f, 2, Side.Buy, 64000.0, 0.6, t)];
        f.Breaker.CheckList(over, d);
        Assert.Equal(1, metrics.Rejects(RejectReason.ListRejected));
        Assert.Equal(1, metrics.Rejects(RejectReason.MaxPosition));
        Assert.Equal(2, metrics.Checks);
    }

    // --- batches of amendments -------------------------------------------------------------------------------------

    [Theory, MemberData(nameof(Origins))]
    public void Batch_TwoGrowths_AtTheLimitPass_OneLotOver_BothRefused_AndRestored(long origin)
    {
        var f = Fixture(origin: origin);
        long t = f.Now + 1;
        Assert.True(f.Send(Side.Buy, 64000.0, 0.4, id: 1, time: t).IsAccepted);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.4, id: 2, time: t).IsAccepted);
        var d = new Decision[2];
        var before = GateState.Of(f);
        OrderRequest[] over = [Amend(f, 1, Side.Buy, 63990.0, 0.5, t), Amend(f, 2, Side.Buy, 64000.0, 0.501, t)];
        Assert.Equal(Decision.Reject(RejectReason.MaxPosition), f.Breaker.CheckBatch(over, d));
        Assert.Equal((RejectReason.BatchRejected, RejectReason.MaxPosition), (d[0].Reason, d[1].Reason));
        Assert.Equal(before, GateState.Of(f)); // order 1 back at 0.4 @ 64000: lots, exposure, rate windows as before
        OrderRequest[] atLimit = [Amend(f, 1, Side.Buy, 63990.0, 0.5, t), Amend(f, 2, Side.Buy, 64000.0, 0.5, t)];
        Assert.True(f.Breaker.CheckBatch(atLimit, d).IsAccepted);
        Assert.Equal(Decision.Reject(RejectReason.MaxPosition), f.Send(Side.Buy, 64000.0, 0.001, time: t)); // 1.0 working
    }

    [Fact]
    public void Batch_RestoresThePriceOfAMovedOrder_SoSelfMatchSeesTheOldOne()
    {
        var f = Fixture(); // self-match prevention is on by default
        long t = f.Now + 1;
        Assert.True(f.Send(Side.Buy, 64000.0, 0.1, id: 1, time: t).IsAccepted);
        Assert.True(f.Send(Side.Buy, 62000.0, 0.1, id: 2, time: t).IsAccepted);
        var d = new Decision[2];
        OrderRequest[] batch = [Amend(f, 1, Side.Buy, 63000.0, 0.1, t), Amend(f, 2, Side.Buy, 62000.0, 5.0, t)];
        Assert.False(f.Breaker.CheckBatch(batch, d).IsAccepted);
        Assert.Equal(RejectReason.BatchRejected, d[0].Reason);
        // Order 1 rests at 64000 again: a sell at 63500 would cross it (had it stayed at 63000, the sell would not).
        Assert.Equal(RejectReason.SelfMatch, f.Send(Side.Sell, 63500.0, 0.1, time: t).Reason);
    }

    [Fact]
    public void Batch_UnknownOrder_DuplicateIds_AndWrongAction()
    {
        var f = Fixture();
        long t = f.Now + 1;
        Assert.True(f.Send(Side.Buy, 64000.0, 0.1, id: 1, time: t).IsAccepted);
        var d = new Decision[2];
        OrderRequest[] unknown = [Amend(f, 1, Side.Buy, 64000.0, 0.2, t), Amend(f, 99, Side.Buy, 64000.0, 0.2, t)];
        Assert.Equal(RejectReason.UnknownOrder, f.Breaker.CheckBatch(unknown, d).Reason);
        Assert.Equal(RejectReason.BatchRejected, d[0].Reason);
        OrderRequest[] twice = [Amend(f, 1, Side.Buy, 64000.0, 0.2, t), Amend(f, 1, Side.Buy, 64000.0, 0.3, t)];
        Assert.Equal(RejectReason.InvalidList, f.Breaker.CheckBatch(twice, d).Reason);
        OrderRequest[] news = [New(f, 5, Side.Buy, 64000.0, 0.1, t)];
        Assert.Equal(RejectReason.InvalidList, f.Breaker.CheckBatch(news, d).Reason);
        OrderRequest[] one = [Amend(f, 1, Side.Buy, 64000.0, 0.3, t)];
        Assert.True(f.Breaker.CheckBatch(one, d).IsAccepted); // the order was put back each time
        Assert.True(f.Cancel(1).IsAccepted);
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
    }

    [Fact]
    public void Batch_CountsOneModifyUnit_ByDefault()
    {
        var f = Fixture(account: new AccountLimits { MaxModifiesPerWindow = 1 });
        long t = f.Now + 1;
        Assert.True(f.Send(Side.Buy, 64000.0, 0.1, id: 1, time: t).IsAccepted);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.1, id: 2, time: t).IsAccepted);
        var d = new Decision[2];
        OrderRequest[] b1 = [Amend(f, 1, Side.Buy, 64000.0, 0.2, t), Amend(f, 2, Side.Buy, 64000.0, 0.2, t)];
        Assert.True(f.Breaker.CheckBatch(b1, d).IsAccepted);
        OrderRequest[] b2 = [Amend(f, 1, Side.Buy, 64000.0, 0.3, t), Amend(f, 2, Side.Buy, 64000.0, 0.3, t)];
        var over = f.Breaker.CheckBatch(b2, d);
        Assert.Equal(Decision.Reject(RejectReason.ModifyRate, Scope.Account), over);
        Assert.Equal(1.0, over.Limit);
    }

    /// <summary>Everything a list or batch may reserve, compared whole.</summary>
    private sealed record GateState(int Working, int Live, long BuyFx, long SellFx, int AccountOpen, int InstrumentOpen, long BuyLots, long SellLots,
        int PairOpen, int PairAccepted, string Rates)
    {
        public static GateState Of(GateFixture f)
        {
            var g = f.Breaker.Gate;
            ref var a = ref g.AccountState(f.Mm.Value);
            long buy = 0, sell = 0;
            int open = 0, accepted = 0;
            for (int i = 0; i < g.Pairs.Count; i++)
            {
                ref var p = ref g.Pairs[i];
                buy += p.WorkingBuyLots; sell += p.WorkingSellLots; open += p.OpenOrders; accepted += p.AcceptedOrders;
            }
            string rates = Convert.ToHexString(Bytes(ref a.Rates)) + Convert.ToHexString(Bytes(ref a.Modifies))
                + Convert.ToHexString(Bytes(ref g.InstrumentState(f.Btc.Value).Rates)) + Convert.ToHexString(Bytes(ref g.InstrumentState(f.Swap.Value).Rates))
                + Convert.ToHexString(Bytes(ref g.InstrumentState(f.Btc.Value).Modifies));
            return new GateState(g.WorkingOrders, g.Orders.CountLive(), a.WorkingBuyNotionalFx, a.WorkingSellNotionalFx, a.OpenOrders,
                g.InstrumentState(f.Btc.Value).OpenOrders + g.InstrumentState(f.Swap.Value).OpenOrders, buy, sell, open, accepted, rates);
        }

        private static byte[] Bytes(ref RateWindow w) => MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref w, 1)).ToArray();
    }
}

public class OrderListTestsSingleWriter : OrderListTests
{
    public OrderListTestsSingleWriter() => GateFixture.AmbientConcurrency = GateConcurrency.SingleWriter;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsSingleWriter() => Assert.Equal(GateConcurrency.SingleWriter, new GateFixture().Breaker.Gate.Concurrency);
}

public class OrderListTestsAccountOwned : OrderListTests
{
    public OrderListTestsAccountOwned() => GateFixture.AmbientConcurrency = GateConcurrency.AccountOwned;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsAccountOwned() => Assert.Equal(GateConcurrency.AccountOwned, new GateFixture().Breaker.Gate.Concurrency);
}
