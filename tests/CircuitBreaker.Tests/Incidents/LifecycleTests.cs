namespace CircuitBreaker.Tests.Incidents;

public sealed class LifecycleTests
{
    /// <summary>The fixture starts at origin + 1,000 s and the test covers ~200 s more.</summary>
    public static TheoryData<long> Origins => TimeOrigins.Rows(2_000 * IncidentFixture.Second);

    [Theory]
    [MemberData(nameof(Origins))]
    public void Recovery_CriticalIncident_GoesThroughEveryStageInEventTime(long origin)
    {
        using var f = new IncidentFixture(origin: origin);
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        long id = f.Desk.LastIncidentId;
        Assert.Equal(RecoveryStep.Cooldown, f.Status(id).Step);

        f.Pass(59);
        Assert.Equal(RecoveryStep.Cooldown, f.Status(id).Step);
        f.Pass(2); // cool-down over, no acknowledgement yet
        Assert.Equal(RecoveryStep.AwaitingAck, f.Status(id).Step);
        Assert.Equal(TradingState.Halted, f.State(Scope.Instrument, f.Perp));

        Assert.True(f.Desk.Acknowledge(id, f.Now));
        var s = f.Status(id);
        Assert.Equal(IncidentLifecycle.Recovering, s.Lifecycle);
        Assert.Equal(RecoveryStep.Probation, s.Step);
        Assert.Equal(TradingState.ReduceOnly, f.State(Scope.Instrument, f.Perp));

        f.Pass(61);
        Assert.Equal(RecoveryStep.ReducedLimits, f.Status(id).Step);
        Assert.Equal(TradingState.Active, f.State(Scope.Instrument, f.Perp));
        Assert.Equal(0.5, f.Desk.LimitsScale(Scope.Instrument, f.Perp));
        Assert.Equal(0.5, f.Board.GetLimitScale(Scope.Instrument, f.Perp)); // enforced by the gate, not left to the engine

        f.Pass(61);
        s = f.Status(id);
        Assert.Equal(IncidentLifecycle.Closed, s.Lifecycle);
        Assert.Equal(RecoveryStep.Normal, s.Step);
        Assert.Equal(1.0, f.Desk.LimitsScale(Scope.Instrument, f.Perp));
        Assert.Equal(1.0, f.Board.GetLimitScale(Scope.Instrument, f.Perp));
        Assert.Equal(f.Now, s.ClosedTimeNs);

        var steps = f.Timeline(id).Where(e => e.Kind == TimelineEntryKind.Lifecycle).Select(e => e.Step).ToArray();
        Assert.Equal([RecoveryStep.None, RecoveryStep.Cooldown, RecoveryStep.AwaitingAck, RecoveryStep.Probation, RecoveryStep.ReducedLimits, RecoveryStep.Normal], steps);
        var recovery = f.Timeline(id).Where(e => e.Kind == TimelineEntryKind.Recovery).Select(e => e.State).ToArray();
        Assert.Equal([TradingState.ReduceOnly, TradingState.Active], recovery);
        Assert.Contains(f.Timeline(id), e => e.Kind == TimelineEntryKind.Acknowledged);
    }

    /// <summary>Issue 16 item 16: an incident awaiting acknowledgement was due at long.MaxValue; an event at long.MaxValue
    /// stepped it back to the same due time forever (a replay never ended; live, the evaluator spun and Stop never
    /// returned). The call runs on a worker so a regression fails this test instead of hanging the run.</summary>
    [Fact]
    public void AdvanceTo_LongMaxValue_WhileAwaitingAcknowledgement_ReturnsAndStaysHalted()
    {
        using var f = new IncidentFixture(origin: long.MaxValue - 2_000 * IncidentFixture.Second);
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        long id = f.Desk.LastIncidentId;
        f.Pass(61);
        Assert.Equal(RecoveryStep.AwaitingAck, f.Status(id).Step);
        var last = RiskEvent.Trade(long.MaxValue, new InstrumentId(f.Perp), 64000, 1);
        var work = new Thread(() => { f.Desk.OnEvent(in last); f.Desk.AdvanceTo(long.MaxValue); f.Desk.OnEvent(in last); }) { IsBackground = true };
        work.Start();
        Assert.True(work.Join(TimeSpan.FromMinutes(2)), "the desk never returned from an event at long.MaxValue");
        Assert.Equal(RecoveryStep.AwaitingAck, f.Status(id).Step);
        Assert.Equal(long.MaxValue, f.Status(id).NextStepDueNs);
        Assert.Equal(TradingState.Halted, f.State(Scope.Instrument, f.Perp));
        // An acknowledgement at the last instant starts probation; its end lies past the end of event time: never.
        Assert.True(f.Desk.Acknowledge(id, long.MaxValue));
        Assert.Equal(RecoveryStep.Probation, f.Status(id).Step);
        Assert.Equal(TradingState.ReduceOnly, f.State(Scope.Instrument, f.Perp));
    }

