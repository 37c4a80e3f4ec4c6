using System.Globalization;
using static CircuitBreaker.Tests.Support.BehaviourMarket;

namespace CircuitBreaker.Tests.Detectors;

/// <summary>
/// Issue 19 item 2: options are judged by their underlying's move, not by premium percentage. A short-dated call whose
/// premium swings 50–150 % on 0.1–0.3 % moves of the underlying is quiet; a premium jump the underlying does not
/// explain is still a finding; zero allocation after warm-up; the same findings at any time origin.
/// </summary>
public sealed class OptionAwarePriceVelocityTests
{
    private sealed class OptionMarket
    {
        public readonly InstrumentRegistry Registry = new();
        public readonly InstrumentId Perp, Call;
        public OptionMarket()
        {
            Perp = Registry.AddInstrument("ETH-PERP", InstrumentKind.Perpetual, 0.01, 0.01, underlying: "ETH");
            Call = Registry.AddInstrument("ETH-3050-C", InstrumentKind.Option, 0.1, 0.1, underlying: "ETH", strike: 3050);
        }
        public DetectorContext Context => new(Registry);
    }

    /// <summary>
    /// 10 minutes: the perp walks ±1 bp per 100 ms and swings +0.3 % for 3 s every 120 s from 150 s on; the call's premium
    /// is 2 + 0.5 × (S − S₀) (at least 0.2), so each swing moves it by about 4.5 (+200 %). At <paramref name="jumpAtS"/> the
    /// premium alone jumps by 60 for 3 s (2 % of the underlying; nothing in the underlying explains it).
    /// </summary>
    private static RiskEvent[] Stream(OptionMarket m, int seed, double jumpAtS = -1)
    {
        var r = new Random(seed);
        var list = new List<RiskEvent>();
        double s = 3000;
        for (long step = 1; step < 6000; step++)
        {
            long t = step * (S / 10);
            double sec = t / (double)S;
            s *= 1 + (r.NextDouble() - 0.5) * 2e-4;
            double phase = (sec - 150) % 120;
            double swing = sec >= 150 && phase < 3 ? 3000 * 0.003 * Math.Sin(Math.PI * phase / 3) : 0;
            double und = Math.Round(s + swing, 2);
            list.Add(RiskEvent.Quote(t, m.Perp, und - 0.01, und + 0.01));
            list.Add(RiskEvent.Trade(t + 1000, m.Perp, und, 0.5));
            double premium = Math.Max(0.2, 2 + 0.5 * (und - s));
            if (jumpAtS >= 0 && sec >= jumpAtS && sec < jumpAtS + 3) premium += 60;
            premium = Math.Round(premium, 1);
            list.Add(RiskEvent.Quote(t + 2000, m.Call, Math.Max(0.1, premium - 0.1), premium + 0.1));
            if (step % 5 == 0) list.Add(RiskEvent.Trade(t + 3000, m.Call, premium, 1));
        }
        return [.. list];
    }

    private static IReadOnlyList<Finding> OnCall(OptionMarket m, RiskEvent[] events, PriceVelocityOptions? o = null)
        => Run(new PriceVelocityDetector(m.Context, o), events).Findings.Where(f => f.Target == m.Call.Value).ToArray();

    [Fact]
    public void Observe_PremiumSwingsWithUnderlying_Quiet_PremiumPercentWouldFire()
    {
        var m = new OptionMarket();
        var events = Stream(m, 1);
        Assert.Empty(OnCall(m, events));
        // Control: the same premiums judged as percentages (the old behaviour) are findings, Critical ones among them.
        var old = OnCall(m, events, new PriceVelocityOptions { OptionsByUnderlying = false });
        Assert.Contains(old, f => f.Severity == Severity.Critical);
    }

    [Fact]
    public void Observe_PremiumJumpUnderlyingDoesNotExplain_IsAFinding()
    {
        var m = new OptionMarket();
        var findings = OnCall(m, Stream(m, 2, jumpAtS: 330));
        var f = Assert.Single(findings, x => x.Severity >= Severity.Warning);
        Assert.InRange(f.TimeNs, 330 * S, 331 * S);
    }

    [Fact]
    public void Observe_OptionWithoutUnderlyingInstrument_JudgedAgainstStrike()
    {
        var reg = new InstrumentRegistry();
        var call = reg.AddInstrument("ETH-3050-C", InstrumentKind.Option, 0.1, 0.1, underlying: "ETH", strike: 3050);
        int Findings(PriceVelocityOptions? o)
        {
            var d = new PriceVelocityDetector(new DetectorContext(reg), o);
            var sink = new RecordingSink();
            for (long step = 1; step < 6000; step++)
            {
                // From 150 s on, the premium triples for 3 s every 120 s: +200 %, but 4 / 3,050 = 13 bps of the strike.
                bool up = step >= 1500 && (step - 1500) % 1200 < 30;
                var e = RiskEvent.Trade(step * (S / 10), call, up ? 6 : 2 + 0.1 * (step % 3), 1);
                d.Observe(in e, sink);
            }
            return sink.Count;
        }
        Assert.Equal(0, Findings(null));
        Assert.True(Findings(new PriceVelocityOptions { OptionsByUnderlying = false }) > 0);
    }

    [Fact]
    public void Observe_OptionsAfterWarmup_AllocatesNothing_AndAllocatingSinkIsSeen()
    {
        var m = new OptionMarket();
        var events = Stream(m, 3, jumpAtS: 400);
        Run(new PriceVelocityDetector(m.Context), events);
        var sink = new RecordingSink();
        Assert.Equal(0, AllocatedBytes(() => new PriceVelocityDetector(m.Context), events, sink));
        Assert.True(sink.Count > 0);
        Assert.True(AllocatedBytes(() => new PriceVelocityDetector(m.Context), events, new AllocatingSink()) > 0);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1_800_000_000_000_000_000L)]
    [InlineData(TimeOrigins.Near2Pow62)]
    public void Observe_AnyTimeOrigin_SameFindingsShifted(long origin)
    {
        var m = new OptionMarket();
        var events = Stream(m, 4, jumpAtS: 300);
        string Key(IEnumerable<Finding> fs, long o) => string.Join("; ", fs.Select(f => string.Create(CultureInfo.InvariantCulture,
            $"{f.TimeNs - o} {f.Target} {f.Severity} {f.Score:R}")));
        string at0 = Key(Run(new PriceVelocityDetector(m.Context), events).Findings, 0);
        var shifted = events.Select(e => { e.TimeNs += origin; return e; }).ToArray();
        Assert.NotEmpty(at0);
        Assert.Equal(at0, Key(Run(new PriceVelocityDetector(m.Context), shifted).Findings, origin));
    }
}
