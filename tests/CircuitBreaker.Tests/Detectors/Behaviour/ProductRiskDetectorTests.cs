using static CircuitBreaker.Tests.Support.BehaviourMarket;

namespace CircuitBreaker.Tests.Detectors;

public sealed class ProductRiskDetectorTests
{
    private sealed class Book
    {
        public readonly BehaviourMarket M;
        public InstrumentId Call, UpOut, Irs, Xyz, XyzDownOut;
        public Book()
        {
            InstrumentId call = default, upOut = default, irs = default, xyz = default, xyzDo = default;
            M = new BehaviourMarket(r =>
            {
                call = r.AddInstrument("BTC-C100", InstrumentKind.Option, 0.1, 0.01, underlying: "BTC", strike: 100);
                upOut = r.AddInstrument("BTC-UO110", InstrumentKind.BarrierOption, 0.1, 0.01, underlying: "BTC", barrier: 110, barrierKind: BarrierKind.UpAndOut);
                irs = r.AddInstrument("USD-IRS-5Y", InstrumentKind.Swap, 0.0001, 1, underlying: "USD-RATES");
                xyz = r.AddInstrument("XYZ", InstrumentKind.Spot, 1.0, 1, underlying: "XYZ");
                xyzDo = r.AddInstrument("XYZ-DO1000", InstrumentKind.BarrierOption, 0.01, 1, underlying: "XYZ", barrier: 1000, barrierKind: BarrierKind.DownAndOut);
            });
            Call = call; UpOut = upOut; Irs = irs; Xyz = xyz; XyzDownOut = xyzDo;
        }
        public ProductRiskDetector Detector(ProductRiskOptions? o = null) => new(M.Context, o);
    }

    private static RiskEvent Gamma(long t, Book b, AccountId a, double gamma) => RiskEvent.Position(t, b.Call, a, 10, delta: 5, gamma: gamma, vega: 1);

    [Fact]
    public void Observe_GroupGammaRisesThroughLimit_WarningThenCritical()
    {
        var b = new Book();
        var o = new ProductRiskOptions { MaxAbsGamma = 100 };
        var events = new[] { Gamma(1 * S, b, b.M.A1, 50), Gamma(2 * S, b, b.M.A1, 85), Gamma(3 * S, b, b.M.A1, 120), Gamma(4 * S, b, b.M.A1, 130) };
        var findings = Run(b.Detector(o), events).Findings;
        Assert.Equal([Severity.Warning, Severity.Critical], findings.Select(f => f.Severity).ToArray());
        Assert.All(findings, f => Assert.Equal((Signature.GreeksLimit, Scope.Group), (f.Signature, f.Scope)));
        Assert.Equal(b.M.Registry[b.Call].Group.Value, findings[0].Target);
        Assert.Equal(120, findings[1].Value1, 6);
    }

    [Fact]
    public void Observe_TwoAccountsEachBelowLimit_SumBreachesGroupLimit()
    {
        var b = new Book();
        var d = b.Detector(new ProductRiskOptions { MaxAbsGamma = 100 });
        var sink = Run(d, [Gamma(1 * S, b, b.M.A1, 60), Gamma(2 * S, b, b.M.A2, 60)]);
        var f = Assert.Single(sink.Findings);
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Equal(120, d.GroupGreeks(b.M.Registry[b.Call].Group).Gamma, 6);
    }

    [Fact]
    public void Observe_PositionReplacedNotAdded_StaysBelowLimit()
    {
        var b = new Book();
        var events = Enumerable.Range(1, 50).Select(k => Gamma(k * S, b, b.M.A1, 70)).ToArray();
        Assert.Equal(0, Run(b.Detector(new ProductRiskOptions { MaxAbsGamma = 100 }), events).Count);
    }

    [Fact]
    public void Observe_BreachCalmsThenBreachesAfterCoolDown_TwoEpisodes()
    {
        var b = new Book();
        var events = new[] { Gamma(1 * S, b, b.M.A1, 120), Gamma(2 * S, b, b.M.A1, 10), Gamma(30 * S, b, b.M.A1, 120),
            Gamma(100 * S, b, b.M.A1, 10), Gamma(200 * S, b, b.M.A1, 120) };
        var findings = Run(b.Detector(new ProductRiskOptions { MaxAbsGamma = 100 }), events).Findings;
        Assert.Equal([1 * S, 200 * S], findings.Select(f => f.TimeNs).ToArray());
    }

    [Fact]
    public void Observe_SpotApproachesBarrier_EscalatesByDistance()
    {
        var b = new Book();
        var events = new[] { 100.0, 105, 108, 108.5, 109.6, 109.7, 109.5 }
            .Select((px, k) => RiskEvent.Trade((k + 1) * S, b.M.Btc, px, 1)).ToArray();
        var findings = Run(b.Detector(), events).Findings;
        Assert.Equal([Severity.Warning, Severity.Critical], findings.Select(f => f.Severity).ToArray());
        Assert.All(findings, f => Assert.Equal((Signature.BarrierProximity, Scope.Instrument, b.UpOut.Value), (f.Signature, f.Scope, f.Target)));
        Assert.Equal(3 * S, findings[0].TimeNs); // 108: 1.8 % away
        Assert.Equal(5 * S, findings[1].TimeNs); // 109.6: 0.36 % away
        Assert.Equal(FindingDetail.DistancePct, findings[1].Detail);
    }

