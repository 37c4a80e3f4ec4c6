using System.Text;

namespace CircuitBreaker.Tests.Tape;

/// <summary>The optional <c>reduce_only</c> and <c>expire_t</c> fields of <c>order</c> records: read, written back, checked
/// on replay; a tape without them replays as before, and a wrong type is a bad record with its reason.</summary>
public sealed class OrderFlagFieldTests
{
    private const string Head = """
        {"t":0,"type":"instrument","symbol":"BTC-PERP","kind":"perpetual","underlying":"BTC","tick":0.1,"lot":0.001}
        {"t":5000,"type":"trade","symbol":"BTC-PERP","px":64000.1,"qty":0.25,"aggressor":"buy"}
        """;

    [Fact]
    public void Read_FlagsPresentAndAbsent_AndWrittenBack()
    {
        string tape = Head + "\n" + """
            {"t":6000,"type":"order","symbol":"BTC-PERP","id":1,"account":"mm-1","side":"sell","px":64000.0,"qty":0.1,"reduce_only":true,"expire_t":9000}
            {"t":7000,"type":"order","symbol":"BTC-PERP","id":2,"account":"mm-1","side":"buy","px":64000.0,"qty":0.1}
            """;
        using var reader = TapeText.Reader(tape);
        var records = TapeText.ReadAll(reader);
        Assert.Equal(0, reader.BadRecords);
        Assert.Equal((true, 9000L), (records[2].ReduceOnly, records[2].ExpireT));
        Assert.Equal(((bool?)null, (long?)null), (records[3].ReduceOnly, records[3].ExpireT));
        string line = Json(records[2]);
        Assert.Contains("\"reduce_only\":true", line);
        Assert.Contains("\"expire_t\":9000", line);
        Assert.DoesNotContain("reduce_only", Json(records[3]));
    }

    private static string Json(TapeRecord r)
    {
        var buffer = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer)) TapeRecordJson.Write(w, r);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    [Theory]
    [InlineData("\"reduce_only\":\"yes\"", "field 'reduce_only' must be true or false")]
    [InlineData("\"expire_t\":1.5", "field 'expire_t' must be an integer")]
    public void Read_WrongType_IsABadRecordWithItsReason(string field, string reason)
    {
        string tape = Head + "\n" + $$"""{"t":6000,"type":"order","symbol":"BTC-PERP","id":1,"account":"mm-1","side":"sell","px":64000.0,"qty":0.1,{{field}}}""";
        using var reader = TapeText.Reader(tape);
        TapeText.ReadAll(reader);
        Assert.Equal(1, reader.BadRecords);
        Assert.Contains(reader.Diagnostics, d => d.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void Replay_ReduceOnlyWithoutPosition_AndExpiredOrder_Refused_PlainOrderAccepted()
    {
        string tape = Head + "\n" + """
            {"t":6000,"type":"order","symbol":"BTC-PERP","id":1,"account":"mm-1","side":"sell","px":64000.0,"qty":0.1,"reduce_only":true}
            {"t":7000,"type":"order","symbol":"BTC-PERP","id":2,"account":"mm-1","side":"buy","px":64000.0,"qty":0.1,"expire_t":7000}
            {"t":8000,"type":"order","symbol":"BTC-PERP","id":3,"account":"mm-1","side":"buy","px":64000.0,"qty":0.1,"expire_t":8001}
            {"t":9000,"type":"order","symbol":"BTC-PERP","id":4,"account":"mm-1","side":"buy","px":64000.0,"qty":0.1,"quote_quantity":true}
            {"t":9500,"type":"order","symbol":"BTC-PERP","id":5,"account":"mm-1","side":"buy","px":64000.0,"qty":0.1,"trigger_px":99000.0}
            """;
        var r = Replay.ReplayEngineTests.Replay(tape).Report;
        Assert.Equal(5, r.Orders.Checked);
        Assert.Equal(1, r.Orders.RejectedByReason["InvalidTriggerPrice"]); // 99,000 is far outside the collar around 64,000
        Assert.Equal(1, r.Orders.Accepted);
        Assert.Equal(1, r.Orders.RejectedByReason["InvalidQuantity"]); // 0.1 of quote currency is under one lot (64)
        Assert.Equal(1, r.Orders.RejectedByReason["ReduceOnlyOrder"]);
        Assert.Equal(1, r.Orders.RejectedByReason["ExpiredOrder"]);
    }

    [Fact]
    public void TrailingOffset_ReadWrittenBackAndReplayed_InEachUnit()
    {
        // Reference 64,000.1 (last trade), default collar 500 bps = 3,200 = 32,000 ticks.
        string tape = Head + "\n" + """
            {"t":6000,"type":"order","symbol":"BTC-PERP","id":1,"account":"mm-1","side":"sell","px":63900.0,"qty":0.1,"trailing_offset":250.5}
            {"t":7000,"type":"order","symbol":"BTC-PERP","id":2,"account":"mm-1","side":"sell","px":63900.0,"qty":0.1,"trailing_offset":40,"trailing_offset_type":"basis_points"}
            {"t":8000,"type":"order","symbol":"BTC-PERP","id":3,"account":"mm-1","side":"sell","px":63900.0,"qty":0.1,"trailing_offset":40000,"trailing_offset_type":"ticks"}
            {"t":9000,"type":"order","symbol":"BTC-PERP","id":4,"account":"mm-1","side":"sell","px":63900.0,"qty":0.1,"trailing_offset":0.05}
            {"t":9500,"type":"order","symbol":"BTC-PERP","id":5,"account":"mm-1","side":"sell","px":63900.0,"qty":0.1,"trailing_offset":10,"trailing_offset_type":"percent"}
            """;
        using (var reader = TapeText.Reader(tape))
        {
            var records = TapeText.ReadAll(reader);
            Assert.Equal(1, reader.BadRecords); // the unknown unit
            Assert.Contains(reader.Diagnostics, d => d.Reason.Contains("unknown trailing_offset_type 'percent'", StringComparison.Ordinal));
            Assert.Equal((250.5, (TrailingOffsetType?)null), (records[2].TrailingOffset, records[2].TrailingOffsetType));
            Assert.Equal(TrailingOffsetType.BasisPoints, records[3].TrailingOffsetType);
            Assert.Contains("\"trailing_offset\":40,\"trailing_offset_type\":\"basis_points\"", Json(records[3]));
            Assert.DoesNotContain("trailing", Json(records[2]).Replace("\"trailing_offset\":250.5", "", StringComparison.Ordinal));
        }
        var r = Replay.ReplayEngineTests.Replay(tape).Report;
        Assert.Equal(4, r.Orders.Checked);
        Assert.Equal(2, r.Orders.Accepted);
        Assert.Equal(2, r.Orders.RejectedByReason["InvalidTrailingOffset"]); // 40,000 ticks is wider than the collar; 0.05 is off the 0.1 grid
        Assert.Equal(1, r.BadRecords);
    }
}
