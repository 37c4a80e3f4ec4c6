namespace CircuitBreaker.Tests.Incidents;

public sealed class EscalationTests
{
    [Fact]
    public void OnFinding_ThreeInstrumentHaltsInOneGroupWithinWindow_HaltsTheGroup()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        f.Pass(10);
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Fut);
        Assert.Equal(TradingState.Active, f.State(Scope.Group, f.BtcGroup));
        f.Pass(10);
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Spot);

        Assert.Equal(TradingState.Halted, f.State(Scope.Group, f.BtcGroup));
        var esc = Assert.Single(f.Timeline(f.Desk.LastIncidentId), e => e.Kind == TimelineEntryKind.Escalation);
        Assert.Equal(Scope.Group, esc.Scope);
        Assert.Equal(ActionOutcome.Done, esc.Outcome);
    }

    [Fact]
    public void OnFinding_InstrumentHaltsSpreadBeyondWindow_DoNotHaltTheGroup()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        f.Pass(40);
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Fut);
        f.Pass(40);
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Spot);
        Assert.Equal(TradingState.Active, f.State(Scope.Group, f.BtcGroup));
    }

    [Fact]
    public void OnFinding_ConfiguredTwoHalts_EscalatesOnTheSecond()
    {
        using var f = new IncidentFixture(options: IncidentFixture.Small(escalation: new Escalation { InstrumentHalts = 2, GroupWindow = TimeSpan.FromSeconds(5) }));
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        f.Pass(1);
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Fut);
        Assert.Equal(TradingState.Halted, f.State(Scope.Group, f.BtcGroup));
    }

    [Fact]
    public void OnFinding_ThreeAccountsHaltedWithinWindow_HaltsGlobal()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.RunawayAlgorithm, Scope.Account, f.Account[0]);
        f.Pass(5);
        f.Raise(Signature.RunawayAlgorithm, Scope.Account, f.Account[1]);
        Assert.Equal(TradingState.Active, f.Board.Global);
        f.Pass(5);
        f.Raise(Signature.RunawayAlgorithm, Scope.Account, f.Account[2]);
        Assert.Equal(TradingState.Halted, f.Board.Global);
    }

    [Fact]
    public void OnFinding_EscalationDisabled_NeverHaltsGlobal()
    {
        using var f = new IncidentFixture(options: IncidentFixture.Small(escalation: new Escalation { AccountHalts = 0 }));
        for (int a = 0; a < 4; a++) f.Raise(Signature.RunawayAlgorithm, Scope.Account, f.Account[a]);
        Assert.Equal(TradingState.Active, f.Board.Global);
    }
}
