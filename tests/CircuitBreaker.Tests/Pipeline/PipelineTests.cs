using CircuitBreaker.Ring;
using CircuitBreaker.Tests.Gate;
using CircuitBreaker.Tests.Ring;

namespace CircuitBreaker.Tests.Pipeline;

public class PipelineTests
{
    private sealed class ThrowingDetector : IDetector
    {
        public string Name => "throws";
        public void Observe(in RiskEvent e, IFindingSink sink) { if (e.Kind == RiskEventKind.Trade) throw new InvalidOperationException("bug"); }
    }

    private sealed class BlockingDetector(ManualResetEventSlim gate) : IDetector
    {
        public string Name => "blocks";
        public void Observe(in RiskEvent e, IFindingSink sink) { if (e.Kind == RiskEventKind.Oracle) gate.Wait(10_000); }
    }

    [Fact]
    public void Fill_ThroughRing_UpdatesPositionAndTripsPostTradeLimit_ThenStopDrains()
    {
        var f = new GateFixture(new InstrumentLimits { MaxLongPosition = 1.0, FatFingerMultiple = 1e9 });
        var trips = new List<TripContext>();
        f.Breaker.OnTrip((in TripContext t) => { lock (trips) trips.Add(t); });
        using var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 1024 } });
        p.Start();
        Assert.Equal(PublishResult.Published, p.Publish(RiskEvent.Fill(f.Now + 1, f.Btc, f.Mm, 77, Side.Buy, 64000.0, 1.5)));
        p.Stop();
        Assert.Equal(1.5, f.Breaker.Positions.Position(f.Mm, f.Btc), 9);
        Assert.Equal(TradingState.ReduceOnly, f.Breaker.Board.Get(Scope.Instrument, f.Btc.Value));
        Assert.Single(trips);
        Assert.Equal(RejectReason.MaxPosition, trips[0].Reason);
        Assert.Equal(1, p.Evaluator.Findings.Count);
        Assert.Equal(Signature.MaxPosition, p.Evaluator.Findings[0].Signature);
        Assert.Equal(PublishResult.Stopped, p.Publish(RiskEvent.Trade(f.Now + 2, f.Btc, 64000.0, 1)));
    }

    [Fact]
    public void FullRing_FailClosedByDefault_HaltsGloballyWithBackpressure()
    {
        var f = new GateFixture();
        using var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 4 }, StallThreshold = TimeSpan.Zero });
        // not started: nothing consumes
        for (int i = 0; i < 4; i++) Assert.Equal(PublishResult.Published, p.Publish(RiskEvent.Trade(f.Now + i, f.Btc, 64000.0, 1)));
        Assert.Equal(PublishResult.Full, p.Publish(RiskEvent.Trade(f.Now + 9, f.Btc, 64000.0, 1)));
        Assert.Equal(TradingState.Halted, f.Breaker.Board.Global);
        var d = f.Send(Side.Buy, 64000.0, 0.01);
        Assert.Equal(RejectReason.Halted, d.Reason);
        Assert.Equal(Scope.Global, d.Scope);
        var h = new TripContext[4];
        f.Breaker.Board.CopyHistory(h);
        Assert.Equal(RejectReason.RiskPipelineBackpressure, h[0].Reason);
        Assert.Equal(1, p.FullCount);
    }

    [Fact]
    public void FullRing_DropAndCount_KeepsTradingAndCounts()
    {
        var f = new GateFixture();
        using var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 4, FullRingPolicy = FullRingPolicy.DropAndCount }, StallThreshold = TimeSpan.Zero });
        for (int i = 0; i < 6; i++) p.Publish(RiskEvent.Trade(f.Now + i, f.Btc, 64000.0, 1));
        Assert.Equal(2, p.Dropped);
        Assert.Equal(TradingState.Active, f.Breaker.Board.Global);
    }

    [Fact]
    public void ThrowingDetector_QuarantinedAndReported_FailClosedHalts()
    {
        var f = new GateFixture();
        using var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 64 } }, new IDetector[] { new ThrowingDetector() });
        p.Start();
        p.Publish(RiskEvent.Trade(f.Now + 1, f.Btc, 64000.0, 1));
        p.Publish(RiskEvent.Trade(f.Now + 2, f.Btc, 64000.0, 1));
        p.Stop();
        Assert.Equal(1, p.Evaluator.DetectorFaults); // quarantined after the first throw
        Assert.IsType<InvalidOperationException>(p.Evaluator.LastDetectorFault);
        Assert.Equal(2, p.Evaluator.Processed);      // nothing lost
        Assert.Equal(TradingState.Halted, f.Breaker.Board.Global);
    }

    [Fact]
    public void ThrowingDetector_QuarantinePolicy_TradingGoesOn()
    {
        var f = new GateFixture();
        using var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 64 }, DetectorFaultPolicy = DetectorFaultPolicy.Quarantine }, new IDetector[] { new ThrowingDetector() });
        p.Start();
        p.Publish(RiskEvent.Trade(f.Now + 1, f.Btc, 64000.0, 1));
        p.Stop();
        Assert.Equal(1, p.Evaluator.DetectorFaults);
        Assert.Equal(TradingState.Active, f.Breaker.Board.Global);
    }

    [Fact]
    public void StalledEvaluator_WatchdogHaltsGlobally()
    {
        var f = new GateFixture();
        var time = new FakeTimeProvider();
        using var release = new ManualResetEventSlim(false);
        using var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 64 }, StallThreshold = TimeSpan.FromMilliseconds(100) },
            new IDetector[] { new BlockingDetector(release) }, timeProvider: time);
        p.Start();
        p.Publish(RiskEvent.Oracle(f.Now + 1, f.Btc, 64000.0));
        p.Publish(RiskEvent.Trade(f.Now + 2, f.Btc, 64000.0, 1)); // waits behind the stuck event
        SpinWait.SpinUntil(() => p.Lag > 0, 2000);
        for (int i = 0; i < 50 && f.Breaker.Board.Global != TradingState.Halted; i++) time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.Equal(TradingState.Halted, f.Breaker.Board.Global);
        Assert.True(p.Stalls >= 1);
        release.Set();
        p.Stop();
        Assert.Equal(2, p.Evaluator.Processed);
    }

    [Fact]
    public void AdminEvent_OnTheRing_ChangesState()
    {
        var f = new GateFixture();
        using var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 64 } });
        p.Start();
        p.Publish(RiskEvent.Admin(f.Now + 1, AdminAction.Halt, Scope.Account, f.Mm.Value));
        p.Stop();
        Assert.Equal(RejectReason.Halted, f.Send(Side.Buy, 64000.0, 0.01).Reason);
    }

    [Fact]
    public void CheckAndPublish_RecordsDecisionForDetectors()
    {
        var f = new GateFixture();
        var seen = new List<RejectReason>();
        using var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 64 } }, new IDetector[] { new OrderSpy(seen) });
        p.Start();
        var good = f.Order(Side.Buy, 64000.0, 0.01);
        var bad = f.Order(Side.Buy, double.NaN, 0.01);
        Assert.True(p.CheckAndPublish(in good).IsAccepted);
        Assert.False(p.CheckAndPublish(in bad).IsAccepted);
        p.Stop();
        Assert.Equal(new[] { RejectReason.None, RejectReason.NonFinitePrice }, seen);
    }

    /// <summary>Issue 16 item 16, live: with a Critical incident awaiting acknowledgement, an event at long.MaxValue made the
    /// incident desk step a long.MaxValue due time forever; the evaluator thread spun and Stop never returned. Stop runs on
    /// a worker so a regression fails this test instead of hanging the run (the pipeline is then left undisposed).</summary>
    [Fact]
    public void Stop_AfterAnEventAtLongMaxValue_WithACriticalIncidentAwaitingAcknowledgement_Returns()
    {
        var f = new GateFixture(new InstrumentLimits { MaxLongPosition = 1.0, FatFingerMultiple = 1e9 });
        var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 1024 }, StallThreshold = TimeSpan.Zero });
        p.Start();
        Assert.Equal(PublishResult.Published, p.Publish(RiskEvent.Fill(f.Now + 1, f.Btc, f.Mm, 77, Side.Buy, 64000.0, 1.5)));
        Assert.Equal(PublishResult.Published, p.Publish(RiskEvent.Trade(f.Now + 600_000_000_000, f.Btc, 64000.0, 1)));
        Assert.Equal(PublishResult.Published, p.Publish(RiskEvent.Trade(long.MaxValue, f.Btc, 64000.0, 1)));
        var stop = new Thread(p.Stop) { IsBackground = true };
        stop.Start();
        Assert.True(stop.Join(TimeSpan.FromMinutes(2)), "Stop never returned: the evaluator spins on the event at long.MaxValue");
        var desk = Assert.IsType<IncidentDesk>(p.Evaluator.Responder);
        Assert.True(desk.TryGetStatus(desk.LastIncidentId, out var s));
        Assert.Equal(RecoveryStep.AwaitingAck, s.Step);
        Assert.Equal(TradingState.ReduceOnly, f.Breaker.Board.Get(Scope.Instrument, f.Btc.Value));
        p.Dispose();
    }

    private sealed class OrderSpy(List<RejectReason> seen) : IDetector
    {
        public string Name => "spy";
        public void Observe(in RiskEvent e, IFindingSink sink) { if (e.Kind == RiskEventKind.Order) seen.Add((RejectReason)e.Reason); }
    }
}
