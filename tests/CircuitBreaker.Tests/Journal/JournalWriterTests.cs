using Xunit.Abstractions;

namespace CircuitBreaker.Tests.Journal;

public sealed class JournalWriterTests(ITestOutputHelper output)
{
    [Fact]
    public void TryAppend_ManyRecordsOfEveryType_RoundTripInOrder()
    {
        using var scratch = new JournalScratch();
        // A small buffer forces frames to wrap around the ring's end many times.
        var options = new JournalWriterOptions { BasePath = scratch.BasePath(), BufferBytes = 4096, MaxPayloadBytes = 1024 };
        const int count = 5_000;
        JournalScratch.WriteJournal(options, count);

        var (all, tail) = JournalScratch.ReadAll(JournalReader.FindFiles(options.BasePath));

        Assert.Equal(TailStatus.Clean, tail.Status);
        Assert.Equal(Enumerable.Range(0, all.Count).Select(i => (long)i), all.Select(r => r.Sequence)); // gaps take numbers too
        Assert.Equal(JournalRecordType.SessionEnd, all[^1].Type);
        // the writer's own records (gaps where market data was shed and retried, the end) aside, every record in order
        var records = all.Where(r => r.Type is not (JournalRecordType.Gap or JournalRecordType.SessionEnd)).ToList();
        Assert.Equal(count, records.Count);
        for (int i = 0; i < count; i++)
        {
            Assert.Equal(JournalScratch.TypeOf(i), records[i].Type);
            Assert.Equal(JournalScratch.Payload(records[i].Type, i), records[i].Payload.ToArray());
        }
    }

    [Fact]
    public void TryAppendEvent_RiskEvent_ReadsBackFieldForField()
    {
        using var scratch = new JournalScratch();
        var fill = RiskEvent.Fill(42, new InstrumentId(3), new AccountId(9), 777, Side.Buy, 101.25, 2.5, venue: 4);
        using (var writer = new JournalWriter(scratch.BasePath()))
        {
            Assert.True(writer.TryAppend(in fill));
            Assert.True(writer.TryAppendNote("fat finger on BTC-PERP"));
        }

        var (records, _) = JournalScratch.ReadAll(JournalReader.FindFiles(scratch.BasePath()));

        Assert.True(records[0].TryGetEvent(out var back));
        Assert.Equal(RiskEventKind.Fill, back.Kind);
        Assert.Equal(42, back.TimeNs);
        Assert.Equal(777, back.FillData.OrderId);
        Assert.Equal(101.25, back.FillData.Price);
        Assert.Equal(9, back.Account);
        Assert.False(records[1].TryGetEvent(out _));
        Assert.Equal("fat finger on BTC-PERP", records[1].GetText());
    }

    [Fact]
    public void TryAppend_SmallMaxFileBytes_RotatesIntoSeveralFilesReadBackInOrder()
    {
        using var scratch = new JournalScratch();
        var options = new JournalWriterOptions { BasePath = scratch.BasePath(), MaxFileBytes = 4096 };
        JournalScratch.WriteJournal(options, 600);

        var files = JournalReader.FindFiles(options.BasePath);
        var (records, tail) = JournalScratch.ReadAll(files);

        Assert.True(files.Count >= 5, $"expected several files, got {files.Count}");
        Assert.All(files, f => Assert.InRange(new FileInfo(f).Length, JournalFormat.FileHeaderSize + 1, 4096));
        Assert.Equal(JournalFormat.FileName(options.BasePath, 0), files[0]);
        Assert.Equal(TailStatus.Clean, tail.Status);
        Assert.Equal(Enumerable.Range(0, records.Count).Select(i => (long)i), records.Select(r => r.Sequence));
        Assert.Equal(600, records.Count(r => r.Type is not (JournalRecordType.Gap or JournalRecordType.SessionEnd)));
        Assert.Equal(files, records.Select(r => r.File).Distinct());
    }

    [Fact]
    public void Constructor_ExistingFiles_NewSessionContinuesNumberingAndReadsBackBothSessions()
    {
        using var scratch = new JournalScratch();
        var options = new JournalWriterOptions { BasePath = scratch.BasePath(), MaxFileBytes = 4096 };
        JournalScratch.WriteJournal(options, 100);
        int firstSessionFiles = JournalReader.FindFiles(options.BasePath).Count;
        JournalScratch.WriteJournal(options, 100);

        var files = JournalReader.FindFiles(options.BasePath);
        var (records, tail) = JournalScratch.ReadAll(files);

        Assert.True(files.Count > firstSessionFiles);
        Assert.Equal(TailStatus.Clean, tail.Status);
        Assert.Equal(2, records.Count(r => r.Type == JournalRecordType.SessionEnd)); // both sessions complete
        Assert.Equal(200, records.Count(r => r.Type is not (JournalRecordType.Gap or JournalRecordType.SessionEnd)));
        int second = records.FindIndex(r => r.Type == JournalRecordType.SessionEnd) + 1;
        Assert.Equal(0, records[second].Sequence); // the second session restarts its sequence, flagged in its first header
    }

