namespace CircuitBreaker.Tests.Detectors;

/// <summary>
/// The detector contract, checked for every market signature and the ML detector on seeded synthetic tapes:
/// fires on its pattern, quiet on the benign twin, silent during warm-up, one finding per episode (plus at most
/// one escalation), deterministic, and allocation-free after warm-up.
/// </summary>
public sealed class MarketDetectorContractTests
{
    internal sealed record Case(string Name, Func<DetectorContext, IDetector> Create, Signature Signature, SyntheticMarket Attack,
        Severity[] Expected, SyntheticMarket DuringWarmup)
    {
        public override string ToString() => Name;
    }

    private static readonly SyntheticMarket Base = new();

    private static readonly Case[] All =
    {
        new("volume", c => new VolumeSpikeDetector(c), Signature.VolumeSpike,
            Base with { VolumeSpikeAtS = 150 }, new[] { Severity.Warning },
            Base with { VolumeSpikeAtS = 3, DurationS = 25 }),
        new("volume-extreme", c => new VolumeSpikeDetector(c), Signature.VolumeSpike,
            Base with { VolumeSpikeAtS = 150, VolumeSpikeFactor = 400 }, new[] { Severity.Warning, Severity.Critical },
            Base with { VolumeSpikeAtS = 3, VolumeSpikeFactor = 400, DurationS = 25 }),
        new("velocity", c => new PriceVelocityDetector(c), Signature.PriceVelocity,
            Base with { CrashAtS = 150, CrashPct = 10 }, new[] { Severity.Warning, Severity.Critical },
            Base with { CrashAtS = 3, CrashPct = 10, DurationS = 25 }),
        new("liquidity", c => new LiquidityCollapseDetector(c), Signature.LiquidityCollapse,
            Base with { CollapseAtS = 150 }, new[] { Severity.Warning, Severity.Critical },
            Base with { CollapseAtS = 3, DurationS = 25 }),
        new("oracle-jump", c => new OracleDetector(c), Signature.OracleJump,
            Base with { OracleJumpAtS = 150 }, new[] { Severity.Critical },
            Base with { OracleJumpAtS = 3, DurationS = 25 }),
        new("oracle-cross", c => new OracleDetector(c), Signature.OracleCrossSource,
            Base with { OracleJumpAtS = 150 }, new[] { Severity.Critical },
            Base with { OracleJumpAtS = 3, DurationS = 25 }),
        new("oracle-deviation", c => new OracleDetector(c), Signature.OracleDeviation,
            Base with { OracleJumpAtS = 150 }, new[] { Severity.Critical },
            Base with { OracleJumpAtS = 3, DurationS = 25 }),
        new("oracle-stale", c => new OracleDetector(c), Signature.OracleStale,
            Base with { OracleFreezeAtS = 120 }, new[] { Severity.Warning },
            Base with { OracleFreezeAtS = 3, DurationS = 100 }),
        new("ml", c => new MlAnomalyDetector(c), Signature.MlAnomaly,
            Base with { CrashAtS = 150, CrashPct = 10, CollapseAtS = 150, VolumeSpikeAtS = 150 }, new[] { Severity.Warning },
            Base with { CrashAtS = 3, CrashPct = 10, CollapseAtS = 3, VolumeSpikeAtS = 3, DurationS = 25 }),
    };

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in All) data.Add(c.Name);
        return data;
    }

    private static Case Get(string name) => All.Single(c => c.Name == name);

    private static List<Finding> Run(Case c, SyntheticMarket m)
    {
        var ctx = SyntheticMarket.Registry().Context;
        return DetectorReplay.Run(c.Create(ctx), m.Build()).Where(f => f.Signature == c.Signature).ToList();
    }

    [Theory, MemberData(nameof(Cases))]
    public void Observe_AttackAfterWarmup_OneFindingPerEpisodeWithExpectedSeverities(string name)
    {
        var c = Get(name);
        var found = Run(c, c.Attack);
        Assert.True(c.Expected.SequenceEqual(found.Select(f => f.Severity)),
            $"expected [{string.Join(", ", c.Expected)}], got {found.Count}: {DetectorReplay.Describe(found)}");
        Assert.All(found, f => Assert.Equal(new InstrumentId(0).Value, f.Target));
        Assert.All(found, f => Assert.True(f.FirstAnomalousTimeNs <= f.TimeNs));
    }

    [Theory, MemberData(nameof(Cases))]
    public void Observe_AttackAfterWarmup_FindingFollowsAttackStart(string name)
    {
        var c = Get(name);
        double at = new[] { c.Attack.VolumeSpikeAtS, c.Attack.CrashAtS, c.Attack.CollapseAtS, c.Attack.OracleJumpAtS, c.Attack.OracleFreezeAtS }
            .Where(x => !double.IsNaN(x)).Min();
        var first = Assert.Single(Run(c, c.Attack).Take(1));
        double atNs = 1e9 + at * 1e9;
        Assert.InRange(first.TimeNs, atNs, atNs + 70e9);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Observe_BenignTwin_NoFinding(string name)
    {
        var c = Get(name);
        var found = Run(c, c.Attack.Benign());
        Assert.True(found.Count == 0, DetectorReplay.Describe(found));
    }

    [Theory, MemberData(nameof(Cases))]
    public void Observe_AttackDuringWarmup_NoVerdict(string name)
    {
        var c = Get(name);
        var found = Run(c, c.DuringWarmup);
        Assert.True(found.Count == 0, DetectorReplay.Describe(found));
    }

    [Theory, MemberData(nameof(Cases))]
    public void Observe_SameStreamTwice_BitIdenticalFindings(string name)
    {
        var c = Get(name);
        var a = Run(c, c.Attack);
        var b = Run(c, c.Attack);
        Assert.NotEmpty(a);
        Assert.Equal(a.Count, b.Count);
        for (int k = 0; k < a.Count; k++)
        {
            Assert.Equal((a[k].TimeNs, a[k].FirstAnomalousTimeNs, a[k].Signature, a[k].Severity, a[k].Target, a[k].Detail),
                (b[k].TimeNs, b[k].FirstAnomalousTimeNs, b[k].Signature, b[k].Severity, b[k].Target, b[k].Detail));
            Assert.Equal(BitConverter.DoubleToInt64Bits(a[k].Score), BitConverter.DoubleToInt64Bits(b[k].Score));
            Assert.Equal(BitConverter.DoubleToInt64Bits(a[k].Value1), BitConverter.DoubleToInt64Bits(b[k].Value1));
            Assert.Equal(BitConverter.DoubleToInt64Bits(a[k].Value2), BitConverter.DoubleToInt64Bits(b[k].Value2));
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Observe_AfterWarmup_AllocatesNothing(string name)
    {
        var c = Get(name);
        var events = c.Attack.Build();
        int from = Array.FindIndex(events, e => e.TimeNs >= 101_000_000_000);
        var ctx = SyntheticMarket.Registry().Context;
        DetectorReplay.AllocatedAfterWarmup(c.Create(ctx), events, from, new FindingCounter()); // JIT every path once
        var counter = new FindingCounter();
        DetectorReplay.AllocatedAfterWarmup(c.Create(ctx), events, from, counter);
        Assert.True(counter.Count > 0, "the measured part must raise findings");

        long bytes = DetectorReplay.MinAllocatedAfterWarmup(() => c.Create(ctx), events, from, () => new FindingCounter());

        Assert.Equal(0, bytes);
    }

    [Theory, MemberData(nameof(Cases))]
    public void Observe_ControlSinkThatFormats_AllocationIsSeen(string name)
    {
        var c = Get(name);
        var events = c.Attack.Build();
        int from = Array.FindIndex(events, e => e.TimeNs >= 101_000_000_000);
        var ctx = SyntheticMarket.Registry().Context;
        DetectorReplay.AllocatedAfterWarmup(c.Create(ctx), events, from, new FormattingSink());

        long bytes = DetectorReplay.MinAllocatedAfterWarmup(() => c.Create(ctx), events, from, () => new FormattingSink());

        Assert.True(bytes > 0, "the harness must see an allocating sink");
    }
}
