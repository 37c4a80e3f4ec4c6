using System.Collections.Concurrent;

namespace CircuitBreaker.Tests.Gate;

/// <summary>
/// Order lists and amendment batches racing fills and cancels (issue 20), in all three concurrency modes and at origins
/// 0 and a present-day Unix-ns time. Submitters (two threads on the cash account and one on the margin account
/// multi-threaded; one thread per account account-owned; one thread for both single-writer) send lists of 2-4 buys,
/// batches of replaces of their own resting orders, cancels and single orders; the keeper thread fills accepted orders
/// (whole or in two pieces) through <see cref="Breaker.Apply"/>, pays the cash back with a deposit, and sells the
/// position back now and then; a checker thread reads the positions meanwhile. An order is claimed by exactly one of
/// fill, cancel or amend (a compare-exchange), so the test always knows which orders are working.
/// Checked: every list and batch decision is all-or-nothing; no position, at any fill or any read, above the long limit;
/// after quiescence the gate's working orders, working lots and balance holds equal exactly what the accepted decisions
/// left working (a half-applied or half-undone list would leave an order or lots the test does not know of), the
/// balances are back where they started, and cancelling the rest leaves nothing held.
/// </summary>
[Collection(ThreadStressCollection.Name)]
public class OrderListBatchRaceTests
{
    private const double Px = 100.0, MarginRate = 0.5, CashBalance = 1_200, MarginBalance = 700;
    private const long MaxLong = 16;
    private const int OpsPerSubmitter = 6_000, IdsPerSubmitter = OpsPerSubmitter * 4 + 8;
    private const int Working = 1, Amending = 2, Closed = 3;

    public static TheoryData<GateConcurrency, long> Cases()
    {
        var d = new TheoryData<GateConcurrency, long>();
        foreach (var mode in new[] { GateConcurrency.MultiThreaded, GateConcurrency.SingleWriter, GateConcurrency.AccountOwned })
            foreach (long origin in new[] { 0L, 1_800_000_000_000_000_000L })
                d.Add(mode, origin);
        return d;
    }

    private sealed class Run
    {
        public required Breaker Breaker;
        public InstrumentId Ins;
        public readonly AccountId[] Acc = new AccountId[2];
        public int Usd;
        public long T;
        public int[] State = [];
        public long[] Lots = [];
        public int[] AccOf = [];
        public readonly ConcurrentQueue<long> Accepted = new();
        public long Breaches, ListsAccepted, ListsRefused, BatchesAccepted, BatchesRefused, Cancels, Fills;
        public string? FirstBreach;
        public readonly ConcurrentDictionary<RejectReason, int> Refusals = new();
        public string RefusalText => string.Join(", ", Refusals.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}"));
        public volatile bool SubmittersDone, KeeperDone;

        public void Breach(string what) { if (Interlocked.Increment(ref Breaches) == 1) FirstBreach = what; }
    }

    private static Run Open(GateConcurrency mode, long origin, int submitters)
    {
        var lim = new InstrumentLimits
        {
            MaxLongPosition = MaxLong, MaxShortPosition = 1_000, FatFingerMultiple = 1e9, MaxOpenOrdersPerAccount = 12, CollarBps = 500,
            MaxOrdersPerWindow = int.MaxValue - 1, MaxMessagesPerWindow = int.MaxValue - 1, ReferenceStaleAfter = TimeSpan.FromDays(1),
            SettlementCurrency = "USD", MarginRate = MarginRate, FeeRate = 0,
        };
        AccountLimits Acc(BalanceMode m, double balance) => new()
        {
            BalanceMode = m, Balances = new Dictionary<string, double> { ["USD"] = balance }, PreventSelfMatch = false,
            MaxOrdersPerWindow = int.MaxValue - 1, MaxMessagesPerWindow = int.MaxValue - 1, MaxOpenOrders = 1_000,
        };
        var config = new CircuitBreakerBuilder().Concurrency(mode).Capacity(accounts: 2, pairs: 8, orders: 4_096)
            .Instrument("X-PERP", InstrumentKind.Perpetual, tick: 0.1, lot: 1, limits: lim)
            .Account("cash", Acc(BalanceMode.Cash, CashBalance))
            .Account("margin", Acc(BalanceMode.Margin, MarginBalance))
            .BuildConfig();
        var r = new Run { Breaker = new Breaker(config), T = origin + 1_000_000_000 };
        Assert.Equal(mode, r.Breaker.Gate.Concurrency);
        Assert.True(r.Breaker.Registry.TryGetInstrument("X-PERP", out r.Ins));
        Assert.True(r.Breaker.Registry.TryGetAccount("cash", out r.Acc[0]));
        Assert.True(r.Breaker.Registry.TryGetAccount("margin", out r.Acc[1]));
        r.Usd = config.CurrencyIndex("USD");
        r.State = new int[submitters * IdsPerSubmitter + 1];
        r.Lots = new long[r.State.Length];
        r.AccOf = new int[r.State.Length];
        r.Breaker.Apply(RiskEvent.Trade(r.T, r.Ins, Px, 1));
        return r;
    }

