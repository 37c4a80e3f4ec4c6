using System.Text;
using System.Text.Json;

namespace CircuitBreaker.Tests.Reports;

public sealed class DrillReportTests
{
    private static DrillReport Sample()
    {
        var b = new ReportBuilder("tapes/fat-finger.jsonl") { Events = 5, BadRecords = 1, Warnings = 2, SuppressedFills = 3 };
        b.CountOrder(RejectReason.None);
        b.CountOrder(RejectReason.MaxOrderQuantity);
        b.CountOrder(RejectReason.MaxOrderQuantity);
        b.CountRejected("PriceCollar");
        b.AddTrip(60_000_000_000, Scope.Instrument, "BTC-PERP", TradingState.Halted, "MaxOrderQuantity", Severity.Critical, "qty 500 > 10");
        b.AddTrip(61_000_000_000, Scope.Account, "mm-1", TradingState.ReduceOnly, "reduce_only", Severity.Warning, "operator");
        b.AddFinding(59_000_000_000, "VolumeSpike", Severity.Warning, Scope.Instrument, "BTC-PERP", 7.4, "volume 9.1x baseline");
        b.AddIncident(new ReportIncident
        {
            Id = "inc-1", OpenedT = 59_000_000_000, ContainedT = 60_000_000_000, ClosedT = null, Scope = Scope.Instrument,
            Target = "BTC-PERP", Reasons = ["MaxOrderQuantity"], Actions = ["halt", "cancel_all"],
        });
        return b.Build();
    }

    private static string[] Names(JsonElement e) => [.. e.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public void ToJson_SpecFieldNamesAndValues()
    {
        using var doc = JsonDocument.Parse(Sample().ToJson());
        var root = doc.RootElement;
        Assert.Equal(["version", "tape", "events", "bad_records", "warnings", "orders", "suppressed_fills", "trips", "findings", "findings_dropped", "incidents", "bad_record_details"], Names(root));
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal("tapes/fat-finger.jsonl", root.GetProperty("tape").GetString());
        Assert.Equal((5, 1, 2, 3), (root.GetProperty("events").GetInt64(), root.GetProperty("bad_records").GetInt64(), root.GetProperty("warnings").GetInt64(), root.GetProperty("suppressed_fills").GetInt64()));

        var orders = root.GetProperty("orders");
        Assert.Equal(["checked", "accepted", "rejected", "rejected_by_reason"], Names(orders));
        Assert.Equal((4, 1, 3), (orders.GetProperty("checked").GetInt64(), orders.GetProperty("accepted").GetInt64(), orders.GetProperty("rejected").GetInt64()));
        var byReason = orders.GetProperty("rejected_by_reason");
        Assert.Equal(["MaxOrderQuantity", "PriceCollar"], Names(byReason));
        Assert.Equal(2, byReason.GetProperty("MaxOrderQuantity").GetInt64());

        var trip = root.GetProperty("trips")[0];
        Assert.Equal(["t", "scope", "target", "state", "reason", "severity", "detail"], Names(trip));
        Assert.Equal(60_000_000_000, trip.GetProperty("t").GetInt64());
        Assert.Equal("instrument", trip.GetProperty("scope").GetString());
        Assert.Equal("halted", trip.GetProperty("state").GetString());
        Assert.Equal("critical", trip.GetProperty("severity").GetString());
        var trip2 = root.GetProperty("trips")[1];
        Assert.Equal(("account", "reduce_only", "warning"), (trip2.GetProperty("scope").GetString(), trip2.GetProperty("state").GetString(), trip2.GetProperty("severity").GetString()));

        var finding = root.GetProperty("findings")[0];
        Assert.Equal(["t", "signature", "severity", "scope", "target", "score", "detail"], Names(finding));
        Assert.Equal(7.4, finding.GetProperty("score").GetDouble());
        Assert.Equal("VolumeSpike", finding.GetProperty("signature").GetString());
        Assert.Equal(0, root.GetProperty("findings_dropped").GetInt64());

        var incident = root.GetProperty("incidents")[0];
        Assert.Equal(["id", "opened_t", "contained_t", "closed_t", "scope", "target", "reasons", "actions"], Names(incident));
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("closed_t").ValueKind);
        Assert.Equal(60_000_000_000, incident.GetProperty("contained_t").GetInt64());
        Assert.Equal(["halt", "cancel_all"], incident.GetProperty("actions").EnumerateArray().Select(a => a.GetString()!));
    }

    [Fact]
    public void ToJson_IsIndentedAndWritesNullLiterally()
    {
        string json = Sample().ToJson();
        Assert.Contains("\n  \"version\": 1,", json);
        Assert.Contains("\"closed_t\": null", json);
    }

