namespace CircuitBreaker.Journal;

/// <summary>Life cycle of a <see cref="JournalWriter"/>.</summary>
public enum JournalWriterState : byte
{
    /// <summary>Writing: records appended are drained to disk.</summary>
    Running = 0,
    /// <summary>A disk error stopped writing; records drained since are counted in <see cref="JournalStatus.Lost"/>. Terminal.</summary>
    Faulted = 1,
    /// <summary>Disposed after a clean drain.</summary>
    Stopped = 2,
}

/// <summary>
/// A snapshot of a <see cref="JournalWriter"/>'s health and counters. Once the writer is flushed,
/// <c>Appended == Written + Lost</c>.
/// </summary>
public readonly struct JournalStatus
{
    /// <summary>Creates a snapshot.</summary>
    /// <param name="state">Writer state.</param>
    /// <param name="appended">Records accepted.</param>
    /// <param name="written">Records written to disk.</param>
    /// <param name="dropped">Records refused because the buffer was full.</param>
    /// <param name="rejected">Records refused as too large.</param>
    /// <param name="lost">Records accepted but not written (the writer faulted).</param>
    /// <param name="filesOpened">Files opened so far.</param>
    /// <param name="currentFile">The file being written, or null.</param>
    /// <param name="writerThreadAllocatedBytes">Bytes the journal thread allocated so far.</param>
    /// <param name="fault">The error that stopped the writer, or null.</param>
    public JournalStatus(JournalWriterState state, long appended, long written, long dropped, long rejected, long lost,
        int filesOpened, string? currentFile, long writerThreadAllocatedBytes, Exception? fault)
    {
        State = state; Appended = appended; Written = written; Dropped = dropped; Rejected = rejected; Lost = lost;
        FilesOpened = filesOpened; CurrentFile = currentFile; WriterThreadAllocatedBytes = writerThreadAllocatedBytes; Fault = fault;
    }

    /// <summary>Writer state.</summary>
    public JournalWriterState State { get; }
    /// <summary>Records accepted by <c>TryAppend</c>.</summary>
    public long Appended { get; }
    /// <summary>Records written and flushed to the stream.</summary>
    public long Written { get; }
    /// <summary>Records that must never be dropped but were refused: the buffer stayed full, reserve included, for the
    /// writer's essential wait timeout, or the writer was disposed. 0 in a healthy run.</summary>
    public long Dropped { get; }
    /// <summary>Market-data records (trades, quotes, oracle prices) shed under overload; each run is marked by a gap record.</summary>
    public long Shed { get; init; }
    /// <summary>Gap records written (runs of shed or dropped records).</summary>
    public long Gaps { get; init; }
    /// <summary>Appends that waited for the journal thread because even the reserve was full.</summary>
    public long EssentialWaits { get; init; }
    /// <summary>Records refused because the type is unknown or the payload is larger than the limit.</summary>
    public long Rejected { get; }
    /// <summary>Records accepted but not written because of a disk error.</summary>
    public long Lost { get; }
    /// <summary>Journal files opened so far (1 + rotations).</summary>
    public int FilesOpened { get; }
    /// <summary>The file being written; null before the first file opens or after a fault.</summary>
    public string? CurrentFile { get; }
    /// <summary>Bytes allocated by the journal thread since it started.</summary>
    public long WriterThreadAllocatedBytes { get; }
    /// <summary>The error that faulted the writer; null when healthy.</summary>
    public Exception? Fault { get; }
}
