using CircuitBreaker.Tests.Support;
using CircuitBreaker.Ring;
using CircuitBreaker.Tests.Gate;
using CircuitBreaker.Tests.Journal;

namespace CircuitBreaker.Tests.Pipeline;

public class PipelineJournalTests
{
    private static RiskPipelineOptions Options(JournalWriterOptions journal) =>
        new() { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 1024 }, StallThreshold = TimeSpan.Zero, Journal = journal };

    private static (List<JournalRecord> Records, JournalTail Tail) Read(string basePath)
    {
        using var reader = new JournalReader(basePath);
        var records = reader.ReadAll().ToList();
        return (records, reader.Tail);
    }

    [Fact]
    public void Stop_WithJournal_EveryEventInOrderAndEveryTripPresent()
    {
        using var scratch = new JournalScratch();
        var f = new GateFixture(new InstrumentLimits { MaxLongPosition = 1.0, FatFingerMultiple = 1e9 });
        using var p = new RiskPipeline(f.Breaker, Options(new JournalWriterOptions { BasePath = scratch.BasePath() }));
        p.Start();
        var sent = new List<RiskEvent>();
        void Publish(RiskEvent e) { Assert.Equal(PublishResult.Published, p.Publish(in e)); sent.Add(e); }
        for (int i = 0; i < 200; i++)
        {
            Publish(RiskEvent.Trade(f.Now + 10 * i, f.Btc, 64000.0 + i * 0.1, 0.5));
            var order = new OrderRequest(f.Now + 10 * i + 1, f.Btc, f.Mm, 1000 + i, Side.Sell, 64000.0, 0.01);
            var d = p.CheckAndPublish(in order);
            sent.Add(RiskEvent.OrderDecision(in order, d.Reason));
        }
        Publish(RiskEvent.Admin(f.Now + 5000, AdminAction.Halt, Scope.Instrument, f.Swap.Value));       // manual trip
        Publish(RiskEvent.Fill(f.Now + 5001, f.Btc, f.Mm, 77, Side.Buy, 64000.0, 1.5));                 // MaxPosition trip
        p.Stop();
        f.Breaker.Halt(Scope.Account, f.Other.Value, f.Now + 9999); // after Stop: not journaled, and harmless

        var (records, tail) = Read(scratch.BasePath());
        Assert.Equal(TailStatus.Clean, tail.Status);
        Assert.Equal(JournalRecordType.Note, records[0].Type);
        Assert.True(JournalSessionNote.TryParse(records[0].GetText(), out var note));
        Assert.Equal(["BTC-PERP", "IRS-5Y"], note!.Instruments.Select(i => i.Symbol));
        var events = records.Where(r => r.Type == JournalRecordType.Event).Select(r => { r.TryGetEvent(out var e); return e; }).ToList();
        Assert.Equal(sent.Count, events.Count);
        for (int i = 0; i < sent.Count; i++)
        {
            Assert.Equal(sent[i].Kind, events[i].Kind);
            Assert.Equal(sent[i].TimeNs, events[i].TimeNs);
            Assert.Equal(sent[i].Reason, events[i].Reason);
            Assert.Equal(sent[i].OrderData.OrderId, events[i].OrderData.OrderId);
        }
        var trips = records.Where(r => r.Type == JournalRecordType.Trip).Select(r => { Assert.True(r.TryGetTrip(out var t)); return t; }).ToList();
        var board = new TripContext[16];
        int made = f.Breaker.Board.CopyHistory(board) - 1; // the last one came after Stop
        Assert.Equal(2, made);
        Assert.Equal(board.Take(made).Select(t => (t.Sequence, t.Scope, t.Target, t.State, t.Reason)),
            trips.Select(t => (t.Sequence, t.Scope, t.Target, t.State, t.Reason)));
        Assert.Equal(RejectReason.MaxPosition, trips[1].Reason);
        // each transition follows the event that caused it
        int fillIndex = records.FindIndex(r => r.TryGetEvent(out var e) && e.Kind == RiskEventKind.Fill);
        Assert.Equal(JournalRecordType.Trip, records[fillIndex + 1].Type);
        var status = p.JournalStatus!.Value;
        Assert.Equal(JournalWriterState.Stopped, status.State);
        Assert.Equal(status.Appended, status.Written);
        Assert.Equal(0, status.Dropped);
    }

    [Fact]
    public void OperatorTrip_OnAnotherThread_JournaledByTheEvaluator()
    {
        using var scratch = new JournalScratch();
        var f = new GateFixture();
        using var p = new RiskPipeline(f.Breaker, Options(new JournalWriterOptions { BasePath = scratch.BasePath() }));
        p.Start();
        var operatorThread = new Thread(() => f.Breaker.Halt(Scope.Global, -1, f.Now + 1));
        operatorThread.Start();
        operatorThread.Join();
        p.Publish(RiskEvent.Trade(f.Now + 2, f.Btc, 64000.0, 1));
        p.Stop();
        var (records, _) = Read(scratch.BasePath());
        var trip = Assert.Single(records, r => r.Type == JournalRecordType.Trip);
        Assert.True(trip.TryGetTrip(out var t));
        Assert.Equal((Scope.Global, TradingState.Halted, TripCause.Manual), (t.Scope, t.State, t.Cause));
    }

    [Fact]
    public void DiskFault_EvaluationGoesOn_FaultReportedInPipelineStatus()
    {
        using var scratch = new JournalScratch();
        var f = new GateFixture(new InstrumentLimits { MaxLongPosition = 1.0, FatFingerMultiple = 1e9 });
        var journal = new JournalWriterOptions { BasePath = scratch.BasePath(), StreamFactory = _ => new FaultyStream(failAfterBytes: 600) };
        using var p = new RiskPipeline(f.Breaker, Options(journal));
        p.Start();
        for (int i = 0; i < 300; i++) p.Publish(RiskEvent.Trade(f.Now + i, f.Btc, 64000.0, 0.5));
        p.Publish(RiskEvent.Fill(f.Now + 400, f.Btc, f.Mm, 77, Side.Buy, 64000.0, 1.5));
        p.Stop();

        Assert.Equal(301, p.Evaluator.Processed);                                                   // nothing skipped
        Assert.Equal(TradingState.ReduceOnly, f.Breaker.Board.Get(Scope.Instrument, f.Btc.Value)); // limits still trip
        Assert.True(p.JournalFaulted);
        var status = p.JournalStatus!.Value;
        Assert.Equal(JournalWriterState.Faulted, status.State);
        Assert.IsType<IOException>(status.Fault);
        Assert.True(status.Lost > 0);
        Assert.Equal(status.Appended, status.Written + status.Lost);
    }

    [Fact]
    public void FullJournalBuffer_MarketDataShedCountedAndMarked_NeverBlocksTheEvaluator_DecisionsStillJournaled()
    {
        using var scratch = new JournalScratch();
        using var disk = new StalledDisk();
        var f = new GateFixture();
        var journal = new JournalWriterOptions
        {
            BasePath = scratch.BasePath(), BufferBytes = 4096, MaxPayloadBytes = 1024, EssentialWaitTimeout = TimeSpan.Zero,
            StreamFactory = path => new GatedFileStream(path, disk),
        };
        using var p = new RiskPipeline(f.Breaker, Options(journal));
        p.Start();
        disk.WaitUntilAWriterIsHeld(); // the journal thread is stuck writing the session note before any trade arrives
        for (int i = 0; i < 500; i++) p.Publish(RiskEvent.Trade(f.Now + i, f.Btc, 64000.0, 0.5));
        var order = new OrderRequest(f.Now + 600, f.Btc, f.Mm, 42, Side.Sell, 64000.0, 0.01);
        var decision = p.CheckAndPublish(in order);
        Assert.True(SpinWait.SpinUntil(() => p.Evaluator.Processed == 501, TimeSpan.FromSeconds(30))); // the disk is still stuck
        long shed = p.JournalStatus!.Value.Shed;
        disk.Set();
        p.Stop();
        Assert.True(shed > 400, $"shed {shed}");
        var status = p.JournalStatus!.Value;
        Assert.Equal(shed, status.Shed);
        Assert.Equal(0, status.Dropped);
        Assert.Equal(0, p.JournalEssentialRefused);
        Assert.Equal(status.Appended, status.Written);

        var (records, tail) = Read(scratch.BasePath());
        Assert.Equal(TailStatus.Clean, tail.Status);
        var gap = Assert.Single(records, r => r.Type == JournalRecordType.Gap);
        Assert.True(JournalGap.TryRead(gap.Payload.Span, out var g));
        Assert.Equal((JournalGapKind.MarketDataShed, shed), (g.Kind, g.Count));
        // the decision taken while the disk stalled is in the journal, right after the gap
        int at = records.IndexOf(gap);
        Assert.True(records[at + 1].TryGetEvent(out var e));
        Assert.Equal((RiskEventKind.Order, 42L, (byte)decision.Reason), (e.Kind, e.OrderData.OrderId, e.Reason));
    }

    [Fact]
    public void Journal_DefaultNone_NoStatus()
    {
        var f = new GateFixture();
        using var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 64 }, StallThreshold = TimeSpan.Zero });
        Assert.Null(new RiskPipelineOptions().Journal);
        p.Start();
        p.Publish(RiskEvent.Trade(f.Now + 1, f.Btc, 64000.0, 1));
        p.Stop();
        Assert.Null(p.JournalStatus);
        Assert.False(p.JournalFaulted);
        Assert.Equal(0, p.JournalTripsDropped);
    }

    [Fact]
    public void Validate_InvalidJournalOptions_ReportedWithThePipelineErrors()
    {
        var options = new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 3 }, Journal = new JournalWriterOptions { BasePath = "", BufferBytes = 100 } };
        var ex = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("Capacity", ex.Message);
        Assert.Contains("Journal: ", ex.Message);
        Assert.Contains("BasePath is required", ex.Message);
        Assert.Contains("BufferBytes", ex.Message);
    }

    [Fact]
    public void RecordAndDrainTrips_AfterWarmUp_AllocateNothing_ControlAllocates()
    {
        using var scratch = new JournalScratch();
        var f = new GateFixture();
        var journal = new PipelineJournal(new JournalWriterOptions { BasePath = scratch.BasePath(), BufferBytes = 1 << 22 }, f.Breaker.Board);
        journal.Open(f.Breaker.Registry);
        var e = RiskEvent.Trade(f.Now, f.Btc, 64000.0, 1);
        var trip = new TripContext(1, f.Now, Scope.Instrument, 0, TradingState.Active, TradingState.Halted, TripCause.Manual, RejectReason.Manual, default, Severity.Critical);
        void Work()
        {
            for (int i = 0; i < 1000; i++) journal.Record(in e);
            journal.OnTransition(in trip);
            journal.DrainTrips();
        }
        Work();
        int rounds = 0;
        long allocated = AllocationProbe.MinAllocated(() => { rounds++; Work(); });
        long before = GC.GetAllocatedBytesForCurrentThread();
        var control = JournalSessionNote.Write(f.Breaker.Registry, 4096);
        long controlAllocated = GC.GetAllocatedBytesForCurrentThread() - before;
        journal.Close();
        Assert.Equal(0, allocated);
        Assert.True(controlAllocated > 0 && control.Count == 1);
        Assert.Equal(0, journal.Writer!.Shed);
        Assert.Equal(1001 * (1 + rounds) + control.Count + 1, journal.Writer!.Written); // + the end-of-session record
    }
}
