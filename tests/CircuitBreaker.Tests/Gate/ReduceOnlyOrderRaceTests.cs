using System.Collections.Concurrent;

namespace CircuitBreaker.Tests.Gate;

/// <summary>Per-order reduce-only under concurrency (issue 20): reduce-only sells against a long position, checked on
/// as many threads as the mode allows while the position keeper fills accepted ones on its own thread, never sell more
/// than the position: the position never goes short and the sells accepted never exceed what was held.</summary>
[Collection(ThreadStressCollection.Name)]
public class ReduceOnlyOrderRaceTests
{
    [Theory]
    [InlineData(GateConcurrency.MultiThreaded)]
    [InlineData(GateConcurrency.SingleWriter)]
    [InlineData(GateConcurrency.AccountOwned)]
    public void ReduceOnlySells_RacingEachOtherAndFills_NeverExceedThePosition(GateConcurrency mode)
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9, MaxOpenOrdersPerAccount = 4096, MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 10_000_000, ReferenceStaleAfter = TimeSpan.FromDays(3650) },
            account: new AccountLimits { MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 10_000_000, MaxOpenOrders = 100_000 },
            more: b => b.Capacity(pairs: 64, orders: 200_000), concurrency: mode);
        Assert.True(f.Send(Side.Buy, 64000.0, 5.0).IsAccepted);
        f.Fill(f.Mm, f.Btc, f.LastId, Side.Buy, 64000.0, 5.0); // long 5000 lots
        long t0 = f.Now + 1;
        int checkers = mode == GateConcurrency.MultiThreaded ? Math.Max(4, Environment.ProcessorCount * 2) : 1;
        long acceptedLots = 0;
        var toFill = new ConcurrentQueue<long>();
        bool done = false;
        using var go = new Barrier(checkers + 1);
        var threads = Enumerable.Range(0, checkers).Select(t => new Thread(() =>
        {
            go.SignalAndWait();
            for (int i = 0; i < 3_000; i++)
            {
                long id = 1_000_000L * (t + 1) + i;
                var o = new OrderRequest(t0, f.Btc, f.Mm, id, Side.Sell, 64000.0, 0.003) { ReduceOnly = true };
                if (f.Breaker.Check(in o).IsAccepted) { Interlocked.Add(ref acceptedLots, 3); toFill.Enqueue(id); }
            }
        })).ToList();
        var keeper = new Thread(() =>
        {
            go.SignalAndWait();
            long n = 0;
            while (!Volatile.Read(ref done) || !toFill.IsEmpty)
            {
                if (!toFill.TryDequeue(out long id)) { Thread.Yield(); continue; }
                f.Breaker.Apply(RiskEvent.Fill(t0 + 1 + n++, f.Btc, f.Mm, id, Side.Sell, 64000.0, 0.003));
            }
        });
        foreach (var t in threads) t.Start();
        keeper.Start();
        foreach (var t in threads) t.Join();
        Volatile.Write(ref done, true);
        keeper.Join();

        Assert.True(acceptedLots <= 5000, $"{mode}: accepted {acceptedLots} lots of reduce-only sells against a 5000-lot long");
        Assert.True(acceptedLots >= 4000, $"{mode}: only {acceptedLots} lots accepted: the race hardly ran");
        double position = f.Breaker.Positions.Position(f.Mm, f.Btc);
        Assert.True(position >= -1e-9, $"{mode}: position went short ({position})");
        // Flat or nearly: one more reduce-only sell of a lot passes only if something is left to close.
        var last = new OrderRequest(t0 + 10_000_000, f.Btc, f.Mm, 9, Side.Sell, 64000.0, 0.001) { ReduceOnly = true };
        Assert.Equal(position >= 0.001 - 1e-9, f.Breaker.Check(in last).IsAccepted);
    }
}
