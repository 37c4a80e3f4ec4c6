namespace CircuitBreaker.Tests.Journal;

public sealed class JournalWriterFaultTests
{
    private static JournalWriterOptions Options(Func<string, Stream> factory) =>
        new() { BasePath = Path.Combine(Path.GetTempPath(), "cbj-faulty", "journal"), StreamFactory = factory };

    [Fact]
    public void TryAppend_StreamThrowsOnFirstWrite_FaultedWithErrorAndEveryRecordLost()
    {
        using var writer = new JournalWriter(Options(_ => new FaultyStream(failAfterBytes: 0)));
        for (int i = 0; i < 50; i++)
            Assert.True(writer.TryAppendNote("trip BTC-PERP"));

        bool flushed = writer.Flush();
        var status = writer.GetStatus();

        Assert.False(flushed);
        Assert.Equal(JournalWriterState.Faulted, status.State);
        Assert.IsType<IOException>(status.Fault);
        Assert.Contains("No space left", status.Fault!.Message);
        Assert.Equal(0, status.Written);
        Assert.Equal(50, status.Lost);
        Assert.Null(status.CurrentFile);
    }

    [Fact]
    public void TryAppend_StreamFailsMidway_NoExceptionReachesTheAppenderAndLostIsCounted()
    {
        using var writer = new JournalWriter(Options(_ => new FaultyStream(failAfterBytes: 2_000)));
        var e = RiskEvent.Trade(1, new InstrumentId(1), 100, 1);
        for (int i = 0; i < 200; i++)
        {
            writer.TryAppend(in e);
            if (i % 10 == 0)
                writer.Flush(); // several batches, so some reach the "disk" before it fails
        }
        writer.Flush();
        for (int i = 0; i < 200; i++)
            Assert.True(writer.TryAppend(in e)); // still accepted (and counted lost), never throws
        writer.Flush();

        Assert.Equal(JournalWriterState.Faulted, writer.State);
        Assert.IsType<IOException>(writer.Fault);
        Assert.InRange(writer.Written, 1, 2_000 / 81);
        Assert.Equal(400, writer.Appended);
        Assert.Equal(writer.Appended, writer.Written + writer.Lost);
        writer.Dispose(); // must not throw either
        Assert.Equal(JournalWriterState.Faulted, writer.State);
    }

    [Fact]
    public void Constructor_StreamFactoryThrows_FaultedNotCrashed()
    {
        using var writer = new JournalWriter(Options(_ => throw new UnauthorizedAccessException("read-only volume")));
        Assert.True(writer.TryAppendNote("hello"));

        Assert.False(writer.Flush());
        Assert.IsType<UnauthorizedAccessException>(writer.Fault);
        Assert.Equal(1, writer.Lost);
        Assert.Equal(0, writer.GetStatus().FilesOpened);
    }

    [Fact]
    public void Rotate_NextFileCannotBeOpened_FaultedAndEarlierFilesIntact()
    {
        using var scratch = new JournalScratch();
        int opened = 0;
        var options = new JournalWriterOptions
        {
            BasePath = scratch.BasePath(),
            MaxFileBytes = 4096,
            StreamFactory = path => ++opened <= 2
                ? new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read)
                : throw new IOException("disk full on rotation"),
        };
        using (var writer = new JournalWriter(options))
        {
            var e = RiskEvent.Trade(1, new InstrumentId(1), 100, 1);
            for (int i = 0; i < 200; i++)
                Assert.True(writer.TryAppend(in e));
            Assert.False(writer.Flush());
            Assert.Equal("disk full on rotation", writer.Fault!.Message);
            Assert.Equal(200, writer.Written + writer.Lost);

            var (records, tail) = JournalScratch.ReadAll(JournalReader.FindFiles(options.BasePath));
            // what reached the disk reads back intact, but the session could not be closed: truncated, not complete
            Assert.Equal((TailStatus.Truncated, JournalDefect.MissingSessionEnd), (tail.Status, tail.Defect));
            Assert.Equal(writer.Written, records.Count);
        }
    }

    [Fact]
    public void Validate_SeveralBadSettings_ReportsAllInOneMessage()
    {
        var options = new JournalWriterOptions { BasePath = "", BufferBytes = 5000, MaxFileBytes = 10, PollInterval = TimeSpan.Zero, FirstSequence = -1 };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("BasePath", error.Message);
        Assert.Contains("BufferBytes", error.Message);
        Assert.Contains("MaxFileBytes", error.Message);
        Assert.Contains("PollInterval", error.Message);
        Assert.Contains("FirstSequence", error.Message);
    }

    [Fact]
    public void Options_Defaults_AreAsDocumented()
    {
        var options = new JournalWriterOptions { BasePath = "j" };

        Assert.Equal(1 << 20, options.BufferBytes);
        Assert.Equal(4096, options.MaxPayloadBytes);
        Assert.Equal(64L << 20, options.MaxFileBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(1), options.PollInterval);
        Assert.Equal(0, options.FirstSequence);
        Assert.False(options.FlushToDisk);
        Assert.Null(options.StreamFactory);
        options.Validate();
    }
}