    [Fact]
    public void Dispose_WithoutFlush_DrainsEverythingAppendedBefore()
    {
        using var scratch = new JournalScratch();
        var writer = new JournalWriter(new JournalWriterOptions { BasePath = scratch.BasePath(), BufferBytes = 4 << 20 });
        const int count = 20_000;
        var e = RiskEvent.Quote(1, new InstrumentId(1), 99, 101);
        for (int i = 0; i < count; i++)
        {
            e.TimeNs = i;
            Assert.True(writer.TryAppend(in e));
        }
        writer.Dispose();

        var (records, tail) = JournalScratch.ReadAll(JournalReader.FindFiles(scratch.BasePath()));
        Assert.Equal(JournalWriterState.Stopped, writer.State);
        Assert.Equal(0, writer.Shed);
        Assert.Equal(count + 1, writer.Written);
        Assert.Equal(TailStatus.Clean, tail.Status);
        Assert.Equal(count + 1, records.Count);
        Assert.True(JournalSessionEnd.TryRead(records[^1].Payload.Span, out var end));
        Assert.Equal(new JournalSessionEnd(0, count, 0, 0, 0), end);
        Assert.True(records[^2].TryGetEvent(out var last));
        Assert.Equal(count - 1, last.TimeNs);
    }

    [Fact]
    public void TryAppend_AfterDispose_ReturnsFalseAndCountsDropped()
    {
        using var scratch = new JournalScratch();
        var writer = new JournalWriter(scratch.BasePath());
        writer.Dispose();

        Assert.False(writer.TryAppendNote("late"));
        Assert.Equal(1, writer.Dropped);
    }

    [Fact]
    public void TryAppend_MarketDataWhileDiskStalls_ShedOutsideTheReserveThenMarkedByOneGap()
    {
        using var gate = new ManualResetEventSlim(false);
        var stream = new FaultyStream(gate: gate);
        using var writer = new JournalWriter(new JournalWriterOptions { BasePath = "stalled", BufferBytes = 4096, MaxPayloadBytes = 1024, StreamFactory = _ => stream });
        var e = RiskEvent.Oracle(1, new InstrumentId(1), 100);
        int accepted = writer.TryAppend(in e) ? 1 : 0;
        // Hold the journal thread in its first write before filling, so it cannot drain part of the buffer meanwhile.
        for (var until = DateTime.UtcNow.AddMinutes(1); stream.WritesEntered == 0 && DateTime.UtcNow < until;) Thread.Sleep(1);
        Assert.True(stream.WritesEntered > 0, "the journal thread never reached the disk");
        for (int i = 1; i < 1_000; i++)
            accepted += writer.TryAppend(in e) ? 1 : 0;
        gate.Set();
        Assert.True(writer.Flush());
        Assert.True(writer.TryAppend(in e)); // room again: the gap record goes first
        Assert.True(writer.Flush());

        Assert.Equal(0, writer.Dropped);
        Assert.Equal(1_000, accepted + writer.Shed);
        Assert.Equal(1, writer.Gaps);
        Assert.Equal(accepted + 2, writer.Written);
        Assert.Equal(JournalFormat.FileHeaderSize + (accepted + 1) * (JournalFormat.FrameHeaderSize + 64L) + JournalFormat.FrameHeaderSize + JournalGap.Size,
            stream.BytesWritten);
    }

    [Fact]
    public void TryAppend_UnknownTypeOversizedPayloadOrShortEvent_RejectedAndCounted()
    {
        using var scratch = new JournalScratch();
        using var writer = new JournalWriter(new JournalWriterOptions { BasePath = scratch.BasePath(), MaxPayloadBytes = 100 });

        Assert.False(writer.TryAppend((JournalRecordType)0, [1]));
        Assert.False(writer.TryAppend((JournalRecordType)8, [1]));
        Assert.False(writer.TryAppend(JournalRecordType.Gap, new byte[JournalGap.Size]));              // the writer's own
        Assert.False(writer.TryAppend(JournalRecordType.SessionEnd, new byte[JournalSessionEnd.Size])); // the writer's own
        Assert.False(writer.TryAppend(JournalRecordType.Trip, new byte[101]));
        Assert.False(writer.TryAppend(JournalRecordType.Event, new byte[63]));
        Assert.False(writer.TryAppendNote(new string('x', 101)));
        Assert.True(writer.TryAppend(JournalRecordType.Trip, new byte[100]));

        Assert.Equal(7, writer.Rejected);
        Assert.Equal(1, writer.Appended);
    }

