using static CircuitBreaker.Tests.Support.BehaviourMarket;

namespace CircuitBreaker.Tests.Detectors;

public sealed class LossVelocityDetectorTests
{
    /// <summary>
    /// Account 0 buys 10 BTC-PERP at 100 at t = 0; trades every 100 ms on a random walk. From
    /// <paramref name="crashStart"/> the price falls <paramref name="crashPct"/> % over <paramref name="crashSteps"/> steps.
    /// </summary>
    private static RiskEvent[] Stream(int seed, long end, long crashStart = -1, double crashPct = 0, int crashSteps = 1, double drift = 0)
    {
        var m = new BehaviourMarket();
        var rnd = new Random(seed);
        double px = 100;
        m.Fill(0, m.A0, Side.Buy, 100, 10);
        int crashed = 0;
        for (long step = 1; step < end * 10; step++)
        {
            long t = step * (S / 10);
            if (crashStart >= 0 && t >= crashStart * S && crashed < crashSteps)
            {
                px -= 100 * crashPct / 100 / crashSteps;
                crashed++;
            }
            else px += (rnd.NextDouble() - 0.5) * 0.04 + drift;
            m.Add(RiskEvent.Trade(t, m.Btc, Math.Round(px, 1), 0.01));
        }
        return m.ToArray();
    }

    private static LossVelocityDetector NewDetector(LossVelocityOptions? o = null) => new(new BehaviourMarket().Context, o);

    [Fact]
    public void Observe_CrashOverFiveSeconds_RaisesCriticalOnAccount_GroupOnlyWarnsOnOneAccountsLoss()
    {
        var findings = Run(NewDetector(), Stream(1, 150, crashStart: 120, crashPct: 15, crashSteps: 50)).Findings;
        var account = findings.Where(f => f.Scope == Scope.Account).ToArray();
        var group = findings.Where(f => f.Scope == Scope.Group).ToArray();
        Assert.Single(account, f => f.Severity == Severity.Critical);
        // One account's loss is not group-level evidence (GroupMinAccounts = 2): the group warns, it is not Critical.
        Assert.NotEmpty(group);
        Assert.All(group, f => Assert.Equal(Severity.Warning, f.Severity));
        Assert.InRange(account.Length, 1, 2);
        Assert.All(findings, f => Assert.InRange(f.TimeNs, 120 * S, 126 * S));
        Assert.Equal(0, account[0].Target);
        // Control: with one account enough for group evidence the same stream makes the group Critical.
        var single = Run(NewDetector(new LossVelocityOptions { GroupMinAccounts = 1 }), Stream(1, 150, crashStart: 120, crashPct: 15, crashSteps: 50)).Findings;
        Assert.Single(single, f => f.Scope == Scope.Group && f.Severity == Severity.Critical);
    }

    [Fact]
    public void Observe_TwoAccountsLosingTogether_GroupCritical()
    {
        var m = new BehaviourMarket();
        var rnd = new Random(11);
        double px = 100;
        m.Fill(0, m.A0, Side.Buy, 100, 10);
        m.Fill(0, m.A1, Side.Buy, 100, 10);
        int crashed = 0;
        for (long step = 1; step < 1500; step++)
        {
            long t = step * (S / 10);
            if (t >= 120 * S && crashed < 50) { px -= 0.3; crashed++; }
            else px += (rnd.NextDouble() - 0.5) * 0.04;
            m.Add(RiskEvent.Trade(t, m.Btc, Math.Round(px, 1), 0.01));
        }
        var findings = Run(NewDetector(), m.ToArray()).Findings;
        Assert.Equal(2, findings.Count(f => f.Scope == Scope.Account && f.Severity == Severity.Critical));
        Assert.Single(findings, f => f.Scope == Scope.Group && f.Severity == Severity.Critical);
    }

    [Fact]
    public void Observe_QuietAccountsFirstOrdinaryLoss_IsImmaterial()
    {
        // A quiet account (tiny per-second swing) takes one ordinary 0.5 % gap: many times its swing, a small part of
        // its typical daily range. Without materiality (fraction 0) the same stream is a finding.
        var events = Stream(12, 200, crashStart: 150, crashPct: 0.5, crashSteps: 1);
        Assert.Equal(0, Run(NewDetector(), events).Count);
        Assert.True(Run(NewDetector(new LossVelocityOptions { MaterialDailyRangeFraction = 0, PerGroup = false }), events).Count > 0);
    }

    [Theory]
    [MemberData(nameof(Origins), MemberType = typeof(BehaviourMarket))]
    public void Observe_SmallFastLossOnAQuietAccount_NotMaterial_MaterialOneRaises(long origin)
    {
        // 1 % in 0.5 s on 10 lots: $10, many times the per-second swing (abnormal; the control with materiality off
        // raises) but a small part of the learned daily range: no finding. 15 % ($150) is material.
        var small = Shift(Stream(1, 150, crashStart: 120, crashPct: 1, crashSteps: 5), origin);
        Assert.Equal(0, Run(NewDetector(new LossVelocityOptions { PerGroup = false }), small).Count);
        Assert.True(Run(NewDetector(new LossVelocityOptions { PerGroup = false, MaterialDailyRangeFraction = 0 }), small).Count > 0);
        var material = Shift(Stream(1, 150, crashStart: 120, crashPct: 15, crashSteps: 50), origin);
        Assert.True(Run(NewDetector(new LossVelocityOptions { PerGroup = false }), material).Count > 0);
    }

