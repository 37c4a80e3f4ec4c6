using CircuitBreaker.Cli;

namespace CircuitBreaker.Tests.Drills;

public class CliConfigTests
{
    private const string ExampleTape = """
        {"t":0,"type":"instrument","symbol":"BTC-PERP","kind":"perpetual","underlying":"BTC","tick":0.1,"lot":0.001}
        {"t":1000,"type":"oracle","symbol":"BTC","px":64000.0,"source":"index"}
        {"t":2000,"type":"quote","symbol":"BTC-PERP","bid":63999.9,"ask":64000.1,"bid_qty":3.2,"ask_qty":2.9}
        {"t":5000,"type":"trade","symbol":"BTC-PERP","px":64000.1,"qty":0.25,"aggressor":"buy"}
        {"t":60000000000,"type":"order","symbol":"BTC-PERP","id":1,"account":"mm-1","side":"buy","px":64000.0,"qty":500}
        """;

    private static (int Rc, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int rc = new CliApp(o, e).Run(args);
        return (rc, o.ToString(), e.ToString());
    }

    [Fact]
    public void ConfigCheck_BrokenFile_ListsEveryErrorWithItsPath_Exit2()
    {
        string path = Path.Combine(Path.GetTempPath(), $"cb-bad-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{"instruments":[{"symbol":"X","kind":"spot","tick":-1,"lot":0}],"rate_window_ms":-5,"bogus":1}""");
        var (rc, _, err) = Run("config", "check", path);
        File.Delete(path);
        Assert.Equal(CliApp.Usage, rc);
        Assert.Contains("$.instruments[0].tick", err);
        Assert.Contains("$.instruments[0].lot", err);
        Assert.Contains("$.rate_window_ms", err);
        Assert.Contains("$.bogus", err);
    }

    [Fact]
    public void ConfigInit_ThenCheck_RoundTrips()
    {
        var (rc, json, _) = Run("config", "init");
        Assert.Equal(CliApp.Ok, rc);
        string path = Path.Combine(Path.GetTempPath(), $"cb-init-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        var check = Run("config", "check", path);
        File.Delete(path);
        Assert.Equal(CliApp.Ok, check.Rc);
        Assert.Contains("valid", check.Out);
    }

    [Fact]
    public void Replay_WithConfig_WhatIfLooserLimitsAcceptTheFatFinger()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"cb-whatif-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        string tape = Path.Combine(dir, "t.jsonl"), cfg = Path.Combine(dir, "c.json");
        File.WriteAllText(tape, ExampleTape);
        File.WriteAllText(cfg, """
            { "instruments": [ { "symbol": "BTC-PERP", "kind": "perpetual", "tick": 0.1, "lot": 0.001, "underlying": "BTC",
                "limits": { "max_order_quantity": 1000, "fat_finger_multiple": 100000, "reference_stale_after_ms": 120000 } } ] }
            """);
        var defaults = Run("replay", tape);
        var looser = Run("replay", tape, "--config", cfg);
        Directory.Delete(dir, true);
        Assert.Equal(CliApp.Ok, defaults.Rc);
        Assert.Contains("rejected MaxOrderQuantity: 1", defaults.Out);
        Assert.Equal(CliApp.Ok, looser.Rc);
        Assert.Contains("1 accepted, 0 rejected", looser.Out);
    }
}
