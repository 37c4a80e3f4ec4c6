namespace CircuitBreaker.Tests.Support;

/// <summary>A stream that can be read once, front to back, like a pipe: at most <c>maxRead</c> bytes per read, and an
/// <see cref="IOException"/> ("simulated read failure") once <c>failAfter</c> bytes have been read.</summary>
internal sealed class ForwardOnlyStream(byte[] bytes, int maxRead = 777, long failAfter = long.MaxValue) : Stream
{
    private readonly MemoryStream _inner = new(bytes);
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count)
    {
        long left = failAfter - _inner.Position;
        if (left <= 0) throw new IOException("simulated read failure");
        return _inner.Read(buffer, offset, (int)Math.Min(Math.Min(count, maxRead), left));
    }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
