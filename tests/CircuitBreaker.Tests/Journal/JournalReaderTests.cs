namespace CircuitBreaker.Tests.Journal;

public sealed class JournalReaderTests
{
    private const int Count = 20;

    /// <summary>Writes one single-file journal of <see cref="Count"/> records; returns its bytes and the records read back.</summary>
    private static (byte[] Bytes, List<JournalRecord> Records) Journal(JournalScratch scratch, JournalRecordType lastType)
    {
        var options = new JournalWriterOptions { BasePath = scratch.BasePath("source") };
        JournalScratch.WriteJournal(options, Count, lastType);
        string file = JournalReader.FindFiles(options.BasePath).Single();
        var (records, tail) = JournalScratch.ReadAll([file]);
        Assert.Equal(TailStatus.Clean, tail.Status);
        Assert.Equal(Count, records.Count);
        return (File.ReadAllBytes(file), records);
    }

    private static (List<JournalRecord> Records, JournalTail Tail) ReadBytes(string path, ReadOnlySpan<byte> bytes)
    {
        File.WriteAllBytes(path, bytes.ToArray());
        return JournalScratch.ReadAll([path]);
    }

    [Theory]
    [InlineData(JournalRecordType.Event)]
    [InlineData(JournalRecordType.Decision)]
    [InlineData(JournalRecordType.Trip)]
    [InlineData(JournalRecordType.Incident)]
    [InlineData(JournalRecordType.Note)]
    public void TryRead_TruncatedAtEveryByteInsideTheLastRecord_RecoversTheOthersAndReportsTorn(JournalRecordType lastType)
    {
        using var scratch = new JournalScratch();
        var (bytes, original) = Journal(scratch, lastType);
        long lastStart = original[^1].Offset;
        string path = scratch.BasePath("cut") + ".000000.cbj";

        for (int cut = (int)lastStart + 1; cut < bytes.Length; cut++)
        {
            var (records, tail) = ReadBytes(path, bytes.AsSpan(0, cut));

            Assert.Equal(Count - 1, records.Count);
            Assert.Equal(original.Take(Count - 1).Select(r => r.Payload.ToArray()), records.Select(r => r.Payload.ToArray()));
            Assert.Equal(TailStatus.Torn, tail.Status);
            Assert.Equal(JournalDefect.IncompleteFrame, tail.Defect);
            Assert.Equal(lastStart, tail.Offset);
            Assert.Equal(path, tail.File);
            Assert.Equal(Count - 1, tail.RecordsRead);
        }

        var (atBoundary, cleanTail) = ReadBytes(path, bytes.AsSpan(0, (int)lastStart));
        Assert.Equal(Count - 1, atBoundary.Count);
        Assert.Equal(TailStatus.Clean, cleanTail.Status);
    }

