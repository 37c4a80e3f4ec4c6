using System.Text;

namespace CircuitBreaker.Tests.Replay;

/// <summary>Order lists on the tape (<c>list_id</c>, <c>list_size</c>): consecutive order records of one account with one
/// list id are checked as one unit (a list of new orders, or a batch of replaces); refused children's fills are suppressed;
/// a list that cannot be checked as one unit is refused whole; tapes without the fields replay as before.</summary>
public sealed class TapeListTests
{
    private static string Head(long origin) => $$"""
        {"t":{{origin}},"type":"instrument","symbol":"BTC-PERP","kind":"perpetual","underlying":"BTC","tick":0.1,"lot":0.001}
        {"t":{{origin + 5000}},"type":"trade","symbol":"BTC-PERP","px":64000.0,"qty":0.25,"aggressor":"buy"}
        """;

    private static string Order(long t, long id, string side, double px, double qty, string extra = "", string account = "mm-1", string action = "new")
        => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $$"""{"t":{{t}},"type":"order","symbol":"BTC-PERP","id":{{id}},"account":"{{account}}","side":"{{side}}","px":{{px}},"qty":{{qty}},"action":"{{action}}"{{extra}}}""");

    private static string Fill(long t, long id, string side, double px, double qty)
        => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $$"""{"t":{{t}},"type":"fill","symbol":"BTC-PERP","order_id":{{id}},"account":"mm-1","side":"{{side}}","px":{{px}},"qty":{{qty}}}""");

    private static string Tape(long origin, params string[] lines) => Head(origin) + "\n" + string.Join("\n", lines) + "\n";

    public static TheoryData<long> Origins => new() { 0L, 1_764_979_200_000_000_000L };

    [Theory, MemberData(nameof(Origins))]
    public void Bracket_AcceptedAsOneList_ItsFillsCount(long o)
    {
        var r = ReplayEngineTests.Replay(Tape(o,
            Order(o + 6000, 1, "buy", 63900.0, 0.1, ",\"list_id\":7"),
            Order(o + 6000, 2, "sell", 64500.0, 0.1, ",\"list_id\":7"),
            Order(o + 6000, 3, "sell", 64400.0, 0.1, ",\"list_id\":7,\"trigger_px\":63500.0"),
            Fill(o + 7000, 1, "buy", 63900.0, 0.1))).Report;
        Assert.Equal((3L, 3L, 0L), (r.Orders.Checked, r.Orders.Accepted, r.SuppressedFills));
    }

    [Theory, MemberData(nameof(Origins))]
    public void FatFingerChild_RefusesTheWholeList_AndEveryChildsFillIsSuppressed(long o)
    {
        var r = ReplayEngineTests.Replay(Tape(o,
            Order(o + 6000, 1, "buy", 63900.0, 0.1, ",\"list_id\":7"),
            Order(o + 6000, 2, "sell", 64500.0, 10_000, ",\"list_id\":7"),
            Fill(o + 7000, 1, "buy", 63900.0, 0.1),
            Fill(o + 7000, 2, "sell", 64500.0, 1))).Report;
        Assert.Equal((2L, 0L, 2L), (r.Orders.Checked, r.Orders.Accepted, r.SuppressedFills));
        Assert.Equal(1, r.Orders.RejectedByReason["ListRejected"]);
        Assert.Equal(1, r.Orders.RejectedByReason["MaxOrderQuantity"]);
        var single = ReplayEngineTests.Replay(Tape(o, // control: the same orders without list_id: the good one passes alone
            Order(o + 6000, 1, "buy", 63900.0, 0.1),
            Order(o + 6000, 2, "sell", 64500.0, 10_000))).Report;
        Assert.Equal(1, single.Orders.Accepted);
    }

    [Fact]
    public void Replaces_WithOneListId_AreAnAmendmentBatch_AllOrNothing()
    {
        var r = ReplayEngineTests.Replay(Tape(0,
            Order(6000, 1, "buy", 63900.0, 0.1),
            Order(6000, 2, "sell", 64100.0, 0.1),
            Order(7000, 1, "buy", 63950.0, 0.1, ",\"list_id\":9", action: "replace"),
            Order(7000, 2, "sell", 99000.0, 0.1, ",\"list_id\":9", action: "replace"),
            Order(8000, 1, "buy", 63950.0, 0.1, ",\"list_id\":10", action: "replace"),
            Order(8000, 2, "sell", 64050.0, 0.1, ",\"list_id\":10", action: "replace"))).Report;
        Assert.Equal(6, r.Orders.Checked);
        Assert.Equal(4, r.Orders.Accepted); // the two singles and the second batch
        Assert.Equal(1, r.Orders.RejectedByReason["BatchRejected"]);
        Assert.Equal(1, r.Orders.RejectedByReason["PriceCollar"]);
    }

    [Fact]
    public void ACancelInAList_OrMixedActions_RefuseTheListWhole()
    {
        var r = ReplayEngineTests.Replay(Tape(0,
            Order(6000, 1, "buy", 63900.0, 0.1),
            Order(7000, 2, "buy", 63900.0, 0.1, ",\"list_id\":3"),
            Order(7000, 1, "buy", 63900.0, 0.1, ",\"list_id\":3", action: "cancel"))).Report;
        Assert.Equal(3, r.Orders.Checked);
        Assert.Equal(1, r.Orders.Accepted);
        Assert.Equal(2, r.Orders.RejectedByReason["InvalidList"]);
    }

    [Fact]
    public void ConsecutiveLists_AndAccounts_AreSeparatedByListIdAndAccount()
    {
        var r = ReplayEngineTests.Replay(Tape(0,
            Order(6000, 1, "buy", 63900.0, 0.1, ",\"list_id\":1"),
            Order(6000, 2, "buy", 63900.0, 10_000, ",\"list_id\":2"),        // another list: refused alone
            Order(6000, 3, "buy", 63900.0, 0.1, ",\"list_id\":2", account: "mm-2"), // same id, other account: its own list
            Order(6000, 4, "buy", 63900.0, 0.1))).Report;
        Assert.Equal((4L, 3L), (r.Orders.Checked, r.Orders.Accepted));
        Assert.Equal(1, r.Orders.RejectedByReason["MaxOrderQuantity"]);
    }

    [Fact]
    public void AListAcrossReadAheadBatches_ReplaysAsWithoutReadAhead()
    {
        var lines = new List<string>();
        for (int i = 0; i < 509; i++) lines.Add($$"""{"t":{{6000 + i}},"type":"trade","symbol":"BTC-PERP","px":64000.0,"qty":0.01}""");
        for (int k = 1; k <= 6; k++) lines.Add(Order(7000, k, "buy", 63900.0, k == 6 ? 10_000 : 0.1, ",\"list_id\":5"));
        lines.Add(Fill(8000, 1, "buy", 63900.0, 0.1));
        string tape = Tape(0, [.. lines]);
        var on = ReplayEngineTests.Replay(tape, new ReplayOptions { ReadAhead = true }).Report;
        var off = ReplayEngineTests.Replay(tape, new ReplayOptions { ReadAhead = false }).Report;
        Assert.Equal((6L, 0L, 1L), (on.Orders.Checked, on.Orders.Accepted, on.SuppressedFills));
        Assert.Equal(5, on.Orders.RejectedByReason["ListRejected"]);
        Assert.Equal((off.Orders.Checked, off.Orders.Accepted, off.SuppressedFills), (on.Orders.Checked, on.Orders.Accepted, on.SuppressedFills));
    }

    [Fact]
    public void ListSize_ClosesTheListWithoutWaitingForTheNextRecord_AndALastListIsCheckedAtTheEnd()
    {
        var config = new CircuitBreakerBuilder()
            .Instrument("BTC-PERP", InstrumentKind.Perpetual, tick: 0.1, lot: 0.001, underlying: "BTC")
            .Account("mm-1").BuildConfig();
        using var breaker = new Breaker(config);
        var session = ReplayEngine.OpenSession(breaker, new ReplayOptions(), "live", out _);
        foreach (var line in new[]
        {
            """{"t":5000,"type":"trade","symbol":"BTC-PERP","px":64000.0,"qty":0.25}""",
            Order(6000, 1, "buy", 63900.0, 0.1, ",\"list_id\":1,\"list_size\":2"),
        }) session.Apply(Parse(line));
        Assert.Equal(0, breaker.Gate.WorkingOrders); // one of two children read: not checked yet
        session.Apply(Parse(Order(6000, 2, "sell", 64100.0, 0.1, ",\"list_id\":1")));
        Assert.Equal(2, breaker.Gate.WorkingOrders); // checked on its second child, with no record after it
        session.Apply(Parse(Order(7000, 3, "buy", 63900.0, 0.1, ",\"list_id\":2")));
        Assert.Equal(2, breaker.Gate.WorkingOrders);
        session.FlushList(); // what the replay does when the records end
        Assert.Equal(3, breaker.Gate.WorkingOrders);
    }

    [Fact]
    public void AChildOnAnInstrumentTheConfigurationLacks_RefusesTheListWhole()
    {
        var config = new CircuitBreakerBuilder()
            .Instrument("BTC-PERP", InstrumentKind.Perpetual, tick: 0.1, lot: 0.001, underlying: "BTC")
            .Account("mm-1").BuildConfig();
        using var breaker = new Breaker(config);
        var session = ReplayEngine.OpenSession(breaker, new ReplayOptions(), "t", out _);
        session.Apply(Parse("""{"t":5000,"type":"trade","symbol":"BTC-PERP","px":64000.0,"qty":0.25}"""));
        session.Apply(Parse(Order(6000, 1, "buy", 63900.0, 0.1, ",\"list_id\":1")));
        session.Apply(Parse(Order(6000, 2, "buy", 63900.0, 0.1, ",\"list_id\":1").Replace("BTC-PERP", "ETH-PERP", StringComparison.Ordinal)));
        session.FlushList();
        Assert.Equal(0, breaker.Gate.WorkingOrders);
        var result = session.Finish(incidents: null);
        Assert.Equal(1, result.Report.Orders.RejectedByReason["InvalidList"]);
    }

    [Theory]
    [InlineData(",\"list_size\":2", "list_size needs a list_id")]
    [InlineData(",\"list_id\":1,\"list_size\":0", "list_size must be 1 to 1024")]
    [InlineData(",\"list_id\":1,\"list_size\":5000", "list_size must be 1 to 1024")]
    [InlineData(",\"list_id\":\"a\"", "field 'list_id' must be an integer")]
    [InlineData(",\"list_id\":1.5", "field 'list_id' must be an integer")]
    public void MalformedListFields_AreBadRecordsWithTheirReason(string extra, string reason)
    {
        using var reader = TapeText.Reader(Tape(0, Order(6000, 1, "buy", 63900.0, 0.1, extra)));
        TapeText.ReadAll(reader);
        Assert.Equal(1, reader.BadRecords);
        Assert.Contains(reader.Diagnostics, d => d.Reason.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public void ListFields_AreWrittenBack()
    {
        var r = Parse(Order(6000, 1, "buy", 63900.0, 0.1, ",\"list_id\":4,\"list_size\":3"));
        Assert.Equal((4L, 3L), (r.ListId, r.ListSize));
        var buffer = new MemoryStream();
        using (var w = new System.Text.Json.Utf8JsonWriter(buffer)) TapeRecordJson.Write(w, r);
        Assert.Contains("\"list_id\":4,\"list_size\":3", Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static TapeRecord Parse(string line)
    {
        const string eth = """{"t":0,"type":"instrument","symbol":"ETH-PERP","kind":"perpetual","underlying":"ETH","tick":0.01,"lot":0.01}""";
        using var reader = TapeText.Reader(eth + "\n" + Head(0) + "\n" + line + "\n");
        var records = TapeText.ReadAll(reader);
        Assert.Equal(0, reader.BadRecords);
        return records[^1];
    }
}
