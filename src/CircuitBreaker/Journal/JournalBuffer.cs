using System.Runtime.InteropServices;

namespace CircuitBreaker.Journal;

/// <summary>
/// Single-producer single-consumer byte ring holding whole frames (crc left zero) between the appender and the
/// journal thread. Positions are monotonic byte counts; a frame may wrap around the end of the array.
/// The producer's and the consumer's cursors sit on separate cache lines.
/// </summary>
internal sealed class JournalBuffer
{
    private readonly byte[] _bytes;
    private readonly int _mask;
    private Cursors _cursors;

    public JournalBuffer(int capacity)
    {
        _bytes = GC.AllocateArray<byte>(capacity, pinned: true);
        _mask = capacity - 1;
        Capacity = capacity;
        _bytes.AsSpan().Fill(0xFF); // touch every page now, not on the hot path
        _bytes.AsSpan().Clear();
    }

    public int Capacity { get; }

    /// <summary>Producer: position after the last published frame (read by the consumer with acquire).</summary>
    public long PublishedHead => Volatile.Read(ref _cursors.Head);

    /// <summary>Consumer: position of the next unread byte (read by the producer with acquire).</summary>
    public long ConsumedTail => Volatile.Read(ref _cursors.Tail);

    /// <summary>Producer only: reserves <paramref name="length"/> bytes at the head; false when full.</summary>
    public bool HasRoom(int length)
    {
        long head = _cursors.Head;
        if (head + length - _cursors.CachedTail <= Capacity)
            return true;
        _cursors.CachedTail = Volatile.Read(ref _cursors.Tail);
        return head + length - _cursors.CachedTail <= Capacity;
    }

    /// <summary>Producer only: the head position (not yet published bytes may follow).</summary>
    public long Head => _cursors.Head;

    /// <summary>Producer only: publishes bytes written up to <paramref name="head"/> (release).</summary>
    public void Publish(long head) => Volatile.Write(ref _cursors.Head, head);

    /// <summary>Consumer only: frees bytes up to <paramref name="tail"/> (release).</summary>
    public void Release(long tail) => Volatile.Write(ref _cursors.Tail, tail);

    public void Write(long position, ReadOnlySpan<byte> source)
    {
        int index = (int)(position & _mask);
        int first = Math.Min(source.Length, Capacity - index);
        source[..first].CopyTo(_bytes.AsSpan(index));
        if (first < source.Length)
            source[first..].CopyTo(_bytes.AsSpan());
    }

    public void Read(long position, Span<byte> destination)
    {
        int index = (int)(position & _mask);
        int first = Math.Min(destination.Length, Capacity - index);
        _bytes.AsSpan(index, first).CopyTo(destination);
        if (first < destination.Length)
            _bytes.AsSpan(0, destination.Length - first).CopyTo(destination[first..]);
    }

    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Cursors
    {
        [FieldOffset(64)] public long Head;
        [FieldOffset(72)] public long CachedTail;
        [FieldOffset(128)] public long Tail;
    }
}
