using System.Globalization;
using System.Text.RegularExpressions;
using CircuitBreaker.Cli;
using CircuitBreaker.Nats;

namespace CircuitBreaker.Tests.Firm;

/// <summary><c>firm engine --tape F --speed X</c>: a tape replayed through an engine attached to the firm plane.</summary>
[Collection(nameof(FirmCollection))]
public class FirmEngineTapeTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>A tape spanning one second of event time at a Unix-ns origin: a buy at its start, its fill at its end.</summary>
    private const string OneSecondTape = """
        {"t":1800000000000000000,"type":"instrument","symbol":"BTC-PERP","kind":"perpetual","underlying":"BTC","tick":0.1,"lot":0.001}
        {"t":1800000000000001000,"type":"quote","symbol":"BTC-PERP","bid":63999.9,"ask":64000.1}
        {"t":1800000000000002000,"type":"order","symbol":"BTC-PERP","id":1,"account":"mm-1","side":"buy","px":64000.0,"qty":0.5}
        {"t":1800000000500000000,"type":"trade","symbol":"BTC-PERP","px":64000.0,"qty":0.1}
        {"t":1800000001000000000,"type":"fill","symbol":"BTC-PERP","order_id":1,"account":"mm-1","side":"buy","px":64000.0,"qty":0.5}

        """;

    [Fact]
    public async Task Tape_PacedInEventTime_ThenStaysAttached_AppliesAFirmHalt_PublishesItsExposure()
    {
        using var server = new NatsServer();
        string tape = Path.Combine(Path.GetTempPath(), $"cbfirm-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(tape, OneSecondTape);
        try
        {
            using var engine = new EngineProcess(server.Url, "eng-t", "--tape", tape, "--speed", "2");
            Assert.True(engine.WaitFor(l => l.StartsWith("tape replayed", StringComparison.Ordinal), Wait), engine.Output);
            var m = Regex.Match(string.Join("\n", engine.Lines), @"tape replayed: .* \((\d+) records, event time ([\d.]+) ms, wall ([\d.]+) ms\)");
            Assert.True(m.Success, engine.Output);
            Assert.Equal(5, int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
            Assert.Equal(1000, double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), 3);
            Assert.True(double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture) >= 500, "paced at 2x: at least half the event time: " + m.Value);

            // Still attached after the tape: a firm halt reaches it, and its exposure (0.5 BTC at 64,000) is on the plane.
            var (rc, o, err) = CliRun.Run("firm", "halt", "--server", server.Url, "--scope", "account", "--target", "mm-1", "--reason", "drill", "--timeout", "10s");
            Assert.True(rc == CliApp.Ok, o + err);
            Assert.True(engine.WaitFor(l => l.Contains("account mm-1 active -> halted origin=firm", StringComparison.Ordinal), Wait), engine.Output);
            await using var op = await FirmOperator.ConnectAsync(Eventually.Operator(server.Url));
            Assert.Contains(await op.EnginesAsync(), e => e.Name == "eng-t");
        }
        finally { File.Delete(tape); }
    }

    [Fact]
    public void Tape_Misuse_Exit2_WithTheReason()
    {
        var (rc, _, err) = CliRun.Run("firm", "engine", "--server", "nats://127.0.0.1:1", "--name", "x", "--tape", "/nonexistent.jsonl");
        Assert.Equal(CliApp.Usage, rc);
        Assert.Contains("tape '/nonexistent.jsonl' not found", err);
        var (rc2, _, err2) = CliRun.Run("firm", "engine", "--server", "nats://127.0.0.1:1", "--name", "x", "--speed", "0");
        Assert.Equal(CliApp.Usage, rc2);
        Assert.Contains("--speed '0' must be a positive number or 'max'", err2);
        var (rc3, _, err3) = CliRun.Run("firm", "engine", "--server", "nats://127.0.0.1:1", "--name", "x", "--speed", "2");
        Assert.Equal(CliApp.Usage, rc3);
        Assert.Contains("--speed needs --tape", err3);
    }
}
