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
            .Build();
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
}
