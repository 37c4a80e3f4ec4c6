using System.Buffers.Binary;
using System.Globalization;

namespace CircuitBreaker.Journal;

/// <summary>
/// Reads journal records back across rotated files, in file-number order. The read stops at the first torn
/// (incomplete) header or frame, or at the first corrupt one (CRC mismatch, impossible length, unknown type, broken
/// sequence, missing file, unreadable file), and <see cref="Tail"/> says what and where. A read that reaches the end with
/// every frame intact is <see cref="TailStatus.Clean"/> only when every writer session in it ends with its
/// <see cref="JournalRecordType.SessionEnd"/> record and the first file starts a session; otherwise it is
/// <see cref="TailStatus.Truncated"/> (cut at a frame boundary, last files missing, first files missing). It never throws
/// on bad data or I/O errors. A torn tail in a file that is not the last one also stops the read.
/// Allocates: one array per record payload, plus file handles; off the hot path.
/// </summary>
public sealed class JournalReader : IDisposable
{
    private readonly string[] _files;
    private byte[] _frame = new byte[8 + JournalFormat.FrameBodyOverhead + 4096];
    private int _fileIndex = -1;
    private FileStream? _stream;
    private long _offset;
    private long _expectedSequence;
    private int _maxPayload;
    private long _lastFileNumber = -1;
    private long _recordsRead;
    private bool _finished;
    private JournalTail _tail;
    private ushort _fileVersion;
    // the writer session being read: its format version, first sequence, and whether its end-of-session record was read
    private ushort _sessionVersion;
    private long _sessionFirstSequence;
    private bool _sessionEnded;
    private bool _sessionFromStart;
    private long _gapRecords;
    private long _sessionsEnded;
    // the first place where a session was cut short (missing end) or the journal starts mid-session; null when none
    private JournalDefect _truncation;
    private string? _truncatedFile;
    private long _truncatedOffset;
    private string? _truncationMessage;
    private int _truncations;

    /// <summary>Reads the files <c>&lt;basePath&gt;.&lt;n&gt;.cbj</c> that exist, in order of <c>n</c> (see <see cref="FindFiles"/>).</summary>
    /// <param name="basePath">The journal's base path (files <c>&lt;basePath&gt;.&lt;n:D6&gt;.cbj</c>).</param>
    public JournalReader(string basePath) : this(FindFiles(basePath)) { }

    /// <summary>Reads <paramref name="files"/> in the order given.</summary>
    /// <param name="files">Journal files, in session order.</param>
    public JournalReader(IEnumerable<string> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        _files = files.ToArray();
        _tail = new JournalTail(TailStatus.Clean, JournalDefect.None, null, 0, 0, "Not finished.");
    }

    /// <summary>The files this reader reads, in order.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>True once <see cref="TryRead"/> has returned false; <see cref="Tail"/> is then final.</summary>
    public bool IsFinished => _finished;

    /// <summary>How the read ended; meaningful once <see cref="IsFinished"/>.</summary>
    public JournalTail Tail => _tail;

    /// <summary>Gap records read so far (runs of records the writer shed or refused; see <see cref="JournalGap"/>).</summary>
    public long GapRecords => _gapRecords;

    /// <summary>Writer sessions read to their end-of-session record so far.</summary>
    public long SessionsEnded => _sessionsEnded;

    /// <summary>Reads the next record; false at the end of the journal or at the first defect (see <see cref="Tail"/>).
    /// Never throws on damaged data or I/O errors.</summary>
    /// <param name="record">The next record; undefined when the result is false.</param>
    /// <returns>False at the end or at the first defect.</returns>
    public bool TryRead(out JournalRecord record)
    {
        record = default;
        if (_finished)
            return false;
        try
        {
            return ReadNext(out record);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException
                                       or System.Security.SecurityException)
        {
            string? file = _fileIndex >= 0 && _fileIndex < _files.Length ? _files[_fileIndex] : null;
            return Stop(TailStatus.Corrupt, JournalDefect.FileUnreadable, file, _offset, $"I/O error: {ex.Message}");
        }
    }