    [Theory, MemberData(nameof(Cases))]
    public void ListsAndBatches_RacingFillsAndCancels_AllOrNothing_WithinLimits_CountersExact(GateConcurrency mode, long origin)
    {
        // Which account each submitter sends for, and which submitters share a thread (single-writer: one gate thread).
        int[] accountOf = mode switch { GateConcurrency.MultiThreaded => [0, 0, 1], _ => [0, 1] };
        int[][] threads = mode == GateConcurrency.SingleWriter ? [[0, 1]] : accountOf.Select((_, k) => new[] { k }).ToArray();
        var run = Open(mode, origin, accountOf.Length);
        var keeper = new Thread(() => Keep(run)) { IsBackground = true };
        var checker = new Thread(() => Watch(run)) { IsBackground = true };
        var subs = threads.Select(group => new Thread(() =>
        {
            var s = group.Select(k => new Submitter(run, k, accountOf[k], seed: k * 7919 + (int)(origin % 1_000))).ToArray();
            for (int op = 0; op < OpsPerSubmitter; op++) foreach (var x in s) x.Step(cancels: op < OpsPerSubmitter - 600);
        }) { IsBackground = true }).ToArray();
        keeper.Start(); checker.Start();
        foreach (var t in subs) t.Start();
        foreach (var t in subs) Assert.True(t.Join(TimeSpan.FromMinutes(3)), "a submitter did not finish");
        int workingAtStop = run.State.Count(x => x == Working);
        string atStop = $"positions {run.Breaker.Positions.Position(run.Acc[0], run.Ins)}/{run.Breaker.Positions.Position(run.Acc[1], run.Ins)}, gate working {run.Breaker.Gate.WorkingOrders}, queue {run.Accepted.Count}";
        run.SubmittersDone = true;
        Assert.True(keeper.Join(TimeSpan.FromMinutes(1)), "the keeper did not finish");
        run.KeeperDone = true;
        Assert.True(checker.Join(TimeSpan.FromMinutes(1)));

        Assert.True(run.Breaches == 0, $"{run.Breaches} breaches ({mode}, origin {origin}); first: {run.FirstBreach}");
        // Not vacuous: both outcomes of lists and batches, fills and cancels all happened.
        Assert.True(run.ListsAccepted > 200 && run.ListsRefused > 200, $"lists accepted {run.ListsAccepted}, refused {run.ListsRefused}; refusals {run.RefusalText}");
        Assert.True(run.BatchesAccepted > 100 && run.BatchesRefused > 20, $"batches accepted {run.BatchesAccepted}, refused {run.BatchesRefused}; refusals {run.RefusalText}");
        Assert.True(run.Fills > 500 && run.Cancels > 200, $"fills {run.Fills}, cancels {run.Cancels}");

        var g = run.Breaker.Gate;
        foreach (var a in run.Acc) run.Breaker.Check(OrderRequest.Cancel(run.T, run.Ins, a, -1)); // single-writer: drains the fills' releases
        Assert.Equal(0, run.Breaker.Positions.Position(run.Acc[0], run.Ins));
        Assert.Equal(0, run.Breaker.Positions.Position(run.Acc[1], run.Ins));
        long live = 0, liveLots = 0;
        var lotsBy = new long[2];
        for (int id = 1; id < run.State.Length; id++)
        {
            if (run.State[id] == Amending) Assert.Fail($"order {id} still being amended after quiescence");
            if (run.State[id] != Working) continue;
            live++; liveLots += run.Lots[id]; lotsBy[run.AccOf[id]] += run.Lots[id];
        }
        Assert.True(live > 0, $"nothing left working: the quiescent comparison is vacuous (working when the submitters stopped {workingAtStop}, {atStop}, closed {run.State.Count(x => x == Closed)}, fills {run.Fills}, cancels {run.Cancels}, lists {run.ListsAccepted}/{run.ListsRefused}, refusals {run.RefusalText})");
        Assert.Equal(live, g.WorkingOrders);
        Assert.Equal(live, g.Orders.CountLive());
        long pairBuy = 0, pairSell = 0;
        // Account-owned: what fills released is kept apart (Released*Lots) until the owner folds it in.
        for (int p = 0; p < g.Pairs.Count; p++) { pairBuy += g.Pairs[p].WorkingBuyLots - g.Pairs[p].ReleasedBuyLots; pairSell += g.Pairs[p].WorkingSellLots - g.Pairs[p].ReleasedSellLots; }
        Assert.Equal((liveLots, 0L), (pairBuy, pairSell));
        var cash = g.Balance(run.Acc[0], run.Usd);
        var margin = g.Balance(run.Acc[1], run.Usd);
        Assert.Equal(CashBalance, cash.Balance, 6);
        Assert.Equal(MarginBalance, margin.Balance, 6);
        Assert.Equal(lotsBy[0] * Px, cash.Held, 6);
        Assert.Equal(lotsBy[1] * Px * MarginRate, margin.Held, 6);

        // Cancel what is left: nothing held, nothing working.
        for (int id = 1; id < run.State.Length; id++)
            if (run.State[id] == Working) Assert.True(run.Breaker.Check(OrderRequest.Cancel(run.T, run.Ins, run.Acc[run.AccOf[id]], id)).IsAccepted);
        Assert.Equal(0, g.WorkingOrders);
        Assert.Equal(0, g.Balance(run.Acc[0], run.Usd).Held, 9);
        Assert.Equal(0, g.Balance(run.Acc[1], run.Usd).Held, 9);
        run.Breaker.Dispose();
    }