    /// <summary>A cool-down that would end past long.MaxValue wrapped to a time in the past and ended at once: an
    /// acknowledged incident 10 s before the end of event time went straight to probation (reduce-only) instead of
    /// staying halted for its 60 s cool-down.</summary>
    [Fact]
    public void CoolDown_EndingPastLongMaxValue_NeverEnds_NoEarlyRelaxation()
    {
        using var f = new IncidentFixture(origin: long.MaxValue - 1_010 * IncidentFixture.Second);
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        long id = f.Desk.LastIncidentId;
        Assert.True(f.Desk.Acknowledge(id, f.Now + 1));
        f.Pass(1);
        f.Pass(8);
        var s = f.Status(id);
        Assert.Equal(RecoveryStep.Cooldown, s.Step);
        Assert.Equal(long.MaxValue, s.NextStepDueNs);
        Assert.Equal(TradingState.Halted, f.State(Scope.Instrument, f.Perp));
    }

    [Fact]
    public void Recovery_NoAcknowledgement_StaysHaltedIndefinitely()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        for (int k = 0; k < 20; k++) f.Pass(60);
        var s = f.Status(f.Desk.LastIncidentId);
        Assert.Equal(IncidentLifecycle.Contained, s.Lifecycle);
        Assert.Equal(RecoveryStep.AwaitingAck, s.Step);
        Assert.Equal(TradingState.Halted, f.State(Scope.Instrument, f.Perp));
    }

    [Fact]
    public void OnEvent_AdminAckRecord_AcknowledgesAndStartsProbation()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.FlashLoan, Scope.Instrument, f.Perp);
        f.Pass(61);
        var ack = RiskEvent.Admin(f.Now + 1, AdminAction.Ack, Scope.Group, f.BtcGroup);
        f.Desk.OnEvent(in ack);

        Assert.Equal(RecoveryStep.Probation, f.Status(f.Desk.LastIncidentId).Step);
        Assert.Equal(TradingState.ReduceOnly, f.State(Scope.Group, f.BtcGroup));
    }

    [Fact]
    public void Acknowledge_BeforeCoolDownEnds_ProbationStartsWhenItEnds()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.RunawayAlgorithm, Scope.Account, f.Account[0]);
        Assert.Equal(1, f.Desk.Acknowledge(Scope.Account, f.Account[0], f.Now + 1));
        f.Pass(30);
        Assert.Equal(TradingState.Halted, f.State(Scope.Account, f.Account[0]));
        f.Pass(31);
        Assert.Equal(TradingState.ReduceOnly, f.State(Scope.Account, f.Account[0]));
    }

    [Fact]
    public void Acknowledge_UnknownOrClosedIncident_ReturnsFalse()
    {
        using var f = new IncidentFixture();
        Assert.False(f.Desk.Acknowledge(42, f.Now));
        Assert.Equal(0, f.Desk.Acknowledge(Scope.Instrument, f.Perp, f.Now));
    }

    [Fact]
    public void Recovery_WarningIncident_NeedsNoAcknowledgement()
    {
        var playbook = new Playbook([new PlaybookRule { Actions = [new(IncidentActionKind.ReduceOnly)] }]);
        using var f = new IncidentFixture(playbook);
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp, Severity.Warning);
        Assert.Equal(TradingState.ReduceOnly, f.State(Scope.Instrument, f.Perp));
        f.Pass(61);
        Assert.Equal(RecoveryStep.Probation, f.Status(f.Desk.LastIncidentId).Step);
    }

    [Fact]
    public void OnFinding_DuringProbation_ReContainsAndNeedsNewAcknowledgement()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        long id = f.Desk.LastIncidentId;
        f.Pass(61);
        f.Desk.Acknowledge(id, f.Now);
        Assert.Equal(TradingState.ReduceOnly, f.State(Scope.Instrument, f.Perp));

        f.Pass(10);
        f.Raise(Signature.PriceVelocity, Scope.Instrument, f.Perp);

        var s = f.Status(id);
        Assert.Equal(id, f.Desk.LastIncidentId); // joined, not a new incident
        Assert.Equal(IncidentLifecycle.Contained, s.Lifecycle);
        Assert.Equal(RecoveryStep.Cooldown, s.Step);
        Assert.Equal(1, s.Recontainments);
        Assert.False(s.Acknowledged);
        Assert.Equal(TradingState.Halted, f.State(Scope.Instrument, f.Perp));
        Assert.Contains(f.Timeline(id), e => e.Kind == TimelineEntryKind.Recontained);

        f.Pass(61);
        Assert.Equal(RecoveryStep.AwaitingAck, f.Status(id).Step);
    }

    [Fact]
    public void OnFinding_DuringReducedLimits_RestoresHaltAndFullScale()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        long id = f.Desk.LastIncidentId;
        f.Pass(61);
        f.Desk.Acknowledge(id, f.Now);
        f.Pass(61);
        Assert.Equal(0.5, f.Desk.LimitsScale(Scope.Instrument, f.Perp));

        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp, Severity.Warning);
        Assert.Equal(TradingState.Halted, f.State(Scope.Instrument, f.Perp));
        Assert.Equal(1.0, f.Desk.LimitsScale(Scope.Instrument, f.Perp));
        Assert.Equal(IncidentLifecycle.Contained, f.Status(id).Lifecycle);
    }

    [Fact]
    public void OnFinding_SameTargetOrItsGroupWhileOpen_JoinsOneIncident()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.FlashLoan, Scope.Instrument, f.Perp);
        long id = f.Desk.LastIncidentId;
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        f.Raise(Signature.PriceVelocity, Scope.Instrument, f.Fut); // same group, which the incident halted
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Eth);   // another group: new incident

        Assert.Equal(3, f.Status(id).Findings);
        Assert.Equal(id + 1, f.Desk.LastIncidentId);
        Assert.Equal(2, f.Desk.OpenIncidents);
    }

    [Fact]
    public void Recovery_AlertOnlyIncident_ExpiresWithoutFindings()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp, Severity.Warning);
        long id = f.Desk.LastIncidentId;
        f.Pass(30);
        Assert.Equal(IncidentLifecycle.Detected, f.Status(id).Lifecycle);
        f.Pass(31);
        Assert.Equal(IncidentLifecycle.Closed, f.Status(id).Lifecycle);
        Assert.Equal(-1, f.Status(id).TimeToContainNs);
    }

    [Fact]
    public void Status_TimeToDetectAndContain_AreMeasuredInEventTime()
    {
        using var f = new IncidentFixture();
        long first = f.Now;
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp, Severity.Warning, firstAnomalous: first - 2 * IncidentFixture.Second);
        f.Pass(4);
        f.Raise(Signature.PriceVelocity, Scope.Instrument, f.Perp, Severity.Warning);

        var s = f.Status(f.Desk.LastIncidentId);
        Assert.Equal(2 * IncidentFixture.Second, s.TimeToDetectNs);
        Assert.Equal(4 * IncidentFixture.Second, s.TimeToContainNs);
        Assert.Equal(first, s.OpenedTimeNs);
    }

    [Fact]
    public void Recovery_OperatorResumedDuringIncident_IsLeftAlone()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        f.Board.Resume(Scope.Instrument, f.Perp, f.Now + 1);
        f.Pass(61);
        f.Desk.Acknowledge(f.Desk.LastIncidentId, f.Now);
        Assert.Equal(TradingState.Active, f.State(Scope.Instrument, f.Perp));
    }
}
