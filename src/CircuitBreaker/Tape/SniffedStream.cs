namespace CircuitBreaker.Tape;

/// <summary>
/// A read-once stream whose first bytes were read to look at them (a gzip magic number) and are given back before the
/// rest, so sniffing works on pipes, FIFOs and standard input as well as on files.
/// </summary>
internal sealed class SniffedStream(byte[] head, int headLength, Stream rest) : ForwardReadStream
{
    private int _pos;

    /// <summary>True when <paramref name="stream"/> starts with the gzip magic bytes (1F 8B). Replaces
    /// <paramref name="stream"/> with one that still yields the bytes read to find out.</summary>
    /// <exception cref="TapeFormatException">The stream cannot be read.</exception>
    public static bool StartsWithGzipMagic(ref Stream stream, string name)
    {
        var head = new byte[2];
        int n = 0;
        try
        {
            while (n < head.Length)
            {
                int r = stream.Read(head, n, head.Length - n);
                if (r == 0) break;
                n += r;
            }
        }
        catch (IOException ex)
        {
            stream.Dispose();
            throw new TapeFormatException($"cannot read tape '{name}': {ex.Message}", ex);
        }
        if (stream.CanSeek) stream.Seek(-n, SeekOrigin.Current); // a file: read its start again, no wrapper
        else stream = new SniffedStream(head, n, stream);
        return n == 2 && head[0] == 0x1F && head[1] == 0x8B;
    }

    public override int Read(Span<byte> buffer)
    {
        if (_pos < headLength && buffer.Length > 0)
        {
            int n = Math.Min(headLength - _pos, buffer.Length);
            head.AsSpan(_pos, n).CopyTo(buffer);
            _pos += n;
            return n;
        }
        return rest.Read(buffer);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) rest.Dispose();
        base.Dispose(disposing);
    }
}
