namespace CircuitBreaker.Tests.Gate;

/// <summary>Duplicate ids of closed orders (issue 20): a resent id of a cancelled or completely filled order is refused
/// with <see cref="RejectReason.DuplicateOrderId"/> while it is within the horizon (<see cref="CircuitBreakerBuilder.ClosedOrderIds"/>:
/// the last N closes, at most a horizon of event time old), and passes after it. Run in all three concurrency modes.</summary>
public class ClosedOrderIdTests
{
    private const long Sec = 1_000_000_000;

    private static GateFixture Open(int count = RiskDefaults.ClosedOrderIds, TimeSpan? horizon = null, long origin = 0)
        => new(new InstrumentLimits { FatFingerMultiple = 1e9, ReferenceStaleAfter = TimeSpan.FromDays(1) }, more: b => b.ClosedOrderIds(count, horizon ?? RiskDefaults.ClosedOrderIdHorizon), origin: origin);

    private static Decision SendAt(GateFixture f, long t, long id, AccountId? acc = null)
        => f.Breaker.Check(new OrderRequest(t, f.Btc, acc ?? f.Mm, id, Side.Buy, 64_000.0, 0.001));

    [Fact]
    public void Default_IsOff_TheRecommendedFiguresAreTheDocumentedOnes()
    {
        // Off by default (its cost: docs/controls.md 33a); turned on with the recommended figures it has the documented sizing.
        var off = new CircuitBreakerBuilder().Instrument("X", InstrumentKind.Spot, 1, 1).BuildConfig();
        Assert.Equal(0, off.ClosedOrderIds);
        var c = new CircuitBreakerBuilder().Instrument("X", InstrumentKind.Spot, 1, 1)
            .ClosedOrderIds(RiskDefaults.ClosedOrderIds, RiskDefaults.ClosedOrderIdHorizon).BuildConfig();
        Assert.Equal(16_384, c.ClosedOrderIds);
        Assert.Equal(24L * 3600 * Sec, c.ClosedOrderIdHorizonNs);
        Assert.Equal(16_384 * 8 * 36L, CircuitBreaker.Gate.ClosedIds.BytesFor(16_384)); // 4.5 MiB, as documented
    }

