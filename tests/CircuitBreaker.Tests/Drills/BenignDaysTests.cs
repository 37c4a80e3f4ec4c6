using CircuitBreaker.Cli;
using System.Text.Json;
using CircuitBreaker.Drills;

namespace CircuitBreaker.Tests.Drills;

/// <summary>Issue 19 item 6: the seeded benign-day generator and the benign-day benchmark of <c>drill --benign-days</c>.</summary>
public class BenignDaysTests
{
    [Fact]
    public void Day_SameSeedSameBytes_OtherSeedDiffers_DayIndependentOfCount()
    {
        Assert.Equal(BenignDays.Day(3, 7).Generate(7), BenignDays.Day(3, 7).Generate(7));
        Assert.NotEqual(BenignDays.Day(3, 7).Generate(7), BenignDays.Day(3, 8).Generate(8));
        Assert.Equal(BenignDays.Days(4, 7).Last().Generate(7), BenignDays.Days(9, 7).ElementAt(3).Generate(7));
    }

    [Fact]
    public void Days_CycleThroughEveryRegime_EachAtLeast30MinutesWithMakerAndTakerFills()
    {
        var days = BenignDays.Days(BenignDays.Regimes.Count, 3).ToArray();
        Assert.Equal(BenignDays.Regimes, days.Select(d => d.Name[10..]).ToArray());
        foreach (var day in days.Where(d => !d.Name.EndsWith("options-expiry", StringComparison.Ordinal)))
        {
            var records = DrillTimeOriginTests.Read(day.Generate(3));
            Assert.True(records.Max(r => r.T) >= 30 * 60 * 1_000_000_000L, day.Name);
            foreach (var account in new[] { "mm-day", "tk-day" })
                Assert.True(records.Count(r => r.Type == TapeRecordType.Fill && r.Account == account) >= 20, $"{day.Name}: {account}");
            Assert.True(day.IsBenign);
        }
    }

    /// <summary>One day of each regime through the default profile: nothing restricted, nothing Critical, no order rejected
    /// (the target: 0 restrictions and 0 Critical on legitimate days; warnings ≤ 1 per day on average).</summary>
    [Fact]
    public void Run_OneDayOfEachRegime_DefaultProfile_NoCriticalNoRestriction()
    {
        var report = BenignBenchmark.Run(BenignDays.Regimes.Count, seed: 1);
        Assert.True(report.Passed, report.ToTable());
        Assert.Equal(0, report.Critical);
        Assert.Equal(0, report.Restrictions);
        Assert.Equal(0, report.RejectedOrders); // options included: their collar is 50 % of the premium, 10-tick floor, quote mid
        Assert.True(report.WarningsPerDay <= 1, report.ToTable());
        Assert.Contains("| **all** | 0 | 0 |", report.ToMarkdown());
        Assert.All(report.Days, d => Assert.True(d.Orders > 1_000, d.Day.Name));
    }

    /// <summary>Control: the same benchmark sees false alarms when materiality and options-awareness are switched off.</summary>
    [Fact]
    public void Run_WithoutMaterialityOrOptionsAwareness_SeesFalseAlarms()
    {
        var options = new ReplayOptions
        {
            Detectors = ctx => DefaultDetectors.Create(ctx).Select(d => d switch
            {
                LossVelocityDetector => new LossVelocityDetector(ctx, new LossVelocityOptions { MaterialDailyRangeFraction = 0, MaterialDailyLossFraction = 0, GroupMinAccounts = 1 }),
                PriceVelocityDetector => new PriceVelocityDetector(ctx, new PriceVelocityOptions { OptionsByUnderlying = false }),
                _ => d,
            }),
        };
        var day = BenignBenchmark.Run(6, seed: 1, on: options);
        Assert.True(day.Critical + day.Restrictions > 0, day.ToTable());
    }

    [Fact]
    public void Day_ShiftedToPresentDayUnixNs_SameReport()
    {
        byte[] tape = BenignDays.Day(4, 1).Generate(1); // feed-gap: silence, jump, maker and taker
        var records = DrillTimeOriginTests.Read(tape);
        string at0 = DrillTimeOriginTests.Replay(tape, 0, out string outcome0);
        string now = DrillTimeOriginTests.Replay(DrillTimeOriginTests.Shift(records, TimeOrigins.PresentDay), TimeOrigins.PresentDay, out string outcomeNow);
        Assert.Equal(at0, now);
        Assert.Equal(outcome0, outcomeNow);
    }

    [Fact]
    public void Cli_BenignDays_PrintsPerSignatureTable_WritesJsonReport()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cb-benign-{Environment.ProcessId}.json");
        var (rc, output, _) = CliRun.Run("drill", "--benign-days", "1", "--seed", "2", "--report", path);
        Assert.Equal(CliApp.Ok, rc);
        Assert.Contains("false critical", output);
        Assert.Contains("benign days 1 (seed 2)", output);
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        File.Delete(path);
        Assert.Equal(1, doc.RootElement.GetProperty("days").GetInt32());
        Assert.True(doc.RootElement.TryGetProperty("signatures", out _));
        Assert.Equal(1, doc.RootElement.GetProperty("per_day").GetArrayLength());
        var bad = CliRun.Run("drill", "--benign-days", "0");
        Assert.NotEqual(CliApp.Ok, bad.Rc);
    }
}