    [Fact]
    public void Observe_SpotWithinFewTicksOfBarrier_CriticalEvenWhenPercentIsSmall()
    {
        var b = new Book();
        var o = new ProductRiskOptions { BarrierWarningPct = 0.05, BarrierCriticalPct = 0.01, BarrierReleasePct = 1 };
        var events = new[] { RiskEvent.Trade(S, b.Xyz, 1100, 1), RiskEvent.Trade(2 * S, b.Xyz, 1004, 1) }; // 0.4 %, 4 ticks
        var f = Assert.Single(Run(b.Detector(o), events).Findings);
        Assert.Equal((Severity.Critical, b.XyzDownOut.Value), (f.Severity, f.Target));
    }

    [Fact]
    public void Observe_OptionPremiumPrices_AreNotSpot()
    {
        var b = new Book();
        var events = new[] { RiskEvent.Trade(S, b.UpOut, 109.9, 1), RiskEvent.Trade(2 * S, b.Call, 109.9, 1) };
        Assert.Equal(0, Run(b.Detector(), events).Count);
    }

    [Fact]
    public void Observe_OracleOnUnderlying_CountsAsSpot()
    {
        var b = new Book();
        Assert.Equal(1, Run(b.Detector(), [RiskEvent.Oracle(S, b.M.Btc, 109.8)]).Count);
    }

    [Fact]
    public void Observe_SwapExposureBeyondLimit_RaisesCritical()
    {
        var b = new Book();
        var o = new ProductRiskOptions { MaxSwapExposure = 1_000_000 };
        var events = new[]
        {
            RiskEvent.Position(S, b.Irs, b.M.A1, 1, delta: 0.1, notional: 5_000_000),
            RiskEvent.Position(2 * S, b.Irs, b.M.A1, 1, delta: 0.1, notional: 12_000_000),
        };
        var f = Assert.Single(Run(b.Detector(o), events).Findings);
        Assert.Equal((Signature.SwapExposure, Scope.Group, Severity.Critical), (f.Signature, f.Scope, f.Severity));
        Assert.Equal(1_200_000, f.Value1, 3);
    }

    [Fact]
    public void Observe_DefaultLimits_GreeksAndSwapsAreOff()
    {
        var b = new Book();
        var events = new[] { Gamma(S, b, b.M.A1, 1e9), RiskEvent.Position(2 * S, b.Irs, b.M.A1, 1, delta: 1, notional: 1e12) };
        Assert.Equal(0, Run(b.Detector(), events).Count);
    }

    [Fact]
    public void Observe_SameStreamTwice_IdenticalFindings()
    {
        var b = new Book();
        var rnd = new Random(4);
        var events = Enumerable.Range(1, 500).Select(k => RiskEvent.Trade(k * S, b.M.Btc, 100 + rnd.NextDouble() * 12, 1)).ToArray();
        var x = Run(b.Detector(), events).Findings.Select(Key).ToArray();
        var y = Run(b.Detector(), events).Findings.Select(Key).ToArray();
        Assert.NotEmpty(x);
        Assert.Equal(x, y);
    }

    [Fact]
    public void Observe_AfterJitWarmup_AllocatesNothing_AndAllocatingSinkIsSeen()
    {
        var b = new Book();
        var rnd = new Random(5);
        var o = new ProductRiskOptions { MaxAbsGamma = 100, MaxSwapExposure = 1e6 };
        var events = Enumerable.Range(1, 500).SelectMany(k => new[]
        {
            RiskEvent.Trade(k * S, b.M.Btc, 100 + rnd.NextDouble() * 12, 1),
            Gamma(k * S + 1, b, b.M.A1, rnd.NextDouble() * 150),
            RiskEvent.Position(k * S + 2, b.Irs, b.M.A2, 1, delta: 0.1, notional: rnd.NextDouble() * 2e7),
        }).ToArray();
        Run(b.Detector(o), events);
        var sink = new RecordingSink();
        Assert.Equal(0, AllocatedBytes(() => b.Detector(o), events, sink));
        Assert.True(sink.Count > 0);
        Assert.True(AllocatedBytes(() => b.Detector(o), events, new AllocatingSink()) > 0);
    }

    [Fact]
    public void Options_Invalid_ListsEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ProductRiskOptions { MaxAbsDelta = 0, BarrierCriticalPct = 5, BarrierWarningPct = 2 }.Validate());
        Assert.Contains("MaxAbsDelta", ex.Message);
        Assert.Contains("BarrierCriticalPct", ex.Message);
    }
}
