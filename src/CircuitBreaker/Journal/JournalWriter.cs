using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace CircuitBreaker.Journal;

/// <summary>
/// Append-only binary journal (format: <see cref="JournalFormat"/>). The evaluator thread appends with
/// <see cref="TryAppend(JournalRecordType, ReadOnlySpan{byte})"/>, which copies the frame into a preallocated byte ring:
/// no allocation, no lock, no system call. A dedicated journal thread drains the ring through a preallocated staging buffer
/// into the current file (plain synchronous writes: nothing allocated per record or per batch), flushes after every batch
/// and rotates to <c>&lt;base&gt;.&lt;n+1:D6&gt;.cbj</c> before a file would pass <see cref="JournalWriterOptions.MaxFileBytes"/>.
/// <para>
/// <b>Threading:</b> single producer. All <c>TryAppend</c> overloads must be called from one thread at a time (the
/// evaluator). <see cref="Flush()"/> and the status members may be called from any thread. <see cref="Dispose"/> must not
/// race an append.
/// </para>
/// <para>
/// <b>What is never dropped, what may be shed:</b> a part of the buffer (<see cref="JournalWriterOptions.ReserveBytes"/>) is
/// kept for records that must never be dropped: every record except market-data events (trades, quotes, oracle prices).
/// Market data is shed when appending it would eat into the reserve; it is counted in <see cref="Shed"/> and the run of
/// shed records is marked by a <see cref="JournalRecordType.Gap"/> record written before the next record kept. When even
/// the reserve is full, an essential append waits (spinning and yielding; no lock, no allocation) up to
/// <see cref="JournalWriterOptions.EssentialWaitTimeout"/> for the journal thread; only then is it refused, counted in
/// <see cref="Dropped"/> and marked by a gap record. <see cref="Dispose"/> ends the session with a
/// <see cref="JournalRecordType.SessionEnd"/> record so a reader can tell a complete journal from a cut one.
/// </para>
/// <para>
/// <b>Disk error:</b> the journal thread catches it, enters <see cref="JournalWriterState.Faulted"/> (terminal), keeps
/// <see cref="Fault"/>, and counts every record it cannot write in <see cref="Lost"/>; the appender never sees it.
/// </para>
/// </summary>
public sealed class JournalWriter : IDisposable
{
    private const int MinStagingBytes = 256 * 1024;
    private const ushort MarketDataKinds = (1 << (int)RiskEventKind.Trade) | (1 << (int)RiskEventKind.Quote) | (1 << (int)RiskEventKind.Oracle);

    private readonly JournalWriterOptions _options;
    private readonly JournalBuffer _buffer;
    private readonly byte[] _noteScratch;
    private readonly byte[] _staging;
    private readonly int _reserve;
    private readonly long _waitTicks;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly ManualResetEventSlim _progress = new(false);

    // producer-owned state (counters written by the appender, read anywhere)
    private long _nextSequence;
    private long _appended;
    private long _dropped;
    private long _rejected;
    private long _shed;
    private long _gaps;
    private long _waits;
    private PendingGap _pendingShed;
    private PendingGap _pendingDropped;
    private bool _ended;
    private bool _starved;
    private bool _waitUnbounded;
    private volatile bool _closing;

    // journal-thread-owned state
    private Stream? _stream;
    private int _staged;
    private long _fileBytes;
    private int _fileNumber;
    private long _unflushed;
    private long _written;
    private long _lost;
    private long _completed;
    private int _filesOpened;
    private long _threadAllocated;
    private string? _currentFile;
    private Exception? _fault;
    private int _state;

    /// <summary>Starts a writer on <paramref name="basePath"/> with default options. Allocates (setup only).</summary>
    /// <param name="basePath">Files are <c>&lt;basePath&gt;.&lt;n:D6&gt;.cbj</c>.</param>
    public JournalWriter(string basePath) : this(new JournalWriterOptions { BasePath = basePath }) { }

