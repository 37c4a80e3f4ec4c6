namespace CircuitBreaker.Tests.Detectors;

/// <summary>Options validate up front and report every problem in one message; bad events are ignored, never a crash.</summary>
public sealed class DetectorOptionsTests
{
    [Fact]
    public void VolumeSpikeOptions_SeveralBadValues_AllReportedInOneMessage()
    {
        var o = new VolumeSpikeOptions { Window = TimeSpan.Zero, WarningRatio = 200, Cooldown = TimeSpan.FromTicks(-1) };
        var ex = Assert.Throws<ArgumentException>(() => o.Validate());
        Assert.Contains("Window must be > 0", ex.Message);
        Assert.Contains("CriticalRatio", ex.Message);
        Assert.Contains("Cooldown must be ≥ 0", ex.Message);
    }

    [Fact]
    public void DurationOptions_BeyondEventTimeRange_RejectedNotOverflowed()
    {
        // A TimeSpan of more than ~29 247 years has no int64 nanosecond value: it must be an error, not a wrapped
        // (negative) window or cooldown.
        var ex = Assert.Throws<ArgumentException>(() => new PriceVelocityOptions { Window = TimeSpan.MaxValue, Cooldown = TimeSpan.MaxValue }.Validate());
        Assert.Contains("Window must be > 0 and at most", ex.Message);
        Assert.Contains("Cooldown must be ≥ 0 and at most", ex.Message);
        var drain = Assert.Throws<ArgumentException>(() => new DrainOptions { BucketWidth = TimeSpan.MaxValue, Cooldown = TimeSpan.MinValue }.Validate());
        Assert.Contains("BucketWidth must be > 0", drain.Message);
        Assert.Contains("Cooldown must be ≥ 0", drain.Message);
    }

    [Fact]
    public void DurationOptions_ConvertOnceToEventTimeNanoseconds()
    {
        Assert.Equal(long.MaxValue / 100 * 100, EventTimeSpan.ToNs(EventTimeSpan.Max));
        Assert.Equal(2_000_000_000L, EventTimeSpan.ToNs(new PriceVelocityOptions().Window));
        Assert.Equal(1_500L, EventTimeSpan.ToNs(TimeSpan.FromTicks(15)));
        Assert.Equal(long.MaxValue, EventTimeSpan.ToNs(TimeSpan.MaxValue));
    }

    [Fact]
    public void BehaviourOptions_InfiniteRatioOrThreshold_RejectedLikeMarketOptions()
    {
        // One rule set: +infinity is not a positive threshold (it silently disabled the signal); only options that say
        // "+infinity disables" accept it.
        var runaway = Assert.Throws<ArgumentException>(() => new RunawayAlgorithmOptions { RateRatio = double.PositiveInfinity, OffMarketPct = double.PositiveInfinity }.Validate());
        Assert.Contains("RateRatio must be finite and > 0", runaway.Message);
        Assert.Contains("OffMarketPct must be finite and > 0", runaway.Message);
        var drain = Assert.Throws<ArgumentException>(() => new DrainOptions { Ratio = double.PositiveInfinity, CriticalRatio = double.PositiveInfinity }.Validate());
        Assert.Contains("Ratio must be finite and > 0", drain.Message);
        Assert.Throws<ArgumentException>(() => new QuoteStuffingOptions { RateRatio = double.PositiveInfinity, CriticalRateRatio = double.PositiveInfinity }.Validate());
        Assert.Throws<ArgumentException>(() => new FlashLoanOptions { MoveBps = double.PositiveInfinity }.Validate());
        Assert.Throws<ArgumentException>(() => new VolumeSpikeOptions { MinRelativeStdDev = double.PositiveInfinity }.Validate());

        new RunawayAlgorithmOptions { QuantityLimit = double.PositiveInfinity, DeltaLimit = double.PositiveInfinity }.Validate();
        new ProductRiskOptions { MaxAbsDelta = double.PositiveInfinity }.Validate();
        var nan = Assert.Throws<ArgumentException>(() => new LossVelocityOptions { CriticalDrawdown = double.NaN }.Validate());
        Assert.Contains("CriticalDrawdown must be > 0, or +infinity to disable", nan.Message);
    }