    /// <summary>Enumerates the remaining records; <see cref="Tail"/> is final when the enumeration ends.</summary>
    public IEnumerable<JournalRecord> ReadAll()
    {
        while (TryRead(out JournalRecord record))
            yield return record;
    }

    /// <summary>The existing files of the journal at <paramref name="basePath"/>, ordered by number. Allocates.</summary>
    /// <param name="basePath">The journal's base path.</param>
    /// <returns>The files, ordered by number (empty when none).</returns>
    public static IReadOnlyList<string> FindFiles(string basePath) =>
        FindFileNumbers(basePath).Select(n => JournalFormat.FileName(basePath, n)).ToArray();

    internal static IReadOnlyList<int> FindFileNumbers(string basePath)
    {
        string full = Path.GetFullPath(basePath);
        string directory = Path.GetDirectoryName(full) ?? ".";
        string prefix = Path.GetFileName(full) + ".";
        var numbers = new List<int>();
        if (!Directory.Exists(directory))
            return numbers;
        foreach (string path in Directory.EnumerateFiles(directory, prefix + "*" + JournalFormat.FileExtension))
        {
            string name = Path.GetFileName(path);
            if (name.Length <= prefix.Length + JournalFormat.FileExtension.Length || !name.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            ReadOnlySpan<char> digits = name.AsSpan(prefix.Length, name.Length - prefix.Length - JournalFormat.FileExtension.Length);
            if (digits.ContainsAnyExceptInRange('0', '9'))
                continue;
            if (int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int number)
                && string.Equals(Path.GetFileName(JournalFormat.FileName(full, number)), name, StringComparison.Ordinal))
                numbers.Add(number);
        }
        numbers.Sort();
        return numbers;
    }

    /// <summary>Closes the current file.</summary>
    public void Dispose()
    {
        _stream?.Dispose();
        _stream = null;
    }

