using System.Text;

namespace CircuitBreaker.Tests.Tape;

public sealed class TapeWriterTests
{
    private static readonly TapeRecord[] EveryType =
    [
        new() { T = 0, Type = TapeRecordType.Instrument, Symbol = "BTC-PERP", InstrumentKind = InstrumentKind.Perpetual, Tick = 0.1, Lot = 0.001, Underlying = "BTC", Multiplier = 1, Group = "crypto" },
        new() { T = 0, Type = TapeRecordType.Instrument, Symbol = "BTC-KO-70K", InstrumentKind = InstrumentKind.BarrierOption, Tick = 0.5, Lot = 1, Underlying = "BTC", Multiplier = 0.01, Barrier = 70000, BarrierKind = BarrierKind.UpAndOut, Strike = 65000, ExpiryT = 86_400_000_000_000 },
        new() { T = 0, Type = TapeRecordType.Instrument, Symbol = "IRS-5Y", InstrumentKind = InstrumentKind.Swap, Tick = 0.0001, Lot = 1_000_000, Multiplier = 1 },
        new() { T = 1000, Type = TapeRecordType.Oracle, Symbol = "BTC", Px = 64000.0, Source = "index" },
        new() { T = 2000, Type = TapeRecordType.Quote, Symbol = "BTC-PERP", Bid = 63999.9, Ask = 64000.1, BidQty = 3.2, AskQty = 2.9, Venue = "x" },
        new() { T = 5000, Type = TapeRecordType.Trade, Symbol = "BTC-PERP", Px = 64000.1, Qty = 0.25, Aggressor = Side.Sell, Venue = "y" },
        new() { T = 6000, Type = TapeRecordType.Order, Symbol = "BTC-PERP", OrderId = 1, Account = "mm-1", Side = Side.Buy, Px = 64000.0, Qty = 500, OrderAction = OrderAction.Replace, Strategy = "mm \"quoted\" é ✓", Tif = "ioc" },
        new() { T = 6001, Type = TapeRecordType.Order, Symbol = "BTC-PERP", OrderId = 1, Account = "mm-1", OrderAction = OrderAction.Cancel },
        new() { T = 7000, Type = TapeRecordType.Fill, Symbol = "BTC-PERP", OrderId = long.MaxValue, Account = "mm-1", Side = Side.Buy, Px = 64000.0, Qty = 0.001, Venue = "x" },
        new() { T = 8000, Type = TapeRecordType.Position, Account = "mm-1", Symbol = "IRS-5Y", Qty = -3_000_000, Delta = -1.5e-3, Gamma = 1e-300, Vega = 12.25, Notional = -3e6, Pnl = -0.1 },
        new() { T = 9000, Type = TapeRecordType.Chain, ChainKind = ChainEventKind.Borrow, Asset = "USDC", Amount = 1e9, Account = "vault", Block = 19_000_000, Tx = "0xabc", Pool = "aave", Symbol = "BTC" },
        new() { T = 9000, Type = TapeRecordType.Admin, AdminAction = AdminAction.ReduceOnly, Scope = Scope.Group, Target = "crypto", Reason = "drill\nline two" },
        new() { T = 9001, Type = TapeRecordType.Admin, AdminAction = AdminAction.Ack },
    ];

    [Fact]
    public void Write_EveryRecordType_ReadsBackEqual()
    {
        var stream = new MemoryStream();
        using (var writer = new TapeWriter(stream, leaveOpen: true))
        {
            writer.WriteComment("round trip");
            foreach (var record in EveryType) writer.Write(record);
            Assert.Equal(EveryType.Length, writer.RecordsWritten);
        }
        stream.Position = 0;
        using var reader = new TapeReader(stream);
        var back = TapeText.ReadAll(reader);

        Assert.Equal(0, reader.BadRecords);
        Assert.Equal(0, reader.Warnings);
        Assert.Equal(EveryType.Length, back.Count);
        for (int i = 0; i < EveryType.Length; i++)
        {
            var expected = EveryType[i].Type == TapeRecordType.Order && EveryType[i].OrderAction is null
                ? EveryType[i] with { OrderAction = OrderAction.New } : EveryType[i];
            Assert.Equal(expected, back[i] with { LineNumber = 0 });
            Assert.Equal(i + 2, back[i].LineNumber);
        }
    }

