using CircuitBreaker.Tests.Gate;

namespace CircuitBreaker.Tests.Safety;

/// <summary>
/// Hostile input, table-driven: every bad number, id, time or payload gets a clear reason code or is ignored; nothing
/// throws out of the breaker, and nothing that should be rejected is accepted. Book: BTC-PERP (tick 0.1, lot 0.001),
/// last trade 64,000, default collar 500 bps.
/// </summary>
public class HostileInputTests
{
    private static GateFixture Book(InstrumentLimits? limits = null)
        => new(limits ?? new InstrumentLimits { FatFingerMultiple = 1e12, MaxLongPosition = 5, MaxShortPosition = 5 });

    public static TheoryData<double, double, RejectReason> BadNumbers => new()
    {
        { double.NaN, 0.01, RejectReason.NonFinitePrice },
        { double.PositiveInfinity, 0.01, RejectReason.NonFinitePrice },
        { double.NegativeInfinity, 0.01, RejectReason.NonFinitePrice },
        { 64000.0, double.NaN, RejectReason.NonFiniteQuantity },
        { 64000.0, double.PositiveInfinity, RejectReason.NonFiniteQuantity },
        { 64000.0, double.NegativeInfinity, RejectReason.NonFiniteQuantity },
        { 0.0, 0.01, RejectReason.InvalidPrice },
        { -0.0, 0.01, RejectReason.InvalidPrice },
        { -64000.0, 0.01, RejectReason.InvalidPrice },
        { double.Epsilon, 0.01, RejectReason.InvalidPrice },           // denormal price rounds to 0 ticks
        { 1e300, 0.01, RejectReason.InvalidPrice },
        { double.MaxValue, 0.01, RejectReason.InvalidPrice },
        { 64000.0, 0.0, RejectReason.InvalidQuantity },
        { 64000.0, -0.0, RejectReason.InvalidQuantity },
        { 64000.0, -1.0, RejectReason.InvalidQuantity },
        { 64000.0, double.Epsilon, RejectReason.InvalidQuantity },     // denormal quantity rounds to 0 lots
        { 64000.0, 1e-200, RejectReason.InvalidQuantity },
        { 64000.0, 1e300, RejectReason.InvalidQuantity },
        { 64000.0, double.MaxValue, RejectReason.InvalidQuantity },
        { 64000.0, 1e12, RejectReason.NotionalOverflow },              // 1e15 lots × 64,000: beyond the notional arithmetic
        { 1e9, 1e6, RejectReason.NotionalOverflow },                 // 1e9 lots × 1e10 ticks
        { 64000.05, 0.01, RejectReason.OffTick },
        { 64000.0, 0.0015, RejectReason.OffLot },
        { 96000.0, 0.01, RejectReason.PriceCollar },
        { 0.1, 0.01, RejectReason.PriceCollar },
    };

    [Theory]
    [MemberData(nameof(BadNumbers))]
    public void Check_NewOrderWithBadNumber_RejectedWithClearReason(double price, double quantity, RejectReason expected)
    {
        var f = Book();
        foreach (var side in new[] { Side.Buy, Side.Sell })
        {
            var d = f.Send(side, price, quantity);
            Assert.False(d.IsAccepted, $"{side} {quantity} @ {price} was accepted");
            Assert.Equal(expected, d.Reason);
        }
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
    }

