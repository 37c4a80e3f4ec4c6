namespace CircuitBreaker.Tests.Tape;

/// <summary>The <c>balance</c> record (a tape extension, issue 20): read, written back, checked; a tape without it is
/// read as before.</summary>
public class BalanceRecordTests
{
    [Fact]
    public void BalanceRecord_ReadAndWrittenBack()
    {
        string tape = TapeText.Instrument + "\n" + """{"t":5,"type":"balance","account":"mm-1","currency":"USDT","change":"funding","amount":-12.5}""";
        using var reader = TapeText.Reader(tape);
        var records = TapeText.ReadAll(reader);
        Assert.Equal(0, reader.BadRecords);
        var b = records[1];
        Assert.Equal((TapeRecordType.Balance, "mm-1", "USDT", BalanceChange.Funding, -12.5), (b.Type, b.Account, b.Currency, b.BalanceChange!.Value, b.Amount));
        using var ms = new MemoryStream();
        using (var w = new TapeWriter(ms, leaveOpen: true)) { w.Write(records[0]); w.Write(b); }
        string written = System.Text.Encoding.UTF8.GetString(ms.ToArray());
        Assert.Contains("""{"t":5,"type":"balance","account":"mm-1","currency":"USDT","change":"funding","amount":-12.5}""", written);
    }

    [Theory]
    [InlineData("""{"t":5,"type":"balance","currency":"USD","change":"deposit","amount":1}""", "account")]
    [InlineData("""{"t":5,"type":"balance","account":"a","change":"deposit","amount":1}""", "currency")]
    [InlineData("""{"t":5,"type":"balance","account":"a","currency":"USD","amount":1}""", "change")]
    [InlineData("""{"t":5,"type":"balance","account":"a","currency":"USD","change":"deposit"}""", "amount")]
    [InlineData("""{"t":5,"type":"balance","account":"a","currency":"USD","change":"gift","amount":1}""", "change")]
    public void BadBalanceRecord_IsABadRecord_NamingTheField(string line, string field)
    {
        using var reader = TapeText.Reader(TapeText.Instrument + "\n" + line);
        var records = TapeText.ReadAll(reader);
        Assert.Single(records);
        Assert.Equal(1, reader.BadRecords);
        Assert.Contains(field, reader.Diagnostics[0].Reason);
    }

    [Fact]
    public void Replay_MovesTheBalance_UnknownCurrencySkipped()
    {
        string tape = string.Join("\n",
            TapeText.Instrument,
            """{"t":1,"type":"trade","symbol":"BTC-PERP","px":64000.0,"qty":1}""",
            """{"t":2,"type":"balance","account":"mm-1","currency":"USD","change":"deposit","amount":64}""",
            """{"t":3,"type":"balance","account":"mm-1","currency":"XYZ","change":"deposit","amount":1e6}""",
            """{"t":4,"type":"order","symbol":"BTC-PERP","id":1,"account":"mm-1","side":"buy","px":64000.0,"qty":0.001}""",
            """{"t":5,"type":"order","symbol":"BTC-PERP","id":2,"account":"mm-1","side":"buy","px":64000.0,"qty":0.001}""");
        var result = ReplayEngine.Replay(TapeText.Reader(tape), ReplayOptions.NoDetectors,
            b => b.DefaultAccountLimits(new AccountLimits { BalanceMode = BalanceMode.Cash }));
        Assert.Equal(1, result.Report.Orders.Accepted);
        Assert.Equal(1, result.Report.Orders.RejectedByReason[nameof(RejectReason.InsufficientBalance)]);
    }
}
