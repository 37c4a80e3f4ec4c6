using CircuitBreaker.Tests.Support;
namespace CircuitBreaker.Tests.Incidents;

public sealed class IncidentAllocationTests
{
    private static void Cycle(IncidentDesk desk, int instrument, int account, ref long now)
    {
        const long s = IncidentFixture.Second;
        for (int k = 0; k < 50; k++)
        {
            now += s / 10;
            var trade = RiskEvent.Trade(now, new InstrumentId(instrument), 100 + k, 1);
            desk.OnEvent(in trade);
        }
        var spike = new Finding(now, Signature.VolumeSpike, Scope.Instrument, instrument, Severity.Warning, 4.0, FindingDetail.RatioToBaseline, 9, 1);
        desk.OnFinding(in spike);
        var velocity = new Finding(now, Signature.PriceVelocity, Scope.Instrument, instrument, Severity.Warning, 5.0);
        desk.OnFinding(in velocity); // corroborated: halt + cancel all
        var runaway = new Finding(now, Signature.RunawayAlgorithm, Scope.Account, account, Severity.Critical, 7.0);
        desk.OnFinding(in runaway);
        for (int step = 0; step < 8; step++)
        {
            now += 61 * s;
            var quote = RiskEvent.Quote(now, new InstrumentId(instrument), 99, 101);
            desk.OnEvent(in quote);
            var ack = RiskEvent.Admin(now, AdminAction.Ack, Scope.Instrument, instrument);
            desk.OnEvent(in ack);
            desk.Acknowledge(Scope.Account, account, now);
            if (step == 1)
            {
                var again = new Finding(now, Signature.VolumeSpike, Scope.Instrument, instrument, Severity.Critical, 6.0);
                desk.OnFinding(in again); // during probation: re-contains
            }
        }
    }

    [Fact]
    public void OnFindingAndOnEvent_AfterWarmUp_IncludingTripAndRecovery_AllocateNothing()
    {
        using var f = new IncidentFixture(actions: new CountingActions());
        long now = f.Now;
        Cycle(f.Desk, f.Perp, f.Account[0], ref now); // warm-up: JIT, first trip, full recovery

        long allocated = AllocationProbe.MinAllocated(() => Cycle(f.Desk, f.Fut, f.Account[1], ref now));

        Assert.Equal(0, allocated);
        Assert.True(f.Desk.LastIncidentId >= 4); // the measured cycles really opened incidents...
        Assert.True(f.Board.TransitionCount >= 8); // ...and tripped and recovered
        Assert.Equal(IncidentLifecycle.Closed, f.Status(3).Lifecycle);
        Assert.Equal(1, f.Status(3).Recontainments);
    }

    [Fact]
    public void BuildRecord_Control_Allocates()
    {
        using var f = new IncidentFixture(actions: new CountingActions());
        long now = f.Now;
        Cycle(f.Desk, f.Perp, f.Account[0], ref now);
        _ = f.Desk.BuildRecord(1);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var record = f.Desk.BuildRecord(1);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.NotNull(record);
        Assert.True(allocated > 0);
    }
}
