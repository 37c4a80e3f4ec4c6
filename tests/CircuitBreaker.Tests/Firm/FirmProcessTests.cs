using CircuitBreaker.Cli;
using CircuitBreaker.Nats;

namespace CircuitBreaker.Tests.Firm;

/// <summary>Engines in separate processes (<c>circuit-breaker firm engine</c>) and the operator's CLI, against a real server.</summary>
[Collection(nameof(FirmCollection))]
public class FirmProcessTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CircuitBreaker.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public void CliHalt_ReachesThreeEngineProcesses_Acked_ThenAStoppedEngineIsNamed_Exit3()
    {
        using var server = new NatsServer();
        var engines = new[] { "eng-a", "eng-b", "eng-c" }.Select(n => new EngineProcess(server.Url, n, "--grace", "5s")).ToList();
        try
        {
            foreach (var e in engines) Assert.True(e.WaitFor(l => l.StartsWith("ready", StringComparison.Ordinal), Wait), e.Output);

            var (rc, o, err) = CliRun.Run("firm", "halt", "--server", server.Url, "--scope", "account", "--target", "mm-1", "--reason", "runaway algo", "--timeout", "10s");
            Assert.True(rc == CliApp.Ok, o + err);
            foreach (var e in engines)
            {
                Assert.Matches($@"{e.Name}\s+acked in \d+\.\d+ ms", o);
                Assert.True(e.WaitFor(l => l.Contains("account mm-1 active -> halted origin=firm_operator by=", StringComparison.Ordinal) && l.Contains(" reason=Manual ", StringComparison.Ordinal), Wait), e.Output);
            }

            var (src, so, _) = CliRun.Run("firm", "status", "--server", server.Url, "--json");
            Assert.Equal(CliApp.Ok, src);
            Assert.Contains("\"reason\": \"runaway algo\"", so);
            Assert.Contains("\"name\": \"eng-b\"", so);

            // eng-c stops; its last heartbeat is still within its grace, so it counts as live and is named as missing.
            engines[2].Stop();
            var (rc2, o2, err2) = CliRun.Run("firm", "resume", "--server", server.Url, "--scope", "account", "--target", "mm-1", "--reason", "reviewed", "--timeout", "1s");
            Assert.True(rc2 == CliApp.NotAllAcked, o2 + err2);
            Assert.Contains("eng-c", err2);
            Assert.Contains("NOT ACKNOWLEDGED", o2);
            foreach (var e in engines.Take(2))
                Assert.True(e.WaitFor(l => l.Contains("account mm-1 halted -> active origin=firm", StringComparison.Ordinal), Wait), e.Output);

            var (lrc, log, _) = CliRun.Run("firm", "log", "--server", server.Url);
            Assert.Equal(CliApp.Ok, lrc);
            Assert.Contains("acked by all 3 live engines  why: runaway algo", log);
            Assert.Contains("missing: eng-c", log);
        }
        finally { foreach (var e in engines) e.Dispose(); }
    }

    [Fact]
    public async Task EngineCredential_CannotHaltTheFirm_Refused_NothingApplied_Logged()
    {
        using var server = new NatsServer(File.ReadAllText(Path.Combine(Root(), "docs", "firm-permissions.conf")));
        // The operator creates the plane (engines may not create buckets or streams).
        await using (var op = await FirmOperator.ConnectAsync(Eventually.Operator(server.Url, "desk", "desk-secret"))) { }
        using var engine = new EngineProcess(server.Url, "eng-a", "--user", "eng-a", "--password", "eng-a-secret");
        Assert.True(engine.WaitFor(l => l.StartsWith("ready", StringComparison.Ordinal), Wait), engine.Output);

        var (rc, o, err) = CliRun.Run("firm", "halt", "--server", server.Url, "--user", "eng-a", "--password", "eng-a-secret", "--name", "eng-a",
            "--scope", "global", "--reason", "compromised engine", "--timeout", "2s");
        Assert.True(rc == CliApp.Refused, o + err);
        Assert.Contains("refused", err);
        Assert.Contains("Publish Violation - User \"eng-a\", Subject \"$KV.cbfirm-state.op.global\"", server.Log);

        // Nothing applied: the state bucket has no restriction, and the engine never left Active for the global scope.
        await using var desk = await FirmOperator.ConnectAsync(Eventually.Operator(server.Url, "desk", "desk-secret"));
        Assert.Empty(await desk.StateAsync());
        Assert.DoesNotContain(engine.Lines, l => l.Contains("global - active -> halted", StringComparison.Ordinal));

        // The operator's credential works, and the engine applies it.
        var (rc2, o2, e2) = CliRun.Run("firm", "halt", "--server", server.Url, "--user", "desk", "--password", "desk-secret",
            "--scope", "account", "--target", "mm-2", "--reason", "desk test", "--timeout", "10s");
        Assert.True(rc2 == CliApp.Ok, o2 + e2);
        Assert.True(engine.WaitFor(l => l.Contains("account mm-2 active -> halted origin=firm", StringComparison.Ordinal), Wait), engine.Output);
    }

    [Fact]
    public void MisusedFirmCommands_Exit2_WithTheReason()
    {
        var (rc, _, err) = CliRun.Run("firm", "halt", "--server", "nats://127.0.0.1:1", "--scope", "account", "--reason", "x");
        Assert.Equal(CliApp.Usage, rc);
        Assert.Contains("--target is required with --scope account", err);
        var (rc2, _, err2) = CliRun.Run("firm", "halt", "--server", "nats://127.0.0.1:1", "--scope", "global", "--reason", "x", "--timeout", "soon");
        Assert.Equal(CliApp.Usage, rc2);
        Assert.Contains("--timeout 'soon' is not a duration", err2);
    }
}
