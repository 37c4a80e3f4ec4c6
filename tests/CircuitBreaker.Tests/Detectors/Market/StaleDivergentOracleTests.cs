using CircuitBreaker.Drills;

namespace CircuitBreaker.Tests.Detectors;

/// <summary>
/// Issue 19 item 3: a stale oracle far from the market is Critical for the oracle's group within seconds of the gap
/// becoming material, whatever its age (the drill's <c>stale-oracle</c> scenario: index frozen, perp −7 % over 120 s
/// from 90 s after the freeze; the gap passes 3 % about 51 s into the fall, 141 s after the attack start).
/// </summary>
public class StaleDivergentOracleTests
{
    private const long S = 1_000_000_000;

    private static DrillScore Score(bool staleDivergent) => DrillRunner.Run(Drill.Find("stale-oracle")!, 1, new ReplayOptions
    {
        Detectors = ctx => DefaultDetectors.Create(ctx).Select(d => d is OracleDetector
            ? new OracleDetector(ctx, new OracleOptions { StaleDivergentCritical = staleDivergent }) : d),
    });

    [Fact]
    public void StaleOracleScenario_CriticalDeviationAndGroupHaltWithinSecondsOfMaterialGap()
    {
        var score = Score(staleDivergent: true);
        Assert.True(score.Detected);
        var report = score.On.Report;
        long start = score.Scenario.AttackStartNs;
        var critical = report.Findings.First(f => f.Signature == "OracleDeviation" && f.Severity == Severity.Critical);
        // During the fall (from 90 s), by the 3 % point of the fall alone (~141 s; the random walk before it may add to the gap),
        // with the oracle long stale (it froze at 0 s).
        Assert.InRange(critical.T - start, 90 * S, 142 * S);
        Assert.True(critical.Score >= 1);
        var halt = report.Trips.First(t => t.Scope == Scope.Group && t.Target == "ORC" && t.State == TradingState.Halted);
        Assert.InRange(halt.T - critical.T, 0, S);
        Assert.True(score.LossAvoided > 0);
    }

    [Fact]
    public void Control_StaleOracleSkipped_NoCriticalDeviation()
    {
        var report = Score(staleDivergent: false).On.Report;
        Assert.DoesNotContain(report.Findings, f => f.Signature == "OracleDeviation" && f.Severity == Severity.Critical);
    }
}