    [Fact]
    public void TryRead_FileShorterThanHeader_TornAtOffsetZero()
    {
        using var scratch = new JournalScratch();
        var (bytes, _) = Journal(scratch, JournalRecordType.Note);
        string path = scratch.BasePath("cut") + ".000000.cbj";

        for (int cut = 0; cut < JournalFormat.FileHeaderSize; cut++)
        {
            var (records, tail) = ReadBytes(path, bytes.AsSpan(0, cut));
            Assert.Empty(records);
            Assert.Equal(TailStatus.Torn, tail.Status);
            Assert.Equal(JournalDefect.IncompleteHeader, tail.Defect);
            Assert.Equal(0, tail.Offset);
        }
    }

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x80)]
    [InlineData(0xFF)]
    public void TryRead_OneByteFlippedInARecord_StopsAtThatRecord(int mask)
    {
        using var scratch = new JournalScratch();
        var (bytes, original) = Journal(scratch, JournalRecordType.Event);
        const int damaged = 7;
        long start = original[damaged].Offset, end = original[damaged + 1].Offset;
        string path = scratch.BasePath("flip") + ".000000.cbj";

        for (long at = start; at < end; at++)
        {
            byte[] copy = (byte[])bytes.Clone();
            copy[at] ^= (byte)mask;
            var (records, tail) = ReadBytes(path, copy);

            Assert.Equal(damaged, records.Count);
            Assert.Equal(start, tail.Offset);
            if (at >= start + 4)
            {
                // crc, type, sequence or payload: the CRC catches it
                Assert.Equal(TailStatus.Corrupt, tail.Status);
                Assert.Equal(JournalDefect.CrcMismatch, tail.Defect);
            }
            else
            {
                // length field: CRC mismatch, impossible length, or (pointing past the end of the file) torn
                Assert.NotEqual(TailStatus.Clean, tail.Status);
            }
        }
    }

    [Fact]
    public void TryRead_OneByteFlippedInTheFileHeader_CorruptBeforeAnyRecord()
    {
        using var scratch = new JournalScratch();
        var (bytes, _) = Journal(scratch, JournalRecordType.Event);
        string path = scratch.BasePath("flip") + ".000000.cbj";

        for (int at = 0; at < JournalFormat.FileHeaderSize; at++)
        {
            byte[] copy = (byte[])bytes.Clone();
            copy[at] ^= 0x10;
            var (records, tail) = ReadBytes(path, copy);

            Assert.Empty(records);
            Assert.Equal(TailStatus.Corrupt, tail.Status);
            Assert.Equal(at < 4 ? JournalDefect.BadMagic : JournalDefect.HeaderCrcMismatch, tail.Defect);
        }
    }

    [Fact]
    public void TryRead_MiddleFileDeleted_CorruptFileMissingAfterTheFirstFile()
    {
        using var scratch = new JournalScratch();
        var options = new JournalWriterOptions { BasePath = scratch.BasePath(), MaxFileBytes = 4096 };
        JournalScratch.WriteJournal(options, 300);
        var files = JournalReader.FindFiles(options.BasePath);
        int inFirst = JournalScratch.ReadAll([files[0]]).Records.Count;
        File.Delete(files[1]);

        var (records, tail) = JournalScratch.ReadAll(JournalReader.FindFiles(options.BasePath));

        Assert.Equal(inFirst, records.Count);
        Assert.Equal(TailStatus.Corrupt, tail.Status);
        Assert.Equal(JournalDefect.FileMissing, tail.Defect);
        Assert.Equal(files[2], tail.File);
    }

    [Fact]
    public void TryRead_FileThatCannotBeOpened_ReportsUnreadableWithoutThrowing()
    {
        using var scratch = new JournalScratch();
        string missing = scratch.BasePath("gone") + ".000000.cbj";

        var (records, tail) = JournalScratch.ReadAll([missing]);

        Assert.Empty(records);
        Assert.Equal(TailStatus.Corrupt, tail.Status);
        Assert.Equal(JournalDefect.FileUnreadable, tail.Defect);
        Assert.Equal(missing, tail.File);
        Assert.Contains("I/O error", tail.Message);
    }

    [Fact]
    public void TryRead_NotAJournalFile_BadMagic()
    {
        using var scratch = new JournalScratch();
        string path = scratch.BasePath("text") + ".000000.cbj";

        var (records, tail) = ReadBytes(path, "this is a plain text file, long enough for a header"u8);

        Assert.Empty(records);
        Assert.Equal(JournalDefect.BadMagic, tail.Defect);
    }

    [Fact]
    public void TryRead_NoFiles_CleanAndEmpty()
    {
        using var scratch = new JournalScratch();

        var (records, tail) = JournalScratch.ReadAll(JournalReader.FindFiles(scratch.BasePath("nothing")));

        Assert.Empty(records);
        Assert.Equal(TailStatus.Clean, tail.Status);
        Assert.Null(tail.File);
    }

    [Fact]
    public void Crc32C_StandardCheckString_MatchesTheCastagnoliCheckValue()
    {
        Assert.Equal(0xE3069283u, JournalFormat.Crc32C("123456789"u8));
        Assert.Equal(0u, JournalFormat.Crc32C([]));
    }
}