    [Fact]
    public void TryAppend_AfterWarmUp_AllocatesNothingOnTheCallingThread()
    {
        using var scratch = new JournalScratch();
        using var writer = new JournalWriter(new JournalWriterOptions { BasePath = scratch.BasePath(), BufferBytes = 8 << 20 });
        byte[] decision = new byte[24];
        Run(writer, decision, allocate: false, 1_000); // warm-up (tiering, statics)
        writer.Flush();

        long zeroCase = CircuitBreaker.Tests.Support.AllocationProbe.MinAllocated(() => Run(writer, decision, allocate: false, 10_000));
        writer.Flush();
        long controlCase = Measure(() => Run(writer, decision, allocate: true, 10_000));

        Assert.Equal(0, zeroCase);
        Assert.True(controlCase >= 10_000 * 24, $"control must allocate, allocated {controlCase}");
        Assert.True(writer.Flush());
        Assert.Equal(0, writer.Dropped);
        output.WriteLine($"TryAppend x30,000 allocated {zeroCase} B on the caller; control allocated {controlCase} B; " +
                         $"journal thread allocated {writer.WriterThreadAllocatedBytes} B for {writer.Written} records");

        static void Run(JournalWriter writer, byte[] decision, bool allocate, int count)
        {
            var e = RiskEvent.Trade(0, new InstrumentId(2), 100, 1);
            for (int i = 0; i < count; i++)
            {
                e.TimeNs = i;
                writer.TryAppend(in e);
                writer.TryAppend(JournalRecordType.Decision, allocate ? new byte[24] : decision);
                writer.TryAppendNote("halt BTC-PERP");
            }
        }

        static long Measure(Action action)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
    }

    [Fact]
    public void JournalThread_AfterTheFileIsOpen_AllocatesNothingPerRecordOrPerBatch()
    {
        using var scratch = new JournalScratch();
        // A long essential wait: on a loaded machine the journal thread may be descheduled for a while, and this test is
        // about allocation, not about how long the appender waits for room.
        using var writer = new JournalWriter(new JournalWriterOptions { BasePath = scratch.BasePath(), BufferBytes = 1 << 16, EssentialWaitTimeout = TimeSpan.FromSeconds(60) });
        byte[] decision = new byte[24];
        var e = RiskEvent.Fill(0, new InstrumentId(2), new AccountId(1), 7, Side.Buy, 100, 1);
        for (int i = 0; i < 1_000; i++) writer.TryAppend(in e); // warm-up: the file is open, the code paths are hot
        Assert.True(writer.Flush());
        long warm = writer.WriterThreadAllocatedBytes;
        long batches = 0;
        for (int i = 0; i < 200_000; i++)
        {
            e.TimeNs = i;
            Assert.True(writer.TryAppend(in e));                                   // fills (essential): wait for room, never shed
            Assert.True(writer.TryAppend(JournalRecordType.Decision, decision));
            if (i % 5_000 == 0) { Assert.True(writer.Flush()); batches++; }          // many small batches, each flushed
        }
        Assert.True(writer.Flush());
        long allocated = writer.WriterThreadAllocatedBytes - warm;
        output.WriteLine($"journal thread: {allocated} B for {writer.Written - 1_000:N0} records in >= {batches} flushed batches after warm-up " +
                         $"({warm} B to open the file and warm up)");
        Assert.Equal(400_000 + 1_000, writer.Written);
        Assert.Equal(0, writer.Dropped + writer.Shed);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void WriterThreadAllocatedBytes_AfterWriting_IsCountedOnTheJournalThread()
    {
        using var scratch = new JournalScratch();
        using var writer = new JournalWriter(scratch.BasePath());
        for (int i = 0; i < 100; i++)
            writer.TryAppendNote("x");
        writer.Flush();

        Assert.True(writer.WriterThreadAllocatedBytes > 0); // opening the file allocates there (the stream, its path)
        Assert.Equal(writer.WriterThreadAllocatedBytes, writer.GetStatus().WriterThreadAllocatedBytes);
    }
}
