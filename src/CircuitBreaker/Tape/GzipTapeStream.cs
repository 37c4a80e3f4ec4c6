using System.Buffers.Binary;
using System.IO.Compression;

namespace CircuitBreaker.Tape;

/// <summary>
/// Decompresses a gzip stream (RFC 1952), one or more members, and checks what <see cref="GZipStream"/> does not: that
/// every member ends in its trailer and that the trailer's CRC-32 and size match the data. <see cref="GZipStream"/> ends
/// a stream cut anywhere (inside the compressed data or inside the 8-byte trailer) as if it were complete, so a truncated
/// tape would replay as a shorter, "complete" one; here a cut, a corrupt trailer, a bad header or trailing bytes that are
/// not another member throw <see cref="InvalidDataException"/>, which the tape reader reports as an unreadable tape.
/// <para>
/// How the member's end is found without a seekable source: the compressed bytes reach the <see cref="DeflateStream"/>
/// through <see cref="Feeder"/>, which hands it one chunk at a time from this stream's own buffer. A deflate stream asks
/// for a new chunk only once it has consumed the previous one, so when it reports the end of its data, that end lies in
/// the last chunk handed over: the trailer is the 8 bytes at the one position in that chunk where they equal the CRC-32
/// and size of the data just decompressed (a chance match is 1 in 2^64 per position). Reads forward only, once: works
/// on pipes, FIFOs and standard input. Memory: one 64 KiB buffer and one deflate state at a time.
/// </para>
/// </summary>
internal sealed class GzipTapeStream : ForwardReadStream
{
    private const int BufferBytes = 64 * 1024;
    private const int ChunkBytes = 16 * 1024;

    private readonly Stream _source;
    private readonly bool _leaveOpen;
    private readonly byte[] _in = new byte[BufferBytes];
    private int _inStart, _inEnd, _chunkStart, _chunkEnd;
    private bool _sourceEof, _done, _disposed;
    private DeflateStream? _deflate;
    private uint _crc;
    private long _size, _consumedBefore;
    private int _members;

    public GzipTapeStream(Stream source, bool leaveOpen = false)
    {
        _source = source;
        _leaveOpen = leaveOpen;
    }

