namespace CircuitBreaker.Tests.Support;

/// <summary>A real journal file whose writes are held until <c>gate</c> is set: a disk that stalls, then recovers.</summary>
internal sealed class GatedFileStream(string path, StalledDisk gate) : Stream
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
        gate.Enter();
        _file.Write(buffer);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _file.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>A disk that holds every write until <see cref="Set"/>, and says when a writer is held: a test that fills the
/// journal's buffer waits for that first, so the journal thread cannot drain part of the buffer meanwhile.</summary>
internal sealed class StalledDisk : IDisposable
{
    private readonly ManualResetEventSlim _open = new(false);
    private int _entered;

    public void Enter()
    {
        Interlocked.Increment(ref _entered);
        _open.Wait();
    }

    public void Set() => _open.Set();

    /// <summary>Waits (up to a minute) until the journal thread is held in a write.</summary>
    public void WaitUntilAWriterIsHeld()
    {
        var until = DateTime.UtcNow.AddMinutes(1);
        while (Volatile.Read(ref _entered) == 0 && DateTime.UtcNow < until) Thread.Sleep(1);
        Assert.True(Volatile.Read(ref _entered) > 0, "the journal thread never reached the disk");
    }

    public void Dispose() => _open.Dispose();
}
