using CircuitBreaker.Cli;
using CircuitBreaker.Nats;

namespace CircuitBreaker.Tests.Firm;

/// <summary>Firm-wide exposure and loss: engines publish, one aggregator (by lease) sums and writes firm restrictions.</summary>
[Collection(nameof(FirmCollection))]
public class FirmAggregatorTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    /// <summary>One BTC-PERP bought for mm-1 at 64,000 (gross exposure 64,000), then a trade marks it.</summary>
    internal const string OneBitcoinTape = """
        {"t":0,"type":"instrument","symbol":"BTC-PERP","kind":"perpetual","underlying":"BTC","group":"BTC","tick":0.1,"lot":0.001}
        {"t":1000,"type":"oracle","symbol":"BTC","px":64000.0,"source":"index"}
        {"t":2000,"type":"quote","symbol":"BTC-PERP","bid":63999.9,"ask":64000.1,"bid_qty":3.2,"ask_qty":2.9}
        {"t":3000,"type":"order","symbol":"BTC-PERP","id":1,"account":"mm-1","side":"buy","px":64000.0,"qty":1}
        {"t":4000,"type":"fill","symbol":"BTC-PERP","order_id":1,"account":"mm-1","side":"buy","px":64000.0,"qty":1}
        {"t":5000,"type":"trade","symbol":"BTC-PERP","px":64000.0,"qty":0.5,"aggressor":"buy"}

        """;

    private static FirmAggregatorOptions Limits(string url, string name) => new()
    {
        Link = new FirmLinkOptions { Url = url, Name = name },
        Accounts = new Dictionary<string, FirmLimit> { ["mm-1"] = new() { MaxGross = 100_000 }, ["mm-2"] = new() { MaxDailyLoss = 5_000 } },
        Groups = new Dictionary<string, FirmLimit> { ["BTC"] = new() { MaxNet = 1_000_000 } },
        EvaluateInterval = TimeSpan.FromMilliseconds(50),
        LeaseTimeout = TimeSpan.FromSeconds(1),
    };

    [Fact]
    public async Task ExposureSummedAcrossTwoEngineProcesses_TripsTheFirmLimit_OnBoth()
    {
        using var server = new NatsServer();
        string tape = Path.Combine(Path.GetTempPath(), $"cbfirm-{Guid.NewGuid():N}.jsonl");
        File.WriteAllText(tape, OneBitcoinTape);
        var log = new List<string>();
        await using var agg = new FirmAggregator(Limits(server.Url, "agg-1"), m => { lock (log) log.Add(m); });
        Assert.True(await agg.StartAsync(Wait));
        Eventually.True(() => agg.IsActive, Wait, () => "aggregator active: " + string.Join("\n", log));
        using var a = new EngineProcess(server.Url, "eng-a", "--tape", tape, "--speed", "max");
        EngineProcess? b = null;
        try
        {
            Assert.True(a.WaitFor(l => l.StartsWith("tape replayed", StringComparison.Ordinal), Wait), a.Output);
            // One engine alone: 64,000 of the firm's 100,000 on mm-1. No breach.
            Eventually.True(() => agg.Totals().GetValueOrDefault("account mm-1").Gross == 64_000, Wait, () => "eng-a's exposure summed: " + string.Join("\n", log));
            Assert.Equal(0, agg.Breaches);

            b = new EngineProcess(server.Url, "eng-b", "--tape", tape, "--speed", "max");
            Assert.True(b.WaitFor(l => l.StartsWith("tape replayed", StringComparison.Ordinal), Wait), b.Output);
            foreach (var e in new[] { a, b })
                Assert.True(e.WaitFor(l => l.Contains("account mm-1 active -> reduce_only origin=firm_aggregator by=agg-1 reason=MaxGrossExposure", StringComparison.Ordinal), Wait), e.Output + "\n" + string.Join("\n", log));
            var total = agg.Totals()["account mm-1"];
            Assert.Equal((128_000.0, 2), (total.Gross, total.Engines));
            Assert.Equal(1, agg.Breaches);
            Assert.DoesNotContain(a.Lines, l => l.Contains("account mm-2", StringComparison.Ordinal)); // within its limits

            await using var op = await FirmOperator.ConnectAsync(Eventually.Operator(server.Url));
            var (key, _, record) = Assert.Single(await op.StateAsync());
            Assert.Equal(("agg.account.mm-1", "reduce_only", "aggregator", "agg-1"), (key, record.State, record.Origin, record.By));
            Assert.Contains(await op.AuditLogAsync(), x => x.What == "limit" && x.Target == "account mm-1" && x.Why.Contains("gross 128000", StringComparison.Ordinal));
        }
        finally { b?.Dispose(); File.Delete(tape); }
    }

    [Fact]
    public async Task AggregatorDies_StandbyTakesOverTheLease_AndEnforces_WithoutRewritingWhatIsOnRecord()
    {
        using var server = new NatsServer();
        await using var a = new FirmEngine(server.Url, "eng-a");
        await using var b = new FirmEngine(server.Url, "eng-b");
        await a.StartAsync(); await b.StartAsync();
        var log = new List<string>();
        var first = new FirmAggregator(Limits(server.Url, "agg-1"), m => { lock (log) log.Add(m); });
        await using var second = new FirmAggregator(Limits(server.Url, "agg-2"), m => { lock (log) log.Add(m); });
        Assert.True(await first.StartAsync(Wait));
        Eventually.True(() => first.IsActive, Wait, () => string.Join("\n", log));
        Assert.True(await second.StartAsync(Wait));
        Thread.Sleep(1500); // longer than the lease timeout: the standby sees renewals and stays standby
        Assert.False(second.IsActive);

        // mm-1 over its gross limit across the two engines: the active aggregator restricts it.
        a.Fill("mm-1", 1, 64_000, 10);
        b.Fill("mm-1", 1, 64_000, 10);
        Eventually.True(() => a.Firm(Scope.Account, "mm-1") == TradingState.ReduceOnly && b.Firm(Scope.Account, "mm-1") == TradingState.ReduceOnly,
            Wait, () => string.Join("\n", log));
        Assert.Equal(1, first.Breaches);

        // firm status shows the aggregator holding the lease and the firm exposure against the firm limits (table and JSON)
        Eventually.True(() => CliRun.Run("firm", "status", "--server", server.Url).Out.Contains("gross 128000 / 100000", StringComparison.Ordinal), Wait,
            () => CliRun.Run("firm", "status", "--server", server.Url).Out);
        var (src, table, _) = CliRun.Run("firm", "status", "--server", server.Url);
        Assert.Equal(CliApp.Ok, src);
        Assert.Matches(@"aggregator: agg-1 on \S+ \(pid \d+\) holds the lease since \d{4}-\d\d-\d\d ", table);
        Assert.Matches(@"account\s+mm-1\s+gross 128000 / 100000\s+net 128000 / -\s+pnl 0 / -\s+engines 2", table);
        Assert.Matches(@"account\s+mm-2\s+gross 0 / -\s+net 0 / -\s+pnl 0 / -5000\s+engines 0", table);
        var (jrc, json, _) = CliRun.Run("firm", "status", "--server", server.Url, "--json");
        Assert.Equal(CliApp.Ok, jrc);
        using (var doc = System.Text.Json.JsonDocument.Parse(json))
        {
            Assert.Equal("agg-1", doc.RootElement.GetProperty("aggregator").GetProperty("holder").GetString());
            var mm1 = doc.RootElement.GetProperty("exposure").EnumerateArray().Single(x => x.GetProperty("target").GetString() == "mm-1");
            Assert.Equal((128_000.0, 100_000.0, 2), (mm1.GetProperty("gross").GetDouble(), mm1.GetProperty("max_gross").GetDouble(), mm1.GetProperty("engines").GetInt32()));
        }

        await first.CrashAsync(); // dies without releasing its lease
        Eventually.True(() => second.IsActive, Wait, () => "takeover: " + string.Join("\n", log));
        Assert.Equal(1, second.Activations);
        Assert.Contains(log, l => l.Contains("agg-2: active (takeover", StringComparison.Ordinal));
        Eventually.True(() => CliRun.Run("firm", "status", "--server", server.Url).Out.Contains("aggregator: agg-2 on ", StringComparison.Ordinal), Wait,
            () => CliRun.Run("firm", "status", "--server", server.Url).Out);
        Thread.Sleep(300);
        Assert.Equal(0, second.Breaches); // mm-1's restriction is on record: not written again

        // The new holder enforces: mm-2's loss across both engines reaches 5,000 (2 × 2,500): halted firm-wide.
        a.Fill("mm-2", 1, 64_000, 20); a.Fill("mm-2", -1, 61_500, 30);
        b.Fill("mm-2", 1, 64_000, 20); b.Fill("mm-2", -1, 61_500, 30);
        Eventually.True(() => a.Firm(Scope.Account, "mm-2") == TradingState.Halted && b.Firm(Scope.Account, "mm-2") == TradingState.Halted,
            Wait, () => string.Join("\n", log));
        Assert.Equal(1, second.Breaches);

        // And it lifts what its predecessor wrote once the exposure is back under 90 % of the limit.
        a.Fill("mm-1", -1, 64_000, 40);
        Eventually.True(() => a.Firm(Scope.Account, "mm-1") == TradingState.Active && b.Firm(Scope.Account, "mm-1") == TradingState.Active,
            Wait, () => string.Join("\n", log));
        Assert.Equal(1, second.Releases);
        Assert.Equal(TradingState.Halted, b.Firm(Scope.Account, "mm-2")); // a loss halt is latched
    }

    [Fact]
    public void Options_EveryErrorInOneMessage()
    {
        var bad = new FirmAggregatorOptions
        {
            Link = new FirmLinkOptions { Name = "bad name!" },
            Accounts = new Dictionary<string, FirmLimit> { ["mm-1"] = new() { MaxGross = -1 }, ["mm-2"] = new() },
            Groups = new Dictionary<string, FirmLimit> { ["BTC"] = new() { MaxDailyLoss = 10 } },
            LeaseTimeout = TimeSpan.FromMilliseconds(100),
            ExposureState = TradingState.Active,
            ReleaseFraction = 1.5,
        };
        var ex = Assert.Throws<ArgumentException>(() => new FirmAggregator(bad));
        foreach (var part in new[] { "Link: Name:", "Accounts[mm-1].MaxGross: -1", "Accounts[mm-2]: sets no limit", "Groups[BTC].MaxDailyLoss: daily loss is limited per account",
                     "LeaseTimeout:", "ExposureState: Active", "ReleaseFraction: 1.5" })
            Assert.Contains(part, ex.Message);
    }
}
