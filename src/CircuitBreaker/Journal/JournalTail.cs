namespace CircuitBreaker.Journal;

/// <summary>How a journal read ended.</summary>
public enum TailStatus : byte
{
    /// <summary>Complete: every file ended exactly at a frame boundary, nothing was skipped, and every writer session read
    /// ends with its end-of-session record (format version 2; version-1 sessions have none).</summary>
    Clean = 0,
    /// <summary>The last bytes form an incomplete header or frame (an interrupted write); everything before it was read.</summary>
    Torn = 1,
    /// <summary>A header or frame is damaged (CRC mismatch, impossible length, unknown type, broken sequence) or a file could not be read.</summary>
    Corrupt = 2,
    /// <summary>Every file read ended at a frame boundary and every record is intact, but a writer session was cut short: its
    /// end-of-session record is missing (a crash, a journal still being written, or files missing at the end), or the
    /// journal starts in the middle of a session (its first files are missing). Everything present was read.</summary>
    Truncated = 3,
}

/// <summary>What exactly stopped a journal read (detail of <see cref="TailStatus"/>).</summary>
public enum JournalDefect : byte
{
    /// <summary>No defect: the read ended cleanly.</summary>
    None = 0,
    /// <summary>Torn: the file is shorter than its 32-byte header.</summary>
    IncompleteHeader,
    /// <summary>Torn: the file ends inside a frame.</summary>
    IncompleteFrame,
    /// <summary>Corrupt: the file does not start with the magic bytes "CBJL".</summary>
    BadMagic,
    /// <summary>Corrupt: the header names a format version or header size this reader does not know.</summary>
    UnsupportedVersion,
    /// <summary>Corrupt: the header's CRC-32C does not match.</summary>
    HeaderCrcMismatch,
    /// <summary>Corrupt: a file number is missing between two files, or the header's number is not the one expected.</summary>
    FileMissing,
    /// <summary>Corrupt: a frame's length field is below the minimum or above the header's max payload.</summary>
    ImpossibleLength,
    /// <summary>Corrupt: a frame's CRC-32C does not match its bytes.</summary>
    CrcMismatch,
    /// <summary>Corrupt: a frame's record type is not a <see cref="JournalRecordType"/> value.</summary>
    UnknownRecordType,
    /// <summary>Corrupt: an <see cref="JournalRecordType.Event"/> payload is not exactly 64 bytes.</summary>
    BadEventSize,
    /// <summary>Corrupt: a frame's sequence is not the next one expected.</summary>
    SequenceBreak,
    /// <summary>Corrupt: the file could not be opened or read (the I/O error is in <see cref="JournalTail.Message"/>).</summary>
    FileUnreadable,
    /// <summary>Truncated: a session has no <see cref="JournalRecordType.SessionEnd"/> record (it was cut at a frame
    /// boundary, or its last files are missing).</summary>
    MissingSessionEnd,
    /// <summary>Truncated: the first file read is not the first file of a writer session (the journal's first files are missing).</summary>
    MissingSessionStart,
    /// <summary>Corrupt: a CRC-valid gap or session-end record whose payload is not a valid layout, a session-end record
    /// whose counts do not match the session, or a record after a session's end in the same session.</summary>
    BadSessionRecord,
}

/// <summary>
/// Where and why a journal read stopped: status, defect, file, byte offset of the damaged header or frame
/// (for <see cref="TailStatus.Clean"/>: the end of the last file) and a human message.
/// </summary>
public readonly struct JournalTail
{
    /// <summary>Creates a tail report.</summary>
    /// <param name="status">How the journal ended.</param>
    /// <param name="defect">The defect found, if any.</param>
    /// <param name="file">The file where reading stopped, or null.</param>
    /// <param name="offset">Byte offset where reading stopped.</param>
    /// <param name="recordsRead">Records read before it.</param>
    /// <param name="message">Human description.</param>
    public JournalTail(TailStatus status, JournalDefect defect, string? file, long offset, long recordsRead, string message)
    {
        Status = status; Defect = defect; File = file; Offset = offset; RecordsRead = recordsRead; Message = message;
    }

    /// <summary>How the read ended.</summary>
    public TailStatus Status { get; }
    /// <summary>True when the read ended cleanly and every writer session in it is closed by its end-of-session record
    /// (<see cref="TailStatus.Clean"/>): nothing is missing at the end. Version-1 journals, which have no such record, are
    /// clean when they end at a frame boundary.</summary>
    public bool IsComplete => Status == TailStatus.Clean;
    /// <summary>What stopped it; <see cref="JournalDefect.None"/> when clean.</summary>
    public JournalDefect Defect { get; }
    /// <summary>The file where the read stopped; null when there were no files.</summary>
    public string? File { get; }
    /// <summary>Byte offset in <see cref="File"/> of the damaged header or frame start (clean: the file length read).</summary>
    public long Offset { get; }
    /// <summary>Records returned before the read stopped.</summary>
    public long RecordsRead { get; }
    /// <summary>Human description of the outcome.</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Status} ({Defect}) at {File}:{Offset} after {RecordsRead} records: {Message}";
}