    [Fact]
    public void Write_ReadSpecExample_RewritesToEqualRecords()
    {
        using var first = TapeText.Reader(TapeText.Example);
        var records = TapeText.ReadAll(first);
        var stream = new MemoryStream();
        using (var writer = new TapeWriter(stream, leaveOpen: true))
        {
            foreach (var r in records) writer.Write(r);
        }
        string text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.StartsWith("""{"t":0,"type":"instrument","symbol":"BTC-PERP","kind":"perpetual","tick":0.1,"lot":0.001,"underlying":"BTC","multiplier":1}""", text);
        Assert.Contains("""{"t":60000000000,"type":"order","symbol":"BTC-PERP","id":1,"account":"mm-1","side":"buy","px":64000,"qty":500,"action":"new"}""", text);

        using var second = TapeText.Reader(text);
        var again = TapeText.ReadAll(second);
        Assert.Equal(records.Select(r => r with { LineNumber = 0 }), again.Select(r => r with { LineNumber = 0 }));
        Assert.Equal([1L, 2, 3, 4, 5], again.Select(r => r.LineNumber));
    }

    [Fact]
    public void Create_GzipPath_RoundTripsThroughOpen()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tape-{Guid.NewGuid():N}.jsonl.gz");
        try
        {
            using (var writer = TapeWriter.Create(path))
            {
                foreach (var record in EveryType) writer.Write(record);
            }
            byte[] head = File.ReadAllBytes(path)[..2];
            Assert.Equal(new byte[] { 0x1f, 0x8b }, head);
            using var reader = TapeReader.Open(path);
            var back = TapeText.ReadAll(reader);
            Assert.Equal(EveryType.Length, back.Count);
            Assert.Equal(EveryType[9], back[9] with { LineNumber = 0 });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Write_UndeclaredSymbol_ThrowsAndWritesNothing()
    {
        var stream = new MemoryStream();
        using var writer = new TapeWriter(stream, leaveOpen: true);
        var ex = Assert.Throws<ArgumentException>(() => writer.Write(new TapeRecord { T = 1, Type = TapeRecordType.Trade, Symbol = "NOPE", Px = 1, Qty = 1 }));
        Assert.Contains("undeclared symbol 'NOPE'", ex.Message);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void Write_TimeGoesBack_Throws()
    {
        using var writer = new TapeWriter(new MemoryStream());
        writer.Write(new TapeRecord { T = 10, Type = TapeRecordType.Admin, AdminAction = AdminAction.Halt });
        var ex = Assert.Throws<ArgumentException>(() => writer.Write(new TapeRecord { T = 9, Type = TapeRecordType.Admin, AdminAction = AdminAction.Resume }));
        Assert.Contains("t goes back in time", ex.Message);
    }

    [Fact]
    public void Write_MissingRequiredField_Throws()
    {
        using var writer = new TapeWriter(new MemoryStream());
        var ex = Assert.Throws<ArgumentException>(() => writer.Write(new TapeRecord { T = 0, Type = TapeRecordType.Instrument, Symbol = "X", Tick = 1, Lot = 1 }));
        Assert.Contains("missing required field 'kind'", ex.Message);
    }

    [Fact]
    public void Write_UnpairedSurrogate_ThrowsAndNextRecordStillWrites()
    {
        var stream = new MemoryStream();
        using (var writer = new TapeWriter(stream, leaveOpen: true))
        {
            Assert.Throws<ArgumentException>(() => writer.Write(new TapeRecord { T = 0, Type = TapeRecordType.Admin, AdminAction = AdminAction.Halt, Reason = "bad \ud800" }));
            writer.Write(new TapeRecord { T = 0, Type = TapeRecordType.Admin, AdminAction = AdminAction.Halt, Reason = "ok" });
        }
        stream.Position = 0;
        using var reader = new TapeReader(stream);
        var back = TapeText.ReadAll(reader);
        Assert.Equal("ok", Assert.Single(back).Reason);
        Assert.Equal(0, reader.BadRecords);
    }

    [Fact]
    public void WriteComment_WithLineBreak_Throws()
    {
        using var writer = new TapeWriter(new MemoryStream());
        Assert.Throws<ArgumentException>(() => writer.WriteComment("a\nb"));
    }
}