    /// <summary>Validates <paramref name="options"/>, preallocates the buffers and starts the journal thread. The first file is
    /// numbered one past the highest existing <c>&lt;base&gt;.n.cbj</c> (0 when none). Allocates (setup only).</summary>
    /// <param name="options">Path, buffer and file sizes, flush policy (validated; every error in one message).</param>
    public JournalWriter(JournalWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _buffer = new JournalBuffer(options.BufferBytes);
        _noteScratch = new byte[options.MaxPayloadBytes];
        _staging = GC.AllocateArray<byte>(Math.Max(MinStagingBytes, JournalFormat.FrameHeaderSize + options.MaxPayloadBytes), pinned: true);
        _reserve = options.EffectiveReserveBytes;
        _waitTicks = (long)(options.EssentialWaitTimeout.TotalSeconds * Stopwatch.Frequency);
        _nextSequence = options.FirstSequence;
        _fileNumber = JournalReader.FindFileNumbers(options.BasePath).LastOrDefault(-1) + 1;
        CreateWaitLock(_wake);
        CreateWaitLock(_progress);
        _thread = new Thread(Run) { IsBackground = true, Name = "cb-journal" };
        _thread.Start();
    }

    /// <summary>A <see cref="ManualResetEventSlim"/> allocates its monitor object (24 B) the first time a wait has to block.
    /// Blocking once here, on the constructing thread and before the journal thread starts, keeps that allocation off the
    /// journal thread and off <see cref="Flush()"/> callers in the steady state (it happened at a random later batch on a
    /// loaded machine otherwise).</summary>
    private static void CreateWaitLock(ManualResetEventSlim signal) => signal.Wait(1);

    /// <summary>Writer state.</summary>
    public JournalWriterState State => (JournalWriterState)Volatile.Read(ref _state);
    /// <summary>The disk error that faulted the writer; null when healthy.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);
    /// <summary>Records accepted by <c>TryAppend</c> (gap and end-of-session records included).</summary>
    public long Appended => Volatile.Read(ref _appended);
    /// <summary>Records written and flushed to the stream.</summary>
    public long Written => Volatile.Read(ref _written);
    /// <summary>Records that must never be dropped but were refused: the buffer stayed full (reserve included) for
    /// <see cref="JournalWriterOptions.EssentialWaitTimeout"/>, or the writer was disposed. 0 in a healthy run.</summary>
    public long Dropped => Volatile.Read(ref _dropped);
    /// <summary>Market-data records (trades, quotes, oracle prices) shed because the buffer was in its reserve; each run of
    /// them is marked by a <see cref="JournalRecordType.Gap"/> record.</summary>
    public long Shed => Volatile.Read(ref _shed);
    /// <summary>Gap records written.</summary>
    public long Gaps => Volatile.Read(ref _gaps);
    /// <summary>Appends that had to wait for the journal thread because even the reserve was full.</summary>
    public long EssentialWaits => Volatile.Read(ref _waits);
    /// <summary>Records refused because the type is unknown or reserved to the writer, or the payload exceeds <see cref="JournalWriterOptions.MaxPayloadBytes"/>.</summary>
    public long Rejected => Volatile.Read(ref _rejected);
    /// <summary>Records accepted but not written because of a disk error.</summary>
    public long Lost => Volatile.Read(ref _lost);
    /// <summary>Bytes allocated by the journal thread since it started (<see cref="GC.GetAllocatedBytesForCurrentThread"/> on it):
    /// opening and rotating files; nothing per record.</summary>
    public long WriterThreadAllocatedBytes => Volatile.Read(ref _threadAllocated);

    /// <summary>A snapshot of state, counters, current file and fault. Allocates nothing.</summary>
    public JournalStatus GetStatus() => new(State, Appended, Written, Dropped, Rejected, Lost,
        Volatile.Read(ref _filesOpened), Volatile.Read(ref _currentFile), WriterThreadAllocatedBytes, Fault)
    {
        Shed = Shed, Gaps = Gaps, EssentialWaits = EssentialWaits,
    };

