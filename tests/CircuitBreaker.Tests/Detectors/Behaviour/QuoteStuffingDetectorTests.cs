using static CircuitBreaker.Tests.Support.BehaviourMarket;

namespace CircuitBreaker.Tests.Detectors;

public sealed class QuoteStuffingDetectorTests
{
    /// <summary>Messages of one account: <paramref name="rate"/>(second) messages per second, each a cancel with probability <paramref name="cancelShare"/>(second).</summary>
    private static void Messages(BehaviourMarket m, AccountId a, Random rnd, long fromS, long toS, Func<long, int> rate, Func<long, double> cancelShare)
    {
        long id = 1;
        for (long s = fromS; s < toS; s++)
        {
            int n = rate(s);
            double share = cancelShare(s);
            for (int k = 0; k < n; k++)
            {
                long t = s * S + k * (S / n);
                var action = rnd.NextDouble() < share ? OrderAction.Cancel : OrderAction.New;
                m.Order(t, a, Side.Buy, 100, 1, action, id++);
            }
        }
    }

    private static QuoteStuffingDetector NewDetector() => new(new BehaviourMarket().Context);

    private static RiskEvent[] MarketMaker(int seed, long seconds)
    {
        var m = new BehaviourMarket();
        var rnd = new Random(seed);
        Messages(m, m.A0, rnd, 0, seconds, _ => 160 + rnd.Next(80), _ => 0.97);
        return m.ToArray();
    }

    private static RiskEvent[] Stuffer(int seed, long burstStart, long burstSeconds, int burstRate, double burstCancel, long end)
    {
        var m = new BehaviourMarket();
        var rnd = new Random(seed);
        bool InBurst(long s) => s >= burstStart && s < burstStart + burstSeconds;
        Messages(m, m.A1, rnd, 0, end, s => InBurst(s) ? burstRate : 16 + rnd.Next(8), s => InBurst(s) ? burstCancel : 0.3);
        return m.ToArray();
    }

    [Fact]
    public void Observe_MarketMakerAt97PercentCancelsSteadyRate_StaysQuiet()
    {
        var sink = Run(NewDetector(), MarketMaker(1, 600));
        Assert.Equal(0, sink.Count);
    }

    [Fact]
    public void Observe_BurstOfCancelsFarAboveOwnBaseline_RaisesCritical()
    {
        var sink = Run(NewDetector(), Stuffer(2, 60, 10, 400, 0.95, 80));
        var findings = sink.Findings;
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Equal((Signature.QuoteStuffing, Scope.Account, 1), (f.Signature, f.Scope, f.Target)));
        Assert.Contains(findings, f => f.Severity == Severity.Critical);
        Assert.True(findings.Count(f => f.Severity == Severity.Critical) == 1 && findings.Count(f => f.Severity == Severity.Warning) <= 1);
        Assert.InRange(findings[0].TimeNs, 60 * S, 61 * S);
    }

    [Fact]
    public void Observe_RateBurstWithUsualCancelRatio_ExactlyOneWarningPerEpisode()
    {
        var sink = Run(NewDetector(), Stuffer(3, 60, 20, 300, 0.3, 100));
        Assert.Equal(1, sink.Count);
        Assert.Equal(Severity.Warning, sink.Findings[0].Severity);
        Assert.Equal(FindingDetail.RatioToBaseline, sink.Findings[0].Detail);
        Assert.True(sink.Findings[0].Value1 >= 10);
    }

    [Fact]
    public void Observe_BurstDuringWarmup_GivesNoVerdict()
    {
        var sink = Run(NewDetector(), Stuffer(4, 5, 10, 400, 0.95, 20));
        Assert.Equal(0, sink.Count);
    }

    [Fact]
    public void Observe_SameStreamTwice_IdenticalFindings()
    {
        var a = Run(NewDetector(), Stuffer(5, 60, 10, 400, 0.95, 80)).Findings.Select(Key).ToArray();
        var b = Run(NewDetector(), Stuffer(5, 60, 10, 400, 0.95, 80)).Findings.Select(Key).ToArray();
        Assert.NotEmpty(a);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Observe_AfterJitWarmup_AllocatesNothing_AndAllocatingSinkIsSeen()
    {
        var events = Stuffer(6, 60, 10, 400, 0.95, 80);
        Run(NewDetector(), events);
        var sink = new RecordingSink();
        Assert.Equal(0, AllocatedBytes(() => NewDetector(), events, sink));
        Assert.True(sink.Count > 0);
        Assert.True(AllocatedBytes(() => NewDetector(), events, new AllocatingSink()) > 0);
    }

    [Fact]
    public void Options_Invalid_ListsEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => new QuoteStuffingOptions { RateRatio = 20, CriticalRateRatio = 10, CancelRatioJump = 2 }.Validate());
        Assert.Contains("CriticalRateRatio", ex.Message);
        Assert.Contains("CancelRatioJump", ex.Message);
    }
}