    [Fact]
    public void PriceVelocityOptions_NoSource_Rejected()
    {
        var ctx = SyntheticMarket.Registry().Context;
        var ex = Assert.Throws<ArgumentException>(() => new PriceVelocityDetector(ctx, new PriceVelocityOptions { UseTrades = false, UseQuoteMids = false, UseOracle = false }));
        Assert.Contains("price source", ex.Message);
    }

    [Fact]
    public void OracleOptions_CriticalBelowWarning_Rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => new OracleOptions { JumpCriticalPct = 5, CrossSourceCriticalPct = 1 }.Validate());
        Assert.Contains("JumpCriticalPct", ex.Message);
        Assert.Contains("CrossSourceCriticalPct", ex.Message);
    }

    [Fact]
    public void LiquidityAndMlOptions_BadValues_Rejected()
    {
        Assert.Throws<ArgumentException>(() => new LiquidityCollapseOptions { RearmFraction = 2 }.Validate());
        Assert.Throws<ArgumentException>(() => new MlAnomalyOptions { Depth = 40 }.Validate());
        Assert.Throws<ArgumentException>(() => new HalfSpaceTreesOptions { Dimensions = 0 }.Validate());
    }

    [Fact]
    public void Defaults_AreTheDocumentedValues()
    {
        var v = new VolumeSpikeOptions();
        Assert.Equal((TimeSpan.FromSeconds(1), 10.0, 100.0), (v.Window, v.WarningRatio, v.CriticalRatio));
        var p = new PriceVelocityOptions();
        Assert.Equal((TimeSpan.FromSeconds(2), 150.0, 500.0), (p.Window, p.WarningBandBps, p.CriticalBandBps));
        var o = new OracleOptions();
        Assert.Equal((50.0, 5.0, TimeSpan.FromSeconds(60)), (o.JumpCriticalPct, o.CrossSourceCriticalPct, o.StaleAfter));
        var h = new HalfSpaceTreesOptions();
        Assert.Equal((25, 10, 250), (h.Trees, h.Depth, h.WindowSize));
    }

    [Fact]
    public void Observe_BadEvents_IgnoredAndCounted()
    {
        var ctx = SyntheticMarket.Registry().Context;
        var volume = new VolumeSpikeDetector(ctx);
        var velocity = new PriceVelocityDetector(ctx);
        var oracle = new OracleDetector(ctx);
        var liquidity = new LiquidityCollapseDetector(ctx);
        var ml = new MlAnomalyDetector(ctx);
        var bad = new[]
        {
            RiskEvent.Trade(1, new InstrumentId(0), double.NaN, -1),
            RiskEvent.Trade(2, new InstrumentId(99), 100, 1),
            RiskEvent.Quote(3, new InstrumentId(0), 101, 100, 1, 1),
            RiskEvent.Oracle(4, new InstrumentId(0), -5),
            RiskEvent.Oracle(5, new InstrumentId(0), 100, source: 999),
            RiskEvent.Quote(6, new InstrumentId(-1), 100, 101),
        };
        var sink = new FindingCounter();
        foreach (var d in new IDetector[] { volume, velocity, oracle, liquidity, ml })
            foreach (var e in bad) d.Observe(in e, sink);
        Assert.Equal(0, sink.Count);
        Assert.Equal(2, volume.IgnoredEvents);
        Assert.Equal(5, velocity.IgnoredEvents);
        Assert.Equal(4, oracle.IgnoredEvents);
        Assert.Equal(2, liquidity.IgnoredEvents);
        Assert.Equal(2, ml.IgnoredEvents);
    }
}
