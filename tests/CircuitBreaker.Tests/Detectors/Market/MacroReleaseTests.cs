namespace CircuitBreaker.Tests.Detectors;

/// <summary>A benign volatile market (macro release) must never produce a Critical finding with default options.</summary>
public sealed class MacroReleaseTests
{
    public static TheoryData<ulong> Seeds() => new() { 1, 2, 3, 4, 5 };

    private static IDetector[] Market(DetectorContext c) => new IDetector[]
    {
        new VolumeSpikeDetector(c), new PriceVelocityDetector(c), new OracleDetector(c), new LiquidityCollapseDetector(c), new MlAnomalyDetector(c),
    };

    [Theory, MemberData(nameof(Seeds))]
    public void Observe_MacroRelease_NoCriticalFinding(ulong seed)
    {
        var events = new SyntheticMarket { Seed = seed, MacroAtS = 150 }.Build();
        var ctx = SyntheticMarket.Registry().Context;
        var found = Market(ctx).SelectMany(d => DetectorReplay.Run(d, events)).ToList();
        Assert.DoesNotContain(found, f => f.Severity == Severity.Critical);
    }

    [Fact]
    public void Observe_MacroReleaseTurnedIntoCrash_CriticalFinding()
    {
        // Control: the same tape with a crash on top must produce a Critical finding, so the test above can fail.
        var events = new SyntheticMarket { Seed = 1, MacroAtS = 150, CrashAtS = 152, CrashPct = 10 }.Build();
        var ctx = SyntheticMarket.Registry().Context;
        var found = Market(ctx).SelectMany(d => DetectorReplay.Run(d, events)).ToList();
        Assert.Contains(found, f => f.Severity == Severity.Critical && f.Signature == Signature.PriceVelocity);
    }

    [Fact]
    public void Observe_MlDetectorOnAnyAttack_NeverCritical()
    {
        var events = new SyntheticMarket { CrashAtS = 150, CrashPct = 30, CollapseAtS = 150, VolumeSpikeAtS = 150, VolumeSpikeFactor = 1000 }.Build();
        var found = DetectorReplay.Run(new MlAnomalyDetector(SyntheticMarket.Registry().Context), events);
        Assert.NotEmpty(found);
        Assert.All(found, f => Assert.Equal(Severity.Warning, f.Severity));
    }
}
