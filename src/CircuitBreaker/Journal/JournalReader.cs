using System.Buffers.Binary;
using System.Globalization;

namespace CircuitBreaker;

/// <summary>
/// Reads journal records back across rotated files, in file-number order. The read stops at the first torn
/// (incomplete) header or frame, or at the first corrupt one (CRC mismatch, impossible length, unknown type, broken
/// sequence, missing file, unreadable file), and <see cref="Tail"/> says what and where. It never throws on bad data
/// or I/O errors. A torn tail in a file that is not the last one also stops the read.
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

    /// <summary>Reads the files <c>&lt;basePath&gt;.&lt;n&gt;.cbj</c> that exist, in order of <c>n</c> (see <see cref="FindFiles"/>).</summary>
    public JournalReader(string basePath) : this(FindFiles(basePath)) { }

    /// <summary>Reads <paramref name="files"/> in the order given.</summary>
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

    /// <summary>Reads the next record; false at the end of the journal or at the first defect (see <see cref="Tail"/>).
    /// Never throws on damaged data or I/O errors.</summary>
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
            if (!JournalFormat.IsDefined(type))
                return Stop(TailStatus.Corrupt, JournalDefect.UnknownRecordType, file, _offset, $"Unknown record type {frame[8]}.");
            int payloadLength = (int)length - JournalFormat.FrameBodyOverhead;
            if (type == JournalRecordType.Event && payloadLength != RiskEvent.SizeInBytes)
                return Stop(TailStatus.Corrupt, JournalDefect.BadEventSize, file, _offset, $"Event payload is {payloadLength} bytes, not 64.");
            long sequence = BinaryPrimitives.ReadInt64LittleEndian(frame[9..]);
            if (sequence != _expectedSequence)
                return Stop(TailStatus.Corrupt, JournalDefect.SequenceBreak, file, _offset, $"Sequence {sequence}, expected {_expectedSequence}.");
            record = new JournalRecord(type, sequence, frame.Slice(JournalFormat.FrameHeaderSize, payloadLength).ToArray(), file, _offset);
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
            string message = _files.Length == 0 ? "No journal files." : $"Read {_files.Length} file(s) to the end.";
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
        if (version != JournalFormat.Version || headerSize != JournalFormat.FileHeaderSize || maxPayload > JournalFormat.MaxPayloadLength)
            return Stop(TailStatus.Corrupt, JournalDefect.UnsupportedVersion, file, 0,
                $"Unsupported header: version {version}, size {headerSize}, max payload {maxPayload}.");
        uint number = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (_lastFileNumber >= 0 && number != _lastFileNumber + 1)
            return Stop(TailStatus.Corrupt, JournalDefect.FileMissing, file, 0, $"File number {number} follows {_lastFileNumber}.");
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        long firstSequence = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        bool sessionStart = (flags & JournalFormat.FlagSessionStart) != 0 || _lastFileNumber < 0;
        if (!sessionStart && firstSequence != _expectedSequence)
            return Stop(TailStatus.Corrupt, JournalDefect.SequenceBreak, file, 0, $"File starts at sequence {firstSequence}, expected {_expectedSequence}.");
        _expectedSequence = firstSequence;
        _maxPayload = (int)maxPayload;
        if (_frame.Length < 8 + JournalFormat.FrameBodyOverhead + _maxPayload)
            _frame = new byte[8 + JournalFormat.FrameBodyOverhead + _maxPayload];
        _lastFileNumber = number;
        _offset = JournalFormat.FileHeaderSize;
        return true;
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
