namespace CircuitBreaker.Tests.Journal;

/// <summary>A real journal file whose writes are held until <c>gate</c> is set: a disk that stalls, then recovers.</summary>
internal sealed class GatedFileStream(string path, ManualResetEventSlim gate) : Stream
{
    private readonly FileStream _file = new(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _file.Length;
    public override long Position { get => _file.Position; set => throw new NotSupportedException(); }
    public override void Flush() => _file.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        gate.Wait();
        _file.Write(buffer);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _file.Dispose();
        base.Dispose(disposing);
    }
}
