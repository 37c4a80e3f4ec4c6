namespace CircuitBreaker.Tests.Gate;

/// <summary>
/// <see cref="GateConcurrency.AccountOwned"/> under real threads: one thread per account, sharing instruments. Shared
/// (instrument) limits must hold across the owners exactly as in multi-threaded mode, and fills released from the
/// position keeper's thread while the owner checks must leave every counter consistent: once all orders are gone, the
/// account's effective working lots, notional, open orders and resting slots are exactly zero.
/// </summary>
[Collection(ThreadStressCollection.Name)]
public class AccountOwnedConcurrencyTests
{
    private static readonly string[] Owners = Enumerable.Range(0, 8).Select(i => $"owner-{i}").ToArray();

    private static GateFixture Fixture(InstrumentLimits limits) => new(limits,
        account: new AccountLimits { MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 10_000_000, MaxOpenOrders = 100_000 },
        more: b => { foreach (var o in Owners) b.Account(o, new AccountLimits { MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 10_000_000, MaxOpenOrders = 100_000 }); b.Capacity(pairs: 64, orders: 200_000); },
        concurrency: GateConcurrency.AccountOwned);

    /// <summary>Runs <paramref name="body"/> for each owner account on a thread of its own, all released at once.</summary>
    private static void RunOwners(GateFixture f, Action<AccountId> body)
    {
        using var go = new Barrier(Owners.Length);
        var threads = Owners.Select(name => new Thread(() =>
        {
            f.Breaker.Registry.TryGetAccount(name, out var acc);
            go.SignalAndWait();
            body(acc);
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
    }

    [Fact]
    public void OwnersOnSeveralThreads_SharedInstrumentOpenOrderLimit_NeverExceeded()
    {
        const int instrumentLimit = 3_000;
        var f = Fixture(new InstrumentLimits { MaxOpenOrders = instrumentLimit, MaxOpenOrdersPerAccount = 4096, FatFingerMultiple = 1e9, MaxLongPosition = 1e6, MaxShortPosition = 1e6, MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 10_000_000 });
        Assert.Equal(GateConcurrency.AccountOwned, f.Breaker.Gate.Concurrency);
        long accepted = 0;
        RunOwners(f, acc =>
        {
            for (int i = 1; i <= 1_000; i++)
            {
                var o = new OrderRequest(f.Now, f.Btc, acc, i, Side.Buy, 64000.0, 0.001);
                if (f.Breaker.Check(in o).IsAccepted) Interlocked.Increment(ref accepted);
            }
        });
        Assert.Equal(instrumentLimit, accepted); // 8,000 tried: exactly the shared limit passes, never more
        Assert.Equal(instrumentLimit, f.Breaker.Gate.WorkingOrders);
    }

    [Fact]
    public void OwnersChurningOnASharedInstrument_SharedCountersStayExact()
    {
        // Every owner sends and cancels as fast as it can on one instrument with a tight shared limit: the instrument's
        // open-order count is updated by all of them, so a plain (non-atomic) update would lose counts and leave it off
        // zero at the end (checked: a build with the instrument count made plain fails here).
        const int limit = 4; // each of the 8 owners keeps one order working most of the time: the limit binds
        // On a loaded machine the owners may run one after another in a whole attempt, so the limit never binds; the
        // counters must be exact after every attempt, and the race must have been exercised in at least one of them.
        long refusedInAll = 0;
        for (int attempt = 0; attempt < 20 && refusedInAll == 0; attempt++)
        {
            var f = Fixture(new InstrumentLimits { MaxOpenOrders = limit, MaxOpenOrdersPerAccount = 4096, FatFingerMultiple = 1e9, MaxLongPosition = 1e6, MaxShortPosition = 1e6, MaxOrdersPerWindow = 100_000_000, MaxMessagesPerWindow = 100_000_000 });
            long refused = 0;
            RunOwners(f, acc =>
            {
                for (int i = 1; i <= 30_001; i++)
                {
                    if (i <= 30_000)
                    {
                        var o = new OrderRequest(f.Now, f.Btc, acc, i, Side.Buy, 64000.0, 0.001);
                        if (f.Breaker.Check(in o).Reason == RejectReason.MaxOpenOrders) Interlocked.Increment(ref refused);
                    }
                    var c = OrderRequest.Cancel(f.Now, f.Btc, acc, i - 1);
                    f.Breaker.Check(in c);
                }
            });
            Assert.Equal(0, f.Breaker.Gate.InstrumentState(f.Btc.Value).OpenOrders);
            Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
            refusedInAll += refused;
        }
        Assert.True(refusedInAll > 0, "the shared limit never bound in 20 attempts: the race was not exercised");
    }

    [Fact]
    public void OwnerChecksWhileKeeperFills_EveryCounterReturnsToZero()
    {
        var f = Fixture(new InstrumentLimits { MaxOpenOrdersPerAccount = 4096, FatFingerMultiple = 1e9, MaxLongPosition = 1e6, MaxShortPosition = 1e6, MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 10_000_000 });
        f.Breaker.Registry.TryGetAccount(Owners[0], out var acc);
        const int orders = 20_000;
        long newest = 0; // highest id the owner has sent (the keeper fills ids at or below it)
        bool done = false;
        var owner = new Thread(() =>
        {
            for (long id = 1; id <= orders; id++)
            {
                var side = id % 2 == 0 ? Side.Buy : Side.Sell;
                double px = side == Side.Buy ? 63000.0 + id % 7 * 0.1 : 65000.0 + id % 5 * 0.1;
                var o = new OrderRequest(f.Now, f.Btc, acc, id, side, px, 0.005);
                Assert.True(f.Breaker.Check(in o).IsAccepted, $"order {id}");
                Volatile.Write(ref newest, id);
                if (id % 3 == 0) { var r = new OrderRequest(f.Now, f.Btc, acc, id - 2, id % 2 == 1 ? Side.Buy : Side.Sell, 64000.0 + (id % 2 == 1 ? -900 : 900), 0.004, OrderAction.Replace); f.Breaker.Check(in r); }
                if (id > 8) { var c = OrderRequest.Cancel(f.Now, f.Btc, acc, id - 8); f.Breaker.Check(in c); }
            }
            Volatile.Write(ref done, true);
        });
        var random = new Random(5);
        owner.Start();
        // This thread is the position keeper: partial and complete fills of the owner's recent orders, racing its
        // replaces and cancels.
        while (!Volatile.Read(ref done))
        {
            long top = Volatile.Read(ref newest);
            if (top == 0) continue;
            long id = Math.Max(1, top - random.Next(8));
            var side = id % 2 == 0 ? Side.Buy : Side.Sell;
            f.Breaker.Apply(RiskEvent.Fill(f.Now, f.Btc, acc, id, side, 64000.0, random.Next(2) == 0 ? 0.001 : 0.005));
        }
        owner.Join();
        for (long id = orders - 8; id <= orders; id++) { var c = OrderRequest.Cancel(f.Now, f.Btc, acc, id); f.Breaker.Check(in c); }

        var gate = f.Breaker.Gate;
        ref var a = ref gate.AccountState(acc.Value);
        Assert.Equal(0, a.OpenOrders - a.ReleasedOpenOrders);
        Assert.Equal(0, a.WorkingBuyNotionalFx - a.ReleasedBuyNotionalFx);
        Assert.Equal(0, a.WorkingSellNotionalFx - a.ReleasedSellNotionalFx);
        int pair = gate.Pairs.Find(acc.Value, f.Btc.Value);
        ref var p = ref gate.Pairs[pair];
        Assert.Equal(0, p.WorkingBuyLots - p.ReleasedBuyLots);
        Assert.Equal(0, p.WorkingSellLots - p.ReleasedSellLots);
        Assert.Equal(0, p.OpenOrders - gate.Pairs.FreedByFills(pair));
        Assert.Equal(0, gate.Pairs.Occupied(pair, Side.Buy));
        Assert.Equal(0, gate.Pairs.Occupied(pair, Side.Sell));
        Assert.Equal(0, gate.WorkingOrders);
        Assert.Equal(0, gate.Orders.CountLive());
        Assert.True(p.ReleasedBuyLots + p.ReleasedSellLots > 0, "the keeper released nothing: the race was not exercised");
    }

    [Fact]
    public void Builder_UndefinedConcurrencyMode_Refused()
    {
        var ex = Assert.Throws<RiskConfigException>(() => new CircuitBreakerBuilder()
            .Instrument("BTC-PERP", InstrumentKind.Perpetual, tick: 0.1, lot: 0.001)
            .Concurrency((GateConcurrency)7).BuildConfig());
        Assert.Contains("concurrency", ex.Message, StringComparison.OrdinalIgnoreCase);
    }
}
