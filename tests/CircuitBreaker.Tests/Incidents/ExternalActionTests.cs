namespace CircuitBreaker.Tests.Incidents;

public sealed class ExternalActionTests
{
    [Fact]
    public void OnFinding_RepeatedFindingsInOneIncident_DeliverCancelAllExactlyOnce()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        f.Raise(Signature.PriceVelocity, Scope.Instrument, f.Perp);
        f.Raise(Signature.LiquidityCollapse, Scope.Instrument, f.Perp);

        Assert.Equal(1, f.Actions.Count(IncidentActionKind.CancelAll, Scope.Instrument, f.Perp));
        Assert.Equal(1, f.Actions.Count(IncidentActionKind.Alert, Scope.Instrument, f.Perp));
        Assert.Equal(4, f.Timeline(f.Desk.LastIncidentId).Count(e => e.Outcome == ActionOutcome.AlreadyDelivered));
        Assert.All(f.Actions.Calls, c => Assert.Equal(f.Desk.LastIncidentId, c.IncidentId));
    }

    [Fact]
    public void OnFinding_ReContainment_DeliversAgainOnce()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        f.Pass(61);
        f.Desk.Acknowledge(f.Desk.LastIncidentId, f.Now);
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        Assert.Equal(2, f.Actions.Count(IncidentActionKind.CancelAll, Scope.Instrument, f.Perp));
    }

    [Fact]
    public void OnFinding_ThrowingActions_IsolatedCountedAndStateHolds()
    {
        using var f = new IncidentFixture();
        f.Actions.Throw = true;
        f.Raise(Signature.RunawayAlgorithm, Scope.Account, f.Account[0]);

        Assert.Equal(TradingState.Halted, f.State(Scope.Account, f.Account[0]));
        Assert.Equal(4, f.Desk.ActionFaults); // cancel all, isolate session, notify exchange, alert
        Assert.IsType<InvalidOperationException>(f.Desk.LastActionFault);
        var outcomes = f.Timeline(f.Desk.LastIncidentId).Where(e => e.Kind == TimelineEntryKind.Action).Select(e => e.Outcome).ToArray();
        Assert.Equal([ActionOutcome.Done, ActionOutcome.Faulted, ActionOutcome.Faulted, ActionOutcome.Faulted, ActionOutcome.Faulted], outcomes);
        Assert.Equal(IncidentLifecycle.Contained, f.Status(f.Desk.LastIncidentId).Lifecycle);
        f.Raise(Signature.RunawayAlgorithm, Scope.Account, f.Account[0]);
        Assert.Equal(4, f.Desk.ActionFaults); // not retried: delivered once
    }

    [Fact]
    public void OnFinding_NoHandlerRegistered_RecordsNoHandler()
    {
        var board = new StateBoard(1, 1, 1);
        var registry = new InstrumentRegistry();
        int i = registry.AddInstrument("X", InstrumentKind.Perpetual, 1, 1).Value;
        var desk = new IncidentDesk(registry, board, options: IncidentFixture.Small());
        var finding = new Finding(1, Signature.VolumeSpike, Scope.Instrument, i, Severity.Critical, 5);
        desk.OnFinding(in finding);
        var buffer = new TimelineEntry[32];
        int n = desk.CopyTimeline(desk.LastIncidentId, buffer);
        Assert.Contains(buffer[..n], e => e.Action == IncidentActionKind.CancelAll && e.Outcome == ActionOutcome.NoHandler);
        Assert.Equal(TradingState.Halted, board.Get(Scope.Instrument, i));
    }

    [Fact]
    public void OnFinding_KillSwitchOnBoard_SeesTheIncidentTripOnce()
    {
        using var f = new IncidentFixture();
        var seen = new List<TripContext>();
        f.Board.Register((in TripContext c) => seen.Add(c));
        f.Raise(Signature.FlashLoan, Scope.Instrument, f.Perp);
        f.Raise(Signature.FlashLoan, Scope.Instrument, f.Perp);
        var trip = Assert.Single(seen);
        Assert.Equal(Scope.Group, trip.Scope);
    }
}
