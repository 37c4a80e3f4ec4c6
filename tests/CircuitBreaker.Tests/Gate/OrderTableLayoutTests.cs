using System.Runtime.CompilerServices;

namespace CircuitBreaker.Tests.Gate;

/// <summary>
/// The order table's memory layout, which its speed under rising ids rests on (docs/architecture.md): an entry's state
/// and key mark in one 8-byte tag, a bucket's 8 tags on one cache line, payloads of 48 bytes, both in zeroed native
/// blocks aligned to huge pages when large.
/// </summary>
public class OrderTableLayoutTests
{
    [Fact]
    public void Entry_Is48Bytes_SoATableSlotIs56WithItsTag()
        => Assert.Equal(48, Unsafe.SizeOf<OrderTable.Entry>());

    [Theory]
    [InlineData(64)]
    [InlineData(4_096)]
    [InlineData(3 * 1024 * 1024 + 8)]
    public unsafe void NativeBlock_ZeroedAndAligned(long bytes)
    {
        var block = new NativeBlock(bytes);
        long alignment = bytes >= 2 * 1024 * 1024 ? 2 * 1024 * 1024 : 64;
        Assert.Equal(0, (long)block.Pointer % alignment);
        Assert.Equal((nuint)bytes, block.Length);
        for (long i = 0; i < bytes; i += 7) Assert.Equal(0, block.Pointer[i]);
        Assert.Equal(0, block.Pointer[bytes - 1]);
        GC.KeepAlive(block);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void NativeBlock_NonPositiveSize_Throws(long bytes)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new NativeBlock(bytes));

    [Fact]
    public void Table_EntriesAreUsableAcrossTheWholeBlock_FirstAndLastBucket()
    {
        var table = new OrderTable(1024);
        // Fill, find and remove enough keys that every bucket, the first and the last included, is written.
        var indices = new List<int>();
        for (long id = 1; id <= 1024; id++)
        {
            var e = new OrderTable.Entry { Account = 3, OrderId = id, RemainingLots = id };
            int idx = table.TryInsert<PlainSync>(3, id, in e);
            Assert.True(idx >= 0);
            indices.Add(idx);
        }
        for (long id = 1; id <= 1024; id++)
        {
            int idx = table.Find(3, id);
            Assert.Equal(id, table[idx].RemainingLots);
            Assert.True(table.TryTake<PlainSync>(idx, 3, id));
            table.Remove(idx);
        }
        Assert.Equal(0, table.CountLive());
        Assert.Throws<IndexOutOfRangeException>(() => table[-1].RemainingLots);
        Assert.Throws<IndexOutOfRangeException>(() => table[4 * 1024].RemainingLots);
    }
}
