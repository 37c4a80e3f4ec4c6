using Xunit.Abstractions;

namespace CircuitBreaker.Tests.Safety;

/// <summary>
/// Checks on many threads while another thread swaps the instrument's limits between A and B and another halts and
/// resumes. A: max quantity 1, collar 100 bps. B: max quantity 2, collar 50 bps. An order of 1.5 at +75 bps fails
/// both (A on quantity, B on collar) and passes only a torn read (B's quantity with A's collar): it must never pass.
/// </summary>
public class ConfigSwapConcurrencyTests(ITestOutputHelper output)
{
    public const int IterationsPerThread = 100_000;
    public static int Threads => Math.Max(4, Environment.ProcessorCount * 2);

    [Fact]
    public void Check_ConfigSwappedAndHaltedConcurrently_NoTornDecisionPositionLimitHolds()
    {
        var common = new InstrumentLimits
        {
            FatFingerMultiple = 1e9, MaxLongPosition = 200, MaxOpenOrders = 1_000_000, MaxOpenOrdersPerAccount = 4096,
            MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 1_000_000,
        };
        var a = common with { MaxOrderQuantity = 1, CollarBps = 100 };
        var b = common with { MaxOrderQuantity = 2, CollarBps = 50 };
        var builder = new CircuitBreakerBuilder()
            .Instrument("XYZ", InstrumentKind.Spot, tick: 0.01, lot: 0.5, limits: a)
            .Account("desk", new AccountLimits { MaxOpenOrders = 1_000_000, MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 1_000_000 })
            .Capacity(pairs: 16, orders: 1 << 20);
        var cfgA = builder.BuildConfig();
        var ins = new InstrumentId(0);
        var cfgB = cfgA.WithInstrumentLimits(ins, b);
        cfgA = cfgA.WithInstrumentLimits(ins, a); // both built the same way
        var acc = new AccountId(0);
        long now = 1_000_000_000;
        var trade = RiskEvent.Trade(now, ins, 10_000.0, 1.0);
        // Control: the probe order is refused by A and by B alone, and accepted by the torn mix (B's size, A's collar).
        foreach (var (cfg, expected) in new[] { (cfgA, RejectReason.MaxOrderQuantity), (cfgB, RejectReason.PriceCollar), (cfgA.WithInstrumentLimits(ins, common with { MaxOrderQuantity = 2, CollarBps = 100 }), RejectReason.None) })
        {
            using var single = new Breaker(cfg);
            single.Apply(in trade);
            var probe = new OrderRequest(now, ins, acc, 1, Side.Buy, 10_075.0, 1.5);
            Assert.Equal(expected, single.Check(in probe).Reason);
        }
        using var breaker = new Breaker(cfgA);
        breaker.Apply(in trade);

        int threads = Threads;
        long tornAccepted = 0, goodAcceptedLots = 0, goodRejectedOther = 0, swaps = 0, halts = 0;
        Exception? escaped = null;
        var reasons = new long[256];
        var stop = new ManualResetEventSlim(false);
        using var go = new Barrier(threads + 2);
        var checkers = Enumerable.Range(0, threads).Select(th => new Thread(() =>
        {
            try
            {
                go.SignalAndWait();
                for (int i = 0; i < IterationsPerThread; i++)
                {
                    long id = (long)th << 32 | (uint)i;
                    bool torn = (i & 1) == 0;
                    var o = torn
                        ? new OrderRequest(now, ins, acc, id, Side.Buy, 10_075.0, 1.5)   // qty only B allows, price only A allows
                        : new OrderRequest(now, ins, acc, id, Side.Buy, 10_025.0, 1.0);  // fine under both
                    var d = breaker.Check(in o);
                    if (torn && d.IsAccepted) Interlocked.Increment(ref tornAccepted);
                    if (!torn && d.IsAccepted) Interlocked.Add(ref goodAcceptedLots, 2);
                    if (!torn && !d.IsAccepted && d.Reason is not (RejectReason.Halted or RejectReason.MaxPosition)) Interlocked.Increment(ref goodRejectedOther);
                    if (!torn && !d.IsAccepted) Interlocked.Increment(ref reasons[(int)d.Reason]);
                }
            }
            catch (Exception ex) { Interlocked.CompareExchange(ref escaped, ex, null); }
        })).ToArray();
        var swapper = new Thread(() =>
        {
            go.SignalAndWait();
            try { while (!stop.IsSet) { breaker.Gate.SwapConfig(++swaps % 2 == 0 ? cfgA : cfgB); } }
            catch (Exception ex) { Interlocked.CompareExchange(ref escaped, ex, null); }
        });
        var halter = new Thread(() =>
        {
            go.SignalAndWait();
            try
            {
                while (!stop.IsSet)
                {
                    breaker.Halt(Scope.Global, -1, now); halts++;
                    breaker.Resume(Scope.Global, -1, now);
                    Thread.Sleep(1); // short halts: the checkers must also see long stretches of trading
                }
            }
            catch (Exception ex) { Interlocked.CompareExchange(ref escaped, ex, null); }
        });
        foreach (var t in checkers) t.Start();
        swapper.Start(); halter.Start();
        foreach (var t in checkers) t.Join();
        stop.Set();
        swapper.Join(); halter.Join();

        output.WriteLine($"{threads} checker threads × {IterationsPerThread:N0} checks, {swaps:N0} config swaps, {halts:N0} halt/resume cycles; good lots accepted {goodAcceptedLots} (limit 400), torn accepted {tornAccepted}; good orders refused: " + string.Join(", ", reasons.Select((n, k) => (n, k)).Where(x => x.n > 0).Select(x => $"{(RejectReason)x.k} {x.n:N0}")));
        Assert.Null(escaped);
        Assert.Equal(0, tornAccepted);
        Assert.Equal(0, goodRejectedOther);
        Assert.True(goodAcceptedLots <= 400, $"{goodAcceptedLots} lots working against a 400-lot long limit");
        Assert.True(goodAcceptedLots > 0, "nothing was accepted: the test proves nothing");
        Assert.True(swaps > 10 && halts > 0, $"swaps {swaps}, halts {halts}: the writers must actually run during the checks");
        // After the writers stop, the gate still decides from a whole configuration: B is or A is in force.
        breaker.Halt(Scope.Global, -1, now);
        var after = new OrderRequest(now, ins, acc, -1, Side.Buy, 10_025.0, 1.0);
        Assert.Equal(RejectReason.Halted, breaker.Check(in after).Reason);
    }
}
