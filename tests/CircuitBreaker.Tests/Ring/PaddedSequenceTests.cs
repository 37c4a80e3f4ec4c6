using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using CircuitBreaker.Ring;

namespace CircuitBreaker.Tests.Ring;

public sealed class PaddedSequenceTests
{
    [StructLayout(LayoutKind.Sequential)]
    private struct Neighbours
    {
        public long Before;
        public PaddedSequence Sequence;
        public long After;
    }

    private const long Marker = 0x1122334455667788;

    [Fact]
    public void Layout_ValueField_SitsAfterOnePaddingBlock()
    {
        int declared = (int)Marshal.OffsetOf<PaddedSequence>("_value");

        Assert.Equal(PaddedSequence.PaddingBytes, declared);
        Assert.Equal(PaddedSequence.ValueOffset, declared);
        Assert.Equal((2 * PaddedSequence.PaddingBytes) + sizeof(long), Unsafe.SizeOf<PaddedSequence>());
    }

    [Fact]
    public void Layout_StoredValue_IsFoundAtValueOffsetInMemory()
    {
        var sequence = new PaddedSequence(Marker);

        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<PaddedSequence>(in sequence));
        int found = IndexOfMarker(bytes);

        Assert.Equal(PaddedSequence.ValueOffset, found);
        Assert.Equal(bytes.Length - PaddedSequence.PaddingBytes - sizeof(long), found);
    }

    [Fact]
    public void Layout_NeighbouringFields_AreAtLeastPaddingBytesAwayOnBothSides()
    {
        var n = new Neighbours { Before = -1, Sequence = new PaddedSequence(Marker), After = -1 };

        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(new ReadOnlySpan<Neighbours>(in n));
        int value = IndexOfMarker(bytes);
        int beforeEnd = (int)Unsafe.ByteOffset(ref Unsafe.As<Neighbours, byte>(ref n), ref Unsafe.As<long, byte>(ref n.Before)) + sizeof(long);
        int after = (int)Unsafe.ByteOffset(ref Unsafe.As<Neighbours, byte>(ref n), ref Unsafe.As<long, byte>(ref n.After));

        Assert.True(value - beforeEnd >= PaddedSequence.PaddingBytes, $"gap before the value is {value - beforeEnd} bytes");
        Assert.True(after - (value + sizeof(long)) >= PaddedSequence.PaddingBytes, $"gap after the value is {after - value - sizeof(long)} bytes");
    }

    [Fact]
    public void PaddingBytes_IsAtLeastOneCacheLine()
    {
        Assert.True(PaddedSequence.PaddingBytes >= 64);
        Assert.Equal(0, PaddedSequence.PaddingBytes % 64);
    }

    [Fact]
    public void CompareAndSet_MatchingAndStaleComparand_SwapsOnlyOnMatch()
    {
        var sequence = new PaddedSequence(5);

        Assert.False(sequence.CompareAndSet(4, 9));
        Assert.Equal(5, sequence.Value);
        Assert.True(sequence.CompareAndSet(5, 9));
        Assert.Equal(9, sequence.Value);
    }

    [Fact]
    public void AddAndIncrement_FromManyThreads_LoseNoUpdate()
    {
        var box = new SequenceBox();
        const int PerThread = 20_000;

        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                box.Sequence.Increment();
                box.Sequence.Add(2);
            }
        });

        Assert.Equal(4L * PerThread * 3, box.Sequence.Value);
    }

    [Fact]
    public void SetVolatile_ThenValue_ReadsBackWhatWasWritten()
    {
        var sequence = default(PaddedSequence);
        Assert.Equal(0, sequence.ValueUnordered);

        sequence.SetVolatile(-1);

        Assert.Equal(-1, sequence.Value);
        Assert.Equal("-1", sequence.ToString());
    }

    private static int IndexOfMarker(ReadOnlySpan<byte> bytes)
    {
        long value = Marker;
        return bytes.IndexOf(MemoryMarshal.AsBytes(new ReadOnlySpan<long>(in value)));
    }

    private sealed class SequenceBox
    {
        public PaddedSequence Sequence;
    }
}
