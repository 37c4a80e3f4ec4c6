namespace CircuitBreaker.Tests.Gate;

/// <summary>
/// The self-match check answers from a per-side price bound in O(1) and scans only when the bound cannot rule a cross
/// out (issue 22). These tests hold its decisions to a brute-force model of the account's resting orders over seeded
/// streams of new orders, replaces, cancels and fills, in every concurrency mode and at several event-time origins, and
/// check that <see cref="AccountLimits.PreventSelfMatch"/> switches the check off for one account only.
/// </summary>
public class SelfMatchBoundTests
{
    public static TheoryData<GateConcurrency, long> ModesAndOrigins()
    {
        var d = new TheoryData<GateConcurrency, long>();
        foreach (var mode in new[] { GateConcurrency.MultiThreaded, GateConcurrency.SingleWriter, GateConcurrency.AccountOwned })
            foreach (long origin in new[] { 0L, TimeOrigins.PresentDay, TimeOrigins.Near2Pow62 })
                d.Add(mode, origin);
        return d;
    }

    private static readonly InstrumentLimits Wide = new() { MaxLongPosition = 1_000, MaxShortPosition = 1_000, FatFingerMultiple = 1e9 };

    [Theory]
    [MemberData(nameof(ModesAndOrigins))]
    public void SeededStreams_DecisionsEqualABruteForceModel(GateConcurrency mode, long origin)
    {
        for (int seed = 0; seed < 12; seed++)
        {
            var f = new GateFixture(Wide, concurrency: mode, origin: origin);
            var r = new Random(seed);
            var resting = new Dictionary<long, (Side Side, double Price)>();
            int selfMatches = 0, accepted = 0;
            for (int step = 0; step < 600; step++)
            {
                f.Now += 5_000_000; // 200 requests a second: no rate limit binds
                double px = 64_000 + 0.1 * r.Next(-200, 201);
                int action = r.Next(10);
                if (action < 5 || resting.Count == 0)
                {
                    var side = r.Next(2) == 0 ? Side.Buy : Side.Sell;
                    bool crosses = resting.Values.Any(o => o.Side != side && (side == Side.Buy ? o.Price <= px : o.Price >= px));
                    bool full = resting.Count >= RiskDefaults.MaxOpenOrdersPerAccountInstrument;
                    var d = f.Send(side, px, 0.01);
                    var expected = full ? RejectReason.MaxOpenOrders : crosses ? RejectReason.SelfMatch : RejectReason.None;
                    Assert.True(expected == d.Reason, $"{mode} origin {origin} seed {seed} step {step}: new {side} at {px} decided {d.Reason}, model {expected}");
                    if (d.IsAccepted) { resting[f.LastId] = (side, px); accepted++; }
                    if (d.Reason == RejectReason.SelfMatch) selfMatches++;
                }
                else
                {
                    long id = resting.Keys.ElementAt(r.Next(resting.Count));
                    var (side, price) = resting[id];
                    if (action < 7)
                    {
                        bool crosses = resting.Any(o => o.Key != id && o.Value.Side != side && (side == Side.Buy ? o.Value.Price <= px : o.Value.Price >= px));
                        var d = f.Replace(id, px, 0.01, side);
                        Assert.True((crosses ? RejectReason.SelfMatch : RejectReason.None) == d.Reason, $"{mode} origin {origin} seed {seed} step {step}: replace {side} {price} -> {px} decided {d.Reason}");
                        if (d.IsAccepted) resting[id] = (side, px);
                    }
                    else if (action < 9) { Assert.True(f.Cancel(id).IsAccepted); resting.Remove(id); }
                    else { f.Fill(f.Mm, f.Btc, id, side, price, 0.01); resting.Remove(id); }
                }
            }
            Assert.True(selfMatches > 20 && accepted > 100, $"seed {seed}: the stream must exercise both outcomes ({selfMatches} self-matches, {accepted} accepted)");
        }
    }

