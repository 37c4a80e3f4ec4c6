using CircuitBreaker.Ring;
using CircuitBreaker.Tests.Gate;

namespace CircuitBreaker.Tests.Journal;

/// <summary>
/// What the journal must never lose: decisions, fills, admin commands and trips use a reserve market data cannot touch,
/// wait for room when even the reserve is full, and are refused only visibly (counted, a gap record, a global halt in a
/// pipeline). Market data is shed under overload, counted and marked by a gap record.
/// </summary>
public sealed class JournalReserveTests
{
    private const int Buffer = 4096, Reserve = 1024;
    private static readonly int EventFrame = JournalFormat.FrameHeaderSize + RiskEvent.SizeInBytes;

    private static JournalWriterOptions Stalled(JournalScratch scratch, StalledDisk disk, TimeSpan wait) => new()
    {
        BasePath = scratch.BasePath(), BufferBytes = Buffer, MaxPayloadBytes = 1024, ReserveBytes = Reserve,
        EssentialWaitTimeout = wait, StreamFactory = path => new GatedFileStream(path, disk),
    };

    /// <summary>Appends market data until the writer sheds it (the buffer is down to its reserve); returns how many went in.</summary>
    /// <summary>Holds the journal thread in its first write, then appends market data until the writer sheds it (the
    /// buffer is down to its reserve); returns how many went in.</summary>
    private static int FillWithMarketData(JournalWriter writer, StalledDisk disk, ref long t)
    {
        int accepted = writer.TryAppend(RiskEvent.Quote(++t, new InstrumentId(0), 99, 101)) ? 1 : 0;
        disk.WaitUntilAWriterIsHeld();
        for (int i = 0; i < 1_000; i++)
            accepted += writer.TryAppend(RiskEvent.Quote(++t, new InstrumentId(0), 99, 101)) ? 1 : 0;
        Assert.True(writer.Shed > 0);
        return accepted;
    }

    private static RiskEvent[] Essentials(long t) =>
    [
        RiskEvent.OrderDecision(new OrderRequest(t, new InstrumentId(0), new AccountId(0), 1, Side.Buy, 100, 1), RejectReason.None),
        RiskEvent.Fill(t + 1, new InstrumentId(0), new AccountId(0), 1, Side.Buy, 100, 1),
        RiskEvent.Admin(t + 2, AdminAction.Halt, Scope.Instrument, 0),
        RiskEvent.OrderDecision(new OrderRequest(t + 3, new InstrumentId(0), new AccountId(0), 2, Side.Sell, 101, 1), RejectReason.Halted),
    ];

    [Fact]
    public void DiskStalls_MarketDataFillsTheBuffer_DecisionsFillsAdminAndTripsStillGoInFromTheReserve()
    {
        using var scratch = new JournalScratch();
        using var disk = new StalledDisk();
        long t = 1_796_342_400_000_000_000; // present-day Unix ns
        long shed;
        var essentials = Essentials(t + 10_000);
        var trip = new TripContext(1, t + 10_010, Scope.Instrument, 0, TradingState.Active, TradingState.Halted, TripCause.Manual, RejectReason.Manual, default, Severity.Critical);
        Span<byte> tripPayload = stackalloc byte[TripRecord.Size];
        TripRecord.Write(in trip, tripPayload);
        using (var writer = new JournalWriter(Stalled(scratch, disk, TimeSpan.Zero))) // never wait: the reserve alone must do
        {
            FillWithMarketData(writer, disk, ref t);
            foreach (var e in essentials) Assert.True(writer.TryAppend(in e), $"{e.Kind} refused with the disk stalled");
            Assert.True(writer.TryAppend(JournalRecordType.Trip, tripPayload));
            Assert.True(writer.TryAppendNote("operator: BTC halted"));
            Assert.Equal(0, writer.Dropped);
            Assert.Equal(0, writer.EssentialWaits);
            shed = writer.Shed;
            disk.Set();
        }

        var (records, tail) = JournalScratch.ReadAll(JournalReader.FindFiles(scratch.BasePath()));
        Assert.Equal(TailStatus.Clean, tail.Status);
        int gapAt = records.FindIndex(r => r.Type == JournalRecordType.Gap);
        Assert.True(gapAt > 0);
        Assert.True(JournalGap.TryRead(records[gapAt].Payload.Span, out var gap));
        Assert.Equal(JournalGapKind.MarketDataShed, gap.Kind);
        Assert.Equal(shed, gap.Count);
        Assert.Equal(1 << (int)RiskEventKind.Quote, gap.EventKinds);
        Assert.True(records[gapAt - 1].TryGetEvent(out var lastKept) && lastKept.Kind == RiskEventKind.Quote);
        Assert.Equal(lastKept.TimeNs + 1, gap.FirstTimeNs);                     // the gap starts right after the last quote kept
        // then every essential record, in order, then the trip and the note
        var after = records.Skip(gapAt + 1).ToList();
        for (int i = 0; i < essentials.Length; i++)
        {
            Assert.True(after[i].TryGetEvent(out var e));
            Assert.Equal((essentials[i].Kind, essentials[i].TimeNs), (e.Kind, e.TimeNs));
        }
        Assert.True(after[essentials.Length].TryGetTrip(out var back));
        Assert.Equal(trip.Sequence, back.Sequence);
        Assert.Equal("operator: BTC halted", after[essentials.Length + 1].GetText());
        Assert.True(JournalSessionEnd.TryRead(records[^1].Payload.Span, out var end));
        Assert.Equal((shed, 0L, 1L), (end.Shed, end.EssentialDropped, end.Gaps));
    }

