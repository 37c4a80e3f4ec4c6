namespace CircuitBreaker.Tests.Gate;

/// <summary>
/// The pair book's protocols: the open-addressing index (CAS the key, then publish the pair index; a full table
/// answers -1 to both GetOrAdd and Find), and the self-match slots with their per-side occupied count and
/// high-water mark, against simple models, in both gate modes, plus the claim-then-scan ordering under two threads.
/// </summary>
public class PairBookTests
{
    [Fact]
    public void GetOrAdd_ManyPairsWithCollisions_FindReturnsTheSameIndexAndUnknownPairsAreMissing()
    {
        // A table of 8 entries for 4 pairs: probes collide and wrap around.
        foreach (int capacity in new[] { 4, 5, 3000 })
        {
            var book = new PairBook(capacity, 4, 64);
            var seen = new Dictionary<(int, int), int>();
            var r = new Random(capacity);
            while (seen.Count < capacity)
            {
                var key = (r.Next(1_000), r.Next(64));
                int p = book.GetOrAdd(key.Item1, key.Item2);
                if (seen.TryGetValue(key, out int before)) Assert.Equal(before, p);
                else { Assert.Equal(seen.Count, p); seen[key] = p; }
                Assert.Equal(seen.Count, book.Count);
            }
            foreach (var ((acc, ins), p) in seen)
            {
                Assert.Equal(p, book.Find(acc, ins));
                Assert.Equal(p, book.GetOrAdd(acc, ins));
                Assert.Equal(acc, book[p].Account);
                Assert.Equal(ins, book[p].Instrument);
            }
            // Identity of every pair, and each instrument's list holds exactly its pairs.
            for (int ins = 0; ins < 64; ins++)
            {
                var listed = new List<int>();
                for (int p = book.FirstOfInstrument(ins); p >= 0; p = book[p].NextOfInstrument) listed.Add(p);
                Assert.Equal(seen.Where(kv => kv.Key.Item2 == ins).Select(kv => kv.Value).OrderBy(x => x), listed.OrderBy(x => x));
            }
            Assert.Equal(-1, book.Find(1_000_001, 3));
            Assert.Equal(-1, book.Find(0, 64));
        }
    }

    [Fact]
    public void GetOrAdd_TableFull_MinusOneForNewPairsAndExistingPairsStillFound()
    {
        var book = new PairBook(4, 2, 8);
        for (int i = 0; i < 4; i++) Assert.Equal(i, book.GetOrAdd(i, i));
        Assert.Equal(-1, book.GetOrAdd(7, 7));
        Assert.Equal(-1, book.GetOrAdd(7, 7)); // the entry left by the failed insert answers "full" too
        Assert.Equal(-1, book.Find(7, 7));     // and Find reports it missing (not a wrapped-around index)
        Assert.Equal(-1, book.GetOrAdd(6, 1));
        Assert.Equal(4, book.Count);
        for (int i = 0; i < 4; i++) { Assert.Equal(i, book.Find(i, i)); Assert.Equal(i, book.GetOrAdd(i, i)); }
        // Every index entry taken (4 pairs + 4 failed inserts in 8 entries): probes end, still -1.
        Assert.Equal(-1, book.GetOrAdd(5, 0));
        Assert.Equal(-1, book.GetOrAdd(5, 2));
        Assert.Equal(-1, book.Find(100, 3));
    }

