using static CircuitBreaker.Tests.Support.BehaviourMarket;

namespace CircuitBreaker.Tests.Detectors;

public sealed class FlashLoanDetectorTests
{
    private const int Usdc = 7; // an asset id with an explicit mapping in some tests

    /// <summary>
    /// Oracle prices on BTC every 100 ms around 100 for <paramref name="end"/> seconds; at <paramref name="at"/> a borrow
    /// of asset 0 (BTC: first underlying), <paramref name="swaps"/> swaps, an oracle jump of <paramref name="jumpPct"/> %
    /// and a repay <paramref name="repayAfterBlocks"/> blocks later (<c>-1</c>: no block numbers, repay after
    /// <paramref name="repayAfterNs"/>).
    /// </summary>
    private static RiskEvent[] LoanStream(int seed, long end, long[] at, int swaps = 3, double jumpPct = 10, int repayAfterBlocks = 0, long repayAfterNs = 100_000_000)
    {
        var m = new BehaviourMarket();
        var rnd = new Random(seed);
        double px = 100;
        for (long step = 0; step < end * 10; step++)
        {
            long t = step * (S / 10);
            px += (rnd.NextDouble() - 0.5) * 0.02;
            m.Add(RiskEvent.Oracle(t, m.Btc, px));
        }
        foreach (long s in at)
        {
            long t = s * S + 1;
            long block = repayAfterBlocks < 0 ? -1 : 1000 + s;
            m.Add(RiskEvent.Chain(t, ChainEventKind.Borrow, 0, 1_000_000, block: block));
            for (int k = 0; k < swaps; k++) m.Add(RiskEvent.Chain(t + 1 + k, ChainEventKind.Swap, 0, 50_000, block: block, pool: 3));
            m.Add(RiskEvent.Oracle(t + 10, m.Btc, px * (1 + jumpPct / 100)));
            long repayBlock = repayAfterBlocks < 0 ? -1 : block + repayAfterBlocks;
            m.Add(RiskEvent.Chain(t + (repayAfterBlocks < 0 ? repayAfterNs : 20), ChainEventKind.Repay, 0, 1_000_900, block: repayBlock));
            m.Add(RiskEvent.Oracle(t + 30, m.Btc, px));
        }
        return m.ToArray();
    }

    /// <summary>Account 1 trades 1 lot 30 times, then opens 100 lots, the mark spikes by <paramref name="spikePct"/> %, and it closes.</summary>
    private static RiskEvent[] RoundTripStream(double spikePct, int warmFills = 30)
    {
        var m = new BehaviourMarket();
        long t = 0;
        for (int k = 0; k < warmFills; k++)
        {
            m.Add(RiskEvent.Trade(t += S, m.Btc, 100, 1));
            m.Fill(t += 1000, m.A1, k % 2 == 0 ? Side.Buy : Side.Sell, 100, 1);
        }
        t += 10 * S;
        m.Fill(t, m.A1, Side.Buy, 100, 100);
        m.Add(RiskEvent.Trade(t += S, m.Btc, 100 * (1 + spikePct / 100), 1));
        m.Fill(t += S, m.A1, Side.Sell, 100 * (1 + spikePct / 100), 100);
        m.Add(RiskEvent.Trade(t += S, m.Btc, 100, 1));
        return m.ToArray();
    }

    private static FlashLoanDetector NewDetector(FlashLoanOptions? o = null) => new(new BehaviourMarket().Context, o);

    [Theory]
    [MemberData(nameof(Origins), MemberType = typeof(BehaviourMarket))]
    public void Observe_RoundTrip_DailyLossLimitSet_SmallNotMaterial_MaterialRaises(long origin)
    {
        var m = new BehaviourMarket();
        // 100 lots at ~100 held: 100 × the typical 1-lot fill (abnormal), a notional of ~10,000. Against a 1,000,000 limit
        // (5 %: 50,000) that is not material; against 100,000 (5,000) it is.
        var events = Shift(RoundTripStream(spikePct: 5), origin);
        Assert.Equal(0, Run(new FlashLoanDetector(m.LimitedContext(1_000_000)), events).Count);
        var f = Assert.Single(Run(new FlashLoanDetector(m.LimitedContext(100_000)), events).Findings);
        Assert.Equal((Signature.FlashLoan, Scope.Account, 1), (f.Signature, f.Scope, f.Target));
    }

    [Fact]
    public void Observe_RoundTrip_NoLimit_BelowTheLearnedDailyRange_StaysQuiet()
    {
        // Size ratio 2 makes the 100-lot trip abnormal whatever the fraction; a fraction of 3 of the learned daily range
        // (about 38 one-minute windows a day × the 1-lot fill) puts it out of reach; the default fraction does not.
        var events = RoundTripStream(spikePct: 5);
        Assert.Equal(0, Run(NewDetector(new FlashLoanOptions { RoundTripSizeRatio = 2, MaterialDailyRangeFraction = 3 }), events).Count);
        Assert.Equal(1, Run(NewDetector(new FlashLoanOptions { RoundTripSizeRatio = 2 }), events).Count);
    }

