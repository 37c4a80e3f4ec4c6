using System.Text;
using Xunit.Abstractions;

namespace CircuitBreaker.Tests.Tape;

public sealed class TapeReaderStreamingTests(ITestOutputHelper output)
{
    /// <summary>A read-only stream that generates a tape on the fly: it never exists in memory as a whole.</summary>
    private sealed class GeneratedTape(int records) : Stream
    {
        private byte[] _pending = Encoding.UTF8.GetBytes(TapeText.Instrument + "\n");
        private int _offset, _next;

        public long BytesServed { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesServed; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_offset == _pending.Length)
            {
                if (_next == records) return 0;
                _next++;
                _pending = Encoding.UTF8.GetBytes(
                    $"{{\"t\":{_next},\"type\":\"trade\",\"symbol\":\"BTC-PERP\",\"px\":{64000 + _next % 100}.1,\"qty\":0.25,\"venue\":\"v{_next % 7}\"}}\n");
                _offset = 0;
            }
            int n = Math.Min(count, _pending.Length - _offset);
            _pending.AsSpan(_offset, n).CopyTo(buffer.AsSpan(offset, n));
            _offset += n;
            BytesServed += n;
            return n;
        }
    }

    [Fact]
    public void TryRead_TapeMuchLargerThanBuffer_BufferStaysAtInitialSize()
    {
        const int records = 300_000;
        var source = new GeneratedTape(records);
        using var reader = new TapeReader(source);
        TapeRecord? last = null;
        long count = 0;
        long before = GC.GetAllocatedBytesForCurrentThread();
        while (reader.TryRead(out var r)) { last = r; count++; }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(records + 1, count);
        Assert.Equal(records, last!.T);
        Assert.Equal(0, reader.BadRecords);
        Assert.True(source.BytesServed > 30 * reader.BufferBytes, $"tape {source.BytesServed} B vs buffer {reader.BufferBytes} B");
        Assert.Equal(64 * 1024, reader.BufferBytes);
        output.WriteLine($"{count} records, {source.BytesServed} tape bytes, buffer {reader.BufferBytes} B, " +
            $"{allocated / (double)count:F0} B allocated per record (reader side; the generator allocates its lines too)");
    }

    [Fact]
    public void TryRead_RepeatedSymbolsAndAccounts_ReturnSameStringInstances()
    {
        using var reader = TapeText.Reader(TapeText.Example + "\n" +
            """{"t":60000000001,"type":"order","symbol":"BTC-PERP","id":2,"account":"mm-1","side":"sell","px":64000.0,"qty":1}""");
        var records = TapeText.ReadAll(reader);
        Assert.Same(records[3].Symbol, records[5].Symbol);
        Assert.Same(records[4].Account, records[5].Account);
    }
}
