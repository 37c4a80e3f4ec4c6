using static CircuitBreaker.Tests.Support.BehaviourMarket;

namespace CircuitBreaker.Tests.Detectors;

/// <summary>Rules added so the drills' attacks are seen by the signature designed for them (docs/detection.md).</summary>
public sealed class AlignmentTests
{
    private static RiskEvent[] OrdersAt(double offsetPct, int orders)
    {
        var m = new BehaviourMarket();
        for (int k = 0; k < 20; k++) m.Quote(k * S / 2, 99.9, 100.1);
        for (int k = 0; k < orders; k++) m.Order(10 * S + k * 2 * S, m.A1, Side.Buy, 100 * (1 + offsetPct / 100), 30, id: k + 1);
        return m.ToArray();
    }

    [Fact]
    public void RunawayObserve_ColdAccountSendsOrdersFifteenPercentThroughTheMid_RaisesOffMarketWarning()
    {
        var f = Assert.Single(Run(new RunawayAlgorithmDetector(new BehaviourMarket().Context), OrdersAt(15, 5)).Findings);
        Assert.Equal((Signature.RunawayAlgorithm, Scope.Account, 1, Severity.Warning), (f.Signature, f.Scope, f.Target, f.Severity));
        Assert.Equal(3, f.Value1);
    }

    [Theory]
    [InlineData(4, 5)]   // a fat finger's 4 % is not off-market
    [InlineData(15, 2)]  // two orders are not a pattern
    public void RunawayObserve_OrdersNearTheMarketOrTooFew_RaisesNothing(double offsetPct, int orders)
        => Assert.Empty(Run(new RunawayAlgorithmDetector(new BehaviourMarket().Context), OrdersAt(offsetPct, orders)).Findings);

    /// <summary>Pool 3 has LP churn (accounts 0 and 2 withdraw 1,000 every 10 s), then a fresh account drains it.</summary>
    private static RiskEvent[] PoolStream(double drainChunk, int drainChunks)
    {
        var m = new BehaviourMarket();
        long t = 0;
        for (int k = 0; k < 20; k++)
        {
            m.Add(RiskEvent.Chain(t += 5 * S, ChainEventKind.Deposit, 0, 1_000, k % 2 == 0 ? m.A0 : m.A2, pool: 3));
            m.Add(RiskEvent.Chain(t += 5 * S, ChainEventKind.Withdraw, 0, 1_000, k % 2 == 0 ? m.A2 : m.A0, pool: 3));
        }
        for (int k = 0; k < drainChunks; k++) m.Add(RiskEvent.Chain(t += S / 2, ChainEventKind.Withdraw, 0, drainChunk, m.A1, pool: 3));
        return m.ToArray();
    }

    [Fact]
    public void DrainObserve_FreshAccountEmptiesAPoolWithChurn_RaisesCriticalOnThePoolAsset()
    {
        var findings = Run(new DrainDetector(new BehaviourMarket().Context), PoolStream(250_000, 4)).Findings;
        Assert.Contains(findings, f => f is { Signature: Signature.Drain, Scope: Scope.Instrument, Severity: Severity.Critical });
        Assert.DoesNotContain(findings, f => f.Scope == Scope.Account); // the fresh account has no baseline of its own
    }

    [Fact]
    public void DrainObserve_PoolChurnOnly_RaisesNothing()
        => Assert.Empty(Run(new DrainDetector(new BehaviourMarket().Context), PoolStream(1_000, 4)).Findings);

    [Fact]
    public void DrainObserve_PoolCheckOff_FreshAccountDrainUnseen()
        => Assert.Empty(Run(new DrainDetector(new BehaviourMarket().Context, new DrainOptions { MaxPools = 0 }), PoolStream(250_000, 4)).Findings);
}