    [Fact]
    public void Observe_BorrowSwapsPriceJumpRepaySameBlock_RaisesCriticalOnInstrument()
    {
        var f = Assert.Single(Run(NewDetector(), LoanStream(1, 60, [30])).Findings);
        Assert.Equal((Signature.FlashLoan, Scope.Instrument, 0, Severity.Critical), (f.Signature, f.Scope, f.Target, f.Severity));
        Assert.Equal(FindingDetail.MoveBps, f.Detail);
        Assert.InRange(f.Value1, 900, 1100);
    }

    [Fact]
    public void Observe_SameBlockArbitrageWithoutPriceMove_StaysQuiet()
        => Assert.Equal(0, Run(NewDetector(), LoanStream(2, 60, [30], jumpPct: 0.5)).Count);

    [Fact]
    public void Observe_RepayInALaterBlock_StaysQuiet()
        => Assert.Equal(0, Run(NewDetector(), LoanStream(3, 60, [30], repayAfterBlocks: 5)).Count);

    [Fact]
    public void Observe_NoSwapsBetweenBorrowAndRepay_StaysQuiet()
        => Assert.Equal(0, Run(NewDetector(), LoanStream(4, 60, [30], swaps: 0)).Count);

    [Fact]
    public void Observe_NoBlockNumbers_UsesEventTimeWindow()
    {
        Assert.Equal(1, Run(NewDetector(), LoanStream(5, 60, [30], repayAfterBlocks: -1, repayAfterNs: 500_000_000)).Count);
        Assert.Equal(0, Run(NewDetector(), LoanStream(5, 60, [30], repayAfterBlocks: -1, repayAfterNs: 10 * S)).Count);
    }

    [Fact]
    public void Observe_RepeatedAttacksWithinCoolDown_OneFindingPerEpisode()
    {
        var findings = Run(NewDetector(), LoanStream(6, 300, [30, 40, 50, 200])).Findings;
        Assert.Equal(2, findings.Count);
        Assert.InRange(findings[0].TimeNs, 30 * S, 31 * S);
        Assert.InRange(findings[1].TimeNs, 200 * S, 201 * S);
    }

    [Fact]
    public void Observe_ExplicitAssetMap_ResolvesPoolToInstrument()
    {
        var m = new BehaviourMarket();
        var o = new FlashLoanOptions { AssetInstruments = new Dictionary<int, InstrumentId> { [Usdc] = m.Eth } };
        var events = new[]
        {
            RiskEvent.Oracle(1, m.Eth, 2000),
            RiskEvent.Chain(2, ChainEventKind.Borrow, Usdc, 1e6, block: 5),
            RiskEvent.Chain(3, ChainEventKind.Swap, Usdc, 1e5, block: 5, pool: 9),
            RiskEvent.Oracle(4, m.Eth, 2300),
            RiskEvent.Chain(5, ChainEventKind.Repay, Usdc, 1e6, block: 5),
        };
        var f = Assert.Single(Run(new FlashLoanDetector(m.Context, o), events).Findings);
        Assert.Equal(m.Eth.Value, f.Target);
        Assert.Equal(0, Run(NewDetector(), events).Count); // asset 7 maps to nothing by default
    }

    [Fact]
    public void Observe_LargePositionRoundTripAroundTransientPrice_RaisesCriticalOnAccount()
    {
        var f = Assert.Single(Run(NewDetector(), RoundTripStream(8)).Findings);
        Assert.Equal((Signature.FlashLoan, Scope.Account, 1, Severity.Critical), (f.Signature, f.Scope, f.Target, f.Severity));
        Assert.True(f.Score >= 20);
    }

    [Fact]
    public void Observe_LargeRoundTripWithoutPriceMove_StaysQuiet()
        => Assert.Equal(0, Run(NewDetector(), RoundTripStream(0.5)).Count);

    [Fact]
    public void Observe_RoundTripBeforeTypicalSizeKnown_GivesNoVerdict()
        => Assert.Equal(0, Run(NewDetector(), RoundTripStream(8, warmFills: 5)).Count);

    [Fact]
    public void Observe_SameStreamTwice_IdenticalFindings()
    {
        var a = Run(NewDetector(), LoanStream(8, 300, [30, 200])).Findings.Select(Key).ToArray();
        var b = Run(NewDetector(), LoanStream(8, 300, [30, 200])).Findings.Select(Key).ToArray();
        Assert.Equal(2, a.Length);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Observe_AfterJitWarmup_AllocatesNothing_AndAllocatingSinkIsSeen()
    {
        var events = LoanStream(9, 300, [30, 200]).Concat(RoundTripStream(8).Select(e => { e.TimeNs += 400 * S; return e; })).ToArray();
        Run(NewDetector(), events);
        var sink = new RecordingSink();
        Assert.Equal(0, AllocatedBytes(() => NewDetector(), events, sink));
        Assert.Equal(3, sink.Count);
        Assert.True(AllocatedBytes(() => NewDetector(), events, new AllocatingSink()) > 0);
    }

    [Fact]
    public void Options_Invalid_ListsEveryProblem()
    {
        var ex = Assert.Throws<ArgumentException>(() => new FlashLoanOptions { MoveBps = 0, MaxOpenLoans = 0 }.Validate());
        Assert.Contains("MoveBps", ex.Message);
        Assert.Contains("MaxOpenLoans", ex.Message);
    }
}
