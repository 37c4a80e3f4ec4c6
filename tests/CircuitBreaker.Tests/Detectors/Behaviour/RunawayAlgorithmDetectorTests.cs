using static CircuitBreaker.Tests.Support.BehaviourMarket;

namespace CircuitBreaker.Tests.Detectors;

public sealed class RunawayAlgorithmDetectorTests
{
    private enum Burst { None, Runaway, Trending, FillsOnly, Crossing }

    /// <summary>
    /// Account 0 quotes passively (~5 orders/s, one buy at the bid and one sell at the ask per second), then from
    /// <paramref name="burstStart"/> for <paramref name="burstSeconds"/> does what <paramref name="burst"/> says.
    /// </summary>
    private static RiskEvent[] Stream(int seed, Burst burst, long burstStart = 60, long burstSeconds = 10, long end = 0, long secondBurstStart = -1,
        double crossingQty = 1)
    {
        var m = new BehaviourMarket();
        var rnd = new Random(seed);
        double mid = 100;
        long id = 1;
        if (end == 0) end = burstStart + burstSeconds + 5;
        for (long s = 0; s < end; s++)
        {
            long t0 = s * S;
            bool inBurst = (s >= burstStart && s < burstStart + burstSeconds)
                || (secondBurstStart >= 0 && s >= secondBurstStart && s < secondBurstStart + burstSeconds);
            mid += burst == Burst.Trending && s >= burstStart ? 0.05 : (rnd.NextDouble() - 0.5) * 0.2;
            m.Quote(t0, mid - 0.1, mid + 0.1);
            if (inBurst && burst is Burst.Runaway or Burst.FillsOnly)
            {
                if (burst == Burst.Runaway)
                    for (int k = 0; k < 200; k++) m.Order(t0 + 1000 + k * 4_000_000L, m.A0, Side.Buy, 100.0, 1, id: id++);
                for (int k = 0; k < 100; k++) m.Fill(t0 + 2000 + k * 9_000_000L, m.A0, Side.Buy, mid + 0.1, 1);
                continue;
            }
            int orders = 4 + rnd.Next(3);
            for (int k = 0; k < orders; k++)
                m.Order(t0 + (k + 1) * 100_000_000L, m.A0, rnd.Next(2) == 0 ? Side.Buy : Side.Sell,
                    Math.Round(mid + (rnd.NextDouble() - 0.5), 1), 1 + rnd.Next(3), id: id++);
            bool trendingNow = burst == Burst.Trending && s >= burstStart;
            if (burst == Burst.Crossing && s >= burstStart)
            {
                m.Fill(t0 + 850_000_000, m.A0, Side.Buy, mid + 0.1, crossingQty);  // lifts the ask
                m.Fill(t0 + 900_000_000, m.A0, Side.Sell, mid - 0.1, crossingQty); // hits the bid
                continue;
            }
            m.Fill(t0 + 850_000_000, m.A0, Side.Buy, mid - 0.1, 1);
            m.Fill(t0 + 900_000_000, m.A0, trendingNow ? Side.Buy : Side.Sell, trendingNow ? mid - 0.1 : mid + 0.1, 1);
        }
        return m.ToArray();
    }

    private static RunawayAlgorithmDetector NewDetector(RunawayAlgorithmOptions? o = null) => new(new BehaviourMarket().Context, o);

    [Fact]
    public void Observe_RunawayBurstAfterWarmup_RaisesOneCriticalOnTheAccount()
    {
        var sink = Run(NewDetector(), Stream(7, Burst.Runaway));
        var findings = sink.Findings;
        Assert.InRange(findings.Count, 1, 2);
        Assert.All(findings, f => Assert.Equal(Signature.RunawayAlgorithm, f.Signature));
        Assert.All(findings, f => Assert.Equal(Scope.Account, f.Scope));
        Assert.All(findings, f => Assert.Equal(0, f.Target));
        Assert.All(findings, f => Assert.InRange(f.TimeNs, 60 * S, 61 * S));
        Assert.Single(findings, f => f.Severity == Severity.Critical);
    }

    [Fact]
    public void Observe_TrendingDayAtNormalSpeed_StaysQuiet()
    {
        var sink = Run(NewDetector(), Stream(7, Burst.Trending, burstStart: 60, burstSeconds: 0, end: 400));
        Assert.Equal(0, sink.Count);
    }

