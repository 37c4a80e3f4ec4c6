namespace CircuitBreaker.Tests.Gate;

/// <summary>
/// Checks racing fills, in every concurrency mode, at a present-day Unix-nanosecond origin: the engine checks orders
/// back to back while the position keeper fills the accepted ones on another thread. A check that counts a racing fill
/// zero times (in neither the position nor the working lots) lets one order too many through. Before the fix the
/// multi-threaded gate read the position before adding to the working lots, while the keeper writes the position first
/// and releases the working lots after, so such a check fell between the two.
/// </summary>
[Collection(ThreadStressCollection.Name)]
public class FillRaceTests
{
    private const int Epochs = 10_000;
    private const long Origin = 1_796_342_400_000_000_000; // 2026-12-04 in Unix ns

    private sealed class Book
    {
        public required Breaker Breaker;
        public InstrumentId Ins;
        public AccountId Acc;
        public long OrderId;
        public long UnknownId = long.MaxValue / 2;

        public Decision Send(Side side, double qty) { var o = new OrderRequest(Origin, Ins, Acc, ++OrderId, side, 100.0, qty); return Breaker.Check(in o); }
        public void Cancel(long id) { var o = OrderRequest.Cancel(Origin, Ins, Acc, id); Breaker.Check(in o); }
        public void Fill(long id, Side side, double qty) => Breaker.Apply(RiskEvent.Fill(Origin, Ins, Acc, id, side, 100.0, qty));
    }

    private static Book NewBook(GateConcurrency mode, double maxLong)
    {
        var lim = new InstrumentLimits
        {
            MaxLongPosition = maxLong, MaxShortPosition = 1_000, FatFingerMultiple = 1e9, MaxOpenOrdersPerAccount = 64,
            MaxOrdersPerWindow = 10_000_000, MaxMessagesPerWindow = 10_000_000, ReferenceStaleAfter = TimeSpan.FromDays(1),
        };
        var config = new CircuitBreakerBuilder().Concurrency(mode)
            .Instrument("X-PERP", InstrumentKind.Perpetual, tick: 0.1, lot: 1, limits: lim)
            .Account("acc", new AccountLimits { MaxOrdersPerWindow = 10_000_000, MaxMessagesPerWindow = 10_000_000, MaxOpenOrders = 1_000 })
            .BuildConfig();
        var b = new Book { Breaker = new Breaker(config) };
        Assert.True(b.Breaker.Registry.TryGetInstrument("X-PERP", out b.Ins));
        Assert.True(b.Breaker.Registry.TryGetAccount("acc", out b.Acc));
        b.Breaker.Apply(RiskEvent.Trade(Origin, b.Ins, 100.0, 1));
        return b;
    }

