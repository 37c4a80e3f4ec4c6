using static CircuitBreaker.Tests.Support.BehaviourMarket;

namespace CircuitBreaker.Tests.Detectors;

/// <summary>Issue 19 (miss 6): spread widening is judged in ticks as well as bps, so a ×30 widening of a sub-bps book counts.</summary>
public sealed class LiquiditySpreadTicksTests
{
    /// <summary>BTC-PERP (tick 0.1) at 64,000 quoted one tick wide (0.016 bps) for 120 s, then 30 ticks wide for 3 s, same depth.</summary>
    private static RiskEvent[] Stream()
    {
        var m = new BehaviourMarket();
        for (long step = 1; step < 1230; step++)
        {
            long t = step * (S / 10);
            double half = step >= 1200 ? 1.5 : 0.05;
            m.Add(RiskEvent.Quote(t, m.Btc, 64_000 - half, 64_000 + half, 5, 5));
        }
        return m.ToArray();
    }

    [Fact]
    public void SubBpsBookWidensThirtyTimes_IsAFinding_ControlWithBpsFloorOnlyIsNot()
    {
        var events = Stream();
        var findings = Run(new LiquidityCollapseDetector(new BehaviourMarket().Context), events).Findings;
        var f = Assert.Single(findings);
        Assert.Equal(Signature.LiquidityCollapse, f.Signature);
        Assert.InRange(f.TimeNs, 120 * S, 121 * S);
        Assert.Equal(0, Run(new LiquidityCollapseDetector(new BehaviourMarket().Context,
            new LiquidityCollapseOptions { MinBaselineSpreadTicks = double.PositiveInfinity }), events).Count);
    }
}
