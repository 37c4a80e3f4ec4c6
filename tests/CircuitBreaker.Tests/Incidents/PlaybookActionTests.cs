namespace CircuitBreaker.Tests.Incidents;

public sealed class PlaybookActionTests
{
    [Fact]
    public void OnFinding_CriticalSignatureOnPerp_HaltsInstrumentAndCancelsAll()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);

        Assert.Equal(TradingState.Halted, f.State(Scope.Instrument, f.Perp));
        Assert.Equal(TradingState.Active, f.State(Scope.Group, f.BtcGroup));
        Assert.Equal(1, f.Actions.Count(IncidentActionKind.CancelAll, Scope.Instrument, f.Perp));
        Assert.Equal(1, f.Actions.Count(IncidentActionKind.Alert, Scope.Instrument, f.Perp));
        var s = f.Status(f.Desk.LastIncidentId);
        Assert.Equal(IncidentLifecycle.Contained, s.Lifecycle);
    }

    [Fact]
    public void OnFinding_CriticalSignatureOnSwap_PutsInstrumentReduceOnlyNotHalted()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.PriceVelocity, Scope.Instrument, f.Swap);
        Assert.Equal(TradingState.ReduceOnly, f.State(Scope.Instrument, f.Swap));
    }

    [Fact]
    public void OnFinding_FlashLoanOnInstrument_HaltsItsGroupAndNotifiesExchange()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.FlashLoan, Scope.Instrument, f.Perp);

        Assert.Equal(TradingState.Halted, f.State(Scope.Group, f.BtcGroup));
        Assert.Equal(TradingState.Active, f.State(Scope.Group, f.EthGroup));
        Assert.Equal(1, f.Actions.Count(IncidentActionKind.CancelAll, Scope.Group, f.BtcGroup));
        Assert.Equal(1, f.Actions.Count(IncidentActionKind.NotifyExchange, Scope.Group, f.BtcGroup));
        var history = new TripContext[8];
        int n = f.Board.CopyHistory(history);
        Assert.Equal(1, n);
        Assert.Equal(TripCause.Signature, history[0].Cause);
        Assert.Equal(Signature.FlashLoan, history[0].Signature);
    }

    [Fact]
    public void OnFinding_OracleManipulation_HaltsGroup()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.OracleDeviation, Scope.Instrument, f.Fut);
        Assert.Equal(TradingState.Halted, f.State(Scope.Group, f.BtcGroup));
    }

    [Fact]
    public void OnFinding_RunawayAlgorithm_HaltsAccountCancelsAllAndIsolatesSession()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.RunawayAlgorithm, Scope.Account, f.Account[1]);

        Assert.Equal(TradingState.Halted, f.State(Scope.Account, f.Account[1]));
        Assert.Equal(TradingState.Active, f.State(Scope.Account, f.Account[0]));
        Assert.Equal(1, f.Actions.Count(IncidentActionKind.CancelAll, Scope.Account, f.Account[1]));
        Assert.Equal(1, f.Actions.Count(IncidentActionKind.IsolateSession, Scope.Account, f.Account[1]));
        Assert.Equal(0, f.Actions.Count(IncidentActionKind.NotifyRegulator, Scope.Account, f.Account[1]));
    }

    [Fact]
    public void OnFinding_CompromisedKeyDrain_AlsoNotifiesRegulator()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.Drain, Scope.Account, f.Account[2]);
        Assert.Equal(TradingState.Halted, f.State(Scope.Account, f.Account[2]));
        Assert.Equal(1, f.Actions.Count(IncidentActionKind.NotifyRegulator, Scope.Account, f.Account[2]));
    }

    [Fact]
    public void OnFinding_LossVelocity_PutsAccountReduceOnly()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.LossVelocity, Scope.Account, f.Account[0]);
        Assert.Equal(TradingState.ReduceOnly, f.State(Scope.Account, f.Account[0]));
        Assert.Equal(0, f.Actions.Count(IncidentActionKind.CancelAll, Scope.Account, f.Account[0]));
    }

    [Fact]
    public void OnFinding_BarrierProximity_PutsInstrumentReduceOnly()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.BarrierProximity, Scope.Instrument, f.Barrier);
        Assert.Equal(TradingState.ReduceOnly, f.State(Scope.Instrument, f.Barrier));
    }

    [Fact]
    public void OnFinding_WarningFinding_AlertsOnlyAndStaysDetected()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp, Severity.Warning);

        Assert.Equal(TradingState.Active, f.State(Scope.Instrument, f.Perp));
        Assert.Single(f.Actions.Calls);
        Assert.Equal(IncidentActionKind.Alert, f.Actions.Calls[0].Action);
        Assert.Equal(IncidentLifecycle.Detected, f.Status(f.Desk.LastIncidentId).Lifecycle);
    }

    [Fact]
    public void OnFinding_HardLimitAtWarning_ActsAloneWithLimitCause()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.MaxDailyLoss, Scope.Account, f.Account[3], Severity.Warning);

        Assert.Equal(TradingState.Halted, f.State(Scope.Account, f.Account[3]));
        var history = new TripContext[4];
        Assert.Equal(1, f.Board.CopyHistory(history));
        Assert.Equal(TripCause.Limit, history[0].Cause);
        Assert.Equal(RejectReason.MaxDailyLoss, history[0].Reason);
    }

    [Fact]
    public void OnFinding_ThrottleAction_LowersLimitsScaleAndCallsEngine()
    {
        var playbook = new Playbook([new PlaybookRule { Signatures = [Signature.QuoteStuffing], Actions = [new(IncidentActionKind.Throttle, scale: 0.25)] }]);
        using var f = new IncidentFixture(playbook);
        f.Raise(Signature.QuoteStuffing, Scope.Account, f.Account[0], Severity.Warning);

        Assert.Equal(0.25, f.Desk.LimitsScale(Scope.Account, f.Account[0]));
        Assert.Equal(1.0, f.Desk.LimitsScale(Scope.Account, f.Account[1]));
        Assert.Equal(0.25, f.Desk.EffectiveLimitsScale(f.Perp, f.BtcGroup, f.Account[0]));
        var call = Assert.Single(f.Actions.Calls);
        Assert.Equal(IncidentActionKind.Throttle, call.Action);
        Assert.Equal(0.25, call.Scale);
        Assert.Equal(TradingState.Active, f.State(Scope.Account, f.Account[0]));
    }

    [Fact]
    public void OnFinding_FlattenAndNotifyActions_CallEachOnceInRuleOrder()
    {
        var playbook = new Playbook([new PlaybookRule
        {
            Signatures = [Signature.GreeksLimit],
            Actions = [new(IncidentActionKind.Flatten), new(IncidentActionKind.NotifyExchange), new(IncidentActionKind.NotifyRegulator, ActionScope.Global)],
        }]);
        using var f = new IncidentFixture(playbook);
        f.Raise(Signature.GreeksLimit, Scope.Group, f.BtcGroup);

        Assert.Equal([IncidentActionKind.Flatten, IncidentActionKind.NotifyExchange, IncidentActionKind.NotifyRegulator],
            f.Actions.Calls.Select(c => c.Action).ToArray());
        Assert.Equal(Scope.Global, f.Actions.Calls[2].Scope);
        Assert.Equal(IncidentLifecycle.Contained, f.Status(f.Desk.LastIncidentId).Lifecycle);
    }

    [Fact]
    public void OnFinding_AccountActionOnInstrumentFinding_RecordedUnresolved()
    {
        var playbook = new Playbook([new PlaybookRule { Actions = [new(IncidentActionKind.Halt, ActionScope.Account), new(IncidentActionKind.Alert)] }]);
        using var f = new IncidentFixture(playbook);
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);

        var actions = f.Timeline(f.Desk.LastIncidentId).Where(e => e.Kind == TimelineEntryKind.Action).ToArray();
        Assert.Equal(ActionOutcome.Unresolved, actions[0].Outcome);
        Assert.Equal(ActionOutcome.Done, actions[1].Outcome);
        Assert.Equal(0, f.Board.TransitionCount);
    }

    [Fact]
    public void OnFinding_UnknownTarget_CountedAndIgnored()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.VolumeSpike, Scope.Instrument, 999);
        Assert.Equal(1, f.Desk.InvalidFindings);
        Assert.Equal(0, f.Desk.LastIncidentId);
    }

    [Fact]
    public void OnFinding_AlreadyHaltedByOperator_RecordsAlreadyInForce()
    {
        using var f = new IncidentFixture();
        f.Board.Halt(Scope.Instrument, f.Perp, f.Now);
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        var halt = f.Timeline(f.Desk.LastIncidentId).First(e => e.Kind == TimelineEntryKind.Action && e.Action == IncidentActionKind.Halt);
        Assert.Equal(ActionOutcome.AlreadyInForce, halt.Outcome);
        Assert.Equal(1, f.Board.TransitionCount);
    }
}
