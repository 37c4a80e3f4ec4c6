namespace CircuitBreaker.Tests.Support;

/// <summary>A write-only stream that simulates a disk: fails with <see cref="IOException"/> once more than
/// <c>failAfterBytes</c> have been written, and can hold every write until released.</summary>
internal sealed class FaultyStream : Stream
{
    private readonly long _failAfterBytes;
    private readonly ManualResetEventSlim? _gate;

    public FaultyStream(long failAfterBytes = long.MaxValue, ManualResetEventSlim? gate = null)
    {
        _failAfterBytes = failAfterBytes;
        _gate = gate;
    }

    private int _entered;

    public long BytesWritten { get; private set; }
    /// <summary>Writes begun (counted before the gate holds them).</summary>
    public int WritesEntered => Volatile.Read(ref _entered);
    public int WritesAttempted { get; private set; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => BytesWritten;
    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Interlocked.Increment(ref _entered);
        _gate?.Wait();
        WritesAttempted++;
        if (BytesWritten + buffer.Length > _failAfterBytes)
            throw new IOException("No space left on device (simulated).");
        BytesWritten += buffer.Length;
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }
}
