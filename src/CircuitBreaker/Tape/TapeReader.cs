using System.Runtime.CompilerServices;

namespace CircuitBreaker.Tape;

/// <summary>
/// Streams an event tape (spec v1) record by record in bounded memory: one line buffer of at most
/// <see cref="MaxLineBytes"/> + 1 bytes, the declared instruments, and at most <see cref="MaxDiagnostics"/> diagnostics,
/// whatever the tape's size. Each line is parsed with <see cref="System.Text.Json.Utf8JsonReader"/> (no DOM).
/// Blank lines and <c>#</c> comments are skipped; bad records are reported as <see cref="TapeDiagnostic"/>s, counted in
/// <see cref="BadRecords"/> and skipped; values off the instrument's tick or lot are counted in <see cref="Warnings"/>.
/// Not thread-safe. Each good record allocates one <see cref="TapeRecord"/>; repeated short strings are interned.
/// </summary>
public sealed class TapeReader : IDisposable
{
    /// <summary>Longest line accepted, in bytes (1 MiB). Longer lines are bad records and are skipped.</summary>
    public const int MaxLineBytes = 1 << 20;

    /// <summary>Diagnostics kept in memory (1000); later bad records are still counted in <see cref="BadRecords"/>.</summary>
    public const int MaxDiagnostics = 1000;

    /// <summary>
    /// Instruments one tape may declare (10,000). A replay holds state per instrument, and per account and instrument, in
    /// every detector (about 55 KB of heap per instrument with the default detectors and 256 accounts, so ~0.6 GB at the
    /// cap); a tape declaring more fails with a <see cref="TapeFormatException"/> at the first instrument past the cap
    /// rather than running out of memory.
    /// </summary>
    public const int MaxInstruments = 10_000;

    private const int InitialBufferBytes = 64 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly TapeLineParser _parser = new();
    private readonly TapeRules _rules = new();
    private readonly List<TapeDiagnostic> _diagnostics = [];
    private byte[] _buf = new byte[InitialBufferBytes];
    private int _start, _scanFrom, _end;
    private bool _eof, _disposed;
    private long _line;
    private int _instruments;