    [Theory]
    [InlineData(GateConcurrency.MultiThreaded)]
    [InlineData(GateConcurrency.SingleWriter)]
    [InlineData(GateConcurrency.AccountOwned)]
    public void PreventSelfMatchOff_CrossingOrderAccepted_OtherAccountStillChecked(GateConcurrency mode)
    {
        var f = new GateFixture(Wide, concurrency: mode, more: b => b.Account("free", new AccountLimits { PreventSelfMatch = false }));
        Assert.True(f.Breaker.Registry.TryGetAccount("free", out var free));
        Assert.True(f.Send(Side.Buy, 64_000.0, 0.01, account: free).IsAccepted);
        Assert.True(f.Send(Side.Sell, 63_990.0, 0.01, account: free).IsAccepted); // would cross: the check is off
        // Control: the default account (check on) is refused for the same pattern.
        Assert.True(f.Send(Side.Buy, 64_000.0, 0.01).IsAccepted);
        Assert.Equal(RejectReason.SelfMatch, f.Send(Side.Sell, 63_990.0, 0.01).Reason);
    }

    [Fact]
    public void Bound_WidensOnClaim_TightensOnlyAfterAScanThatFindsNoCross()
    {
        var book = new PairBook(2, 4, 1);
        int pair = book.GetOrAdd(0, 0);
        Assert.Equal(long.MaxValue, book.Bound(pair, Side.Sell));
        int a = book.ClaimSlot<PlainSync>(pair, Side.Sell, 100);
        book.ClaimSlot<PlainSync>(pair, Side.Sell, 105);
        Assert.Equal(100, book.Bound(pair, Side.Sell));
        book.FreeSlot<PlainSync>(pair, Side.Sell, a);
        Assert.Equal(100, book.Bound(pair, Side.Sell));                 // freeing leaves a bound (conservative)
        Assert.False(book.Crosses(pair, Side.Buy, 99, tighten: true));  // below the bound: O(1), no scan
        Assert.Equal(100, book.Bound(pair, Side.Sell));
        Assert.False(book.Crosses(pair, Side.Buy, 102, tighten: false)); // scans; under atomics the bound stays
        Assert.Equal(100, book.Bound(pair, Side.Sell));
        Assert.False(book.Crosses(pair, Side.Buy, 102, tighten: true));  // scans and makes it exact
        Assert.Equal(105, book.Bound(pair, Side.Sell));
        Assert.True(book.Crosses(pair, Side.Buy, 105, tighten: true));
    }

    [Fact]
    public void SelfMatchBook_OverTheDefaultLimit_RefusedWithTheFigure_RaisedLimitBuilds()
    {
        // A cap of 1,000 open orders per account and instrument with the default 16,384 pairs would preallocate 250 MiB.
        CircuitBreakerBuilder Builder() => new CircuitBreakerBuilder()
            .Instrument("BTC-PERP", InstrumentKind.Perpetual, tick: 0.1, lot: 0.001, limits: new InstrumentLimits { MaxOpenOrdersPerAccount = 1_000 });
        var e = Assert.Throws<RiskConfigException>(() => Builder().BuildConfig());
        Assert.Contains("250 MiB of self-match book (limit 64 MiB)", e.Message);
        Assert.Contains("SelfMatchBookLimit", e.Message);
        Assert.Equal(1_000, Builder().SelfMatchBookLimit(256L << 20).BuildConfig().Instruments[0].MaxOpenOrdersPerAccount);
        var tooMuch = Assert.Throws<RiskConfigException>(() => Builder().SelfMatchBookLimit(1L << 30).BuildConfig());
        Assert.Contains("self-match book limit must be between", tooMuch.Message);
        // Control: the defaults (16 MiB) build without raising anything.
        Assert.NotNull(new CircuitBreakerBuilder().Instrument("BTC-PERP", InstrumentKind.Perpetual, tick: 0.1, lot: 0.001).BuildConfig());
    }