    private bool ReadNext(out JournalRecord record)
    {
        record = default;
        while (true)
        {
            if (_stream is null && !OpenNextFile())
                return false;
            FileStream stream = _stream!;
            string file = _files[_fileIndex];
            Span<byte> frame = _frame;
            int got = stream.ReadAtLeast(frame[..8], 8, throwOnEndOfStream: false);
            if (got == 0)
            {
                stream.Dispose();
                _stream = null;
                continue;
            }
            if (got < 8)
                return Stop(TailStatus.Torn, JournalDefect.IncompleteFrame, file, _offset, $"File ends {got} bytes into a frame prefix.");
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(frame);
            if (length < JournalFormat.FrameBodyOverhead || length > JournalFormat.FrameBodyOverhead + (uint)_maxPayload)
                return Stop(TailStatus.Corrupt, JournalDefect.ImpossibleLength, file, _offset, $"Frame length {length} is outside [9, {9 + _maxPayload}].");
            Span<byte> body = frame.Slice(8, (int)length);
            got = stream.ReadAtLeast(body, body.Length, throwOnEndOfStream: false);
            if (got < body.Length)
                return Stop(TailStatus.Torn, JournalDefect.IncompleteFrame, file, _offset, $"File ends {got} of {length} bytes into a frame body.");
            frame = frame[..(8 + (int)length)];
            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(frame[4..]);
            uint actual = JournalFormat.FrameCrc(frame);
            if (stored != actual)
                return Stop(TailStatus.Corrupt, JournalDefect.CrcMismatch, file, _offset, $"Frame CRC32C 0x{stored:X8} does not match 0x{actual:X8}.");
            var type = (JournalRecordType)frame[8];
            if (!JournalFormat.IsDefined(type, _fileVersion))
                return Stop(TailStatus.Corrupt, JournalDefect.UnknownRecordType, file, _offset, $"Unknown record type {frame[8]} in a version {_fileVersion} file.");
            int payloadLength = (int)length - JournalFormat.FrameBodyOverhead;
            if (type == JournalRecordType.Event && payloadLength != RiskEvent.SizeInBytes)
                return Stop(TailStatus.Corrupt, JournalDefect.BadEventSize, file, _offset, $"Event payload is {payloadLength} bytes, not 64.");
            long sequence = BinaryPrimitives.ReadInt64LittleEndian(frame[9..]);
            if (sequence != _expectedSequence)
                return Stop(TailStatus.Corrupt, JournalDefect.SequenceBreak, file, _offset, $"Sequence {sequence}, expected {_expectedSequence}.");
            if (_sessionEnded)
                return Stop(TailStatus.Corrupt, JournalDefect.BadSessionRecord, file, _offset,
                    $"Record {sequence} follows the end-of-session record in the same session.");
            ReadOnlySpan<byte> payload = frame.Slice(JournalFormat.FrameHeaderSize, payloadLength);
            if (type == JournalRecordType.Gap)
            {
                if (!JournalGap.TryRead(payload, out _))
                    return Stop(TailStatus.Corrupt, JournalDefect.BadSessionRecord, file, _offset, $"Gap record {sequence} has an invalid payload.");
                _gapRecords++;
            }
            else if (type == JournalRecordType.SessionEnd)
            {
                if (!JournalSessionEnd.TryRead(payload, out var end))
                    return Stop(TailStatus.Corrupt, JournalDefect.BadSessionRecord, file, _offset, $"End-of-session record {sequence} has an invalid payload.");
                // read from its start, the session must be exactly what the end record describes; read from the middle (its
                // first files missing, already reported), the end record must at least agree with its own sequence
                bool consistent = end.FirstSequence + end.Records == sequence
                    && (_sessionFromStart ? end.FirstSequence == _sessionFirstSequence : end.FirstSequence <= _sessionFirstSequence);
                if (!consistent)
                    return Stop(TailStatus.Corrupt, JournalDefect.BadSessionRecord, file, _offset,
                        $"End-of-session record {sequence} says the session has {end.Records} records from sequence {end.FirstSequence}; " +
                        $"read {sequence - _sessionFirstSequence} from {_sessionFirstSequence}.");
                _sessionEnded = true;
                _sessionsEnded++;
            }
            record = new JournalRecord(type, sequence, payload.ToArray(), file, _offset);
            _offset += frame.Length;
            _expectedSequence++;
            _recordsRead++;
            return true;
        }
    }

