using CircuitBreaker.Tests.Support;
using System.Text;
using System.Text.Json;
using CircuitBreaker.Cli;

namespace CircuitBreaker.Tests.Replay;

/// <summary>
/// Bad tape records reach the report (issue 21): <c>bad_records</c> stays the exact count, and the optional
/// <c>bad_record_details</c> lists the first <see cref="ReportBuilder.DefaultMaxBadRecordDetails"/> with line and reason,
/// the same ones the console prints.
/// </summary>
public sealed class BadRecordReportTests : IDisposable
{
    private const string Head = """
        {"t":0,"type":"instrument","symbol":"BTC-PERP","kind":"perpetual","underlying":"BTC","tick":0.1,"lot":0.001}
        {"t":1000,"type":"oracle","symbol":"BTC","px":64000.0,"source":"index"}
        {"t":2000,"type":"trade","symbol":"BTC-PERP","px":64000.0,"qty":0.25,"aggressor":"buy"}
        """;

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"cb-badrec-{Guid.NewGuid():N}");

    public BadRecordReportTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Rc, string Out, string Err) Cli(params string[] args) => CliRun.Run(args);

    private (JsonElement Root, string Err, string Tape) ReplayWithReport(string text)
    {
        string tape = Path.Combine(_dir, "t.jsonl"), report = Path.Combine(_dir, "r.json");
        File.WriteAllText(tape, text);
        var (rc, _, err) = Cli("replay", tape, "--report", report);
        Assert.True(rc == CliApp.Ok, err);
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        return (doc.RootElement.Clone(), err, tape);
    }

    [Fact]
    public void Replay_BadRecords_InTheReportWithLineAndReason_AsOnTheConsole()
    {
        string text = Head + "\n"
            + """{"t":3000,"type":"trade","symbol":"BTC-PERP","qty":0.25}""" + "\n"                     // line 4: no px
            + """{"t":3500,"type":"order","symbol":"BTC-PERP","id":1,"account":"mm-1","side":"buy","px":64000.0,"qty":0.1}""" + "\n"
            + "{not json\n"                                                                                  // line 6
            + """{"t":4000,"type":"teleport","symbol":"BTC-PERP"}""" + "\n";                               // line 7: unknown type
        var (root, err, tape) = ReplayWithReport(text);

        Assert.Equal(3, root.GetProperty("bad_records").GetInt64());
        var details = root.GetProperty("bad_record_details").EnumerateArray().ToArray();
        Assert.Equal([4L, 6L, 7L], details.Select(d => d.GetProperty("line").GetInt64()));
        Assert.Contains("px", details[0].GetProperty("reason").GetString());
        Assert.Contains("teleport", details[2].GetProperty("reason").GetString());
        foreach (var d in details) // the report and the console say the same thing
            Assert.Contains($"bad record: {tape}: line {d.GetProperty("line").GetInt64()}: {d.GetProperty("reason").GetString()}", err);
        Assert.Equal(1, root.GetProperty("orders").GetProperty("checked").GetInt64()); // the good records were replayed
    }

    [Fact]
    public void Replay_NoBadRecord_EmptyList()
    {
        var (root, err, _) = ReplayWithReport(Head + "\n");
        Assert.Equal(0, root.GetProperty("bad_records").GetInt64());
        Assert.Equal(0, root.GetProperty("bad_record_details").GetArrayLength());
        Assert.DoesNotContain("bad record", err);
    }

    [Fact]
    public void Replay_MoreBadRecordsThanTheCap_CountExact_ListBounded()
    {
        const int Bad = ReportBuilder.DefaultMaxBadRecordDetails + 517;
        var sb = new StringBuilder(Head).Append('\n');
        for (int i = 0; i < Bad; i++)
        {
            sb.Append("{\"t\":").Append(3000 + i).Append(",\"type\":\"trade\",\"symbol\":\"BTC-PERP\",\"qty\":1}\n"); // no px: bad
            sb.Append("{\"t\":").Append(3000 + i).Append(",\"type\":\"trade\",\"symbol\":\"BTC-PERP\",\"px\":64000.0,\"qty\":1}\n");
        }
        var (root, err, tape) = ReplayWithReport(sb.ToString());

        Assert.Equal(Bad, root.GetProperty("bad_records").GetInt64());
        var lines = root.GetProperty("bad_record_details").EnumerateArray().Select(d => d.GetProperty("line").GetInt64()).ToArray();
        Assert.Equal(ReportBuilder.DefaultMaxBadRecordDetails, lines.Length);
        Assert.Equal(Enumerable.Range(0, lines.Length).Select(i => 4L + 2 * i), lines); // the first ones, in line order
        Assert.Equal(Bad, root.GetProperty("events").GetInt64() - 3); // every good record replayed
        Assert.Equal(CliApp.MaxBadRecordsShown + 1, err.Split('\n').Count(l => l.StartsWith("bad record:", StringComparison.Ordinal)));
        Assert.Contains($"bad record: {tape}: ... {Bad - CliApp.MaxBadRecordsShown:N0} more", err);
    }

    [Fact]
    public void Report_BadRecordDetails_RoundTrip_AndOptionalOnRead()
    {
        var b = new ReportBuilder("t") { Events = 1, BadRecords = 2 };
        b.AddBadRecord(9, "missing required field 'px'");
        b.AddBadRecord(3, "not valid JSON");
        var report = b.Build();
        Assert.Equal([3L, 9L], report.BadRecordDetails.Select(d => d.Line));

        var back = DrillReport.Parse(report.ToJson());
        Assert.Equal(2, back.BadRecords);
        Assert.Equal([(3L, "not valid JSON"), (9L, "missing required field 'px'")], back.BadRecordDetails.Select(d => (d.Line, d.Reason)));
        Assert.Null(back.AdditionalFields); // a known field, not an extra one

        // A report written by another tool to the spec, without the field, still reads.
        using var doc = JsonDocument.Parse(report.ToJson());
        var withoutIt = new Dictionary<string, JsonElement>();
        foreach (var p in doc.RootElement.EnumerateObject()) if (p.Name != "bad_record_details") withoutIt[p.Name] = p.Value;
        var older = DrillReport.Parse(JsonSerializer.Serialize(withoutIt));
        Assert.Equal(2, older.BadRecords);
        Assert.Empty(older.BadRecordDetails);
    }

    [Fact]
    public void ReportBuilder_ListsAtMostTheCap()
    {
        var b = new ReportBuilder("t");
        for (int i = 0; i < ReportBuilder.DefaultMaxBadRecordDetails; i++) Assert.True(b.AddBadRecord(i + 1, "r"));
        Assert.False(b.AddBadRecord(ReportBuilder.DefaultMaxBadRecordDetails + 1, "r"));
        Assert.Equal(ReportBuilder.DefaultMaxBadRecordDetails, b.Build().BadRecordDetails.Count);
    }
}
