using System.Globalization;

namespace CircuitBreaker.Tests.Detectors;

/// <summary>
/// Issue 16 item 1 (detectors): every default detector, fed a seeded random stream (quotes, trades, oracle prices, orders,
/// fills, withdrawals, with bursts, crashes and drains, at times on no round grid), raises the same findings, times
/// shifted, when the whole stream is shifted by any constant: the exact origins of <see cref="TimeOrigins"/> and random
/// offsets in [0, 2^62]. Until 2026-12 the detectors' buckets, windows and sample intervals sat on multiples of their width
/// since t = 0, so a shift by a fraction of a bucket moved events across bucket boundaries and changed the findings.
/// </summary>
public sealed class DetectorTimeOriginTests
{
    private const long Ms = 1_000_000;

    public static TheoryData<int> Seeds() => [1, 2, 3];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Observe_StreamShiftedByAnyOffset_SameFindingsTimesShifted(int seed)
    {
        var market = new BehaviourMarket();
        var events = RandomStream(market, seed, out long span);
        string[] names = DefaultDetectors.Create(market.Context).Select(d => d.Name).ToArray();
        string[] baseline = Run(market, events, 0);
        // The stream is rich enough that the property says something: most detectors raise findings at origin 0.
        Assert.True(baseline.Count(f => f.Length > 0) >= 6, "detectors with findings at origin 0: " + string.Join(", ",
            names.Where((n, k) => baseline[k].Length > 0)));

        var random = new Random(seed * 7919);
        var origins = TimeOrigins.For(span).Skip(1).Concat(Enumerable.Range(0, 8).Select(_ => random.NextInt64(0, (1L << 62) + 1)));
        foreach (long origin in origins)
        {
            string[] shifted = Run(market, events, origin);
            for (int k = 0; k < names.Length; k++)
                Assert.True(baseline[k] == shifted[k],
                    $"{names[k]}, seed {seed}, origin {origin}:{Environment.NewLine}origin 0: {Head(baseline[k])}{Environment.NewLine}shifted:  {Head(shifted[k])}");
        }
    }

    /// <summary>Each detector's findings as text, times moved back by <paramref name="origin"/>.</summary>
    private static string[] Run(BehaviourMarket market, RiskEvent[] events, long origin)
    {
        var detectors = DefaultDetectors.Create(market.Context);
        var sinks = detectors.Select(_ => new RecordingSink()).ToArray();
        for (int n = 0; n < events.Length; n++)
        {
            var e = events[n];
            e.TimeNs += origin;
            for (int k = 0; k < detectors.Length; k++) detectors[k].Observe(in e, sinks[k]);
        }
        return sinks.Select(s => string.Join("; ", s.Findings.Select(f => string.Create(CultureInfo.InvariantCulture,
            $"{f.TimeNs - origin} {f.FirstAnomalousTimeNs - origin} {f.Signature} {f.Scope}:{f.Target} {f.Severity} {f.Score:R} {f.Detail} {f.Value1:R} {f.Value2:R}"))))
            .ToArray();
    }

    private static string Head(string s) => s.Length <= 600 ? s : s[..600] + "...";

    /// <summary>About 50 minutes of two perpetuals and three accounts; every few minutes a few seconds of trouble (a volume
    /// burst, a price crash, an order storm with cancels, losing fills, an oracle off the market, a drain).</summary>
    private static RiskEvent[] RandomStream(BehaviourMarket m, int seed, out long span)
    {
        var r = new Random(seed);
        var ins = new[] { m.Btc, m.Eth };
        var accounts = new[] { m.A0, m.A1, m.A2 };
        double[] px = [64_000, 3_000];
        long t = r.NextInt64(0, 1_000 * Ms);
        long orderId = 0;
        var list = new List<RiskEvent>(80_000);
        while (t < 3_000_000 * Ms)
        {
            bool trouble = t / (180_000 * Ms) > 0 && t % (180_000 * Ms) < 6_000 * Ms; // 6 s every 3 min, after the first 3 min
            t += trouble ? r.NextInt64(1, 3 * Ms) : r.NextInt64(1, 120 * Ms);
            int i = r.Next(2);
            double drift = trouble && i == 0 ? -0.0015 : 0;
            px[i] *= 1 + drift + 0.0002 * (r.NextDouble() - 0.5);
            double p = Math.Round(px[i], i == 0 ? 1 : 2);
            double spread = (i == 0 ? 0.1 : 0.01) * (trouble ? 40 : 1 + r.Next(3));
            var a = accounts[r.Next(3)];
            double u = r.NextDouble();
            if (u < 0.38) list.Add(RiskEvent.Quote(t, ins[i], p - spread, p + spread, trouble ? 0.01 : 5 + r.Next(5), trouble ? 0.01 : 5 + r.Next(5)));
            else if (u < 0.66) list.Add(RiskEvent.Trade(t, ins[i], p, (trouble ? 20 : 1) * (0.01 + r.NextDouble())));
            else if (u < 0.72) list.Add(RiskEvent.Oracle(t, ins[i], p * (trouble ? 1.03 : 1 + 0.0001 * (r.NextDouble() - 0.5)), source: r.Next(2)));
            else if (u < 0.88)
            {
                var action = r.NextDouble() < (trouble ? 0.8 : 0.3) ? OrderAction.Cancel : OrderAction.New;
                double off = trouble && r.NextDouble() < 0.3 ? 1.2 : 1;
                list.Add(RiskEvent.OrderDecision(new OrderRequest(t, ins[i], trouble ? m.A1 : a, ++orderId, Side.Buy, p * off, 0.5), RejectReason.None));
            }
            else if (u < 0.97)
            {
                var side = trouble ? Side.Buy : r.Next(2) == 0 ? Side.Buy : Side.Sell;
                list.Add(RiskEvent.Fill(t, ins[i], trouble ? m.A1 : a, ++orderId, side, trouble ? p + spread : p, (trouble ? 5 : 0.2) * (0.5 + r.NextDouble())));
            }
            else
            {
                double amount = trouble ? 50_000 * (1 + r.NextDouble()) : 500 * (1 + r.NextDouble());
                list.Add(RiskEvent.Chain(t, ChainEventKind.Withdraw, r.Next(2), amount, r.Next(4) == 0 ? null : a, pool: r.Next(2)));
            }
        }
        span = t;
        return [.. list];
    }
}