    private bool OpenNextFile()
    {
        string? previous = _fileIndex >= 0 ? _files[_fileIndex] : null;
        long previousLength = _offset;
        _fileIndex++;
        if (_fileIndex >= _files.Length)
        {
            if (_files.Length > 0)
                SessionFinished(previous!, previousLength);
            if (_truncation != JournalDefect.None)
                return Stop(TailStatus.Truncated, _truncation, _truncatedFile, _truncatedOffset,
                    _truncations == 1 ? _truncationMessage! : $"{_truncationMessage} ({_truncations} places cut short in all.)");
            string message = _files.Length == 0 ? "No journal files." : $"Read {_files.Length} file(s) to the end; every session is complete.";
            return Stop(TailStatus.Clean, JournalDefect.None, previous, previousLength, message);
        }
        string file = _files[_fileIndex];
        _offset = 0;
        _stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 16 * 1024);
        Span<byte> header = stackalloc byte[JournalFormat.FileHeaderSize];
        int got = _stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (got < header.Length)
            return Stop(TailStatus.Torn, JournalDefect.IncompleteHeader, file, 0, $"File has {got} of {JournalFormat.FileHeaderSize} header bytes.");
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != JournalFormat.Magic)
            return Stop(TailStatus.Corrupt, JournalDefect.BadMagic, file, 0, "Not a journal file: magic bytes are not \"CBJL\".");
        if (BinaryPrimitives.ReadUInt32LittleEndian(header[28..]) != JournalFormat.Crc32C(header[..28]))
            return Stop(TailStatus.Corrupt, JournalDefect.HeaderCrcMismatch, file, 0, "File header CRC32C does not match.");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
        ushort headerSize = BinaryPrimitives.ReadUInt16LittleEndian(header[6..]);
        uint maxPayload = BinaryPrimitives.ReadUInt32LittleEndian(header[24..]);
        if (version is < JournalFormat.MinReadableVersion or > JournalFormat.Version || headerSize != JournalFormat.FileHeaderSize || maxPayload > JournalFormat.MaxPayloadLength)
            return Stop(TailStatus.Corrupt, JournalDefect.UnsupportedVersion, file, 0,
                $"Unsupported header: version {version}, size {headerSize}, max payload {maxPayload}.");
        uint number = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (_lastFileNumber >= 0 && number != _lastFileNumber + 1)
            return Stop(TailStatus.Corrupt, JournalDefect.FileMissing, file, 0, $"File number {number} follows {_lastFileNumber}.");
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        long firstSequence = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        bool flaggedStart = (flags & JournalFormat.FlagSessionStart) != 0;
        bool sessionStart = flaggedStart || _lastFileNumber < 0;
        if (!sessionStart && firstSequence != _expectedSequence)
            return Stop(TailStatus.Corrupt, JournalDefect.SequenceBreak, file, 0, $"File starts at sequence {firstSequence}, expected {_expectedSequence}.");
        if (!sessionStart && version != _sessionVersion)
            return Stop(TailStatus.Corrupt, JournalDefect.UnsupportedVersion, file, 0,
                $"File is format version {version} in the middle of a version {_sessionVersion} session.");
        if (sessionStart)
        {
            if (_lastFileNumber >= 0)
                SessionFinished(previous!, previousLength);
            else if (!flaggedStart)
                Truncated(JournalDefect.MissingSessionStart, file, 0,
                    $"The journal starts in the middle of a writer session: file {number} does not start a session (its earlier files are missing).");
            _sessionVersion = version;
            _sessionFirstSequence = firstSequence;
            _sessionEnded = false;
            _sessionFromStart = flaggedStart;
        }
        _fileVersion = version;
        _expectedSequence = firstSequence;
        _maxPayload = (int)maxPayload;
        if (_frame.Length < 8 + JournalFormat.FrameBodyOverhead + _maxPayload)
            _frame = new byte[8 + JournalFormat.FrameBodyOverhead + _maxPayload];
        _lastFileNumber = number;
        _offset = JournalFormat.FileHeaderSize;
        return true;
    }

    /// <summary>The session being read ends at <paramref name="file"/>:<paramref name="offset"/> (end of the file or a new
    /// session): a version-2 session without its end-of-session record was cut short.</summary>
    private void SessionFinished(string file, long offset)
    {
        if (_sessionVersion >= 2 && !_sessionEnded)
            Truncated(JournalDefect.MissingSessionEnd, file, offset,
                $"The writer session that starts at sequence {_sessionFirstSequence} has no end-of-session record: it was cut at a frame " +
                $"boundary or its last files are missing (read up to sequence {_expectedSequence - 1}).");
    }

    private void Truncated(JournalDefect defect, string file, long offset, string message)
    {
        if (_truncations++ > 0)
            return;
        _truncation = defect;
        _truncatedFile = file;
        _truncatedOffset = offset;
        _truncationMessage = message;
    }

    private bool Stop(TailStatus status, JournalDefect defect, string? file, long offset, string message)
    {
        _finished = true;
        _tail = new JournalTail(status, defect, file, offset, _recordsRead, message);
        _stream?.Dispose();
        _stream = null;
        return false;
    }
}