    /// <summary>Reads a tape from <paramref name="stream"/> (already decompressed). Does not allocate the tape.</summary>
    /// <param name="stream">A readable stream of UTF-8 JSON lines.</param>
    /// <param name="name">Name or path of the tape for messages and reports (default <c>"tape"</c>).</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open on <see cref="Dispose"/> (default false).</param>
    public TapeReader(Stream stream, string? name = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead) throw new ArgumentException("The tape stream is not readable.", nameof(stream));
        _stream = stream;
        _leaveOpen = leaveOpen;
        Name = name ?? "tape";
        Rewindable = stream.CanSeek;
    }

    /// <summary>
    /// Opens the tape at <paramref name="path"/>; a path ending in <c>.gz</c> (<c>.jsonl.gz</c>), or any input that starts
    /// with the gzip magic bytes (gzip piped into <c>/dev/stdin</c>), is decompressed with gzip,
    /// every member's trailer checked (CRC-32 and size): a cut or corrupt gzip tape fails with a
    /// <see cref="TapeFormatException"/> when the reader reaches the damage, never reads as a shorter complete tape.
    /// Reads forward only, once: a FIFO or <c>/dev/stdin</c> works.
    /// </summary>
    /// <exception cref="TapeFormatException">The file cannot be opened.</exception>
    /// <param name="path">A <c>.jsonl</c> or <c>.jsonl.gz</c> file, or <c>-</c> for standard input.</param>
    public static TapeReader Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Stream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new TapeFormatException($"cannot open tape '{path}': {ex.Message}", ex);
        }
        bool rewindable = stream.CanSeek;
        if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) stream = new GzipTapeStream(stream);
        else if (SniffedStream.StartsWithGzipMagic(ref stream, path)) stream = new GzipTapeStream(stream); // e.g. gzip piped to /dev/stdin
        return new TapeReader(stream, path) { Rewindable = rewindable };
    }

    /// <summary>
    /// True when the tape's source can be read again from its start (a regular file, a memory stream); false for a pipe, a
    /// FIFO or standard input, which can be read once only.
    /// </summary>
    public bool Rewindable { get; private init; }

    /// <summary>Name or path of the tape.</summary>
    public string Name { get; }
    /// <summary>Good records returned so far.</summary>
    public long GoodRecords { get; private set; }
    /// <summary>Bad records skipped so far (all of them, including those beyond <see cref="MaxDiagnostics"/>).</summary>
    public long BadRecords { get; private set; }
    /// <summary>Prices and quantities so far that were not an exact multiple of their instrument's tick or lot.</summary>
    public long Warnings { get; private set; }
    /// <summary>Lines consumed so far, comments and blank lines included.</summary>
    public long Lines => _line;
    /// <summary>The first <see cref="MaxDiagnostics"/> bad records, in line order.</summary>
    public IReadOnlyList<TapeDiagnostic> Diagnostics => _diagnostics;
    /// <summary>Current line-buffer size in bytes (tests: proves the buffer stays bounded).</summary>
    internal int BufferBytes => _buf.Length;
    /// <summary>True once the end of the tape has been reached.</summary>
    public bool EndOfTape { get; private set; }

    /// <summary>Reads the next good record, skipping comments and bad records. False at the end of the tape.</summary>
    /// <exception cref="TapeFormatException">The underlying stream failed (I/O error, corrupt gzip).</exception>
    /// <param name="record">The next good record; undefined when the result is false.</param>
    /// <returns>False at the end of the tape.</returns>
    public bool TryRead(out TapeRecord record)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (true)
        {
            int status = NextLine(out int offset, out int length);
            if (status == LineEnd)
            {
                EndOfTape = true;
                record = null!;
                return false;
            }
            if (status == LineTooLong)
            {
                Bad(_line, $"line longer than {MaxLineBytes} bytes");
                continue;
            }
            ReadOnlySpan<byte> line = Trim(_buf.AsSpan(offset, length));
            if (line.IsEmpty || line[0] == (byte)'#') continue;
            string? reason = _parser.Parse(line, _line, out TapeRecord? parsed);
            if (reason is null) reason = _rules.Check(parsed!, out int warnings) is { } e ? e : Accept(parsed!, warnings);
            if (reason is null)
            {
                record = parsed!;
                return true;
            }
            Bad(_line, reason);
        }
    }

    /// <summary>Enumerates the remaining good records (lazily, one <see cref="TryRead"/> per step).</summary>
    public IEnumerable<TapeRecord> ReadAll()
    {
        while (TryRead(out var record)) yield return record;
    }

    /// <summary>
    /// Throws when the tape had no good record (call after reading to the end): the tape is rejected as a whole,
    /// and the message names the first bad record. Does nothing when at least one record was good.
    /// </summary>
    /// <exception cref="TapeFormatException">No good record.</exception>
    public void ThrowIfNoGoodRecords()
    {
        if (GoodRecords > 0) return;
        if (BadRecords == 0) throw new TapeFormatException($"tape '{Name}' holds no record");
        throw new TapeFormatException(
            $"tape '{Name}' has no good record ({BadRecords} bad); first bad record: {_diagnostics[0]}");
    }

    /// <summary>Releases the stream unless the reader was created with leaveOpen.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_leaveOpen) _stream.Dispose();
    }

    private string? Accept(TapeRecord record, int warnings)
    {
        if (record.Type == TapeRecordType.Instrument && ++_instruments > MaxInstruments)
        {
            throw new TapeFormatException(
                $"tape '{Name}' declares more than {MaxInstruments:N0} instruments (line {record.LineNumber}): a replay holds state per " +
                $"instrument in every detector, so one tape may declare at most {MaxInstruments:N0}; split the tape by instrument");
        }
        _rules.Commit(record);
        GoodRecords++;
        Warnings += warnings;
        return null;
    }

    private void Bad(long line, string reason)
    {
        BadRecords++;
        if (_diagnostics.Count < MaxDiagnostics) _diagnostics.Add(new TapeDiagnostic(line, reason));
    }

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line)
    {
        if (line.StartsWith("\uFEFF"u8)) line = line[3..];
        return line.Trim(" \t\r"u8);
    }

    private const int LineEnd = 0, LineOk = 1, LineTooLong = 2;

    /// <summary>Finds the next line in the buffer, refilling, compacting or growing it (up to MaxLineBytes + 1).</summary>
    private int NextLine(out int offset, out int length)
    {
        offset = length = 0;
        while (true)
        {
            int idx = _buf.AsSpan(_scanFrom, _end - _scanFrom).IndexOf((byte)'\n');
            if (idx >= 0)
            {
                int nl = _scanFrom + idx;
                offset = _start;
                length = nl - _start;
                _start = _scanFrom = nl + 1;
                _line++;
                return length > MaxLineBytes ? LineTooLong : LineOk;
            }
            _scanFrom = _end;
            if (_eof)
            {
                if (_start == _end) return LineEnd;
                offset = _start;
                length = _end - _start;
                _start = _scanFrom = _end;
                _line++;
                return length > MaxLineBytes ? LineTooLong : LineOk;
            }
            if (_end == _buf.Length)
            {
                if (_start > 0)
                {
                    Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
                    _end -= _start;
                    _scanFrom = _end;
                    _start = 0;
                }
                else if (_buf.Length <= MaxLineBytes)
                {
                    Array.Resize(ref _buf, Math.Min(_buf.Length * 2, MaxLineBytes + 1));
                }
                else
                {
                    _line++;
                    bool comment = Trim(_buf.AsSpan(0, Math.Min(_end, 64))) is { IsEmpty: false } head && head[0] == (byte)'#';
                    DiscardToNextLine();
                    if (comment) continue;
                    return LineTooLong;
                }
            }
            Fill();
        }
    }

    private void DiscardToNextLine()
    {
        _start = _scanFrom = _end = 0;
        while (!_eof)
        {
            Fill();
            int idx = _buf.AsSpan(0, _end).IndexOf((byte)'\n');
            if (idx >= 0)
            {
                _start = _scanFrom = idx + 1;
                return;
            }
            _end = 0;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Fill()
    {
        int n;
        try
        {
            n = _stream.Read(_buf, _end, _buf.Length - _end);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or NotSupportedException)
        {
            throw new TapeFormatException($"tape '{Name}' is unreadable after line {_line}: {ex.Message}", ex);
        }
        if (n == 0) _eof = true;
        _end += n;
    }
}