    [Fact]
    public void GetOrAdd_ConcurrentInsertsOfTheSamePairs_OneIndexPerPair()
    {
        for (int round = 0; round < 20; round++)
        {
            const int pairs = 2_000;
            var book = new PairBook(pairs, 1, 16);
            int threads = Math.Max(2, Environment.ProcessorCount);
            var results = new int[threads][];
            using var go = new Barrier(threads);
            var ts = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                var mine = new int[pairs];
                go.SignalAndWait();
                // Each thread walks the pairs from a different start, so inserts and lookups of one pair race.
                for (int i = 0; i < pairs; i++)
                {
                    int k = (i + t * 997 + round) % pairs;
                    mine[k] = t % 2 == 0 ? book.GetOrAdd(k, k % 16) : Math.Max(book.Find(k, k % 16), book.GetOrAdd(k, k % 16));
                }
                results[t] = mine;
            })).ToArray();
            foreach (var t in ts) t.Start();
            foreach (var t in ts) t.Join();
            Assert.Equal(pairs, book.Count);
            for (int k = 0; k < pairs; k++)
            {
                int p = results[0][k];
                Assert.InRange(p, 0, pairs - 1);
                Assert.All(results, r => Assert.Equal(p, r[k]));
                Assert.Equal(k, book[p].Account);
            }
            Assert.Equal(pairs, Enumerable.Range(0, pairs).Select(k => results[0][k]).Distinct().Count());
        }
    }

    public static TheoryData<bool> Modes => new() { false, true };

    [Theory]
    [MemberData(nameof(Modes))]
    public void SelfMatchSlots_RandomClaimsFreesAndMoves_AgreeWithAModel(bool atomic)
    {
        const int depth = 5, pairCount = 3;
        for (int seed = 0; seed < 200; seed++)
        {
            var r = new Random(seed);
            var book = new PairBook(pairCount, depth, 1);
            for (int i = 0; i < pairCount; i++) book.GetOrAdd(i, 0);
            // model: per pair and side, slot → price (null = free); high water = 1 + highest slot ever claimed
            var model = new long?[pairCount, 2, depth];
            var highWater = new int[pairCount, 2];
            for (int step = 0; step < 300; step++)
            {
                int pair = r.Next(pairCount);
                var side = (Side)r.Next(2);
                int s = (int)side;
                long px = r.Next(-5, 6); // non-positive prices too (spreads)
                var used = Enumerable.Range(0, depth).Where(k => model[pair, s, k] is not null).ToList();
                switch (r.Next(4))
                {
                    case 0:
                    case 1:
                    {
                        int slot = atomic ? book.ClaimSlot<AtomicSync>(pair, side, px) : book.ClaimSlot<PlainSync>(pair, side, px);
                        int expected = Enumerable.Range(0, depth).Where(k => model[pair, s, k] is null).DefaultIfEmpty(-1).First();
                        Assert.Equal(expected, slot);
                        if (slot >= 0) { model[pair, s, slot] = px; highWater[pair, s] = Math.Max(highWater[pair, s], slot + 1); }
                        break;
                    }
                    case 2 when used.Count > 0:
                    {
                        int slot = used[r.Next(used.Count)];
                        if (atomic) book.FreeSlot<AtomicSync>(pair, side, slot); else book.FreeSlot<PlainSync>(pair, side, slot);
                        model[pair, s, slot] = null;
                        break;
                    }
                    case 3 when used.Count > 0:
                    {
                        int slot = used[r.Next(used.Count)];
                        if (atomic) book.SetSlot<AtomicSync>(pair, side, slot, px); else book.SetSlot<PlainSync>(pair, side, slot, px);
                        model[pair, s, slot] = px;
                        break;
                    }
                }
                for (int p = 0; p < pairCount; p++)
                    for (int sd = 0; sd < 2; sd++)
                    {
                        Assert.Equal(Enumerable.Range(0, depth).Count(k => model[p, sd, k] is not null), book.Occupied(p, (Side)sd));
                        Assert.Equal(highWater[p, sd], book.HighWater(p, (Side)sd));
                    }
                for (long q = -7; q <= 7; q++)
                {
                    // A buy at q crosses a resting sell at or below q; a sell at q a resting buy at or above q.
                    bool buyCrosses = Enumerable.Range(0, depth).Any(k => model[pair, 1, k] is { } sp && sp <= q);
                    bool sellCrosses = Enumerable.Range(0, depth).Any(k => model[pair, 0, k] is { } bp && bp >= q);
                    Assert.True(buyCrosses == book.Crosses(pair, Side.Buy, q, tighten: !atomic), $"seed {seed}, step {step}: buy at {q}");
                    Assert.True(sellCrosses == book.Crosses(pair, Side.Sell, q, tighten: !atomic), $"seed {seed}, step {step}: sell at {q}");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void ClaimSlot_SideFull_MinusOneUntilASlotIsFreed(bool atomic)
    {
        var book = new PairBook(2, 3, 1);
        int pair = book.GetOrAdd(0, 0);
        int Claim(Side side, long px) => atomic ? book.ClaimSlot<AtomicSync>(pair, side, px) : book.ClaimSlot<PlainSync>(pair, side, px);
        Assert.Equal(0, Claim(Side.Buy, 10));
        Assert.Equal(1, Claim(Side.Buy, 11));
        Assert.Equal(2, Claim(Side.Buy, 12));
        Assert.Equal(-1, Claim(Side.Buy, 13));
        Assert.Equal(0, Claim(Side.Sell, 20)); // the other side has its own slots
        if (atomic) book.FreeSlot<AtomicSync>(pair, Side.Buy, 1); else book.FreeSlot<PlainSync>(pair, Side.Buy, 1);
        Assert.Equal(2, book.Occupied(pair, Side.Buy));
        Assert.Equal(3, book.HighWater(pair, Side.Buy));
        Assert.False(book.Crosses(pair, Side.Sell, 13, tighten: !atomic));
        Assert.True(book.Crosses(pair, Side.Sell, 12, tighten: !atomic));
        Assert.Equal(1, Claim(Side.Buy, 14));
        Assert.True(book.Crosses(pair, Side.Sell, 13, tighten: !atomic));
        // The neighbouring pair's slots and headers are untouched.
        int other = book.GetOrAdd(1, 0);
        Assert.Equal(0, book.Occupied(other, Side.Buy));
        Assert.Equal(0, book.Occupied(other, Side.Sell));
        Assert.False(book.Crosses(other, Side.Sell, long.MinValue + 1, tighten: !atomic));
        Assert.False(book.Crosses(other, Side.Buy, long.MaxValue - 1, tighten: !atomic));
    }

    [Fact]
    public void ClaimThenScan_TwoThreadsCrossingOnFreshPairs_AtLeastOneSeesTheOther()
    {
        // A store-buffer litmus test of the publish-then-scan protocol under atomics, without the rest of the gate to
        // dilute the race: per pair, one thread claims a buy and scans the sells, the other claims a sell and scans
        // the buys, both at the same price. Both scans missing the other's claim would let two crossing orders in.
        // The threads start each round together (spinning, no blocking) after a random short delay, so over the
        // rounds their claims and scans overlap at every offset.
        const int pairs = 20_000;
        var book = new PairBook(pairs, 1, 1);
        for (int i = 0; i < pairs; i++) book.GetOrAdd(i, 0);
        var crossed = new bool[2, pairs];
        int start = 0, done = 0;
        var ts = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            var side = (Side)t;
            var r = new Random(t);
            for (int i = 0; i < pairs; i++)
            {
                if (t == 0) { while (Volatile.Read(ref done) < 2 * i) Thread.SpinWait(1); Volatile.Write(ref start, i + 1); }
                else while (Volatile.Read(ref start) <= i) Thread.SpinWait(1);
                Thread.SpinWait(r.Next(t == 0 ? 40 : 8));
                book.ClaimSlot<AtomicSync>(i, side, 100);
                crossed[t, i] = book.Crosses(i, side, 100, tighten: false);
                Interlocked.Increment(ref done);
            }
        })).ToArray();
        foreach (var t in ts) t.Start();
        foreach (var t in ts) t.Join();
        int both = Enumerable.Range(0, pairs).Count(i => crossed[0, i] && crossed[1, i]);
        int neither = Enumerable.Range(0, pairs).Count(i => !crossed[0, i] && !crossed[1, i]);
        Assert.True(neither == 0, $"{neither} of {pairs} rounds: neither thread saw the other's crossing claim ({both} rounds both did)");
    }

    [Fact]
    public void SelfMatch_TwoThreadsRacingCrossingOrdersOfOneAccount_NeverBothAccepted()
    {
        // Multi-threaded gate: each round, one thread sends a buy and the other a sell at the same price for the same
        // account and instrument, at the same moment. At most one may be accepted; the accepted one is then cancelled.
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9, MaxOpenOrdersPerAccount = 64, MaxOrdersPerWindow = 10_000_000, MaxMessagesPerWindow = 10_000_000 },
            account: new AccountLimits { MaxOrdersPerWindow = 10_000_000, MaxMessagesPerWindow = 10_000_000, MaxOpenOrders = 100_000 },
            concurrency: GateConcurrency.MultiThreaded);
        const int rounds = 20_000;
        var accepted = new bool[2, rounds];
        long now = f.Now;
        int bothAccepted = 0, noneAccepted = 0;
        using var go = new Barrier(2);
        var ts = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            var side = t == 0 ? Side.Buy : Side.Sell;
            for (int i = 0; i < rounds; i++)
            {
                long id = 2L * i + t + 1;
                go.SignalAndWait();
                var o = new OrderRequest(now + i, f.Btc, f.Mm, id, side, 64000.0, 0.001);
                accepted[t, i] = f.Breaker.Check(in o).IsAccepted;
                go.SignalAndWait();
                if (t == 0)
                {
                    if (accepted[0, i] && accepted[1, i]) bothAccepted++;
                    if (!accepted[0, i] && !accepted[1, i]) noneAccepted++;
                }
                if (accepted[t, i])
                {
                    var c = OrderRequest.Cancel(now + i, f.Btc, f.Mm, id);
                    f.Breaker.Check(in c);
                }
            }
        })).ToArray();
        foreach (var t in ts) t.Start();
        foreach (var t in ts) t.Join();
        Assert.Equal(0, bothAccepted);
        Assert.True(noneAccepted < rounds, "some orders should pass: the test would not exercise the race otherwise");
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
    }
}
