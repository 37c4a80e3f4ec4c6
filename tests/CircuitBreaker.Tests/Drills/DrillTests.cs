using CircuitBreaker.Cli;
using CircuitBreaker.Drills;

namespace CircuitBreaker.Tests.Drills;

public class DrillTests
{
    public static TheoryData<string> Names() => [.. Drill.All.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Generate_SameSeed_SameBytes_OtherSeedDiffers(string name)
    {
        var s = Drill.Find(name)!;
        Assert.Equal(s.Generate(5), s.Generate(5));
        Assert.NotEqual(s.Generate(5), s.Generate(6));
    }

    [Fact]
    public void RunAll_DefaultProfile_ScorecardAsCurrentlyMeasured()
    {
        var card = DrillRunner.RunAll();
        Assert.Equal(Drill.All.Count, card.Scores.Count);
        var by = card.Scores.ToDictionary(s => s.Scenario.Name);
        // Attacks the current default detectors and limits catch, and the loss they avoid.
        foreach (var s in card.Scores.Where(s => !s.Scenario.IsBenign))
            Assert.True(s.Detected, s.Scenario.Name);
        foreach (var n in new[] { "flash-loan", "oracle-manipulation", "collateral-drain", "runaway-algo", "fat-finger", "quote-stuffing", "flash-crash", "compromised-key", "barrier-option" })
            Assert.True(by[n].LossAvoided > 0, n);
        // Each attack is seen by the signature designed for it.
        foreach (var (scenario, signature) in new[]
        {
            ("flash-loan", "FlashLoan"), ("collateral-drain", "Drain"), ("barrier-option", "BarrierProximity"),
            ("compromised-key", "RunawayAlgorithm"), ("quote-stuffing", "QuoteStuffing"), ("runaway-algo", "RunawayAlgorithm"),
        })
            Assert.True(by[scenario].Signatures.Any(kv => kv.Key == signature), $"{scenario}: {signature}");
        // The slow Mango-style pump is contained during the pump (long price-velocity window), not at the collapse 300 s in.
        Assert.Contains(by["oracle-manipulation"].Signatures, kv => kv.Key == "PriceVelocity" && kv.Value < 60_000_000_000L);
        Assert.True(by["oracle-manipulation"].TimeToContainNs < 60_000_000_000L);
        Assert.True(by["oracle-manipulation"].LossAvoided > 0);
        foreach (var s in card.Scores.Where(s => s.Scenario.IsBenign)) Assert.Equal(0, s.FalseCriticals);
        Assert.Contains("| scenario |", card.ToMarkdown());
        Assert.Contains("\"loss_avoided\"", card.ToJson());
    }

    /// <summary>Issue 19 item 4: a liquidation cascade (−12 % in 90 s, depth ÷20, spread ×30, bulk on-chain
    /// liquidations) restricts the exposed instrument, its group or the house within 30 s of the 5 % point.</summary>
    [Fact]
    public void LiquidationCascade_RestrictsTheExposedTargetWithin30sOfTheFivePercentPoint()
    {
        var score = DrillRunner.Run(Drill.Find("liquidation-cascade")!);
        Assert.Equal(90 * Math.Log(0.95) / Math.Log(0.88), Drill.CascadeFivePercentSeconds, 9);
        long deadline = (long)((Drill.CascadeFivePercentSeconds + 30) * 1e9);
        Assert.True(score.Detected);
        Assert.NotNull(score.TimeToContainNs);
        Assert.True(score.TimeToContainNs <= deadline, $"contained {score.TimeToContainNs} ns after the start; deadline {deadline}");
        Assert.Contains(score.Actions, a => a.StartsWith("halted ", StringComparison.Ordinal) || a.StartsWith("reduce_only ", StringComparison.Ordinal));
        Assert.True(score.LossAvoided > 0);
        // The tape really is a cascade: the mid is 5 % down at the 5 % point and 12 % down at 90 s.
        var records = new TapeReader(new MemoryStream(Drill.Find("liquidation-cascade")!.Generate(1)), "c").ReadAll()
            .Where(r => r.Type == TapeRecordType.Quote && r.Symbol == "LQD-PERP").ToList();
        long start = score.Scenario.AttackStartNs;
        double Mid(double seconds) => records.Last(r => r.T <= start + (long)(seconds * 1e9)) is var q ? (q.Bid + q.Ask) / 2 : double.NaN;
        Assert.InRange(Mid(Drill.CascadeFivePercentSeconds) / Mid(0), 0.94, 0.96);
        Assert.InRange(Mid(90) / Mid(0), 0.87, 0.89);
    }

    [Fact]
    public void Main_TapeWithNoGoodRecord_ExitCode2()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cb-bad-{Environment.ProcessId}.jsonl");
        File.WriteAllText(path, "{not json\n{\"t\":1}\n");
        var err = new StringWriter();
        int rc = new CliApp(new StringWriter(), err).Run(["replay", path]);
        File.Delete(path);
        Assert.Equal(CliApp.Usage, rc);
        Assert.Contains("no good record", err.ToString());
    }

    [Fact]
    public void Main_ReplayExample_WritesReportAndChart_ExitCode0()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"cb-cli-{Environment.ProcessId}");
        Directory.CreateDirectory(dir);
        string tape = Path.Combine(dir, "ex.jsonl");
        File.WriteAllText(tape, Replay.ReplayEngineTests.SpecExample);
        var output = new StringWriter();
        int rc = new CliApp(output, new StringWriter()).Run(["replay", tape, "--report", Path.Combine(dir, "r.json"), "--chart", Path.Combine(dir, "c.svg")]);
        Assert.Equal(CliApp.Ok, rc);
        Assert.Contains("rejected MaxOrderQuantity: 1", output.ToString());
        Assert.Equal(1, DrillReport.Parse(File.ReadAllText(Path.Combine(dir, "r.json"))).Orders.Rejected);
        Assert.StartsWith("<svg", File.ReadAllText(Path.Combine(dir, "c.svg")));
        Directory.Delete(dir, true);
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("drill", "--scenario", "nope")]
    [InlineData("replay")]
    [InlineData("replay", "x.jsonl", "--config", "c.json")]
    public void Main_BadUsage_ExitCode2(params string[] args)
        => Assert.Equal(CliApp.Usage, new CliApp(new StringWriter(), new StringWriter()).Run(args));
}
