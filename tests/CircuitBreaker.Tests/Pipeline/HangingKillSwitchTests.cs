using CircuitBreaker.Tests.Gate;
using CircuitBreaker.Tests.Ring;

namespace CircuitBreaker.Tests.Pipeline;

public class HangingKillSwitchTests
{
    [Fact]
    public void HangingSwitchOnTheEvaluator_WatchdogFailsClosed_NothingLost()
    {
        var f = new GateFixture(new InstrumentLimits { MaxLongPosition = 1.0, FatFingerMultiple = 1e9 });
        var time = new FakeTimeProvider();
        using var release = new ManualResetEventSlim(false);
        f.Breaker.OnTrip((in TripContext t) => { if (t.Reason == RejectReason.MaxPosition) release.Wait(10_000); }); // hangs on the evaluator
        using var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 64 }, StallThreshold = TimeSpan.FromMilliseconds(100) }, timeProvider: time);
        p.Start();
        p.Publish(RiskEvent.Fill(f.Now + 1, f.Btc, f.Mm, 5, Side.Buy, 64000.0, 2.0)); // breach: the switch hangs
        p.Publish(RiskEvent.Trade(f.Now + 2, f.Btc, 64000.0, 1));                     // waits behind it
        SpinWait.SpinUntil(() => p.Lag > 0, 2000);
        for (int i = 0; i < 50 && f.Breaker.Board.Global != TradingState.Halted; i++) time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(TradingState.Halted, f.Breaker.Board.Global);           // fail-closed while the switch hangs
        Assert.Equal(RejectReason.Halted, f.Send(Side.Buy, 64000.0, 0.01).Reason);
        release.Set();
        p.Stop();
        Assert.Equal(2, p.Evaluator.Processed);                              // nothing lost
    }

    [Fact]
    public void HangingSlowSwitch_DoesNotStallEvaluation()
    {
        var f = new GateFixture(new InstrumentLimits { MaxLongPosition = 1.0, FatFingerMultiple = 1e9 });
        using var release = new ManualResetEventSlim(false);
        f.Breaker.OnTrip((in TripContext t) => release.Wait(10_000), slow: true);
        using var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 256 }, StallThreshold = TimeSpan.Zero });
        p.Start();
        p.Publish(RiskEvent.Fill(f.Now + 1, f.Btc, f.Mm, 5, Side.Buy, 64000.0, 2.0));
        for (int i = 0; i < 100; i++) p.Publish(RiskEvent.Trade(f.Now + 2 + i, f.Btc, 64000.0, 1));
        Assert.True(SpinWait.SpinUntil(() => p.Evaluator.Processed == 101, 5000)); // evaluation went on
        Assert.Equal(TradingState.ReduceOnly, f.Breaker.Board.Get(Scope.Instrument, f.Btc.Value)); // state flipped first
        release.Set();
        p.Stop();
    }
}
