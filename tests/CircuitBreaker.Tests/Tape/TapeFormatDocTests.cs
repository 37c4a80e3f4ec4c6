using CircuitBreaker.Tests.Support;
using System.Text.RegularExpressions;
using CircuitBreaker.Cli;

namespace CircuitBreaker.Tests.Tape;

/// <summary>
/// docs/tape-format.md says what the tool does: its example tapes replay through the tool with exactly the output and
/// bad records the page shows, and the limits it states are the code's.
/// </summary>
public sealed class TapeFormatDocTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"cb-tapedoc-{Guid.NewGuid():N}");
    private static readonly string Doc = File.ReadAllText(Path.Combine(FindRoot(), "docs", "tape-format.md")).Replace("\r\n", "\n");

    public TapeFormatDocTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Block(string name)
    {
        var m = Regex.Match(Doc, $@"<!-- tape-example: {Regex.Escape(name)} -->\n```[a-z]*\n(?<body>.*?)\n```", RegexOptions.Singleline);
        Assert.True(m.Success, $"docs/tape-format.md has no example '{name}'");
        return m.Groups["body"].Value;
    }

    private (int Rc, string Out, string Err) Replay(string name, string tape)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, tape + "\n");
        var (rc, o, e) = CliRun.Run("replay", path, "--report", Path.Combine(_dir, "r.json"));
        return (rc, o.Replace(path, name), e.Replace(path, name));
    }

    [Fact]
    public void GoodExample_ReplaysWithTheOutputShown()
    {
        var (rc, o, e) = Replay("session.jsonl", Block("good"));
        Assert.True(rc == CliApp.Ok, e);
        string[] lines = o.Split('\n');
        foreach (var expected in Block("good-output").Split('\n'))
        {
            string prefix = expected.TrimEnd('…');
            Assert.True(lines.Any(l => l.StartsWith(prefix, StringComparison.Ordinal)), $"output lacks '{expected}':\n{o}");
        }
        Assert.Equal(0, DrillReport.Parse(File.ReadAllText(Path.Combine(_dir, "r.json"))).BadRecords);
    }

    [Fact]
    public void BadExample_BadRecordsAreExactlyTheOnesShown()
    {
        var (rc, _, e) = Replay("tape.jsonl", Block("bad"));
        Assert.True(rc == CliApp.Ok, e);
        string[] expected = Block("bad-output").Split('\n');
        Assert.Equal(expected.Select(l => $"bad record: tape.jsonl: {l}"), e.Split('\n').Where(l => l.StartsWith("bad record:", StringComparison.Ordinal)));
        var report = DrillReport.Parse(File.ReadAllText(Path.Combine(_dir, "r.json")));
        Assert.Equal(expected, report.BadRecordDetails.Select(d => $"line {d.Line}: {d.Reason}"));
        Assert.Equal(expected.Length, report.BadRecords);
        Assert.Equal(3, report.Events);   // "Lines 1, 2 and 13 replay"
        Assert.Equal(1, report.Warnings); // "off the tick: rounded, one warning"
    }

    [Fact]
    public void StatedLimits_AreTheCodes()
    {
        Assert.Contains($"{TapeReader.MaxInstruments:N0}", Doc);
        Assert.Contains($"{TapeReader.MaxLineBytes:N0} bytes", Doc);
        Assert.Contains($"line longer than {TapeReader.MaxLineBytes} bytes", Doc);
        Assert.Contains($"{ReportBuilder.DefaultMaxBadRecordDetails:N0} in the report", Doc);
        Assert.Contains($"first {CliApp.MaxBadRecordsShown}", Doc);
        Assert.Contains($"{long.MaxValue:N0}", Doc);
    }

    [Fact]
    public void WriterSnippet_WritesATapeTheReaderReadsBack()
    {
        // The "Writing tapes from .NET" snippet, as code.
        string path = Path.Combine(_dir, "session.jsonl.gz");
        using (var w = TapeWriter.Create(path))
        {
            w.WriteComment("recorded by engine 7");
            w.Write(new TapeRecord { T = 0, Type = TapeRecordType.Instrument, Symbol = "BTC-PERP",
                InstrumentKind = InstrumentKind.Perpetual, Tick = 0.1, Lot = 0.001, Underlying = "BTC" });
            w.Write(new TapeRecord { T = 1_000, Type = TapeRecordType.Trade, Symbol = "BTC-PERP", Px = 64_000.1, Qty = 0.25 });
        }
        Assert.Contains("TapeWriter.Create(\"session.jsonl.gz\")", Doc);
        using var reader = TapeReader.Open(path);
        Assert.Equal(2, reader.ReadAll().Count());
        Assert.Equal(0, reader.BadRecords);
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CircuitBreaker.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
