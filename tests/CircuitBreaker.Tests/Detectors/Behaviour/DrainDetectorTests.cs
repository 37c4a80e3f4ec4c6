using static CircuitBreaker.Tests.Support.BehaviourMarket;

namespace CircuitBreaker.Tests.Detectors;

public sealed class DrainDetectorTests
{
    /// <summary>
    /// Account 0 deposits and withdraws 80..120 of asset 0 every 60 s for <paramref name="cycles"/> cycles; then
    /// <paramref name="drainChunks"/> withdrawals of <paramref name="chunk"/> 1 s apart; optionally a fill just before.
    /// </summary>
    private static RiskEvent[] Stream(int seed, int cycles, int drainChunks = 0, double chunk = 0, bool tradingBefore = false, bool accountless = false)
    {
        var m = new BehaviourMarket();
        var rnd = new Random(seed);
        var account = accountless ? AccountId.None : m.A1; // RiskEvent.Chain reads AccountId(0) as "no account"
        long t = 0;
        for (int c = 0; c < cycles; c++)
        {
            double amount = 80 + rnd.Next(41);
            m.Add(RiskEvent.Chain(t += 30 * S, ChainEventKind.Deposit, 0, amount, account));
            m.Add(RiskEvent.Chain(t += 30 * S, ChainEventKind.Withdraw, 0, amount, account));
        }
        t += 600 * S;
        if (tradingBefore) m.Fill(t - 5 * S, m.A1, Side.Buy, 100, 1);
        for (int k = 0; k < drainChunks; k++)
            m.Add(RiskEvent.Chain(t += S, k % 2 == 0 ? ChainEventKind.Withdraw : ChainEventKind.Transfer, 0, chunk, account));
        return m.ToArray();
    }

    private static DrainDetector NewDetector() => new(new BehaviourMarket().Context);

    [Fact]
    public void Observe_WithdrawalFarAboveBaselineNoTrading_RaisesCriticalOnAccount()
    {
        var f = Assert.Single(Run(NewDetector(), Stream(1, 20, drainChunks: 1, chunk: 100_000)).Findings);
        Assert.Equal((Signature.Drain, Scope.Account, 1, Severity.Critical), (f.Signature, f.Scope, f.Target, f.Severity));
        Assert.InRange(f.Value1, 50, 500);
    }

    [Fact]
    public void Observe_ChunkedDrain_WarningThenOneEscalation()
    {
        var findings = Run(NewDetector(), Stream(2, 20, drainChunks: 20, chunk: 5_000)).Findings;
        Assert.Equal([Severity.Warning, Severity.Critical], findings.Select(f => f.Severity).ToArray());
    }

    [Fact]
    public void Observe_LargeChunksContinuing_ExactlyOneFindingPerEpisode()
        => Assert.Equal(1, Run(NewDetector(), Stream(3, 20, drainChunks: 30, chunk: 60_000)).Count);

    [Theory]
    [MemberData(nameof(Origins), MemberType = typeof(BehaviourMarket))]
    public void Observe_DailyLossLimitSet_SmallAbnormalOutflowNotMaterial_MaterialOneRaises(long origin)
    {
        var m = new BehaviourMarket();
        // 20,000 in 1 s is ~20× the account's typical 10-minute outflow (abnormal) either way; against a 1,000,000 limit
        // (5 %: 50,000) it is not material, against a 100,000 limit (5,000) it is, and 100,000 is material against both.
        var small = Shift(Stream(1, 20, drainChunks: 1, chunk: 20_000), origin);
        var large = Shift(Stream(1, 20, drainChunks: 1, chunk: 100_000), origin);
        Assert.Equal(0, Run(new DrainDetector(m.LimitedContext(1_000_000)), small).Count);
        Assert.Equal(1, Run(new DrainDetector(m.LimitedContext(100_000)), small).Count);
        var f = Assert.Single(Run(new DrainDetector(m.LimitedContext(1_000_000)), large).Findings);
        Assert.Equal((Signature.Drain, Scope.Account, 1), (f.Signature, f.Scope, f.Target));
        Assert.Equal(1, Run(NewDetector(), small).Count); // no limit: judged against the learned daily range, material
    }

    [Fact]
    public void Observe_NoLimit_OutflowBelowTheLearnedDailyRange_StaysQuiet()
    {
        // Ratio 1 makes a 2× outflow abnormal; it is far below a quarter of the learned daily range, so no finding.
        var o = new DrainOptions { Ratio = 1, CriticalRatio = 1 };
        var events = Stream(1, 20, drainChunks: 1, chunk: 2_000);
        Assert.Equal(0, Run(new DrainDetector(new BehaviourMarket().Context, o), events).Count);
        Assert.Equal(1, Run(new DrainDetector(new BehaviourMarket().Context, new DrainOptions { Ratio = 1, CriticalRatio = 1, MaterialDailyRangeFraction = 0 }), events).Count);
    }

    [Fact]
    public void Observe_NormalDepositWithdrawCycle_StaysQuiet()
        => Assert.Equal(0, Run(NewDetector(), Stream(4, 300)).Count);

    [Fact]
    public void Observe_LargeWithdrawalWhileTrading_StaysQuiet()
        => Assert.Equal(0, Run(NewDetector(), Stream(5, 20, drainChunks: 1, chunk: 100_000, tradingBefore: true)).Count);

    [Fact]
    public void Observe_DrainDuringWarmup_GivesNoVerdict()
        => Assert.Equal(0, Run(NewDetector(), Stream(6, 3, drainChunks: 1, chunk: 100_000)).Count);

    [Fact]
    public void Observe_AccountlessDrain_ScopedToTheAssetInstrument()
    {
        var f = Assert.Single(Run(NewDetector(), Stream(7, 20, drainChunks: 1, chunk: 100_000, accountless: true)).Findings);
        Assert.Equal((Scope.Instrument, 0), (f.Scope, f.Target));
    }

    [Fact]
    public void Observe_SameStreamTwice_IdenticalFindings()
    {
        var a = Run(NewDetector(), Stream(8, 20, 20, 5_000)).Findings.Select(Key).ToArray();
        var b = Run(NewDetector(), Stream(8, 20, 20, 5_000)).Findings.Select(Key).ToArray();
        Assert.NotEmpty(a);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Observe_AfterJitWarmup_AllocatesNothing_AndAllocatingSinkIsSeen()
    {
        var events = Stream(9, 20, 20, 5_000);
        Run(NewDetector(), events);
        var sink = new RecordingSink();
        Assert.Equal(0, AllocatedBytes(() => NewDetector(), events, sink));
        Assert.True(sink.Count > 0);
        Assert.True(AllocatedBytes(() => NewDetector(), events, new AllocatingSink()) > 0);
    }

    [Fact]
    public void Options_Invalid_ListsEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DrainOptions { Ratio = 10, CriticalRatio = 5, WindowBuckets = 0 }.Validate());
        Assert.Contains("CriticalRatio", ex.Message);
        Assert.Contains("WindowBuckets", ex.Message);
    }
}