    [Fact]
    public void Observe_CrossingTheSpreadWithSteadilyGrowingLoss_RaisesOneWarning()
    {
        // 50 lots a fill: a loss material against the account's learned daily range (1-lot crossing is not: see below).
        var f = Assert.Single(Run(NewDetector(), Stream(9, Burst.Crossing, burstStart: 60, burstSeconds: 0, end: 120, crossingQty: 50)).Findings);
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.InRange(f.TimeNs, 65 * S, 71 * S); // needs MinCrossingFills (20) crossing fills in the window
        Assert.InRange(f.Value1, 0.8, 1.0); // share of the window's fills that crossed
        Assert.True(f.Value2 < 0);   // PnL change over the window
    }

    [Fact]
    public void Observe_TrendingDayWithAccumulationRatioBelowOne_Fires()
    {
        // Control for the test above: the trending stream does accumulate one way; only the ratio to the account's
        // own usual flow (≈ 1×, default threshold 3×) keeps it quiet.
        var o = new RunawayAlgorithmOptions { AccumulationRatio = 0.5, MaterialDailyRangeFraction = 0 };
        var sink = Run(NewDetector(o), Stream(7, Burst.Trending, burstStart: 60, burstSeconds: 0, end: 400));
        Assert.True(sink.Count > 0);
    }

    [Theory]
    [MemberData(nameof(Origins), MemberType = typeof(BehaviourMarket))]
    public void Observe_SmallCrossingLossOnAQuietAccount_NotMaterial_MaterialOneRaises(long origin)
    {
        // 1 lot a fill: the crossing-loss pattern (abnormal) but a loss of a few dollars, far below a quarter of the account's
        // learned daily range of PnL change: no finding. Control: materiality off, the same stream raises.
        var small = Shift(Stream(9, Burst.Crossing, burstStart: 60, burstSeconds: 0, end: 120), origin);
        Assert.Equal(0, Run(NewDetector(), small).Count);
        Assert.Equal(1, Run(NewDetector(new RunawayAlgorithmOptions { MaterialDailyRangeFraction = 0 }), small).Count);
        var material = Shift(Stream(9, Burst.Crossing, burstStart: 60, burstSeconds: 0, end: 120, crossingQty: 50), origin);
        var f = Assert.Single(Run(NewDetector(), material).Findings);
        Assert.InRange(f.TimeNs - origin, 65 * S, 71 * S);
    }

    [Theory]
    [MemberData(nameof(Origins), MemberType = typeof(BehaviourMarket))]
    public void Observe_DailyLossLimitSet_MaterialityIsAFractionOfIt(long origin)
    {
        var m = new BehaviourMarket();
        var small = Shift(Stream(9, Burst.Crossing, burstStart: 60, burstSeconds: 0, end: 120), origin);
        var material = Shift(Stream(9, Burst.Crossing, burstStart: 60, burstSeconds: 0, end: 120, crossingQty: 50), origin);
        // A limit of 20: 5 % is 1, so the 1-lot loss is material; a limit of 1,000,000: 50,000, so not even the 50-lot one is.
        Assert.Equal(1, Run(new RunawayAlgorithmDetector(m.LimitedContext(20)), small).Count);
        Assert.Equal(0, Run(new RunawayAlgorithmDetector(m.LimitedContext(1_000_000)), material).Count);
    }

    [Fact]
    public void Observe_NormalQuotingForLong_StaysQuiet()
    {
        var sink = Run(NewDetector(), Stream(11, Burst.None, end: 600));
        Assert.Equal(0, sink.Count);
    }

    [Fact]
    public void Observe_RunawayBurstDuringWarmup_GivesNoVerdict()
    {
        var sink = Run(NewDetector(), Stream(7, Burst.Runaway, burstStart: 5, burstSeconds: 10, end: 20));
        Assert.Equal(0, sink.Count);
    }