    /// <summary>
    /// Free-running race in epochs. In each epoch the engine (this thread) checks 1-lot orders on <paramref name="side"/>
    /// back to back while the keeper thread fills every accepted one as soon as it sees it; a limit leaves room for exactly
    /// <paramref name="room"/> lots, and nothing but these fills changes the position during the epoch, so at most
    /// <paramref name="room"/> orders may pass per epoch however the fills interleave. The epoch ends once every accepted
    /// order is filled; the keeper then restores the position with <paramref name="restore"/> (given the lots filled).
    /// Returns the orders accepted beyond the room, summed over the epochs (each one a breach). A refusal for any reason but
    /// <paramref name="expected"/> (a breach tripping a post-trade limit) ends the race as a breach.
    /// </summary>
    private static long Race(Book b, int epochs, int room, Side side, RejectReason expected, Action<int> restore)
    {
        var ids = new long[4 * room];
        int accepted = 0, filled = 0, epochDone = 0, restored = 0;
        var keeper = new Thread(() =>
        {
            for (int e = 1; e <= epochs; e++)
            {
                int f = 0;
                var spin = new SpinWait();
                while (Volatile.Read(ref epochDone) < e)
                {
                    if (f < Volatile.Read(ref accepted)) { b.Fill(ids[f], side, 1); Volatile.Write(ref filled, ++f); spin = new SpinWait(); }
                    else spin.SpinOnce(sleep1Threshold: -1);
                }
                restore(f);
                Volatile.Write(ref accepted, 0);
                Volatile.Write(ref filled, 0);
                Volatile.Write(ref restored, e);
            }
        }) { IsBackground = true };
        keeper.Start();
        long breaches = 0;
        bool stop = false;
        for (int e = 1; e <= epochs; e++)
        {
            int a = 0;
            for (int tries = 0; !(a >= room && Volatile.Read(ref filled) == a) && a < ids.Length; tries++)
            {
                if (tries == 10_000_000) Assert.Fail($"epoch {e} made no progress: {a} accepted, {Volatile.Read(ref filled)} filled, last refusal {b.Send(side, 1).Reason}, working {b.Breaker.Gate.WorkingOrders}, position {b.Breaker.Positions.Position(b.Acc, b.Ins)}");
                var d = b.Send(side, 1);
                if (d.IsAccepted) { ids[a] = b.OrderId; Volatile.Write(ref accepted, ++a); }
                // A breach trips the instrument post-trade (position above the limit): nothing passes after it.
                else if (d.Reason != expected) { breaches += Math.Max(1, a - room); stop = true; break; }
            }
            while (Volatile.Read(ref filled) < a) Thread.SpinWait(1); // the last accepted ones still fill
            if (!stop) breaches += a - room;
            Volatile.Write(ref epochDone, stop ? epochs : e);
            if (stop) break;
            SpinUntil(ref restored, e);
        }
        Assert.True(keeper.Join(TimeSpan.FromMinutes(2)));
        return breaches;
    }

    private static void SpinUntil(ref int flag, int value)
    {
        var spin = new SpinWait();
        while (Volatile.Read(ref flag) < value) spin.SpinOnce(sleep1Threshold: -1);
    }

    [Theory]
    [InlineData(GateConcurrency.MultiThreaded)]
    [InlineData(GateConcurrency.SingleWriter)]
    [InlineData(GateConcurrency.AccountOwned)]
    public void BuysCheckedWhileEarlierBuysFill_PositionLimitNeverBreached(GateConcurrency mode)
    {
        // Flat, limit 10 lots long: 10 buys pass per epoch, racing their own fills; an 11th is a breach.
        var b = NewBook(mode, maxLong: 10);
        long breaches = Race(b, Epochs, room: 10, Side.Buy, RejectReason.MaxPosition, restore: lots => b.Fill(b.UnknownId++, Side.Sell, lots));
        Assert.True(breaches == 0, $"{breaches} buys accepted beyond the 10-lot limit in {Epochs * 10} raced fills ({mode})");
        Assert.Equal(0, b.Breaker.Positions.Position(b.Acc, b.Ins));
        b.Cancel(-1); // single-writer: the gate drains the last fills' releases at its next check
        Assert.Equal(0, b.Breaker.Gate.WorkingOrders);
    }

    [Theory]
    [InlineData(GateConcurrency.MultiThreaded)]
    [InlineData(GateConcurrency.SingleWriter)]
    [InlineData(GateConcurrency.AccountOwned)]
    public void ReduceOnlySellsCheckedWhileEarlierSellsFill_NeverFlipShort(GateConcurrency mode)
    {
        // Reduce-only and long 10: 10 one-lot sells close the position; an 11th would flip it short.
        var b = NewBook(mode, maxLong: 1_000);
        b.Fill(b.UnknownId++, Side.Buy, 10);
        Assert.True(b.Breaker.ReduceOnly(Scope.Account, b.Acc.Value, Origin));
        long breaches = Race(b, Epochs, room: 10, Side.Sell, RejectReason.ReduceOnly, restore: lots => b.Fill(b.UnknownId++, Side.Buy, lots));
        Assert.True(breaches == 0, $"{breaches} reduce-only sells accepted beyond the position in {Epochs * 10} raced fills ({mode})");
        Assert.Equal(10, b.Breaker.Positions.Position(b.Acc, b.Ins));
    }
}