    [Theory]
    [MemberData(nameof(BadNumbers))]
    public void Check_ReplaceWithBadNumber_RejectedAndOriginalOrderKept(double price, double quantity, RejectReason expected)
    {
        var f = Book();
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01).IsAccepted);
        long id = f.LastId;
        var d = f.Replace(id, price, quantity);
        Assert.False(d.IsAccepted);
        Assert.Equal(expected, d.Reason);
        // The original reservation is intact: 4.99 more fits under the 5.0 long limit, 5.0 more does not.
        Assert.Equal(RejectReason.MaxPosition, f.Send(Side.Buy, 64000.0, 5.0).Reason);
        Assert.True(f.Send(Side.Buy, 64000.0, 4.99).IsAccepted);
    }

    public static TheoryData<int, int, OrderAction, RejectReason> BadIds => new()
    {
        { -1, 0, OrderAction.New, RejectReason.UnknownInstrument },
        { int.MinValue, 0, OrderAction.New, RejectReason.UnknownInstrument },
        { int.MaxValue, 0, OrderAction.New, RejectReason.UnknownInstrument },
        { 2, 0, OrderAction.New, RejectReason.UnknownInstrument },       // first id past the registry
        { 0, -1, OrderAction.New, RejectReason.UnknownAccount },
        { 0, int.MinValue, OrderAction.New, RejectReason.UnknownAccount },
        { 0, int.MaxValue, OrderAction.New, RejectReason.UnknownAccount },
        { 0, 256, OrderAction.New, RejectReason.UnknownAccount },        // first id past the account capacity
        { -1, 0, OrderAction.Replace, RejectReason.UnknownInstrument },
        { int.MaxValue, 0, OrderAction.Replace, RejectReason.UnknownInstrument },
        { 0, -1, OrderAction.Replace, RejectReason.UnknownAccount },
        { 0, int.MaxValue, OrderAction.Replace, RejectReason.UnknownAccount },
        { 0, 0, OrderAction.Replace, RejectReason.UnknownOrder },        // known ids, order never sent
        { -1, -1, OrderAction.Cancel, RejectReason.None },              // cancels always pass
        { int.MaxValue, int.MaxValue, OrderAction.Cancel, RejectReason.None },
    };

    [Theory]
    [MemberData(nameof(BadIds))]
    public void Check_UnknownIds_ClearReasonNoStateChange(int instrument, int account, OrderAction action, RejectReason expected)
    {
        var f = Book();
        foreach (long orderId in new[] { long.MinValue, -1L, 0L, 123_456L, long.MaxValue })
        {
            var o = new OrderRequest(++f.Now, new InstrumentId(instrument), new AccountId(account), orderId, Side.Buy, 64000.0, 0.01, action);
            Assert.Equal(expected, f.Breaker.Check(in o).Reason);
        }
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
    }

    [Theory]
    [InlineData((byte)2)]
    [InlineData((byte)7)]
    [InlineData((byte)255)]
    public void Check_UndefinedSide_RejectedAndOtherPairsUntouched(byte side)
    {
        var f = Book();
        var o = new OrderRequest(++f.Now, f.Btc, f.Mm, 1, (Side)side, 64000.0, 0.01);
        Assert.False(f.Breaker.Check(in o).IsAccepted);
        // A garbage side must not write into another pair's self-match book: the other account still trades both sides.
        Assert.True(f.Send(Side.Buy, 63990.0, 0.01, account: f.Other).IsAccepted);
        Assert.True(f.Send(Side.Sell, 64000.0, 0.01, account: f.Other).IsAccepted);
        Assert.Equal(2, f.Breaker.Gate.WorkingOrders);
    }

    [Theory]
    [InlineData((byte)3)]
    [InlineData((byte)255)]
    public void Check_UndefinedAction_Rejected(byte action)
    {
        var f = Book();
        var o = new OrderRequest(++f.Now, f.Btc, f.Mm, 1, Side.Buy, 64000.0, 0.01, (OrderAction)action);
        Assert.Equal(RejectReason.InvalidAction, f.Breaker.Check(in o).Reason);
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
    }

    [Theory]
    [InlineData(long.MinValue)]
    [InlineData(-1L)]
    [InlineData(0L)]
    [InlineData(long.MaxValue)]
    [InlineData(long.MaxValue - 1)]
    public void Check_ExtremeOrderTime_NoExceptionAndOffCollarStillRejected(long time)
    {
        var f = Book();
        var off = new OrderRequest(time, f.Btc, f.Mm, 1, Side.Buy, 96000.0, 0.01);
        Assert.False(f.Breaker.Check(in off).IsAccepted);
        var on = new OrderRequest(time, f.Btc, f.Mm, 2, Side.Buy, 64000.0, 0.01);
        var d = f.Breaker.Check(in on);
        Assert.True(d.IsAccepted || d.Reason == RejectReason.StaleReference, d.ToString());
    }

    [Fact]
    public void Check_OrdersStampedInThePast_DoNotBypassOrderRate()
    {
        // Limit 2 per 700 ns (buckets of 100 ns). One order stamped 16 buckets ahead, then a stream stamped "now":
        // each late order must still count against the window in force (time never goes backwards for the limit).
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e12, MaxOrdersPerWindow = 2, MaxLongPosition = 1e6 },
            more: b => b.RateWindow(TimeSpan.FromTicks(7)));
        Assert.Equal(700, f.Breaker.Config.RateWindowNs);
        long t0 = f.Now + 1_000;
        int accepted = 0;
        for (int i = 0; i < 50; i++)
        {
            long t = i == 0 ? t0 + 1_600 : t0 + i % 3;
            var o = new OrderRequest(t, f.Btc, f.Mm, 100 + i, Side.Buy, 64000.0, 0.001);
            if (f.Breaker.Check(in o).IsAccepted) accepted++;
        }
        Assert.True(accepted <= 2, $"{accepted} orders accepted against a limit of 2 per window");
    }

    [Fact]
    public void Apply_LateTradeOlderThanReference_DoesNotMoveTheCollar()
    {
        var f = Book();
        long now = f.Now;
        f.Breaker.Apply(RiskEvent.Trade(now - 10_000_000_000, f.Btc, 50000.0, 1.0)); // a trade from 10 s ago, delivered late
        Assert.Equal(RejectReason.PriceCollar, f.Send(Side.Buy, 50000.0, 0.01, time: now + 1).Reason);
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01, time: now + 2).IsAccepted);
    }

    public static TheoryData<string, RiskEvent> GarbageEvents()
    {
        var btc = new InstrumentId(0);
        var mm = new AccountId(0);
        var d = new TheoryData<string, RiskEvent>();
        void Add(string name, RiskEvent e) => d.Add(name, e);
        var unknownKind = RiskEvent.Trade(2_000_000_000, btc, 64000.0, 1.0); unknownKind.Kind = (RiskEventKind)200;
        Add("unknown kind", unknownKind);
        Add("kind none", default);
        Add("trade on instrument -1", RiskEvent.Trade(2_000_000_000, new InstrumentId(-1), 1.0, 1.0));
        Add("trade on instrument int.Max", RiskEvent.Trade(2_000_000_000, new InstrumentId(int.MaxValue), 1.0, 1.0));
        Add("trade NaN price", RiskEvent.Trade(2_000_000_000, btc, double.NaN, 1.0));
        Add("trade +inf price", RiskEvent.Trade(2_000_000_000, btc, double.PositiveInfinity, 1.0));
        Add("trade NaN qty", RiskEvent.Trade(2_000_000_000, btc, 60000.0, double.NaN));
        Add("trade negative qty", RiskEvent.Trade(2_000_000_000, btc, 60000.0, -1.0));
        Add("quote crossed", RiskEvent.Quote(2_000_000_000, btc, 65000.0, 60000.0));
        Add("quote NaN", RiskEvent.Quote(2_000_000_000, btc, double.NaN, 64000.0));
        Add("quote -inf", RiskEvent.Quote(2_000_000_000, btc, double.NegativeInfinity, 64000.0));
        Add("oracle NaN", RiskEvent.Oracle(2_000_000_000, btc, double.NaN));
        Add("oracle on instrument -7", RiskEvent.Oracle(2_000_000_000, new InstrumentId(-7), 1.0));
        Add("fill NaN qty", RiskEvent.Fill(2_000_000_000, btc, mm, 1, Side.Buy, 64000.0, double.NaN));
        Add("fill +inf qty", RiskEvent.Fill(2_000_000_000, btc, mm, 1, Side.Buy, 64000.0, double.PositiveInfinity));
        Add("fill zero qty", RiskEvent.Fill(2_000_000_000, btc, mm, 1, Side.Buy, 64000.0, 0.0));
        Add("fill negative qty", RiskEvent.Fill(2_000_000_000, btc, mm, 1, Side.Buy, 64000.0, -3.0));
        Add("fill denormal qty", RiskEvent.Fill(2_000_000_000, btc, mm, 1, Side.Buy, 64000.0, double.Epsilon));
        Add("fill NaN price", RiskEvent.Fill(2_000_000_000, btc, mm, 1, Side.Buy, double.NaN, 1.0));
        Add("fill account -1", RiskEvent.Fill(2_000_000_000, btc, new AccountId(-1), 1, Side.Buy, 64000.0, 1.0));
        Add("fill account int.Max", RiskEvent.Fill(2_000_000_000, btc, new AccountId(int.MaxValue), 1, Side.Buy, 64000.0, 1.0));
        Add("fill instrument int.Min", RiskEvent.Fill(2_000_000_000, new InstrumentId(int.MinValue), mm, 1, Side.Buy, 64000.0, 1.0));
        Add("fill 1e300 qty", RiskEvent.Fill(2_000_000_000, btc, mm, 1, Side.Buy, 64000.0, 1e300));
        Add("fill double.Max qty", RiskEvent.Fill(2_000_000_000, btc, mm, 1, Side.Sell, 64000.0, double.MaxValue));
        Add("position NaN", RiskEvent.Position(2_000_000_000, btc, mm, double.NaN));
        Add("position 1e300", RiskEvent.Position(2_000_000_000, btc, mm, 1e300));
        Add("position account -1", RiskEvent.Position(2_000_000_000, btc, new AccountId(-1), 1.0));
        Add("admin garbage", RiskEvent.Admin(2_000_000_000, (AdminAction)99, (Scope)99, int.MinValue));
        Add("chain garbage", RiskEvent.Chain(2_000_000_000, (ChainEventKind)99, -1, double.NaN));
        return d;
    }

    [Theory]
    [MemberData(nameof(GarbageEvents))]
    public void Apply_GarbageEvent_IgnoredDecisionsUnchanged(string name, RiskEvent e)
    {
        var f = Book();
        var before = Probe(f);
        var ex = Record.Exception(() => f.Breaker.Apply(in e));
        Assert.True(ex is null, $"{name}: {ex}");
        Assert.Equal(0.0, f.Breaker.Positions.Position(f.Mm, f.Btc));
        Assert.Equal(TradingState.Active, f.Breaker.Board.Effective(f.Btc.Value, 0, f.Mm.Value, out _));
        Assert.Equal(before, Probe(f));
    }

    /// <summary>Decisions on a fixed set of probe orders (each cancelled right after), fixed time.</summary>
    private static long s_probeIds;

    private static string Probe(GateFixture f)
    {
        var results = new List<string>();
        long t = 1_500_000_000;
        foreach (var (side, px, qty) in new[] { (Side.Buy, 64000.0, 0.01), (Side.Sell, 64000.0, 0.01), (Side.Buy, 96000.0, 0.01), (Side.Buy, 63000.0, 5.0), (Side.Buy, 63000.0, 5.001), (Side.Sell, 65000.0, 5.001) })
        {
            long id = 900_000 + Interlocked.Increment(ref s_probeIds); // fresh: a closed id is refused for the horizon
            var o = new OrderRequest(t, f.Btc, f.Mm, id, side, px, qty);
            results.Add(f.Breaker.Check(in o).ToString());
            var c = OrderRequest.Cancel(t, f.Btc, f.Mm, id);
            f.Breaker.Check(in c);
        }
        return string.Join("; ", results);
    }

    [Theory]
    [InlineData(1e300)]
    [InlineData(double.MaxValue)]
    [InlineData(4e15)]
    public void Apply_HugeFillsThenResume_PositionLimitStillHolds(double quantity)
    {
        var f = Book();
        f.Fill(f.Mm, f.Btc, 1, Side.Buy, 64000.0, quantity);
        f.Fill(f.Mm, f.Btc, 2, Side.Buy, 64000.0, quantity);
        f.Breaker.Resume(Scope.Instrument, f.Btc.Value, ++f.Now);
        f.Breaker.Resume(Scope.Account, f.Mm.Value, ++f.Now);
        double pos = f.Breaker.Positions.Position(f.Mm, f.Btc);
        Assert.True(pos >= 0, $"two buys left the position at {pos}");
        var d = f.Send(Side.Buy, 64000.0, 0.01);
        Assert.False(d.IsAccepted && pos > 5, $"buy accepted while long {pos} against a 5.0 limit");
        if (pos > 5) Assert.Equal(RejectReason.MaxPosition, d.Reason);
    }

    public static TheoryData<Scope, int, TradingState> BadStates => new()
    {
        { Scope.Instrument, 0, (TradingState)3 },
        { Scope.Global, -1, (TradingState)255 },
        { (Scope)4, 0, TradingState.Active },
        { (Scope)255, 0, TradingState.Active },
        { Scope.Instrument, -1, TradingState.Active },
        { Scope.Instrument, int.MaxValue, TradingState.Active },
        { Scope.Account, int.MinValue, TradingState.Active },
        { Scope.Group, 99, TradingState.Active },
    };

    [Theory]
    [MemberData(nameof(BadStates))]
    public void TrySet_UndefinedScopeStateOrTarget_RefusedAndHaltStaysInForce(Scope scope, int target, TradingState state)
    {
        var f = Book();
        int delivered = 0;
        f.Breaker.OnTrip((in TripContext c) => delivered++);
        Assert.True(f.Breaker.Halt(Scope.Global, -1, ++f.Now));
        Assert.True(f.Breaker.Halt(Scope.Instrument, f.Btc.Value, ++f.Now));
        bool changed = f.Breaker.Board.TrySet(scope, target, state, ++f.Now, TripCause.Manual, RejectReason.Manual);
        Assert.False(changed);
        Assert.Equal(2, delivered);
        var d = f.Send(Side.Buy, 64000.0, 0.01);
        Assert.Equal(RejectReason.Halted, d.Reason);
        Assert.Equal(TradingState.Halted, f.Breaker.Board.Global);
    }

    [Fact]
    public void Apply_LossTripOnHaltedAccount_AccountStaysHalted()
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e12 }, new AccountLimits { MaxDailyLoss = 10 });
        Assert.True(f.Send(Side.Buy, 64000.0, 1.0).IsAccepted);
        f.Fill(f.Mm, f.Btc, f.LastId, Side.Buy, 64000.0, 1.0);
        Assert.True(f.Breaker.Halt(Scope.Account, f.Mm.Value, ++f.Now));
        f.Trade(f.Btc, 63000.0, 0.5); // marks a 1,000 loss: the post-trade limit trips reduce-only
        Assert.Equal(TradingState.Halted, f.Breaker.Board.Get(Scope.Account, f.Mm.Value));
        Assert.Equal(RejectReason.Halted, f.Send(Side.Sell, 63000.0, 0.5).Reason); // not even a reducing order
    }
}
