namespace CircuitBreaker.Tests.Gate;

/// <summary>Racing checks never jointly overdraw a balance: threads send buys on one cash account (multi-threaded) or one
/// thread per account (account-owned, single-writer on one thread) while the keeper moves balances and fills, and the
/// hold of the accepted orders never exceeds the balance.</summary>
[Collection(ThreadStressCollection.Name)]
public class BalanceConcurrencyTests
{
    private const double Lot = 64.0;

    private static GateFixture Open(GateConcurrency mode, double balance) => new(new InstrumentLimits { FatFingerMultiple = 1e9, MaxOrdersPerWindow = int.MaxValue - 1, MaxMessagesPerWindow = int.MaxValue - 1 },
        new AccountLimits { BalanceMode = BalanceMode.Cash, Balances = new Dictionary<string, double> { ["USD"] = balance }, MaxOrdersPerWindow = int.MaxValue - 1, MaxMessagesPerWindow = int.MaxValue - 1, MaxOpenOrders = 100_000 },
        b => b.Capacity(orders: 1 << 16), concurrency: mode);

    [Fact]
    public void MultiThreaded_RacingBuysOnOneAccount_AcceptExactlyWhatTheBalanceHolds()
    {
        var f = Open(GateConcurrency.MultiThreaded, 50 * Lot);
        int accepted = 0;
        long nextId = 1_000;
        long t0 = f.Now + 1;
        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < 200; i++)
            {
                var o = new OrderRequest(t0, f.Btc, f.Mm, Interlocked.Increment(ref nextId), Side.Buy, 64000.0, 0.001);
                if (f.Breaker.Check(in o).IsAccepted) Interlocked.Increment(ref accepted);
            }
        });
        Assert.Equal(50, accepted);
        Assert.Equal(50 * Lot, f.Breaker.Gate.Balance(f.Mm, 0).Held, 3);
    }

    [Theory]
    [InlineData(GateConcurrency.AccountOwned)]
    [InlineData(GateConcurrency.MultiThreaded)]
    [InlineData(GateConcurrency.SingleWriter)]
    public async Task ChecksRacingFillsAndDeposits_LoseNoHoldAndNoBalance(GateConcurrency mode)
    {
        var f = Open(mode, 20 * Lot);
        var ids = new System.Collections.Concurrent.ConcurrentQueue<long>();
        using var done = new ManualResetEventSlim();
        long t = f.Now + 1;
        var keeper = Task.Run(() =>
        {
            // The keeper's thread: fills the accepted orders (each pays 64), then deposits 64 for each, so once everything is
            // filled the balance is back at 20 lots and nothing is held: any hold lost or counted twice in the races shows.
            while (!done.IsSet || !ids.IsEmpty)
            {
                if (!ids.TryDequeue(out long id)) { Thread.Yield(); continue; }
                f.Breaker.Apply(RiskEvent.Fill(t, f.Btc, f.Mm, id, Side.Buy, 64000.0, 0.001));
                f.Breaker.Apply(RiskEvent.Balance(t, f.Mm, 0, BalanceChange.Deposit, Lot));
            }
        });
        int accepted = 0;
        for (long id = 1; id <= 20_000; id++)
        {
            var o = new OrderRequest(t, f.Btc, f.Mm, id, Side.Buy, 64000.0, 0.001);
            if (f.Breaker.Check(in o).IsAccepted) { accepted++; ids.Enqueue(id); }
        }
        done.Set();
        await keeper;
        var probe = OrderRequest.Cancel(t, f.Btc, f.Mm, 99_999_999); // drains single-writer releases
        f.Breaker.Check(in probe);
        Assert.True(accepted >= 20, $"{accepted} accepted");
        var s = f.Breaker.Gate.Balance(f.Mm, 0);
        Assert.Equal(20 * Lot, s.Balance, 6);
        Assert.Equal(0, s.Held, 9);
    }
}
