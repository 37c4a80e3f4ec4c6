using System.IO.Compression;
using System.Text;

namespace CircuitBreaker.Tests.Tape;

public sealed class TapeReaderTests
{
    [Fact]
    public void ReadAll_SpecExample_FiveGoodRecordsWithTheirValues()
    {
        using var reader = TapeText.Reader(TapeText.Example);
        var records = TapeText.ReadAll(reader);

        Assert.Equal(5, records.Count);
        Assert.Equal(5, reader.GoodRecords);
        Assert.Equal(0, reader.BadRecords);
        Assert.Equal(0, reader.Warnings);
        Assert.Empty(reader.Diagnostics);

        var ins = records[0];
        Assert.Equal(TapeRecordType.Instrument, ins.Type);
        Assert.Equal("BTC-PERP", ins.Symbol);
        Assert.Equal(InstrumentKind.Perpetual, ins.InstrumentKind);
        Assert.Equal("BTC", ins.Underlying);
        Assert.Equal(0.1, ins.Tick);
        Assert.Equal(0.001, ins.Lot);
        Assert.Equal(1.0, ins.Multiplier);
        Assert.Equal("BTC", ins.RiskGroup);
        Assert.Equal(2, ins.LineNumber);

        var oracle = records[1];
        Assert.Equal((TapeRecordType.Oracle, "BTC", 64000.0, "index", 1000L), (oracle.Type, oracle.Symbol, oracle.Px, oracle.Source, oracle.T));

        var quote = records[2];
        Assert.Equal((63999.9, 64000.1, 3.2, 2.9), (quote.Bid, quote.Ask, quote.BidQty, quote.AskQty));

        var trade = records[3];
        Assert.Equal((64000.1, 0.25, (Side?)Side.Buy, 5000L), (trade.Px, trade.Qty, trade.Aggressor, trade.T));

        var order = records[4];
        Assert.Equal(TapeRecordType.Order, order.Type);
        Assert.Equal(60_000_000_000L, order.T);
        Assert.Equal(1L, order.OrderId);
        Assert.Equal("mm-1", order.Account);
        Assert.Equal(Side.Buy, order.Side);
        Assert.Equal(64000.0, order.Px);
        Assert.Equal(500.0, order.Qty);
        Assert.Equal(OrderAction.New, order.OrderAction);
        Assert.Equal(6, order.LineNumber);
        Assert.True(reader.EndOfTape);
    }