    /// <summary>Appends one record. Single producer; allocates nothing, takes no lock. False (counted in
    /// <see cref="Rejected"/>) for an unknown type, a type only the writer writes (<see cref="JournalRecordType.Gap"/>,
    /// <see cref="JournalRecordType.SessionEnd"/>) or an oversized payload. A market-data event is shed (false, counted in
    /// <see cref="Shed"/>, marked by a gap) when the buffer is in its reserve; any other record waits for room up to
    /// <see cref="JournalWriterOptions.EssentialWaitTimeout"/> and is refused (false, counted in <see cref="Dropped"/>) only
    /// after it, or after <see cref="Dispose"/>.</summary>
    /// <param name="type">The record type.</param>
    /// <param name="payload">Its payload, copied into the buffer.</param>
    public bool TryAppend(JournalRecordType type, ReadOnlySpan<byte> payload)
    {
        if (!JournalFormat.IsDefined(type) || type is JournalRecordType.Gap or JournalRecordType.SessionEnd
            || payload.Length > _options.MaxPayloadBytes
            || (type == JournalRecordType.Event && payload.Length != RiskEvent.SizeInBytes))
        {
            Volatile.Write(ref _rejected, _rejected + 1);
            return false;
        }
        if (type == JournalRecordType.Event)
        {
            var kind = (RiskEventKind)payload[0];
            long time = BinaryPrimitives.ReadInt64LittleEndian(payload[8..]);
            return IsMarketData(kind) ? AppendMarketData(payload, kind, time) : AppendEssential(type, payload, kind, time);
        }
        return AppendEssential(type, payload, RiskEventKind.None, long.MinValue);
    }

    /// <summary>Appends a <see cref="RiskEvent"/> as an <see cref="JournalRecordType.Event"/> record (its 64 bytes as is).
    /// Single producer; allocates nothing. Market data may be shed under overload (see the type's remarks).</summary>
    /// <param name="riskEvent">The event.</param>
    /// <returns>False when refused (counted).</returns>
    public bool TryAppend(in RiskEvent riskEvent) =>
        TryAppend(JournalRecordType.Event, MemoryMarshal.AsBytes(new ReadOnlySpan<RiskEvent>(in riskEvent)));

    /// <summary>Appends <paramref name="text"/> as a UTF-8 <see cref="JournalRecordType.Note"/>. Single producer; allocates
    /// nothing (encodes into a preallocated scratch buffer). False (rejected) when the encoding is too long.</summary>
    /// <param name="text">The note.</param>
    /// <returns>False when refused (counted).</returns>
    public bool TryAppendNote(ReadOnlySpan<char> text)
    {
        if (!Encoding.UTF8.TryGetBytes(text, _noteScratch, out int written))
        {
            Volatile.Write(ref _rejected, _rejected + 1);
            return false;
        }
        return TryAppend(JournalRecordType.Note, _noteScratch.AsSpan(0, written));
    }

    /// <summary>Appends a gap found by the caller (for example a pipeline's transitions that could not be queued), as a record
    /// that must never be dropped. Single producer; allocates nothing. False (rejected) for an undefined kind or a count
    /// below 1.</summary>
    /// <param name="gap">The gap.</param>
    public bool TryAppendGap(in JournalGap gap)
    {
        if (gap.Kind is < JournalGapKind.MarketDataShed or > JournalGapKind.TripsNotQueued || gap.Count <= 0)
        {
            Volatile.Write(ref _rejected, _rejected + 1);
            return false;
        }
        Span<byte> payload = stackalloc byte[JournalGap.Size];
        gap.Write(payload);
        return AppendEssential(JournalRecordType.Gap, payload, RiskEventKind.None, gap.LastTimeNs);
    }

    /// <summary>True when an essential record of <paramref name="payloadLength"/> bytes can be appended now, waiting for room as
    /// <c>TryAppend</c> would (single producer): the next such append then succeeds. False after the wait timeout or once
    /// disposed. Allocates nothing.</summary>
    internal bool WaitForEssentialRoom(int payloadLength) =>
        !_closing && WaitForRoom(PendingGapBytes() + JournalFormat.FrameHeaderSize + payloadLength);

    /// <summary>Trades, quotes and oracle prices: the records that may be shed under overload.</summary>
    /// <param name="kind">An event kind.</param>
    /// <returns>True for trades, quotes and oracle prices.</returns>
    public static bool IsMarketData(RiskEventKind kind) => (uint)kind < 16 && (MarketDataKinds & (1 << (int)kind)) != 0;