    [Theory]
    [MemberData(nameof(Origins), MemberType = typeof(BehaviourMarket))]
    public void Observe_DailyLossLimitSet_MaterialityIsAFractionOfIt(long origin)
    {
        var config = new CircuitBreakerBuilder()
            .Instrument("BTC-PERP", InstrumentKind.Perpetual, 0.1, 0.001, underlying: "BTC")
            .Instrument("ETH-PERP", InstrumentKind.Perpetual, 0.01, 0.01, underlying: "ETH")
            .Account("acct-0", new AccountLimits { MaxDailyLoss = 1_000_000 })
            .BuildConfig();
        var events = Shift(Stream(1, 150, crashStart: 120, crashPct: 15, crashSteps: 50), origin);
        // $150 lost: material against the learned daily range, but 0.015 % of a 1,000,000 daily-loss limit (floor 5 %).
        var limited = new LossVelocityDetector(new DetectorContext(config.Registry) { Limits = config }, new LossVelocityOptions { PerGroup = false });
        Assert.Equal(0, Run(limited, events).Count);
        Assert.True(Run(NewDetector(new LossVelocityOptions { PerGroup = false }), events).Count > 0);
        Assert.Equal(1_000_000, new DetectorContext(config.Registry) { Limits = config }.MaxDailyLoss(0));
        Assert.Equal(double.PositiveInfinity, new DetectorContext(config.Registry).MaxDailyLoss(0));
    }

    [Fact]
    public void Observe_SingleGap_ExactlyOneFindingPerScope()
    {
        var findings = Run(NewDetector(), Stream(2, 200, crashStart: 120, crashPct: 10, crashSteps: 1)).Findings;
        Assert.Equal(2, findings.Count);
        Assert.Single(findings, f => f.Scope == Scope.Account);
        Assert.Single(findings, f => f.Scope == Scope.Group);
    }

    [Fact]
    public void Observe_NormalVolatility_StaysQuiet()
    {
        Assert.Equal(0, Run(NewDetector(), Stream(3, 900)).Count);
    }

    [Fact]
    public void Observe_SlowSteadyLosingDay_StaysQuiet()
    {
        // Loses ~0.5 % per minute, steadily, at the account's normal speed of swings.
        Assert.Equal(0, Run(NewDetector(), Stream(4, 600, drift: -0.0008)).Count);
    }

    [Fact]
    public void Observe_CrashDuringWarmup_GivesNoVerdict_UnlessAbsoluteFloorSet()
    {
        var events = Stream(5, 20, crashStart: 10, crashPct: 15, crashSteps: 10);
        Assert.Equal(0, Run(NewDetector(), events).Count);
        var withFloor = Run(NewDetector(new LossVelocityOptions { CriticalDrawdown = 100, PerGroup = false }), events).Findings;
        var f = Assert.Single(withFloor);
        Assert.Equal(Severity.Critical, f.Severity);
        Assert.Equal(FindingDetail.ValueOverLimit, f.Detail);
        Assert.True(f.Value1 >= 100);
    }

    [Fact]
    public void Observe_SameStreamTwice_IdenticalFindings()
    {
        var a = Run(NewDetector(), Stream(6, 150, 120, 15, 50)).Findings.Select(Key).ToArray();
        var b = Run(NewDetector(), Stream(6, 150, 120, 15, 50)).Findings.Select(Key).ToArray();
        Assert.NotEmpty(a);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Observe_AfterJitWarmup_AllocatesNothing_AndAllocatingSinkIsSeen()
    {
        var events = Stream(7, 150, 120, 15, 50);
        Run(NewDetector(), events);
        var sink = new RecordingSink();
        Assert.Equal(0, AllocatedBytes(() => NewDetector(), events, sink));
        Assert.True(sink.Count > 0);
        Assert.True(AllocatedBytes(() => NewDetector(), events, new AllocatingSink()) > 0);
    }

    [Fact]
    public void Options_Invalid_ListsEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => new LossVelocityOptions
        {
            SwingRatio = 10, CriticalSwingRatio = 5, MinDrawdown = -1, MaterialDailyLossFraction = 2, MaterialDailyRangeFraction = double.NaN,
            ScaleAlpha = 0, GroupMinAccounts = 0, Day = TimeSpan.FromMilliseconds(1),
        }.Validate());
        foreach (var name in new[] { "CriticalSwingRatio", "MinDrawdown", "MaterialDailyLossFraction", "MaterialDailyRangeFraction", "ScaleAlpha", "GroupMinAccounts", "Day" })
            Assert.Contains(name, ex.Message);
    }
}
