using System.Buffers.Binary;
using System.Globalization;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace CircuitBreaker;

/// <summary>
/// Append-only binary journal (format: <see cref="JournalFormat"/>). The evaluator thread appends with
/// <see cref="TryAppend(JournalRecordType, ReadOnlySpan{byte})"/>, which copies the frame into a preallocated byte ring:
/// no allocation, no lock, no system call. A dedicated journal thread drains the ring through a
/// <see cref="PipeWriter"/> into the current file, flushes after every batch and rotates to
/// <c>&lt;base&gt;.&lt;n+1:D6&gt;.cbj</c> before a file would pass <see cref="JournalWriterOptions.MaxFileBytes"/>.
/// <para>
/// <b>Threading:</b> single producer. All <c>TryAppend</c> overloads must be called from one thread at a time (the
/// evaluator). <see cref="Flush()"/> and the status members may be called from any thread. <see cref="Dispose"/> must not
/// race an append.
/// </para>
/// <para>
/// <b>Full buffer:</b> <c>TryAppend</c> returns false and counts <see cref="Dropped"/>; it never waits.
/// <b>Disk error:</b> the journal thread catches it, enters <see cref="JournalWriterState.Faulted"/> (terminal), keeps
/// <see cref="Fault"/>, and counts every record it cannot write in <see cref="Lost"/>; the appender never sees it.
/// </para>
/// </summary>
public sealed class JournalWriter : IDisposable
{
    private readonly JournalWriterOptions _options;
    private readonly JournalBuffer _buffer;
    private readonly byte[] _noteScratch;
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _wake = new(false);
    private readonly ManualResetEventSlim _progress = new(false);

    // producer-owned counters (written by the appender, read anywhere)
    private long _nextSequence;
    private long _appended;
    private long _dropped;
    private long _rejected;
    private volatile bool _closing;

    // journal-thread-owned state
    private PipeWriter? _pipe;
    private Stream? _stream;
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
    public JournalWriter(string basePath) : this(new JournalWriterOptions { BasePath = basePath }) { }

    /// <summary>Validates <paramref name="options"/>, preallocates the buffer and starts the journal thread. The first file is
    /// numbered one past the highest existing <c>&lt;base&gt;.n.cbj</c> (0 when none). Allocates (setup only).</summary>
    public JournalWriter(JournalWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _buffer = new JournalBuffer(options.BufferBytes);
        _noteScratch = new byte[options.MaxPayloadBytes];
        _nextSequence = options.FirstSequence;
        _fileNumber = JournalReader.FindFileNumbers(options.BasePath).LastOrDefault(-1) + 1;
        _thread = new Thread(Run) { IsBackground = true, Name = "cb-journal" };
        _thread.Start();
    }

    /// <summary>Writer state.</summary>
    public JournalWriterState State => (JournalWriterState)Volatile.Read(ref _state);
    /// <summary>The disk error that faulted the writer; null when healthy.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);
    /// <summary>Records accepted by <c>TryAppend</c>.</summary>
    public long Appended => Volatile.Read(ref _appended);
    /// <summary>Records written and flushed to the stream.</summary>
    public long Written => Volatile.Read(ref _written);
    /// <summary>Records refused because the buffer was full or the writer was disposed.</summary>
    public long Dropped => Volatile.Read(ref _dropped);
    /// <summary>Records refused because the type is unknown or the payload exceeds <see cref="JournalWriterOptions.MaxPayloadBytes"/>.</summary>
    public long Rejected => Volatile.Read(ref _rejected);
    /// <summary>Records accepted but not written because of a disk error.</summary>
    public long Lost => Volatile.Read(ref _lost);
    /// <summary>Bytes allocated by the journal thread since it started (<see cref="GC.GetAllocatedBytesForCurrentThread"/> on it).</summary>
    public long WriterThreadAllocatedBytes => Volatile.Read(ref _threadAllocated);

    /// <summary>A snapshot of state, counters, current file and fault. Allocates nothing.</summary>
    public JournalStatus GetStatus() => new(State, Appended, Written, Dropped, Rejected, Lost,
        Volatile.Read(ref _filesOpened), Volatile.Read(ref _currentFile), WriterThreadAllocatedBytes, Fault);

    /// <summary>Appends one record. Single producer; allocates nothing, takes no lock. False (counted in
    /// <see cref="Rejected"/>) for an unknown type or an oversized payload; false (counted in <see cref="Dropped"/>) when the
    /// buffer is full or the writer is disposed.</summary>
    public bool TryAppend(JournalRecordType type, ReadOnlySpan<byte> payload)
    {
        if (!JournalFormat.IsDefined(type) || payload.Length > _options.MaxPayloadBytes
            || (type == JournalRecordType.Event && payload.Length != RiskEvent.SizeInBytes))
        {
            Volatile.Write(ref _rejected, _rejected + 1);
            return false;
        }
        int frameLength = JournalFormat.FrameHeaderSize + payload.Length;
        if (_closing || !_buffer.HasRoom(frameLength))
        {
            Volatile.Write(ref _dropped, _dropped + 1);
            return false;
        }
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
        return true;
    }