    /// <summary>One submitter: its own ids, its own resting orders (which only it cancels or amends).</summary>
    private sealed class Submitter(Run run, int k, int acc, int seed)
    {
        private readonly Random _r = new(seed);
        private readonly List<long> _mine = new();
        private readonly OrderRequest[] _items = new OrderRequest[4];
        private readonly Decision[] _d = new Decision[4];
        private readonly long[] _claimed = new long[4];
        private long _next = (long)k * IdsPerSubmitter + 1;

        private AccountId Acc => run.Acc[acc];

        /// <summary>One operation; without <paramref name="cancels"/> (the last few hundred) orders are left resting, so the
        /// quiescent comparison has working orders to count.</summary>
        public void Step(bool cancels)
        {
            // Paced with the keeper: at most a few accepted orders wait for it, so fills really race the lists.
            for (var spin = new SpinWait(); run.Accepted.Count > 4;) spin.SpinOnce(sleep1Threshold: -1);
            _mine.RemoveAll(id => Volatile.Read(ref run.State[id]) == Closed);
            int op = _r.Next(100);
            if (op < 50) NewList();
            else if (op < 70) Batch();
            else if (op < 90) { if (cancels) CancelOne(); }
            else NewList(single: true);
        }

        private void NewList(bool single = false)
        {
            int n = single ? 1 : _r.Next(2, 5);
            for (int i = 0; i < n; i++)
            {
                long id = _next++;
                run.Lots[id] = _r.Next(1, 4);
                run.AccOf[id] = acc;
                _items[i] = new OrderRequest(run.T, run.Ins, Acc, id, Side.Buy, Px, run.Lots[id]);
            }
            var span = _items.AsSpan(0, n);
            int accepted;
            if (single) { var d = run.Breaker.Check(in _items[0]); accepted = d.IsAccepted ? 1 : 0; }
            else
            {
                var first = run.Breaker.CheckList(span, _d);
                accepted = _d.AsSpan(0, n).ToArray().Count(x => x.IsAccepted);
                if (accepted != 0 && accepted != n) run.Breach($"list: {accepted} of {n} children accepted");
                if (first.IsAccepted != (accepted == n)) run.Breach($"list decision {first} disagrees with its children");
                if (accepted == 0 && first.Reason == RejectReason.ListRejected) run.Breach("a refused list returned ListRejected");
                if (accepted == n) Interlocked.Increment(ref run.ListsAccepted);
                else { Interlocked.Increment(ref run.ListsRefused); run.Refusals.AddOrUpdate(first.Reason, 1, (_, v) => v + 1); Thread.Yield(); } // let the keeper fill and flatten
            }
            if (accepted == 0) return;
            foreach (ref readonly var c in span)
            {
                Volatile.Write(ref run.State[c.OrderId], Working);
                _mine.Add(c.OrderId);
                run.Accepted.Enqueue(c.OrderId);
            }
        }

