using System.Collections.Concurrent;

namespace CircuitBreaker.Tests.Gate;

/// <summary>Order lists under concurrency (issue 20): lists of buys checked on as many threads as the mode allows, while
/// the position keeper fills accepted children on its own thread and the checkers cancel some lists they sent. Every list
/// is all or nothing; the long limit (position with working orders) is never passed; once everything is filled or
/// cancelled the gate's counters are exactly zero.</summary>
[Collection(ThreadStressCollection.Name)]
public class OrderListConcurrencyTests
{
    [Theory]
    [InlineData(GateConcurrency.MultiThreaded)]
    [InlineData(GateConcurrency.SingleWriter)]
    [InlineData(GateConcurrency.AccountOwned)]
    public void Lists_RacingFillsAndCancels_AllOrNothing_WithinTheLimit_CountersExactAfter(GateConcurrency mode)
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9, MaxLongPosition = 3.0, MaxOpenOrdersPerAccount = 4096, MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 10_000_000, ReferenceStaleAfter = TimeSpan.FromDays(3650) },
            account: new AccountLimits { MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 10_000_000, MaxOpenOrders = 100_000 },
            more: b => b.Capacity(pairs: 64, orders: 200_000), concurrency: mode);
        long t0 = f.Now + 1;
        int checkers = mode == GateConcurrency.MultiThreaded ? Math.Max(4, Environment.ProcessorCount * 2) : 1;
        int lists = mode == GateConcurrency.MultiThreaded ? 1_500 : 4_000;
        long acceptedLists = 0, refusedLists = 0, halfLists = 0, filledLots = 0;
        var toFill = new ConcurrentQueue<long>();
        bool done = false;
        using var go = new Barrier(checkers + 1);
        var threads = Enumerable.Range(0, checkers).Select(t => new Thread(() =>
        {
            var list = new OrderRequest[3];
            var d = new Decision[3];
            go.SignalAndWait();
            for (int i = 0; i < lists; i++)
            {
                long id = 10_000_000L * (t + 1) + 3L * i;
                for (int k = 0; k < 3; k++) list[k] = new OrderRequest(t0, f.Btc, f.Mm, id + k, Side.Buy, 64000.0 - k, 0.01);
                var first = f.Breaker.CheckList(list, d);
                int accepted = d.Count(x => x.IsAccepted);
                if (accepted != 0 && accepted != 3) Interlocked.Increment(ref halfLists);
                if (!first.IsAccepted) { Interlocked.Increment(ref refusedLists); continue; }
                Interlocked.Increment(ref acceptedLists);
                if (i % 4 == 0)
                {
                    for (int k = 0; k < 3; k++) { var c = OrderRequest.Cancel(t0, f.Btc, f.Mm, id + k); f.Breaker.Check(in c); }
                    continue;
                }
                for (int k = 0; k < 3; k++) toFill.Enqueue(id + k);
            }
        })).ToList();
        var keeper = new Thread(() =>
        {
            go.SignalAndWait();
            long n = 0;
            while (!Volatile.Read(ref done) || !toFill.IsEmpty)
            {
                if (!toFill.TryDequeue(out long id)) { Thread.Yield(); continue; }
                f.Breaker.Apply(RiskEvent.Fill(t0 + 1 + n++, f.Btc, f.Mm, id, Side.Buy, 64000.0, 0.01));
                filledLots += 10;
            }
        });
        foreach (var t in threads) t.Start();
        keeper.Start();
        foreach (var t in threads) t.Join();
        Volatile.Write(ref done, true);
        keeper.Join();
        f.Breaker.Gate.Releases?.Drain(f.Breaker.Gate); // single-writer: the keeper's releases are drained by the writer

        Assert.Equal(0, halfLists);
        double position = f.Breaker.Positions.Position(f.Mm, f.Btc);
        Assert.True(position <= 3.0 + 1e-9, $"{mode}: position {position} above the 3.0 long limit");
        Assert.Equal(filledLots * 0.001, position, 9);
        Assert.True(position >= 2.5, $"{mode}: position only {position}: the limit never bound, the race hardly ran");
        Assert.True(refusedLists > 0 && acceptedLists > 50, $"{mode}: {acceptedLists} accepted and {refusedLists} refused lists");
        Assert.Equal(0, f.Breaker.Gate.WorkingOrders);
        ref var a = ref f.Breaker.Gate.AccountState(f.Mm.Value);
        // Account-owned mode: another thread's releases wait in the Released* counters until the owner folds them in.
        Assert.Equal((0, 0L), (a.OpenOrders - a.ReleasedOpenOrders, a.WorkingBuyNotionalFx - a.ReleasedBuyNotionalFx));
        // Counters exact: what is left of the limit is exactly limit - position (a list of that size passes, one lot more does not).
        long left = (long)Math.Round((3.0 - position) * 1000);
        if (left >= 2)
        {
            var d = new Decision[2];
            var over = new[] { new OrderRequest(t0 + 5, f.Btc, f.Mm, 1, Side.Buy, 64000.0, (left - 1) * 0.001), new OrderRequest(t0 + 5, f.Btc, f.Mm, 2, Side.Buy, 64000.0, 0.002) };
            Assert.Equal(RejectReason.MaxPosition, f.Breaker.CheckList(over, d).Reason);
            var fits = new[] { new OrderRequest(t0 + 5, f.Btc, f.Mm, 3, Side.Buy, 64000.0, (left - 1) * 0.001), new OrderRequest(t0 + 5, f.Btc, f.Mm, 4, Side.Buy, 64000.0, 0.001) };
            Assert.True(f.Breaker.CheckList(fits, d).IsAccepted, $"{mode}: a list of exactly what is left ({left} lots) was refused: {d[0]}, {d[1]}");
        }
    }
}
