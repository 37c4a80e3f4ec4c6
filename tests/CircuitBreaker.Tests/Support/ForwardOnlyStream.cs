namespace CircuitBreaker.Tests.Support;

/// <summary>A stream that can be read once, front to back, like a pipe (the tape reader's own
/// <see cref="CircuitBreaker.Tape.ForwardReadStream"/> base): at most <c>maxRead</c> bytes per read, and an
/// <see cref="IOException"/> ("simulated read failure") once <c>failAfter</c> bytes have been read.</summary>
internal sealed class ForwardOnlyStream(byte[] bytes, int maxRead = 777, long failAfter = long.MaxValue) : CircuitBreaker.Tape.ForwardReadStream
{
    private readonly MemoryStream _inner = new(bytes);

    public override int Read(Span<byte> buffer)
    {
        long left = failAfter - _inner.Position;
        if (left <= 0) throw new IOException("simulated read failure");
        return _inner.Read(buffer[..(int)Math.Min(Math.Min(buffer.Length, maxRead), left)]);
    }
}