    [Fact]
    public void Load_WrittenReport_RoundTripsAndKeepsExtraFields()
    {
        var stream = new MemoryStream();
        var report = Sample();
        report.Write(stream);
        string text = Encoding.UTF8.GetString(stream.ToArray());
        string withExtra = text.Replace("\"version\": 1,", "\"version\": 1, \"extensions\": {\"replay_ms\": 12},");

        var back = DrillReport.Parse(withExtra);
        Assert.Equal(report.Trips.Count, back.Trips.Count);
        Assert.Equal(TradingState.ReduceOnly, back.Trips[1].State);
        Assert.Equal(Scope.Account, back.Trips[1].Scope);
        Assert.Null(back.Incidents[0].ClosedT);
        Assert.Equal(2, back.Orders.RejectedByReason["MaxOrderQuantity"]);
        Assert.NotNull(back.AdditionalFields);
        Assert.Equal(12, back.AdditionalFields!["extensions"].GetProperty("replay_ms").GetInt32());
        using var doc = JsonDocument.Parse(back.ToJson());
        Assert.Equal(12, doc.RootElement.GetProperty("extensions").GetProperty("replay_ms").GetInt32());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"version\":1}")]
    [InlineData("null")]
    public void Parse_NotAReport_ThrowsInvalidData(string json) =>
        Assert.Throws<InvalidDataException>(() => DrillReport.Parse(json));

    [Fact]
    public void Parse_UnknownStateName_ThrowsInvalidData()
    {
        string json = Sample().ToJson().Replace("\"halted\"", "\"frozen\"");
        Assert.Throws<InvalidDataException>(() => DrillReport.Parse(json));
    }

    [Fact]
    public void Build_TripRestatingStateInForce_NotListedAgain()
    {
        var b = new ReportBuilder("t");
        b.AddTrip(10, Scope.Instrument, "BTC-PERP", TradingState.Halted, "MaxOrderQuantity", Severity.Critical, "");
        b.AddTrip(20, Scope.Instrument, "BTC-PERP", TradingState.Halted, "PriceCollar", Severity.Critical, "");
        b.AddTrip(25, Scope.Instrument, "ETH-PERP", TradingState.Halted, "PriceCollar", Severity.Critical, "");
        b.AddTrip(26, Scope.Group, "BTC-PERP", TradingState.Halted, "PriceCollar", Severity.Critical, "");
        b.AddTrip(30, Scope.Instrument, "BTC-PERP", TradingState.Active, "resume", Severity.Info, "");
        b.AddTrip(40, Scope.Instrument, "BTC-PERP", TradingState.Active, "resume", Severity.Info, "");
        b.AddTrip(50, Scope.Global, "*", TradingState.Active, "resume", Severity.Info, "");
        b.AddTrip(60, Scope.Instrument, "BTC-PERP", TradingState.Halted, "admin halt", Severity.Critical, "");

        var trips = b.Build().Trips;
        Assert.Equal([10L, 25, 26, 30, 60], trips.Select(t => t.T));
        Assert.Equal("MaxOrderQuantity", trips[0].Reason);
    }

    [Fact]
    public void Build_TripsAddedOutOfOrder_ListedInEventTimeOrder()
    {
        var b = new ReportBuilder("t");
        b.AddTrip(50, Scope.Account, "a", TradingState.Active, "resume", Severity.Info, "");
        b.AddTrip(10, Scope.Account, "a", TradingState.Halted, "MaxLoss", Severity.Critical, "");
        b.AddFinding(9, "Late", Severity.Info, Scope.Account, "a", 1, "");
        b.AddFinding(3, "Early", Severity.Info, Scope.Account, "a", 1, "");

        var report = b.Build();
        Assert.Equal([10L, 50], report.Trips.Select(t => t.T));
        Assert.Equal(["Early", "Late"], report.Findings.Select(f => f.Signature));
    }

    [Fact]
    public void AddFinding_BeyondSpecCap_CountedInFindingsDropped()
    {
        var b = new ReportBuilder("t");
        Assert.Equal(10_000, b.MaxFindings);
        int listed = 0;
        for (int i = 0; i < 10_250; i++)
        {
            if (b.AddFinding(i, "VolumeSpike", Severity.Warning, Scope.Instrument, "X", i, "")) listed++;
        }
        var report = b.Build();
        Assert.Equal(10_000, listed);
        Assert.Equal(10_000, report.Findings.Count);
        Assert.Equal(250, report.FindingsDropped);
        Assert.Equal(9_999, report.Findings[^1].T);
        using var doc = JsonDocument.Parse(report.ToJson());
        Assert.Equal(250, doc.RootElement.GetProperty("findings_dropped").GetInt64());
    }

    [Fact]
    public void AddFinding_NonFiniteScore_WrittenAsZero()
    {
        var b = new ReportBuilder("t");
        b.AddFinding(1, "S", Severity.Info, Scope.Global, "*", double.NaN, "");
        using var doc = JsonDocument.Parse(b.Build().ToJson());
        Assert.Equal(0, doc.RootElement.GetProperty("findings")[0].GetProperty("score").GetDouble());
    }

    [Fact]
    public void CountTape_AfterReading_CopiesReaderCounts()
    {
        using var reader = TapeText.Reader(TapeText.Example + "\nbroken\n" +
            """{"t":60000000001,"type":"trade","symbol":"BTC-PERP","px":64000.15,"qty":1}""");
        _ = TapeText.ReadAll(reader);
        var b = new ReportBuilder(reader.Name);
        b.CountTape(reader);
        var report = b.Build();
        Assert.Equal((6L, 1L, 1L), (report.Events, report.BadRecords, report.Warnings));
    }
}