    [Fact]
    public void Observe_QuantityTripTwoSeparateBursts_OneCriticalFindingPerBurst()
    {
        var o = new RunawayAlgorithmOptions { QuantityLimit = 30 };
        var sink = Run(NewDetector(o), Stream(3, Burst.FillsOnly, burstStart: 60, burstSeconds: 10, end: 260, secondBurstStart: 200));
        var findings = sink.Findings;
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(Severity.Critical, f.Severity));
        Assert.All(findings, f => Assert.Equal(FindingDetail.ValueOverLimit, f.Detail));
        Assert.InRange(findings[0].TimeNs, 60 * S, 61 * S);
        Assert.InRange(findings[1].TimeNs, 200 * S, 201 * S);
        Assert.True(findings[0].Value1 >= 30);
    }

    [Fact]
    public void Observe_QuantityTrip_FiresEvenBeforeWarmup()
    {
        var o = new RunawayAlgorithmOptions { QuantityLimit = 30 };
        var sink = Run(NewDetector(o), Stream(3, Burst.FillsOnly, burstStart: 5, burstSeconds: 3, end: 10));
        Assert.Equal(1, sink.Count);
        Assert.Equal(Severity.Critical, sink.Findings[0].Severity);
    }

    [Fact]
    public void Observe_SameStreamTwice_IdenticalFindings()
    {
        var first = Run(NewDetector(), Stream(21, Burst.Runaway)).Findings.Select(Key).ToArray();
        var second = Run(NewDetector(), Stream(21, Burst.Runaway)).Findings.Select(Key).ToArray();
        Assert.NotEmpty(first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Observe_AfterJitWarmup_AllocatesNothing_AndAllocatingSinkIsSeen()
    {
        var events = Stream(5, Burst.Runaway);
        Run(NewDetector(), events); // JIT every path
        var sink = new RecordingSink();
        Assert.Equal(0, AllocatedBytes(() => NewDetector(), events, sink));
        Assert.True(sink.Count > 0);
        Assert.True(AllocatedBytes(() => NewDetector(), events, new AllocatingSink()) > 0);
    }

    [Fact]
    public void Options_Invalid_ListsEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => new RunawayAlgorithmOptions { BucketWidth = TimeSpan.Zero, RateRatio = -1, WindowBuckets = 1 }.Validate());
        Assert.Contains("BucketWidth must be > 0", ex.Message);
        Assert.Contains("RateRatio", ex.Message);
        Assert.Contains("WindowBuckets", ex.Message);
    }

    [Fact]
    public void Options_Defaults_AreConservative()
    {
        var o = new RunawayAlgorithmOptions();
        Assert.Equal(TimeSpan.FromSeconds(1), o.BucketWidth);
        Assert.Equal(30, o.WarmupBuckets);
        Assert.Equal(10, o.RateRatio);
        Assert.Equal(double.PositiveInfinity, o.QuantityLimit);
        Assert.Equal(TimeSpan.FromSeconds(60), o.Cooldown);
    }

    [Fact]
    public void Observe_CheapOptionOrdersFewTicksThroughMid_NotOffMarket_ControlWithoutTickFloorFires()
    {
        InstrumentId opt = default;
        var m = new BehaviourMarket(r => opt = r.AddInstrument("ETH-3200-C", InstrumentKind.Option, 0.1, 0.1, underlying: "ETH", strike: 3200));
        m.Quote(0, 0.2, 0.4, instrument: opt);
        // A taker lifting a 0.3 premium at 0.5: 67 % through the mid, but 2 ticks: the spread of a cheap option, not a broken pricer.
        for (int k = 0; k < 5; k++) m.Order(S + k * S, m.A0, Side.Buy, 0.5, 1, id: k + 1, instrument: opt);
        var events = m.ToArray();
        Assert.Equal(0, Run(new RunawayAlgorithmDetector(m.Context), events).Count);
        Assert.True(Run(new RunawayAlgorithmDetector(m.Context, new RunawayAlgorithmOptions { OffMarketMinTicks = 0 }), events).Count > 0);
    }

    [Fact]
    public void Observe_PositionFlipBurstOfFilledOrders_AtMostWarning()
    {
        // Funding time: after a quiet warm-up the account sends 20 aggressive sells in 0.6 s, each filled (orders = fills):
        // 10 × its usual rate of orders and of fills, one piece of evidence, not two.
        var m = new BehaviourMarket();
        long id = 1;
        for (long s = 0; s < 60; s++)
        {
            m.Quote(s * S, 99.9, 100.1);
            m.Order(s * S + 1000, m.A0, s % 2 == 0 ? Side.Buy : Side.Sell, 100, 1, id: id);
            m.Fill(s * S + 2000, m.A0, s % 2 == 0 ? Side.Buy : Side.Sell, 100, 1);
            id++;
        }
        for (int k = 0; k < 20; k++)
        {
            long t = 60 * S + k * 30_000_000L;
            m.Order(t, m.A0, Side.Sell, 99.9, 1, id: id++);
            m.Fill(t + 1000, m.A0, Side.Sell, 99.9, 1);
        }
        var findings = Run(NewDetector(), m.ToArray()).Findings;
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Equal(Severity.Warning, f.Severity));
    }
}
