using CircuitBreaker.Tests.Support;
using System.Reflection;
using CircuitBreaker.Cli;

namespace CircuitBreaker.Tests.Drills;

/// <summary>
/// The tool follows the conventions of .NET command-line tools (issue 21): help and usage per command, <c>--version</c>,
/// <c>--opt=value</c> as well as <c>--opt value</c>, suggestions for misspelt names, and misuse printing the usage on
/// stderr with exit code 2. Run in-process through <see cref="CliApp"/>.
/// </summary>
public sealed class CliConventionTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"cb-cliconv-{Guid.NewGuid():N}");

    public CliConventionTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Rc, string Out, string Err) Cli(params string[] args) => CliRun.Run(args);

    private string Tape()
    {
        string path = Path.Combine(_dir, "t.jsonl");
        File.WriteAllText(path, Replay.ReplayEngineTests.SpecExample);
        return path;
    }

    // ---- help and usage ------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    [InlineData("help")]
    public void Help_Root_ListsEveryCommandAndTheExitCodes_Exit0(string flag)
    {
        var (rc, o, e) = Cli(flag);
        Assert.True(rc == CliApp.Ok, e);
        Assert.Contains("Usage:", o);
        Assert.Contains("circuit-breaker [command] [options]", o);
        foreach (var command in new[] { "replay <tape>", "review <journal>", "drill", "config" }) Assert.Contains(command, o);
        Assert.Contains("--version", o);
        Assert.Contains("Exit codes: 0 success", o);
        Assert.Equal("", e);
    }

    [Theory]
    [InlineData("replay", "circuit-breaker replay <tape> [options]", new[] { "--report", "--chart", "--config" })]
    [InlineData("review", "circuit-breaker review <journal> [options]", new[] { "--report", "--config" })]
    [InlineData("drill", "circuit-breaker drill [options]", new[] { "--scenario", "--seed", "--report", "--markdown", "--tapes" })]
    [InlineData("config", "circuit-breaker config [command] [options]", new[] { "check", "init" })]
    [InlineData("config check", "circuit-breaker config check <file> [options]", new string[0])]
    [InlineData("config init", "circuit-breaker config init [options]", new string[0])]
    public void Help_PerCommand_ShowsItsUsageAndEveryOption_Exit0(string command, string usage, string[] options)
    {
        string[] path = command.Split(' ');
        foreach (string[] args in new string[][] { [.. path, "--help"], [.. path, "-h"], ["help", .. path] })
        {
            var (rc, o, e) = Cli(args);
            Assert.True(rc == CliApp.Ok, $"{string.Join(' ', args)}: exit {rc}: {e}");
            Assert.Contains(usage, o);
            foreach (var option in options) Assert.Contains(option, o);
            Assert.Equal("", e);
        }
    }

    // ---- version -------------------------------------------------------------------------------------------------

    [Fact]
    public void Version_PrintsTheToolsInformationalVersion_Exit0()
    {
        var (rc, o, e) = Cli("--version");
        Assert.True(rc == CliApp.Ok, e);
        string expected = typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(expected, o.Trim());
        Assert.StartsWith(typeof(CliApp).Assembly.GetName().Version!.ToString(3), o); // the package version, not the host's
    }

    [Fact]
    public void Version_WithAnythingElse_IsMisuse_Exit2()
    {
        var (rc, o, e) = Cli("--version", "extra");
        Assert.Equal(CliApp.Usage, rc);
        Assert.Equal("", o);
        Assert.Contains("'extra'", e);
        Assert.Contains("Usage:", e);
    }

    // ---- option forms --------------------------------------------------------------------------------------------

    private static string ReportBody(string path) =>
        string.Join('\n', File.ReadAllLines(path).Where(l => !l.Contains("\"tape\"", StringComparison.Ordinal)));

    [Fact]
    public void Replay_OptionsWithEqualsOrSpace_SameReport()
    {
        string tape = Tape();
        string cfg = Path.Combine(_dir, "c.json");
        File.WriteAllText(cfg, """
            { "instruments": [ { "symbol": "BTC-PERP", "kind": "perpetual", "tick": 0.1, "lot": 0.001, "underlying": "BTC",
                "limits": { "max_order_quantity": 1000, "fat_finger_multiple": 100000, "reference_stale_after_ms": 120000 } } ] }
            """);
        string spaced = Path.Combine(_dir, "spaced.json"), equals = Path.Combine(_dir, "equals.json");
        var a = Cli("replay", tape, "--config", cfg, "--report", spaced, "--chart", Path.Combine(_dir, "a.svg"));
        var b = Cli("replay", $"--config={cfg}", tape, $"--report={spaced.Replace("spaced", "equals")}", $"--chart={Path.Combine(_dir, "b.svg")}");
        Assert.True(a.Rc == CliApp.Ok, a.Err);
        Assert.True(b.Rc == CliApp.Ok, b.Err);
        Assert.Contains("1 accepted, 0 rejected", b.Out); // --config=... was applied: the looser limits accept the order
        Assert.Equal(ReportBody(spaced), ReportBody(equals));
        Assert.True(File.Exists(Path.Combine(_dir, "b.svg")));
    }

    [Fact]
    public void Drill_OptionsWithEqualsOrSpace_SameScorecard()
    {
        string spaced = Path.Combine(_dir, "spaced.json"), equals = Path.Combine(_dir, "equals.json");
        var a = Cli("drill", "--scenario", "fat-finger", "--seed", "3", "--report", spaced);
        var b = Cli("drill", "--scenario=fat-finger", "--seed=3", $"--report={equals}");
        Assert.True(a.Rc == CliApp.Ok, a.Err);
        Assert.True(b.Rc == CliApp.Ok, b.Err);
        Assert.Contains("fat-finger", b.Out);
        Assert.DoesNotContain("flash-loan", b.Out); // one scenario, not all
        Assert.Equal(File.ReadAllText(spaced), File.ReadAllText(equals));
        var other = Cli("drill", "--scenario=fat-finger", "--seed=4", $"--report={Path.Combine(_dir, "seed4.json")}");
        Assert.Equal(CliApp.Ok, other.Rc);
        Assert.NotEqual(File.ReadAllText(spaced), File.ReadAllText(Path.Combine(_dir, "seed4.json"))); // --seed=N was read
    }

    // ---- misuse: error, suggestions, usage on stderr, exit 2 -----------------------------------------------------

    [Theory]
    [InlineData("drlil", "drill")]
    [InlineData("replya", "replay")]
    [InlineData("drill --senario all", "--scenario")]
    [InlineData("replay t.jsonl --chrat c.svg", "--chart")]
    [InlineData("config chek c.json", "check")]
    public void Misspelt_SuggestsTheNearestName_Exit2(string line, string suggestion)
    {
        var (rc, o, e) = Cli(line.Split(' '));
        Assert.Equal(CliApp.Usage, rc);
        Assert.Equal("", o);
        Assert.Contains("Did you mean", e);
        Assert.Contains($"\n{suggestion}", e);
        Assert.Contains("Usage:", e);
    }

    [Theory]
    [InlineData("", "circuit-breaker [command] [options]")]
    [InlineData("frobnicate", "circuit-breaker [command] [options]")]
    [InlineData("replay", "circuit-breaker replay <tape> [options]")]
    [InlineData("replay a.jsonl b.jsonl", "circuit-breaker replay <tape> [options]")]
    [InlineData("replay a.jsonl --report", "circuit-breaker replay <tape> [options]")]
    [InlineData("review", "circuit-breaker review <journal> [options]")]
    [InlineData("drill --seed x", "circuit-breaker drill [options]")]
    [InlineData("drill --scenario nope", "circuit-breaker drill [options]")]
    [InlineData("drill extra", "circuit-breaker drill [options]")]
    [InlineData("config", "circuit-breaker config [command] [options]")]
    [InlineData("config check", "circuit-breaker config check <file> [options]")]
    public void Misuse_PrintsTheErrorAndTheCommandsUsageOnStderr_Exit2(string line, string usage)
    {
        var (rc, o, e) = Cli(line.Length == 0 ? [] : line.Split(' '));
        Assert.Equal(CliApp.Usage, rc);
        Assert.Equal("", o);
        Assert.Contains(usage, e);
        Assert.True(e.IndexOf("Usage:", StringComparison.Ordinal) > 0, "the error comes before the usage");
    }

    [Fact]
    public void Misuse_BadValues_SayWhatIsWrong()
    {
        Assert.Contains("--seed must be an integer (was 'x')", Cli("drill", "--seed", "x").Err);
        var scenario = Cli("drill", "--scenario", "nope").Err;
        Assert.Contains("'nope'", scenario);
        foreach (var s in CircuitBreaker.Drills.Drill.All) Assert.Contains(s.Name, scenario); // the names it accepts
    }

    [Fact]
    public void Replay_MissingTape_ErrorThenUsage_Exit2()
    {
        var (rc, o, e) = Cli("replay", Path.Combine(_dir, "absent.jsonl"));
        Assert.Equal(CliApp.Usage, rc);
        Assert.Equal("", o);
        Assert.StartsWith($"error: tape '{Path.Combine(_dir, "absent.jsonl")}' not found", e);
        Assert.Contains("circuit-breaker replay <tape> [options]", e);
    }
}