    public override bool CanRead => !_disposed;

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty) return 0;
        while (!_done)
        {
            if (_deflate is null)
            {
                if (!StartMember()) { _done = true; break; }
            }
            int n = _deflate!.Read(buffer);
            if (n > 0)
            {
                _crc = Crc32.Update(_crc, buffer[..n]);
                _size += n;
                return n;
            }
            EndMember();
        }
        return 0;
    }

    /// <summary>Parses the next member's header; false at a clean end (no byte after the last member's trailer).</summary>
    private bool StartMember()
    {
        int id1 = NextByte();
        if (id1 < 0)
        {
            if (_members == 0) throw Bad("the gzip stream is empty");
            return false;
        }
        int id2 = NextByte(), cm = NextByte(), flags = NextByte();
        if (id1 != 0x1f || id2 != 0x8b)
            throw Bad(_members == 0 ? "not a gzip stream (bad magic number)" : $"{Where()}: trailing data after gzip member {_members} is not another member");
        if (cm != 8) throw Bad($"{Where()}: gzip member {_members + 1} uses compression method {cm}, not deflate (8)");
        if (flags < 0 || (flags & 0xE0) != 0) throw Bad($"{Where()}: gzip member {_members + 1} has a truncated header or reserved flags set");
        Skip(6); // MTIME, XFL, OS
        if ((flags & 0x04) != 0) Skip(NextByteOrThrow() | (NextByteOrThrow() << 8)); // FEXTRA
        if ((flags & 0x08) != 0) SkipZeroTerminated(); // FNAME
        if ((flags & 0x10) != 0) SkipZeroTerminated(); // FCOMMENT
        if ((flags & 0x02) != 0) Skip(2); // FHCRC
        _members++;
        _crc = 0;
        _size = 0;
        _chunkStart = _chunkEnd = _inStart;
        _deflate = new DeflateStream(new Feeder(this), CompressionMode.Decompress, leaveOpen: false);
        return true;
    }

    /// <summary>The deflate data of the member ended (or its input did): find and check the trailer in the last chunk.</summary>
    private void EndMember()
    {
        _deflate!.Dispose();
        _deflate = null;
        // Have the last chunk and at least 8 bytes after it in the buffer (read more when the source has them).
        while (_inEnd - _chunkEnd < 8 && !_sourceEof)
        {
            Compact(_chunkStart);
            FillBuffer();
        }
        uint size = unchecked((uint)_size);
        for (int p = _chunkStart; p <= _chunkEnd && p + 8 <= _inEnd; p++)
        {
            if (BinaryPrimitives.ReadUInt32LittleEndian(_in.AsSpan(p)) != _crc) continue;
            if (BinaryPrimitives.ReadUInt32LittleEndian(_in.AsSpan(p + 4)) != size) continue;
            _inStart = p + 8;
            return;
        }
        throw Bad(_sourceEof
            ? $"the gzip stream is truncated or corrupt: member {_members} ends without a trailer matching its data (CRC-32 and size of {_size:N0} bytes)"
            : $"gzip member {_members} is corrupt: its trailer does not match its data (CRC-32 and size of {_size:N0} bytes)");
    }

    /// <summary>Hands the deflate stream the next chunk of compressed bytes and remembers where it lies in the buffer.</summary>
    private int Feed(Span<byte> destination)
    {
        if (_inStart == _inEnd)
        {
            Compact(_inStart);
            FillBuffer();
            if (_inStart == _inEnd) return 0;
        }
        int n = Math.Min(Math.Min(destination.Length, ChunkBytes), _inEnd - _inStart);
        _in.AsSpan(_inStart, n).CopyTo(destination);
        _chunkStart = _inStart;
        _inStart += n;
        _chunkEnd = _inStart;
        return n;
    }

    /// <summary>Moves the bytes from <paramref name="keepFrom"/> on to the start of the buffer.</summary>
    private void Compact(int keepFrom)
    {
        if (keepFrom == 0) return;
        int keep = _inEnd - keepFrom;
        Buffer.BlockCopy(_in, keepFrom, _in, 0, keep);
        _consumedBefore += keepFrom;
        _inStart -= keepFrom;
        _chunkStart = Math.Max(0, _chunkStart - keepFrom);
        _chunkEnd = Math.Max(0, _chunkEnd - keepFrom);
        _inEnd = keep;
    }

    private void FillBuffer()
    {
        if (_sourceEof || _inEnd == _in.Length) return;
        int n = _source.Read(_in, _inEnd, _in.Length - _inEnd);
        if (n <= 0) _sourceEof = true;
        else _inEnd += n;
    }

    private int NextByte()
    {
        if (_inStart == _inEnd)
        {
            Compact(_inStart);
            FillBuffer();
            if (_inStart == _inEnd) return -1;
        }
        return _in[_inStart++];
    }

    private int NextByteOrThrow()
    {
        int b = NextByte();
        return b >= 0 ? b : throw Bad($"the gzip stream is truncated inside the header of member {_members + 1}");
    }

    private void Skip(int n)
    {
        for (int i = 0; i < n; i++) NextByteOrThrow();
    }

    private void SkipZeroTerminated()
    {
        while (NextByteOrThrow() != 0) { }
    }

    private string Where() => $"at compressed byte {_consumedBefore + _inStart:N0}";

    private static InvalidDataException Bad(string message) => new(message);

    protected override void Dispose(bool disposing)
    {
        if (_disposed) return;
        _disposed = true;
        if (disposing)
        {
            _deflate?.Dispose();
            if (!_leaveOpen) _source.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>The source of the deflate stream: the owner's buffered compressed bytes, one chunk per read.</summary>
    private sealed class Feeder(GzipTapeStream owner) : ForwardReadStream
    {
        public override int Read(Span<byte> buffer) => owner.Feed(buffer);
    }
}

/// <summary>CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as in the gzip trailer. Table-driven, slicing by 4.</summary>
internal static class Crc32
{
    private static readonly uint[] s_table = Build();

    private static uint[] Build()
    {
        var t = new uint[4 * 256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[i] = c;
        }
        for (int i = 0; i < 256; i++)
        {
            t[256 + i] = (t[i] >> 8) ^ t[t[i] & 0xFF];
            t[512 + i] = (t[256 + i] >> 8) ^ t[t[256 + i] & 0xFF];
            t[768 + i] = (t[512 + i] >> 8) ^ t[t[512 + i] & 0xFF];
        }
        return t;
    }

    /// <summary>The CRC-32 of the data so far (<paramref name="crc"/>, 0 at the start) followed by <paramref name="data"/>.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        var t = s_table;
        uint c = ~crc;
        int i = 0;
        for (; i + 4 <= data.Length; i += 4)
        {
            c ^= BinaryPrimitives.ReadUInt32LittleEndian(data[i..]);
            c = t[768 + (c & 0xFF)] ^ t[512 + ((c >> 8) & 0xFF)] ^ t[256 + ((c >> 16) & 0xFF)] ^ t[c >> 24];
        }
        for (; i < data.Length; i++) c = t[(c ^ data[i]) & 0xFF] ^ (c >> 8);
        return ~c;
    }
}