    [Fact]
    public void DiskStalls_EvenTheReserveIsFull_AnEssentialRecordWaitsForTheJournalThread_NothingDropped()
    {
        using var scratch = new JournalScratch();
        using var disk = new StalledDisk();
        long t = 0;
        using var writer = new JournalWriter(Stalled(scratch, disk, TimeSpan.FromSeconds(60)));
        FillWithMarketData(writer, disk, ref t);
        // release the disk only once the appender is seen waiting: the wait, not luck, lets the records in
        var release = new Thread(() =>
        {
            while (writer.EssentialWaits == 0) Thread.Yield();
            disk.Set();
        });
        release.Start();
        int appended = 0;
        for (int i = 0; i < 2 * Buffer / EventFrame; i++)
        {
            var fill = RiskEvent.Fill(++t, new InstrumentId(0), new AccountId(0), i, Side.Buy, 100, 1);
            Assert.True(writer.TryAppend(in fill));
            appended++;
        }
        release.Join();
        Assert.True(writer.Flush());
        Assert.True(writer.EssentialWaits > 0);
        Assert.Equal(0, writer.Dropped);
        Assert.Equal(2 * Buffer / EventFrame, appended);
    }

    [Fact]
    public void ReserveExhausted_NoWait_RefusedCountedAndMarkedByAnEssentialGap_SessionEndSaysSo()
    {
        using var scratch = new JournalScratch();
        using var disk = new StalledDisk();
        long t = 0;
        int refused = 0;
        long refusedFirst = 0;
        using (var writer = new JournalWriter(Stalled(scratch, disk, TimeSpan.Zero)))
        {
            FillWithMarketData(writer, disk, ref t);
            for (int i = 0; i < Buffer / EventFrame; i++)
            {
                var fill = RiskEvent.Fill(++t, new InstrumentId(0), new AccountId(0), i, Side.Buy, 100, 1);
                if (writer.TryAppend(in fill)) continue;
                if (refused++ == 0) refusedFirst = t;
            }
            Assert.True(refused > 0);
            Assert.Equal(refused, writer.Dropped);
            disk.Set();
            Assert.True(writer.Flush());
            Assert.True(writer.TryAppend(RiskEvent.Fill(++t, new InstrumentId(0), new AccountId(0), 99, Side.Buy, 100, 1)));
        }

        var (records, tail) = JournalScratch.ReadAll(JournalReader.FindFiles(scratch.BasePath()));
        Assert.Equal(TailStatus.Clean, tail.Status); // what was written is complete; what was refused is said
        var gaps = records.Where(r => r.Type == JournalRecordType.Gap)
            .Select(r => { Assert.True(JournalGap.TryRead(r.Payload.Span, out var g)); return g; }).ToList();
        var essential = Assert.Single(gaps, g => g.Kind == JournalGapKind.EssentialDropped);
        Assert.Equal(refused, essential.Count);
        Assert.Equal(refusedFirst, essential.FirstTimeNs);
        Assert.Equal(1 << (int)RiskEventKind.Fill, essential.EventKinds);
        Assert.True(JournalSessionEnd.TryRead(records[^1].Payload.Span, out var end));
        Assert.Equal(refused, end.EssentialDropped);
    }

    [Fact]
    public void Pipeline_JournalRefusesAnEssentialRecord_HaltsTradingGloballyAndTheJournalSaysSo()
    {
        using var scratch = new JournalScratch();
        using var disk = new StalledDisk();
        var f = new GateFixture(new InstrumentLimits { MaxLongPosition = 1e9, FatFingerMultiple = 1e9 });
        var journal = Stalled(scratch, disk, TimeSpan.Zero);
        using var p = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 4096 }, StallThreshold = TimeSpan.Zero, Journal = journal });
        p.Start();
        int published = 0;
        for (int i = 0; i < 200; i++, published++)
            Assert.Equal(PublishResult.Published, p.Publish(RiskEvent.Fill(f.Now + i, f.Btc, f.Mm, i, Side.Buy, 64000.0, 0.001)));
        Assert.True(SpinWait.SpinUntil(() => p.Evaluator.Processed == published, TimeSpan.FromSeconds(30)));

        Assert.True(p.JournalEssentialRefused > 0);
        Assert.Equal(TradingState.Halted, f.Breaker.Board.Global);                                   // fail-closed
        var order = new OrderRequest(f.Now + 1_000, f.Btc, f.Mm, 10_000, Side.Buy, 64000.0, 0.001);
        Assert.Equal(RejectReason.Halted, f.Breaker.Gate.Check(in order).Reason);
        disk.Set();
        p.Stop();

        var (records, tail) = JournalScratch.ReadAll(JournalReader.FindFiles(scratch.BasePath()));
        Assert.Equal(TailStatus.Clean, tail.Status);
        Assert.Contains(records, r => r.Type == JournalRecordType.Gap && JournalGap.TryRead(r.Payload.Span, out var g)
                                      && g.Kind == JournalGapKind.EssentialDropped);
        Assert.Contains(records, r => r.TryGetTrip(out var trip) && trip.Scope == Scope.Global
                                      && trip.Reason == RejectReason.RiskPipelineBackpressure && trip.Cause == TripCause.Pipeline);
    }
}