    [Theory]
    [InlineData(GateConcurrency.MultiThreaded)]
    [InlineData(GateConcurrency.SingleWriter)]
    [InlineData(GateConcurrency.AccountOwned)]
    public void SelfMatchPaths_AfterWarmup_AllocateNothing_AndTheProbeCanFail(GateConcurrency mode)
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9, MaxLongPosition = 1e6, MaxShortPosition = 1e6, MaxOrdersPerWindow = int.MaxValue - 1, MaxMessagesPerWindow = int.MaxValue - 1 },
            account: new AccountLimits { MaxOrdersPerWindow = int.MaxValue - 1, MaxMessagesPerWindow = int.MaxValue - 1 }, concurrency: mode);
        long id = 1_000_000;
        int selfMatches = 0;
        void Cycle(int n)
        {
            for (int i = 0; i < n; i++)
            {
                // A resting sell, then buys below it (bound: O(1)), at it (scan: self-match) and a replace onto it, then cancels.
                long sell = ++id, buy = ++id, cross = ++id;
                var s = new OrderRequest(++f.Now, f.Btc, f.Mm, sell, Side.Sell, 64_010.0, 0.01);
                var b = new OrderRequest(++f.Now, f.Btc, f.Mm, buy, Side.Buy, 63_990.0 + (i % 10), 0.01);
                var x = new OrderRequest(++f.Now, f.Btc, f.Mm, cross, Side.Buy, 64_010.0, 0.01);
                var r = new OrderRequest(++f.Now, f.Btc, f.Mm, buy, Side.Buy, 64_020.0, 0.01, OrderAction.Replace);
                if (!f.Breaker.Check(in s).IsAccepted || !f.Breaker.Check(in b).IsAccepted) throw new InvalidOperationException("the cycle's resting orders were refused");
                if (f.Breaker.Check(in x).Reason == RejectReason.SelfMatch) selfMatches++;
                if (f.Breaker.Check(in r).Reason == RejectReason.SelfMatch) selfMatches++;
                var c1 = OrderRequest.Cancel(++f.Now, f.Btc, f.Mm, sell);
                var c2 = OrderRequest.Cancel(++f.Now, f.Btc, f.Mm, buy);
                f.Breaker.Check(in c1);
                f.Breaker.Check(in c2);
            }
        }
        Cycle(1000);
        Assert.Equal(2000, selfMatches);
        long used = AllocationProbe.MinAllocated(() => Cycle(5_000));
        Assert.Equal(0, used);
        long before = GC.GetAllocatedBytesForCurrentThread(); // control: the probe sees an allocation when there is one
        var boxed = (object)f.Breaker.Check(new OrderRequest(++f.Now, f.Btc, f.Mm, ++id, Side.Buy, 64_000.0, 0.01));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before > 0, boxed.ToString());
    }

    [Fact]
    public void ConfigFile_PreventSelfMatch_ReadPerAccount_WrongTypeRejected()
    {
        const string json = """
        { "instruments": [ { "symbol": "BTC-PERP", "kind": "perpetual", "tick": 0.1, "lot": 0.001 } ],
          "accounts": [ { "name": "venue-stp", "limits": { "prevent_self_match": false } }, { "name": "plain" } ] }
        """;
        var r = RiskConfigFile.Parse(json);
        Assert.True(r.Succeeded, string.Join("; ", r.Errors.Select(e => e.ToString())));
        Assert.False(r.Config!.AccountLimits[0].PreventSelfMatch);
        Assert.Null(r.Config.AccountLimits[1].PreventSelfMatch); // default: on
        var bad = RiskConfigFile.Parse(json.Replace("\"prevent_self_match\": false", "\"prevent_self_match\": \"no\""));
        Assert.False(bad.Succeeded);
        Assert.Contains(bad.Errors, e => e.ToString().Contains("prevent_self_match"));
    }
}
