namespace CircuitBreaker.Tests.Incidents;

public sealed class FlightRecorderTests
{
    [Fact]
    public void Record_MoreThanCapacity_KeepsNewestOldestFirst()
    {
        var r = new FlightRecorder(instruments: 2, perInstrument: 4, global: 6);
        for (int k = 1; k <= 10; k++)
        {
            var e = RiskEvent.Trade(k, new InstrumentId(k % 2), 100 + k, 1);
            r.Record(in e);
        }
        var buffer = new RiskEvent[8];
        int n = r.CopyInstrument(0, buffer);
        Assert.Equal([4L, 6, 8, 10], buffer[..n].Select(e => e.TimeNs).ToArray());
        n = r.CopyGlobal(buffer);
        Assert.Equal([5L, 6, 7, 8, 9, 10], buffer[..n].Select(e => e.TimeNs).ToArray());
        Assert.Equal(10, r.Recorded);
    }

    [Fact]
    public void Record_EventWithoutInstrument_GoesToGlobalOnly()
    {
        var r = new FlightRecorder(1, 4, 4);
        var e = RiskEvent.Admin(5, AdminAction.Ack, Scope.Global, -1);
        r.Record(in e);
        Assert.Equal(0, r.CountFor(0));
        Assert.Equal(1, r.GlobalCount);
        Assert.Equal(0, r.CopyInstrument(7, new RiskEvent[4]));
    }

    [Fact]
    public void CopyInstrument_SmallDestination_CopiesNewest()
    {
        var r = new FlightRecorder(1, 8, 8);
        for (int k = 1; k <= 5; k++) { var e = RiskEvent.Trade(k, new InstrumentId(0), 1, 1); r.Record(in e); }
        var buffer = new RiskEvent[2];
        Assert.Equal(2, r.CopyInstrument(0, buffer));
        Assert.Equal([4L, 5], buffer.Select(e => e.TimeNs).ToArray());
    }

    [Fact]
    public void OnFinding_Trip_SnapshotsRecorderIntoIncident()
    {
        using var f = new IncidentFixture();
        for (int k = 0; k < 20; k++)
        {
            f.Now += 1000;
            var trade = RiskEvent.Trade(f.Now, new InstrumentId(k % 2 == 0 ? f.Perp : f.Eth), 100 + k, 1);
            f.Desk.OnEvent(in trade);
        }
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        long tripTime = f.Now;
        f.Pass(1); // later events are not in the snapshot

        var record = f.Desk.BuildRecord(f.Desk.LastIncidentId)!;
        Assert.Equal(10, record.InstrumentEvents.Count);
        Assert.All(record.InstrumentEvents, e => Assert.Equal("BTC-PERP", e.Instrument));
        Assert.Equal(20, record.GlobalEvents.Count);
        Assert.All(record.GlobalEvents, e => Assert.True(e.T <= tripTime));
        Assert.Equal(118.0, record.InstrumentEvents[^1].Price);
    }
}