    [Fact]
    public void Default_Off_ResentClosedIdIsAccepted()
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9 }); // defaults: closed-id memory off
        Assert.True(f.Send(Side.Buy, 64_000.0, 0.01, id: 7).IsAccepted);
        Assert.True(f.Cancel(7).IsAccepted);
        Assert.True(f.Send(Side.Buy, 64_000.0, 0.01, id: 7).IsAccepted);
    }

    [Fact]
    public void CancelledId_Resent_IsRefused_OtherAccountAndFreshIdPass()
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9 }, more: b => b.ClosedOrderIds(RiskDefaults.ClosedOrderIds, RiskDefaults.ClosedOrderIdHorizon)); // the recommended figures
        Assert.True(f.Send(Side.Buy, 64_000.0, 0.01, id: 7).IsAccepted);
        Assert.True(f.Cancel(7).IsAccepted);
        var d = f.Send(Side.Buy, 64_000.0, 0.01, id: 7);
        Assert.Equal(RejectReason.DuplicateOrderId, d.Reason);
        Assert.Equal(Scope.Account, d.Scope);
        Assert.True(f.Send(Side.Buy, 64_000.0, 0.01, id: 7, account: f.Other).IsAccepted);
        Assert.True(f.Send(Side.Buy, 64_000.0, 0.01, id: 8).IsAccepted);
    }

    [Fact]
    public void FilledId_Resent_IsRefused_PartiallyFilledStaysWorking()
    {
        var f = Open();
        Assert.True(f.Send(Side.Buy, 64_000.0, 0.010, id: 11).IsAccepted);
        f.Fill(f.Mm, f.Btc, 11, Side.Buy, 64_000.0, 0.004);                 // partial: still working
        Assert.Equal(RejectReason.DuplicateOrderId, f.Send(Side.Buy, 64_000.0, 0.01, id: 11).Reason);
        Assert.True(f.Replace(11, 64_000.0, 0.008).IsAccepted);             // still known (remaining now 0.008)
        f.Fill(f.Mm, f.Btc, 11, Side.Buy, 64_000.0, 0.008);                 // completes it: closed
        Assert.Equal(RejectReason.UnknownOrder, f.Replace(11, 64_000.0, 0.008).Reason);
        Assert.Equal(RejectReason.DuplicateOrderId, f.Send(Side.Buy, 64_000.0, 0.01, id: 11).Reason);
    }

    public static TheoryData<long> Origins => TimeOrigins.Rows(100 * Sec);

    [Theory]
    [MemberData(nameof(Origins))]
    public void TimeHorizon_AtTheHorizonRefused_OneNanosecondAfterPasses(long origin)
    {
        var f = Open(horizon: TimeSpan.FromSeconds(10), origin: origin);
        long t0 = f.Now + 1;
        Assert.True(SendAt(f, t0, 5).IsAccepted);
        Assert.True(f.Breaker.Check(OrderRequest.Cancel(t0 + Sec, f.Btc, f.Mm, 5)).IsAccepted); // closed at t0 + 1 s
        Assert.Equal(RejectReason.DuplicateOrderId, SendAt(f, t0 + Sec, 5).Reason);
        Assert.Equal(RejectReason.DuplicateOrderId, SendAt(f, t0 + 11 * Sec, 5).Reason);    // exactly 10 s after the close
        Assert.True(SendAt(f, t0 + 11 * Sec + 1, 5).IsAccepted);                            // horizon expired
        // A fill closes it at the fill's event time (through the release queue in single-writer mode).
        f.Breaker.Apply(RiskEvent.Fill(t0 + 20 * Sec, f.Btc, f.Mm, 5, Side.Buy, 64_000.0, 0.001));
        Assert.Equal(RejectReason.DuplicateOrderId, SendAt(f, t0 + 30 * Sec, 5).Reason);
        Assert.True(SendAt(f, t0 + 30 * Sec + 1, 5).IsAccepted);
    }

    [Fact]
    public void CountHorizon_TheLastNClosesAreRemembered_TheOneBeforeIsForgotten()
    {
        var f = Open(count: 4);
        for (long id = 1; id <= 5; id++) { Assert.True(f.Send(Side.Buy, 64_000.0, 0.001, id: id).IsAccepted); f.Cancel(id); }
        Assert.True(f.Send(Side.Buy, 64_000.0, 0.001, id: 1).IsAccepted);             // 5 closes since: forgotten
        for (long id = 2; id <= 5; id++) Assert.Equal(RejectReason.DuplicateOrderId, f.Send(Side.Buy, 64_000.0, 0.001, id: id).Reason);
    }

    [Fact]
    public void Off_ResentIdPasses_AsBefore()
    {
        var f = Open(count: 0);
        Assert.True(f.Send(Side.Buy, 64_000.0, 0.01, id: 3).IsAccepted);
        f.Cancel(3);
        Assert.True(f.Send(Side.Buy, 64_000.0, 0.01, id: 3).IsAccepted);
        Assert.Equal(0, CircuitBreaker.Gate.ClosedIds.BytesFor(0));
    }

    [Fact]
    public void ManyCloses_NoneOfTheLastNForgotten_AtTheDefaultSizing()
    {
        // 16,384 closes over random ids on 4 accounts: every one of them is still refused (bucket eviction is rare).
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9, MaxOrdersPerWindow = int.MaxValue - 1, MaxMessagesPerWindow = int.MaxValue - 1 },
            new AccountLimits { MaxOrdersPerWindow = int.MaxValue - 1, MaxMessagesPerWindow = int.MaxValue - 1 }, more: b => b.ClosedOrderIds(RiskDefaults.ClosedOrderIds, RiskDefaults.ClosedOrderIdHorizon));
        var r = new Random(20);
        var ids = new HashSet<long>();
        while (ids.Count < RiskDefaults.ClosedOrderIds) ids.Add(r.NextInt64(1, long.MaxValue));
        foreach (long id in ids) { Assert.True(f.Send(Side.Buy, 64_000.0, 0.001, id: id).IsAccepted); f.Cancel(id); }
        int forgotten = ids.Count(id => f.Send(Side.Buy, 64_000.0, 0.001, id: id).IsAccepted);
        Assert.Equal(0, forgotten);
    }

    [Fact]
    public void Builder_RefusesBadSettings_InOneMessage()
    {
        var ex = Assert.Throws<RiskConfigException>(() => new CircuitBreakerBuilder().Instrument("X", InstrumentKind.Spot, 1, 1)
            .ClosedOrderIds(-1, TimeSpan.Zero).BuildConfig());
        Assert.Contains(ex.Errors, e => e.Contains("closed order ids must be between 0 (off) and 1048576"));
        Assert.Contains(ex.Errors, e => e.Contains("closed order id horizon must be > 0"));
        Assert.Throws<RiskConfigException>(() => new CircuitBreakerBuilder().Instrument("X", InstrumentKind.Spot, 1, 1)
            .ClosedOrderIds(CircuitBreakerBuilder.MaxClosedOrderIds + 1, TimeSpan.FromSeconds(1)).BuildConfig());
        Assert.Equal(long.MaxValue, new CircuitBreakerBuilder().Instrument("X", InstrumentKind.Spot, 1, 1).ClosedOrderIds(8, TimeSpan.MaxValue).BuildConfig().ClosedOrderIdHorizonNs);
    }

    [Fact]
    public void CheckAndClose_AllocateNothing_AfterWarmUp_WithAControlThatAllocates()
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9, MaxOrdersPerWindow = int.MaxValue - 1, MaxMessagesPerWindow = int.MaxValue - 1 },
            new AccountLimits { MaxOrdersPerWindow = int.MaxValue - 1, MaxMessagesPerWindow = int.MaxValue - 1 }, more: b => b.ClosedOrderIds(RiskDefaults.ClosedOrderIds, RiskDefaults.ClosedOrderIdHorizon));
        long next = 1;
        void Cycle(int n)
        {
            for (int i = 0; i < n; i++)
            {
                long id = next++;
                var o = new OrderRequest(f.Now, f.Btc, f.Mm, id, Side.Buy, 64_000.0, 0.001);
                if (!f.Breaker.Check(in o).IsAccepted) throw new InvalidOperationException("order refused");
                if (i % 2 == 0) { var c = OrderRequest.Cancel(f.Now, f.Btc, f.Mm, id); f.Breaker.Check(in c); }
                else { var fill = RiskEvent.Fill(f.Now, f.Btc, f.Mm, id, Side.Buy, 64_000.0, 0.001); f.Breaker.Apply(in fill); }
                if (f.Breaker.Check(in o).Reason != RejectReason.DuplicateOrderId) throw new InvalidOperationException("closed id not refused");
            }
        }
        Cycle(1_000);
        long used = AllocationProbe.MinAllocated(() => Cycle(2_000), rounds: 4);
        Assert.Equal(0, used);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var boxed = (object)f.Breaker.Check(new OrderRequest(f.Now, f.Btc, f.Mm, 1, Side.Buy, 64_000.0, 0.001));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before > 0, boxed.ToString());
    }
}

public class ClosedOrderIdTestsSingleWriter : ClosedOrderIdTests
{
    public ClosedOrderIdTestsSingleWriter() => GateFixture.AmbientConcurrency = GateConcurrency.SingleWriter;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsSingleWriter() => Assert.Equal(GateConcurrency.SingleWriter, new GateFixture().Breaker.Gate.Concurrency);
}

public class ClosedOrderIdTestsAccountOwned : ClosedOrderIdTests
{
    public ClosedOrderIdTestsAccountOwned() => GateFixture.AmbientConcurrency = GateConcurrency.AccountOwned;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsAccountOwned() => Assert.Equal(GateConcurrency.AccountOwned, new GateFixture().Breaker.Gate.Concurrency);
}