    private bool AppendMarketData(ReadOnlySpan<byte> payload, RiskEventKind kind, long time)
    {
        int frameLength = JournalFormat.FrameHeaderSize + payload.Length;
        if (_closing)
        {
            Volatile.Write(ref _dropped, _dropped + 1);
            return false;
        }
        int gapBytes = PendingGapBytes();
        if (!_buffer.HasRoom(gapBytes + frameLength + _reserve))
        {
            _pendingShed.Add(kind, time);
            Volatile.Write(ref _shed, _shed + 1);
            return false;
        }
        WritePendingGaps();
        Put(JournalRecordType.Event, payload);
        return true;
    }

    private bool AppendEssential(JournalRecordType type, ReadOnlySpan<byte> payload, RiskEventKind kind, long time)
    {
        int frameLength = JournalFormat.FrameHeaderSize + payload.Length;
        if (_closing)
        {
            Volatile.Write(ref _dropped, _dropped + 1);
            return false;
        }
        if (!WaitForRoom(PendingGapBytes() + frameLength))
        {
            _pendingDropped.Add(kind, time);
            Volatile.Write(ref _dropped, _dropped + 1);
            return false;
        }
        WritePendingGaps();
        Put(type, payload);
        return true;
    }

    private int PendingGapBytes() =>
        (_pendingShed.Count > 0 ? JournalFormat.FrameHeaderSize + JournalGap.Size : 0)
        + (_pendingDropped.Count > 0 ? JournalFormat.FrameHeaderSize + JournalGap.Size : 0);

    /// <summary>Room for <paramref name="length"/> bytes, waiting for the journal thread when needed (essential records only):
    /// spins and yields, no lock, no allocation; false after the wait timeout or when the journal thread is gone.</summary>
    private bool WaitForRoom(int length)
    {
        if (_buffer.HasRoom(length))
        {
            _starved = false;
            return true;
        }
        // after one wait timed out, later appends do not wait again until room returns: the evaluator must not crawl
        if (!_waitUnbounded && (_starved || _waitTicks <= 0) || !_thread.IsAlive)
            return false;
        Volatile.Write(ref _waits, _waits + 1);
        long deadline = _waitUnbounded ? long.MaxValue : Stopwatch.GetTimestamp() + _waitTicks;
        var spin = new SpinWait();
        while (true)
        {
            spin.SpinOnce();
            if (_buffer.HasRoom(length))
                return true;
            if (Stopwatch.GetTimestamp() > deadline || !_thread.IsAlive)
            {
                _starved = true;
                return false;
            }
        }
    }

    /// <summary>Writes the pending gap records (room for them was checked by the caller).</summary>
    private void WritePendingGaps()
    {
        if (_pendingShed.Count > 0)
        {
            PutGap(_pendingShed.ToGap(JournalGapKind.MarketDataShed));
            _pendingShed = default;
        }
        if (_pendingDropped.Count > 0)
        {
            PutGap(_pendingDropped.ToGap(JournalGapKind.EssentialDropped));
            _pendingDropped = default;
        }
    }

    private void PutGap(in JournalGap gap)
    {
        Span<byte> payload = stackalloc byte[JournalGap.Size];
        gap.Write(payload);
        Put(JournalRecordType.Gap, payload);
        Volatile.Write(ref _gaps, _gaps + 1);
    }

