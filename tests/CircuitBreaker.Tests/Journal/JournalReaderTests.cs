namespace CircuitBreaker.Tests.Journal;

public sealed class JournalReaderTests
{
    private const int Count = 20;

    /// <summary>Writes one single-file journal of <see cref="Count"/> records (then the writer's end-of-session record); returns its
    /// bytes and the records read back.</summary>
    private static (byte[] Bytes, List<JournalRecord> Records) Journal(JournalScratch scratch, JournalRecordType lastType)
    {
        var options = new JournalWriterOptions { BasePath = scratch.BasePath("source") };
        JournalScratch.WriteJournal(options, Count, lastType);
        string file = JournalReader.FindFiles(options.BasePath).Single();
        var (records, tail) = JournalScratch.ReadAll([file]);
        Assert.Equal(TailStatus.Clean, tail.Status);
        Assert.Equal(Count + 1, records.Count);
        Assert.Equal(JournalRecordType.SessionEnd, records[^1].Type);
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
        long lastStart = original[Count - 1].Offset, endStart = original[Count].Offset;
        string path = scratch.BasePath("cut") + ".000000.cbj";

        for (int cut = (int)lastStart + 1; cut < endStart; cut++)
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

        // cut at a frame boundary: every record left is intact, but the session has no end: truncated, not complete
        var (atBoundary, cutTail) = ReadBytes(path, bytes.AsSpan(0, (int)lastStart));
        Assert.Equal(Count - 1, atBoundary.Count);
        Assert.Equal((TailStatus.Truncated, JournalDefect.MissingSessionEnd, lastStart), (cutTail.Status, cutTail.Defect, cutTail.Offset));
        var (beforeEnd, beforeEndTail) = ReadBytes(path, bytes.AsSpan(0, (int)endStart));
        Assert.Equal(Count, beforeEnd.Count);
        Assert.Equal((TailStatus.Truncated, JournalDefect.MissingSessionEnd), (beforeEndTail.Status, beforeEndTail.Defect));
        var (whole, wholeTail) = ReadBytes(path, bytes);
        Assert.Equal(Count + 1, whole.Count);
        Assert.Equal(TailStatus.Clean, wholeTail.Status);
        Assert.True(wholeTail.IsComplete);
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
    public void TryRead_RotatedJournalMissingItsLastFiles_TruncatedNotClean()
    {
        using var scratch = new JournalScratch();
        var options = new JournalWriterOptions { BasePath = scratch.BasePath(), MaxFileBytes = 4096 };
        JournalScratch.WriteJournal(options, 300);
        var files = JournalReader.FindFiles(options.BasePath);
        Assert.True(files.Count >= 4);
        Assert.Equal(TailStatus.Clean, JournalScratch.ReadAll(files).Tail.Status);

        for (int keep = 1; keep < files.Count; keep++)
        {
            // every frame of the files kept is intact and each ends at a frame boundary: only the session end says they are not all
            var (records, tail) = JournalScratch.ReadAll(files.Take(keep));
            Assert.Equal((TailStatus.Truncated, JournalDefect.MissingSessionEnd), (tail.Status, tail.Defect));
            Assert.False(tail.IsComplete);
            Assert.Equal(files[keep - 1], tail.File);
            Assert.Equal(new FileInfo(files[keep - 1]).Length, tail.Offset);
            Assert.Equal(records.Count, tail.RecordsRead);
            Assert.DoesNotContain(records, r => r.Type == JournalRecordType.SessionEnd);
        }
    }

    [Fact]
    public void TryRead_JournalMissingItsFirstFile_TruncatedMissingSessionStart_RestReadInFull()
    {
        using var scratch = new JournalScratch();
        var options = new JournalWriterOptions { BasePath = scratch.BasePath(), MaxFileBytes = 4096 };
        JournalScratch.WriteJournal(options, 300);
        var files = JournalReader.FindFiles(options.BasePath);
        var (all, _) = JournalScratch.ReadAll(files);
        File.Delete(files[0]);

        var (records, tail) = JournalScratch.ReadAll(JournalReader.FindFiles(options.BasePath));

        Assert.Equal((TailStatus.Truncated, JournalDefect.MissingSessionStart), (tail.Status, tail.Defect));
        Assert.Equal(files[1], tail.File);
        Assert.Equal(all.SkipWhile(r => r.File == files[0]).Select(r => r.Sequence), records.Select(r => r.Sequence));
        Assert.Equal(JournalRecordType.SessionEnd, records[^1].Type); // the end record still checks out against its own sequence
    }

    [Fact]
    public void TryRead_CrashedSessionThenACompleteOne_TruncatedAtTheCrash_BothSessionsRead()
    {
        using var scratch = new JournalScratch();
        var options = new JournalWriterOptions { BasePath = scratch.BasePath() };
        JournalScratch.WriteJournal(options, 40);
        string first = JournalReader.FindFiles(options.BasePath).Single();
        var (firstRecords, _) = JournalScratch.ReadAll([first]);
        long endOffset = firstRecords[^1].Offset;
        using (var fs = new FileStream(first, FileMode.Open)) fs.SetLength(endOffset); // a crash: no end-of-session record
        JournalScratch.WriteJournal(options, 40);                                     // the restart, closed properly

        var (records, tail) = JournalScratch.ReadAll(JournalReader.FindFiles(options.BasePath));

        Assert.Equal((TailStatus.Truncated, JournalDefect.MissingSessionEnd), (tail.Status, tail.Defect));
        Assert.Equal((first, endOffset), (tail.File, tail.Offset));
        Assert.Equal(40 + 41, records.Count);
    }

    [Fact]
    public void TryRead_SessionEndRecordThatDoesNotMatchTheSession_Corrupt()
    {
        using var scratch = new JournalScratch();
        var (bytes, original) = Journal(scratch, JournalRecordType.Event);
        long endStart = original[Count].Offset;
        byte[] copy = (byte[])bytes.Clone();
        var frame = copy.AsSpan((int)endStart);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(frame[(JournalFormat.FrameHeaderSize + 16)..], Count + 5); // claims more records
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], JournalFormat.FrameCrc(frame));            // CRC-valid

        var (records, tail) = ReadBytes(scratch.BasePath("forged") + ".000000.cbj", copy);

        Assert.Equal((TailStatus.Corrupt, JournalDefect.BadSessionRecord, endStart), (tail.Status, tail.Defect, tail.Offset));
        Assert.Equal(Count, records.Count);
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
