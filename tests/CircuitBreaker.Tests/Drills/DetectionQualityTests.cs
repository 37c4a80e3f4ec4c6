using CircuitBreaker.Drills;

namespace CircuitBreaker.Tests.Drills;

/// <summary>Issue 19 item 7: docs/detection.md is the generator's output (structure, N and seed stated), and the
/// sensitivity setting reaches the replays.</summary>
public sealed class DetectionQualityTests
{
    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CircuitBreaker.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    private static readonly Lazy<DetectionQuality> Small = new(() =>
        DetectionQuality.Run(1, 1, [Drill.Find("fat-finger")!, Drill.Find("runaway-algo")!, Drill.Find("macro-release")!]));

    [Fact]
    public void CommittedDoc_HasTheStructureOfAFreshlyGeneratedReport()
    {
        string committed = File.ReadAllText(Path.Combine(Root(), "docs", "detection.md"));
        string fresh = Small.Value.ToMarkdown();
        Assert.Equal(DetectionQuality.Structure(fresh), DetectionQuality.Structure(committed));
        // The benign sample is at least 20 seeded days, and the doc says how many and which seed.
        var m = System.Text.RegularExpressions.Regex.Match(committed, @"--quality-days (\d+) --seed (\d+)`");
        Assert.True(m.Success, "the doc states N and the seed");
        Assert.True(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 20);
        foreach (var level in DetectionQuality.Levels)
        {
            Assert.Contains($"| {DetectionQuality.Name(level)} | ", committed);
            Assert.Contains($"## Per signature: {DetectionQuality.Name(level)}", committed);
        }
        Assert.Contains("## Severity discipline", committed);
    }

    [Fact]
    public void Run_EverySensitivity_ReplaysWithItsOwnThresholds()
    {
        var q = Small.Value;
        Assert.Equal(DetectionQuality.Levels, q.Results.Select(r => r.Sensitivity));
        Assert.All(q.Results, r => Assert.Single(r.Benign.Days));
        Assert.All(q.Results, r => Assert.Equal(2, r.Card.Detected)); // fat finger and runaway are caught at every setting
        // The macro release's VolumeSpike warning (ratio ~10× at default) is gone at conservative (×1.5) and there at aggressive.
        int Warnings(DetectionSensitivity s) => q.Results.Single(r => r.Sensitivity == s).Card.Scores.Single(x => x.Scenario.Name == "macro-release").FalseFindings;
        Assert.True(Warnings(DetectionSensitivity.Conservative) <= Warnings(DetectionSensitivity.Default));
        Assert.True(Warnings(DetectionSensitivity.Aggressive) >= Warnings(DetectionSensitivity.Default));
        Assert.True(Warnings(DetectionSensitivity.Aggressive) > Warnings(DetectionSensitivity.Conservative));
    }

    [Fact]
    public void Structure_KeepsHeadingsAndTableHeaders_NotFigures()
    {
        var a = DetectionQuality.Structure("# T\n\ntext 1.0 s\n| a | b |\n|---|---|\n| x | 1 |\n## U\n");
        Assert.Equal(["# T", "| a | b |", "## U"], a);
    }
}