    /// <summary>Copies one frame (crc left zero) into the ring; room was checked by the caller.</summary>
    private void Put(JournalRecordType type, ReadOnlySpan<byte> payload)
    {
        int frameLength = JournalFormat.FrameHeaderSize + payload.Length;
        Span<byte> header = stackalloc byte[JournalFormat.FrameHeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)(JournalFormat.FrameBodyOverhead + payload.Length));
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 0);
        header[8] = (byte)type;
        BinaryPrimitives.WriteInt64LittleEndian(header[9..], _nextSequence);
        long head = _buffer.Head;
        _buffer.Write(head, header);
        _buffer.Write(head + JournalFormat.FrameHeaderSize, payload);
        _buffer.Publish(head + frameLength);
        _nextSequence++;
        Volatile.Write(ref _appended, _appended + 1);
    }

    /// <summary>Waits until every record appended before the call is written and flushed (or counted lost). True when
    /// the writer is not faulted. Any thread; blocks; allocates nothing on the caller in the steady state.</summary>
    public bool Flush() => Flush(Timeout.InfiniteTimeSpan);

    /// <summary>Like <see cref="Flush()"/> but gives up after <paramref name="timeout"/>; false when it timed out or the
    /// writer is faulted.</summary>
    /// <param name="timeout">The longest wait (wall time); <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    public bool Flush(TimeSpan timeout)
    {
        long target = _buffer.PublishedHead;
        long deadline = timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (Volatile.Read(ref _completed) < target)
        {
            if (!_thread.IsAlive || Environment.TickCount64 > deadline)
                return false;
            _progress.Reset();
            if (Volatile.Read(ref _completed) >= target)
                break;
            _wake.Set();
            _progress.Wait(10);
        }
        return State != JournalWriterState.Faulted;
    }

    /// <summary>Ends the session: appends the pending gap records and the <see cref="JournalRecordType.SessionEnd"/> record
    /// (waiting for room for as long as the journal thread runs, as the drain that follows does), stops accepting records, drains and writes everything appended,
    /// closes the file and joins the journal thread. Never throws for disk errors (they fault the writer). Must not race
    /// an append.</summary>
    public void Dispose()
    {
        if (_closing)
            return;
        EndSession();
        _closing = true;
        _wake.Set();
        _thread.Join();
    }

    /// <summary>Closing: from now on an essential append waits for room as long as the journal thread runs (no timeout, even
    /// after an earlier wait timed out), as <see cref="Dispose"/> waits for the drain anyway. Single producer.</summary>
    internal void WaitUntilWrittenFromNowOn()
    {
        _starved = false;
        _waitUnbounded = true;
    }

    private void EndSession()
    {
        if (_ended)
            return;
        _ended = true;
        WaitUntilWrittenFromNowOn();
        int length = PendingGapBytes() + JournalFormat.FrameHeaderSize + JournalSessionEnd.Size;
        if (!WaitForRoom(length))
        {
            Volatile.Write(ref _dropped, _dropped + 1);
            return;
        }
        WritePendingGaps();
        var end = new JournalSessionEnd(_options.FirstSequence, _nextSequence - _options.FirstSequence, _shed, _dropped, _gaps);
        Span<byte> payload = stackalloc byte[JournalSessionEnd.Size];
        end.Write(payload);
        Put(JournalRecordType.SessionEnd, payload);
    }

    private void Run()
    {
        long allocatedAtStart = GC.GetAllocatedBytesForCurrentThread();
        try
        {
            OpenFile(JournalFormat.FlagSessionStart, _options.FirstSequence);
        }
        catch (Exception ex)
        {
            EnterFault(ex);
        }
        while (true)
        {
            bool closing = _closing;
            long head = _buffer.PublishedHead;
            long tail = _buffer.ConsumedTail;
            if (head != tail)
            {
                Drain(tail, head);
                if (_unflushed > 0)
                    TryStep(Step.Flush, 0);
            }
            Volatile.Write(ref _threadAllocated, GC.GetAllocatedBytesForCurrentThread() - allocatedAtStart);
            Volatile.Write(ref _completed, head);
            _progress.Set();
            if (closing)
                break;
            if (head == tail)
            {
                _wake.Wait(_options.PollInterval);
                _wake.Reset();
            }
        }
        if (State == JournalWriterState.Running)
            TryStep(Step.Close, 0);
        if (State == JournalWriterState.Running)
            Volatile.Write(ref _state, (int)JournalWriterState.Stopped);
        Volatile.Write(ref _threadAllocated, GC.GetAllocatedBytesForCurrentThread() - allocatedAtStart);
        _progress.Set();
    }

    /// <summary>Moves the frames between <paramref name="position"/> and <paramref name="head"/> into the staging buffer
    /// (filling in each CRC) and writes it out whenever it is full, rotating files on the way. Allocates nothing except
    /// when a file is opened.</summary>
    private void Drain(long position, long head)
    {
        Span<byte> frameHeader = stackalloc byte[JournalFormat.FrameHeaderSize];
        while (position < head)
        {
            _buffer.Read(position, frameHeader);
            int frameLength = 8 + (int)BinaryPrimitives.ReadUInt32LittleEndian(frameHeader);
            if (State == JournalWriterState.Running && _fileBytes + frameLength > _options.MaxFileBytes && _fileBytes > JournalFormat.FileHeaderSize)
                TryStep(Step.Rotate, BinaryPrimitives.ReadInt64LittleEndian(frameHeader[9..]));
            if (State == JournalWriterState.Running && _staged + frameLength > _staging.Length)
                TryStep(Step.WriteStaged, 0);
            if (State == JournalWriterState.Running && _stream is not null)
            {
                Span<byte> frame = _staging.AsSpan(_staged, frameLength);
                _buffer.Read(position, frame);
                BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], JournalFormat.FrameCrc(frame));
                _staged += frameLength;
                _fileBytes += frameLength;
                _unflushed++;
            }
            else
            {
                Volatile.Write(ref _lost, _lost + 1);
            }
            position += frameLength;
            _buffer.Release(position);
        }
    }

    private void OpenFile(uint flags, long firstSequence)
    {
        string path = JournalFormat.FileName(_options.BasePath, _fileNumber);
        _stream = (_options.StreamFactory ?? OpenFileStream)(path);
        Volatile.Write(ref _currentFile, path);
        Volatile.Write(ref _filesOpened, _filesOpened + 1);
        JournalFormat.WriteFileHeader(_staging.AsSpan(0, JournalFormat.FileHeaderSize), _fileNumber, flags, firstSequence, _options.MaxPayloadBytes);
        _staged = JournalFormat.FileHeaderSize;
        _fileBytes = JournalFormat.FileHeaderSize;
        _fileNumber++;
    }

    private void WriteStaged()
    {
        if (_stream is null || _staged == 0)
            return;
        _stream.Write(_staging, 0, _staged);
        _staged = 0;
    }

    private void FlushBatch()
    {
        if (_stream is null)
            return;
        WriteStaged();
        if (_options.FlushToDisk && _stream is FileStream file)
            file.Flush(flushToDisk: true);
        else
            _stream.Flush();
        Volatile.Write(ref _written, _written + _unflushed);
        _unflushed = 0;
    }

    private void CloseFile()
    {
        FlushBatch();
        _stream?.Dispose();
        _stream = null;
    }

    private enum Step : byte { Flush, Close, Rotate, WriteStaged }

    private void TryStep(Step step, long nextSequence)
    {
        try
        {
            switch (step)
            {
                case Step.Flush:
                    FlushBatch();
                    break;
                case Step.Close:
                    CloseFile();
                    break;
                case Step.WriteStaged:
                    WriteStaged();
                    break;
                default:
                    CloseFile();
                    OpenFile(0, nextSequence);
                    break;
            }
        }
        catch (Exception ex)
        {
            EnterFault(ex);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterFault(Exception error)
    {
        Volatile.Write(ref _fault, error);
        Volatile.Write(ref _lost, _lost + _unflushed);
        _unflushed = 0;
        _staged = 0;
        Volatile.Write(ref _state, (int)JournalWriterState.Faulted);
        Volatile.Write(ref _currentFile, null);
        try { _stream?.Dispose(); } catch (Exception) { /* the stream is already broken */ }
        _stream = null;
    }

    private static Stream OpenFileStream(string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
            Directory.CreateDirectory(directory);
        return new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"JournalWriter {State}: appended {Appended}, written {Written}, shed {Shed}, gaps {Gaps}, dropped {Dropped}, lost {Lost}");

    /// <summary>A run of records not journaled, waiting to be marked by a gap record.</summary>
    private struct PendingGap
    {
        public long Count;
        public long FirstTimeNs;
        public long LastTimeNs;
        public ushort Kinds;

        public void Add(RiskEventKind kind, long time)
        {
            if (Count == 0) FirstTimeNs = time;
            LastTimeNs = time;
            Count++;
            if ((uint)kind < 16 && kind != RiskEventKind.None) Kinds |= (ushort)(1 << (int)kind);
        }

        public readonly JournalGap ToGap(JournalGapKind kind) => new(kind, Kinds, Count, FirstTimeNs, LastTimeNs);
    }
}