    /// <summary>Appends a <see cref="RiskEvent"/> as an <see cref="JournalRecordType.Event"/> record (its 64 bytes as is).
    /// Single producer; allocates nothing.</summary>
    public bool TryAppend(in RiskEvent riskEvent) =>
        TryAppend(JournalRecordType.Event, MemoryMarshal.AsBytes(new ReadOnlySpan<RiskEvent>(in riskEvent)));

    /// <summary>Appends <paramref name="text"/> as a UTF-8 <see cref="JournalRecordType.Note"/>. Single producer; allocates
    /// nothing (encodes into a preallocated scratch buffer). False (rejected) when the encoding is too long.</summary>
    public bool TryAppendNote(ReadOnlySpan<char> text)
    {
        if (!Encoding.UTF8.TryGetBytes(text, _noteScratch, out int written))
        {
            Volatile.Write(ref _rejected, _rejected + 1);
            return false;
        }
        return TryAppend(JournalRecordType.Note, _noteScratch.AsSpan(0, written));
    }

    /// <summary>Waits until every record appended before the call is written and flushed (or counted lost). True when
    /// the writer is not faulted. Any thread; blocks; allocates nothing on the caller in the steady state.</summary>
    public bool Flush() => Flush(Timeout.InfiniteTimeSpan);

    /// <summary>Like <see cref="Flush()"/> but gives up after <paramref name="timeout"/>; false when it timed out or the
    /// writer is faulted.</summary>
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

    /// <summary>Stops accepting records, drains and writes everything appended before the call, closes the file and
    /// joins the journal thread. Never throws for disk errors (they fault the writer). Must not race an append.</summary>
    public void Dispose()
    {
        if (_closing)
            return;
        _closing = true;
        _wake.Set();
        _thread.Join();
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
            Volatile.Write(ref _completed, head);
            Volatile.Write(ref _threadAllocated, GC.GetAllocatedBytesForCurrentThread() - allocatedAtStart);
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

    private void Drain(long position, long head)
    {
        Span<byte> frameHeader = stackalloc byte[JournalFormat.FrameHeaderSize];
        while (position < head)
        {
            _buffer.Read(position, frameHeader);
            int frameLength = 8 + (int)BinaryPrimitives.ReadUInt32LittleEndian(frameHeader);
            if (State == JournalWriterState.Running)
            {
                if (_fileBytes + frameLength > _options.MaxFileBytes && _fileBytes > JournalFormat.FileHeaderSize)
                {
                    long sequence = BinaryPrimitives.ReadInt64LittleEndian(frameHeader[9..]);
                    TryStep(Step.Rotate, sequence);
                }
            }
            if (State == JournalWriterState.Running && _pipe is not null)
            {
                Span<byte> frame = _pipe.GetSpan(frameLength)[..frameLength];
                _buffer.Read(position, frame);
                BinaryPrimitives.WriteUInt32LittleEndian(frame[4..], JournalFormat.FrameCrc(frame));
                _pipe.Advance(frameLength);
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
        _pipe = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: 64 * 1024, leaveOpen: true));
        Volatile.Write(ref _currentFile, path);
        Volatile.Write(ref _filesOpened, _filesOpened + 1);
        Span<byte> header = _pipe.GetSpan(JournalFormat.FileHeaderSize)[..JournalFormat.FileHeaderSize];
        JournalFormat.WriteFileHeader(header, _fileNumber, flags, firstSequence, _options.MaxPayloadBytes);
        _pipe.Advance(JournalFormat.FileHeaderSize);
        _fileBytes = JournalFormat.FileHeaderSize;
        _fileNumber++;
    }

    private void FlushBatch()
    {
        if (_pipe is null)
            return;
        ValueTask<FlushResult> flush = _pipe.FlushAsync();
        if (!flush.IsCompletedSuccessfully)
            flush.AsTask().GetAwaiter().GetResult();
        if (_options.FlushToDisk && _stream is FileStream file)
            file.Flush(flushToDisk: true);
        Volatile.Write(ref _written, _written + _unflushed);
        _unflushed = 0;
    }

    private void CloseFile()
    {
        FlushBatch();
        _pipe?.Complete();
        _stream?.Dispose();
        _pipe = null;
        _stream = null;
    }

    private enum Step : byte { Flush, Close, Rotate }

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
        Volatile.Write(ref _state, (int)JournalWriterState.Faulted);
        Volatile.Write(ref _currentFile, null);
        try { _pipe?.Complete(error); } catch (Exception) { /* the stream is already broken */ }
        try { _stream?.Dispose(); } catch (Exception) { /* the stream is already broken */ }
        _pipe = null;
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
        $"JournalWriter {State}: appended {Appended}, written {Written}, dropped {Dropped}, lost {Lost}");
}