        /// <summary>Replaces of 1-3 of this submitter's resting orders, each claimed from the keeper first.</summary>
        private void Batch()
        {
            int n = 0;
            for (int tries = 0; tries < 6 && n < 3 && _mine.Count > 0; tries++)
            {
                long id = _mine[_r.Next(_mine.Count)];
                if (_claimed.AsSpan(0, n).Contains(id) || Interlocked.CompareExchange(ref run.State[id], Amending, Working) != Working) continue;
                _claimed[n] = id;
                _items[n] = new OrderRequest(run.T, run.Ins, Acc, id, Side.Buy, Px, _r.Next(1, 6), OrderAction.Replace);
                n++;
            }
            if (n == 0) return;
            var first = run.Breaker.CheckBatch(_items.AsSpan(0, n), _d);
            int accepted = _d.AsSpan(0, n).ToArray().Count(x => x.IsAccepted);
            if (accepted != 0 && accepted != n) run.Breach($"batch: {accepted} of {n} amendments accepted");
            if (first.IsAccepted != (accepted == n)) run.Breach($"batch decision {first} disagrees with its amendments");
            if (accepted == n) Interlocked.Increment(ref run.BatchesAccepted);
            else { Interlocked.Increment(ref run.BatchesRefused); run.Refusals.AddOrUpdate(first.Reason, 1, (_, v) => v + 1); }
            for (int i = 0; i < n; i++)
            {
                if (accepted == n) run.Lots[_claimed[i]] = (long)_items[i].Quantity;
                Volatile.Write(ref run.State[_claimed[i]], Working);
            }
        }

        private void CancelOne()
        {
            if (_mine.Count == 0) return;
            long id = _mine[_r.Next(_mine.Count)];
            if (Interlocked.CompareExchange(ref run.State[id], Closed, Working) != Working) return;
            var d = run.Breaker.Check(OrderRequest.Cancel(run.T, run.Ins, Acc, id));
            if (!d.IsAccepted) run.Breach($"cancel of working order {id} refused: {d}");
            Interlocked.Increment(ref run.Cancels);
        }
    }

    /// <summary>The position keeper's thread: fills seven in ten accepted orders (claimed first; an order being amended is
    /// tried again later), pays the cash back, and sells the position back to flat now and then and at the end.</summary>
    private static void Keep(Run run)
    {
        var r = new Random(17);
        var pos = new long[2];
        long unknown = long.MaxValue / 2;
        while (true)
        {
            if (!run.Accepted.TryDequeue(out long id))
            {
                if (run.SubmittersDone && run.Accepted.IsEmpty) break;
                for (int s = 0; s < 2; s++) Fill(run, s, unknown++, Side.Sell, pos[s], pos); // idle: flatten
                Thread.Yield();
                continue;
            }
            if (r.Next(10) >= 7) continue; // left resting
            int prev = Interlocked.CompareExchange(ref run.State[id], Closed, Working);
            if (prev == Amending) { run.Accepted.Enqueue(id); continue; }
            if (prev != Working) continue; // cancelled
            int a = run.AccOf[id];
            long lots = run.Lots[id], first = lots > 1 && r.Next(2) == 0 ? r.NextInt64(1, lots) : lots;
            Fill(run, a, id, Side.Buy, first, pos);
            if (first < lots) Fill(run, a, id, Side.Buy, lots - first, pos);
            if (pos[a] > MaxLong) run.Breach($"account {a} position {pos[a]} above the long limit {MaxLong} after filling order {id}");
            if (pos[a] > MaxLong / 2 && r.Next(2) == 0 || r.Next(6) == 0) Fill(run, a, unknown++, Side.Sell, pos[a], pos);
        }
        for (int a = 0; a < 2; a++) Fill(run, a, unknown++, Side.Sell, pos[a], pos);
    }

    private static void Fill(Run run, int a, long id, Side side, long lots, long[] pos)
    {
        if (lots == 0) return;
        run.Breaker.Apply(RiskEvent.Fill(run.T, run.Ins, run.Acc[a], id, side, Px, lots));
        pos[a] += side == Side.Buy ? lots : -lots;
        Interlocked.Increment(ref run.Fills);
        // Cash paid (or received) the notional: put it back, so the balance ends where it started.
        if (a == 0) run.Breaker.Apply(RiskEvent.Balance(run.T, run.Acc[0], run.Usd, side == Side.Buy ? BalanceChange.Deposit : BalanceChange.Withdrawal, lots * Px));
    }

    /// <summary>Reads the positions while everything races: never above the long limit.</summary>
    private static void Watch(Run run)
    {
        while (!run.KeeperDone)
        {
            for (int a = 0; a < 2; a++)
            {
                double p = run.Breaker.Positions.Position(run.Acc[a], run.Ins);
                if (p > MaxLong) run.Breach($"checker read account {a} position {p} above the long limit {MaxLong}");
            }
            Thread.Yield();
        }
    }
}
