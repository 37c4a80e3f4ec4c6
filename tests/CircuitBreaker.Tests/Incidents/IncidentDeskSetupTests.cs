namespace CircuitBreaker.Tests.Incidents;

public sealed class IncidentDeskSetupTests
{
    [Fact]
    public void Constructor_FromBreaker_UsesItsBoardAndConfigVersion()
    {
        var config = new CircuitBreakerBuilder()
            .Instrument("BTC-PERP", InstrumentKind.Perpetual, tick: 0.1, lot: 0.001)
            .Account("mm-1")
            .Version(12)
            .BuildConfig();
        using var breaker = new Breaker(config);
        var desk = new IncidentDesk(breaker, options: IncidentFixture.Small());
        var finding = new Finding(5, Signature.VolumeSpike, Scope.Instrument, 0, Severity.Critical, 8);
        desk.OnFinding(in finding);

        Assert.Equal(TradingState.Halted, breaker.Board.Get(Scope.Instrument, 0));
        Assert.Equal(12, desk.BuildRecord(desk.LastIncidentId)!.ConfigVersion);
        Assert.Throws<ArgumentNullException>(() => new IncidentDesk(null!));
    }

    [Fact]
    public void OnFinding_EverySlotOpen_CountsDroppedButStillActs()
    {
        using var f = new IncidentFixture(options: new IncidentOptions { IncidentCapacity = 1, InstrumentEvents = 4, GlobalEvents = 4, SnapshotGlobalEvents = 4 });
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Eth);

        Assert.Equal(1, f.Desk.IncidentsDropped);
        Assert.Equal(TradingState.Halted, f.State(Scope.Instrument, f.Eth));
        Assert.Contains(f.Actions.Calls, c => c.Target == f.Eth && c.IncidentId == 0);
    }

    [Fact]
    public void LimitsScale_OperatorScalesTheBoard_DeskReadsTheBoardsScale()
    {
        using var f = new IncidentFixture();
        f.Board.SetLimitScale(Scope.Account, f.Account[2], 0.3);
        f.Board.SetLimitScale(Scope.Group, f.EthGroup, 0.6);

        // One source of truth: the desk reports the scale the gate enforces, whoever set it.
        Assert.Equal(0.3, f.Desk.LimitsScale(Scope.Account, f.Account[2]));
        Assert.Equal(0.3, f.Desk.EffectiveLimitsScale(f.Eth, f.EthGroup, f.Account[2]));
        Assert.Equal(0.6, f.Desk.EffectiveLimitsScale(f.Eth, f.EthGroup, f.Account[1]));
        Assert.Equal(1.0, f.Desk.EffectiveLimitsScale(f.Perp, f.BtcGroup, f.Account[1]));
    }

    [Fact]
    public void OnFinding_ThrottleAfterOperatorScale_KeepsTheStricterScaleOnTheBoard()
    {
        var playbook = new Playbook([new PlaybookRule { Signatures = [Signature.QuoteStuffing], Actions = [new(IncidentActionKind.Throttle, scale: 0.5)] }]);
        using var f = new IncidentFixture(playbook);
        f.Board.SetLimitScale(Scope.Account, f.Account[0], 0.2);
        f.Raise(Signature.QuoteStuffing, Scope.Account, f.Account[0], Severity.Warning);

        // The throttle never relaxes a stricter scale already in force on the board.
        Assert.Equal(0.2, f.Board.GetLimitScale(Scope.Account, f.Account[0]));
        Assert.Equal(0.2, Assert.Single(f.Actions.Calls).Scale);
    }
}