    public static TheoryData<string, string> BadLines => new()
    {
        { "{\"t\":10,\"type\":\"trade\",\"symbol\":\"BTC-PERP\",\"px\":1.0,", "invalid JSON" },
        { "not json at all", "invalid JSON" },
        { "[1,2,3]", "record is not a JSON object" },
        { "{\"t\":10,\"type\":\"trade\",\"symbol\":\"BTC-PERP\",\"qty\":1}", "missing required field 'px'" },
        { "{\"t\":10,\"symbol\":\"BTC-PERP\",\"px\":1,\"qty\":1}", "missing required field 'type'" },
        { "{\"type\":\"trade\",\"symbol\":\"BTC-PERP\",\"px\":1,\"qty\":1}", "missing required field 't'" },
        { "{\"t\":10,\"type\":\"trade\",\"symbol\":\"BTC-PERP\",\"px\":\"1\",\"qty\":1}", "field 'px' must be a number" },
        { "{\"t\":10,\"type\":\"trade\",\"symbol\":7,\"px\":1,\"qty\":1}", "field 'symbol' must be a string" },
        { "{\"t\":10,\"type\":\"candle\",\"symbol\":\"BTC-PERP\"}", "unknown type 'candle'" },
        { "{\"t\":10,\"type\":\"trade\",\"symbol\":\"BTC-PERP\",\"px\":1,\"qty\":1,\"aggressor\":\"up\"}", "unknown aggressor 'up'" },
        { "{\"t\":10,\"type\":\"instrument\",\"symbol\":\"X\",\"kind\":\"bond\",\"tick\":1,\"lot\":1}", "unknown kind 'bond'" },
        { "{\"t\":-1,\"type\":\"admin\",\"action\":\"halt\"}", "t must be a non-negative integer" },
        { "{\"t\":10.5,\"type\":\"admin\",\"action\":\"halt\"}", "t must be a non-negative integer" },
        { "{\"t\":\"10\",\"type\":\"admin\",\"action\":\"halt\"}", "t must be a non-negative integer" },
        { "{\"t\":1,\"type\":\"admin\",\"action\":\"halt\"}", "t goes back in time (1 < 5)" },
        { "{\"t\":10,\"type\":\"trade\",\"symbol\":\"ETH-PERP\",\"px\":1,\"qty\":1}", "undeclared symbol 'ETH-PERP'" },
        { "{\"t\":10,\"type\":\"oracle\",\"symbol\":\"ETH\",\"px\":1}", "undeclared symbol 'ETH'" },
        { "{\"t\":10,\"type\":\"trade\",\"symbol\":\"BTC-PERP\",\"px\":1,\"px\":2,\"qty\":1}", "duplicate field 'px'" },
        { "{\"t\":10,\"type\":\"trade\",\"symbol\":\"BTC-PERP\",\"px\":1,\"qty\":1,\"x\":1,\"x\":2}", "duplicate field 'x'" },
        { "{\"t\":10,\"type\":\"trade\",\"symbol\":\"BTC-PERP\",\"px\":1e400,\"qty\":1}", "field 'px' is out of range" },
        { "{\"t\":10,\"type\":\"trade\",\"symbol\":\"BTC-PERP\",\"px\":1e300,\"qty\":1}", "field 'px' is too large for tick 0.1" },
        { "{\"t\":10,\"type\":\"trade\",\"symbol\":\"BTC-PERP\",\"px\":NaN,\"qty\":1}", "invalid JSON" },
        { "{\"t\":10,\"type\":\"trade\",\"symbol\":\"BTC-PERP\",\"px\":1,\"qty\":-1}", "field 'qty' must not be negative" },
        { "{\"t\":10,\"type\":\"fill\",\"symbol\":\"BTC-PERP\",\"order_id\":1.5,\"account\":\"a\",\"side\":\"buy\",\"px\":1,\"qty\":1}", "field 'order_id' must be an integer" },
        { "{\"t\":10,\"type\":\"order\",\"symbol\":\"BTC-PERP\",\"id\":1,\"account\":\"a\",\"px\":1,\"qty\":1}", "missing required field 'side'" },
        { "{\"t\":10,\"type\":\"instrument\",\"symbol\":\"BTC-PERP\",\"kind\":\"spot\",\"tick\":1,\"lot\":1}", "instrument 'BTC-PERP' already declared on line 1" },
        { "{\"t\":10,\"type\":\"instrument\",\"symbol\":\"Y\",\"kind\":\"spot\",\"tick\":0,\"lot\":1}", "field 'tick' must be greater than 0" },
        { "{\"t\":10,\"type\":\"admin\",\"action\":\"halt\"} {}", "invalid JSON" },
        { "{\"t\":10,\"type\":\"chain\",\"kind\":\"mint\",\"asset\":\"USDC\",\"amount\":1}", "unknown kind 'mint'" },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void TryRead_BadRecord_ReportedWithLineAndReasonAndNeighboursStillRead(string bad, string reason)
    {
        string tape = string.Join('\n',
            TapeText.Instrument,
            """{"t":5,"type":"trade","symbol":"BTC-PERP","px":64000.1,"qty":0.25}""",
            bad,
            """{"t":20,"type":"oracle","symbol":"BTC","px":64000.0}""");
        using var reader = TapeText.Reader(tape);
        var records = TapeText.ReadAll(reader);

        Assert.Equal([TapeRecordType.Instrument, TapeRecordType.Trade, TapeRecordType.Oracle], records.Select(r => r.Type));
        Assert.Equal(4, records[2].LineNumber);
        Assert.Equal(1, reader.BadRecords);
        var diagnostic = Assert.Single(reader.Diagnostics);
        Assert.Equal(3, diagnostic.Line);
        Assert.StartsWith(reason, diagnostic.Reason);
    }

    [Fact]
    public void TryRead_CancelWithoutSidePxQty_IsGood()
    {
        using var reader = TapeText.Reader(TapeText.Instrument + "\n" +
            """{"t":1,"type":"order","symbol":"BTC-PERP","id":9,"account":"a","action":"cancel"}""");
        var records = TapeText.ReadAll(reader);
        Assert.Equal(2, records.Count);
        Assert.Equal(OrderAction.Cancel, records[1].OrderAction);
        Assert.Null(records[1].Side);
        Assert.True(double.IsNaN(records[1].Px));
    }

    [Fact]
    public void TryRead_CommentsBlankLinesCrLfBomAndUnknownFields_Skipped()
    {
        string tape = "\uFEFF# header\r\n\r\n   \n  # indented comment\n" + TapeText.Instrument +
            "\r\n{\"t\":3,\"type\":\"oracle\",\"symbol\":\"BTC-PERP\",\"px\":1.5,\"extra\":{\"nested\":[1,2,{\"a\":null}]},\"flag\":true}\r\n\n";
        using var reader = TapeText.Reader(tape);
        var records = TapeText.ReadAll(reader);
        Assert.Equal(2, records.Count);
        Assert.Equal(0, reader.BadRecords);
        Assert.Equal(5, records[0].LineNumber);
        Assert.Equal(6, records[1].LineNumber);
        Assert.Equal(1.5, records[1].Px);
    }

    [Fact]
    public void TryRead_OffTickAndOffLotValues_CountedAsWarningsAndRecordsKept()
    {
        string tape = TapeText.Instrument + "\n" +
            """{"t":1,"type":"trade","symbol":"BTC-PERP","px":64000.15,"qty":0.0005}""" + "\n" +
            """{"t":2,"type":"quote","symbol":"BTC-PERP","bid":63999.9,"ask":64000.12,"bid_qty":1,"ask_qty":1}""" + "\n" +
            """{"t":3,"type":"order","symbol":"BTC-PERP","id":1,"account":"a","side":"sell","px":64000.3,"qty":0.002}""";
        using var reader = TapeText.Reader(tape);
        var records = TapeText.ReadAll(reader);
        Assert.Equal(4, records.Count);
        Assert.Equal(3, reader.Warnings);
        Assert.Equal(64000.15, records[1].Px);
    }

    [Fact]
    public void TryRead_LineLongerThanOneMiB_ReportedAndSkipped()
    {
        var sb = new StringBuilder();
        sb.Append(TapeText.Instrument).Append('\n');
        sb.Append("{\"t\":1,\"type\":\"oracle\",\"symbol\":\"BTC\",\"px\":1,\"junk\":\"").Append('x', TapeReader.MaxLineBytes).Append("\"}\n");
        sb.Append('#').Append('c', TapeReader.MaxLineBytes + 10).Append('\n');
        sb.Append("{\"t\":2,\"type\":\"oracle\",\"symbol\":\"BTC\",\"px\":2}\n");
        using var reader = TapeText.Reader(sb.ToString());
        var records = TapeText.ReadAll(reader);
        Assert.Equal(2, records.Count);
        Assert.Equal(4, records[1].LineNumber);
        var d = Assert.Single(reader.Diagnostics);
        Assert.Equal(new TapeDiagnostic(2, $"line longer than {TapeReader.MaxLineBytes} bytes"), d);
    }

    [Fact]
    public void TryRead_StringFieldNearLineCap_IsGood()
    {
        string source = new('s', TapeReader.MaxLineBytes - 200);
        using var reader = TapeText.Reader(TapeText.Instrument + "\n{\"t\":1,\"type\":\"oracle\",\"symbol\":\"BTC\",\"px\":1,\"source\":\"" + source + "\"}");
        var records = TapeText.ReadAll(reader);
        Assert.Equal(source, records[1].Source);
    }

    [Fact]
    public void ThrowIfNoGoodRecords_OnlyBadRecords_ThrowsNamingFirstBadLine()
    {
        using var reader = TapeText.Reader("garbage\n{\"t\":0}\n");
        Assert.Empty(TapeText.ReadAll(reader));
        var ex = Assert.Throws<TapeFormatException>(reader.ThrowIfNoGoodRecords);
        Assert.Contains("no good record", ex.Message);
        Assert.Contains("line 1: invalid JSON", ex.Message);
        Assert.Equal(2, reader.BadRecords);
    }

    [Fact]
    public void ThrowIfNoGoodRecords_EmptyTape_Throws()
    {
        using var reader = TapeText.Reader("# nothing\n\n");
        Assert.Empty(TapeText.ReadAll(reader));
        Assert.Throws<TapeFormatException>(reader.ThrowIfNoGoodRecords);
    }

    [Fact]
    public void ThrowIfNoGoodRecords_OneGoodRecord_DoesNotThrow()
    {
        using var reader = TapeText.Reader("garbage\n" + TapeText.Instrument);
        Assert.Single(TapeText.ReadAll(reader));
        reader.ThrowIfNoGoodRecords();
    }

    [Fact]
    public void Diagnostics_ManyBadRecords_CappedButAllCounted()
    {
        var sb = new StringBuilder(TapeText.Instrument).Append('\n');
        for (int i = 0; i < TapeReader.MaxDiagnostics + 500; i++) sb.Append("{bad\n");
        using var reader = TapeText.Reader(sb.ToString());
        Assert.Single(TapeText.ReadAll(reader));
        Assert.Equal(TapeReader.MaxDiagnostics + 500, reader.BadRecords);
        Assert.Equal(TapeReader.MaxDiagnostics, reader.Diagnostics.Count);
    }

    [Fact]
    public void Open_GzipPath_ReadsCompressedTape()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tape-{Guid.NewGuid():N}.jsonl.gz");
        try
        {
            using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            {
                gz.Write(Encoding.UTF8.GetBytes(TapeText.Example));
            }
            using var reader = TapeReader.Open(path);
            Assert.Equal(5, TapeText.ReadAll(reader).Count);
            Assert.Equal(path, reader.Name);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Open_MissingFile_ThrowsTapeFormatException()
    {
        var ex = Assert.Throws<TapeFormatException>(() => TapeReader.Open(Path.Combine(Path.GetTempPath(), "no-such-tape.jsonl")));
        Assert.Contains("cannot open tape", ex.Message);
    }

    [Fact]
    public void TryRead_CorruptGzip_ThrowsTapeFormatException()
    {
        var reader = new TapeReader(new GZipStream(new MemoryStream([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9]), CompressionMode.Decompress));
        using (reader)
        {
            var ex = Assert.Throws<TapeFormatException>(() => reader.TryRead(out _));
            Assert.Contains("unreadable", ex.Message);
        }
    }
}
