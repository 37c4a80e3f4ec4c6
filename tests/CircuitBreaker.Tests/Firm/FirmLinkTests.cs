using System.Text;
using CircuitBreaker.Nats;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;

namespace CircuitBreaker.Tests.Firm;

/// <summary>Firm links in this process against a real nats-server (started per test on a random port).</summary>
[Collection(nameof(FirmCollection))]
public class FirmLinkTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Command_AppliedByEveryLiveEngine_Acked_Audited_ResumeLifts()
    {
        using var server = new NatsServer();
        await using var a = new FirmEngine(server.Url, "eng-a");
        await using var b = new FirmEngine(server.Url, "eng-b");
        await using var c = new FirmEngine(server.Url, "eng-c");
        foreach (var e in new[] { a, b, c }) await e.StartAsync();
        await using var op = await FirmOperator.ConnectAsync(Eventually.Operator(server.Url));
        Eventually.True(() => op.EnginesAsync().Result.Count(op.IsLive) == 3, Wait, () => "3 live engines");

        var halt = await op.CommandAsync(Scope.Account, "mm-1", TradingState.Halted, "runaway algo", TimeSpan.FromSeconds(10));
        Assert.True(halt.AllAcked, string.Join(", ", halt.Engines));
        Assert.Equal(new[] { "eng-a", "eng-b", "eng-c" }, halt.Engines.Select(e => e.Engine).Order().ToArray());
        foreach (var e in new[] { a, b, c })
        {
            Assert.Equal(TradingState.Halted, e.Firm(Scope.Account, "mm-1"));
            Assert.Equal(TradingState.Halted, e.Breaker.Board.Effective(0, 0, e.Account("mm-1"), out _));
            Assert.Equal(TradingState.Active, e.Breaker.Board.Effective(0, 0, e.Account("mm-2"), out _));
            var trip = Assert.Single(e.Seen, t => t.Scope == Scope.Account);
            // provenance: an operator's command, by the operator, reason Manual (cause Manual)
            Assert.Equal((TripOrigin.FirmOperator, "desk", TradingState.Halted, TripCause.Manual, RejectReason.Manual),
                (trip.Origin, trip.ByName, trip.State, trip.Cause, trip.Reason));
        }

        var resume = await op.CommandAsync(Scope.Account, "mm-1", TradingState.Active, "fixed", TimeSpan.FromSeconds(10));
        Assert.True(resume.AllAcked);
        foreach (var e in new[] { a, b, c }) Assert.Equal(TradingState.Active, e.Breaker.Board.Get(Scope.Account, e.Account("mm-1")));

        var log = await op.AuditLogAsync();
        Assert.Contains(log, x => x.What == "halted" && x.Target == "account mm-1" && x.Who == "desk" && x.Why == "runaway algo" && x.Result.StartsWith("acked by all 3", StringComparison.Ordinal));
        Assert.Contains(log, x => x.What == "resume" && x.Why == "fixed");
    }

    [Fact]
    public async Task CriticalLocalAccountHalt_RaisedToFirm_HaltsItOnOtherEngines_WarningStaysLocal_OperatorResumeLiftsAll()
    {
        using var server = new NatsServer();
        await using var a = new FirmEngine(server.Url, "eng-a");
        await using var b = new FirmEngine(server.Url, "eng-b");
        await a.StartAsync(); await b.StartAsync();
        const long t = TimeOrigins.PresentDay;

        // A Warning reduce-only on mm-2 stays local (policy: Critical and above, account and group scopes).
        a.Breaker.Board.TrySet(Scope.Account, a.Account("mm-2"), TradingState.ReduceOnly, t, TripCause.Limit, RejectReason.MaxDailyLoss, severity: Severity.Warning);
        // A Critical account halt on eng-a halts mm-1 on eng-b.
        a.Breaker.Board.TrySet(Scope.Account, a.Account("mm-1"), TradingState.Halted, t + 1, TripCause.Limit, RejectReason.MaxDailyLoss, severity: Severity.Critical);
        Eventually.True(() => b.Firm(Scope.Account, "mm-1") == TradingState.Halted, Wait, () => string.Join("\n", a.Log));
        Assert.Equal(1, a.Link.Raised);
        Assert.Equal(TradingState.Active, b.Breaker.Board.Get(Scope.Account, b.Account("mm-2")));
        var seen = Assert.Single(b.Seen, x => x.Scope == Scope.Account);
        // provenance on the other engine: eng-a's propagated trip, with eng-a's own cause and reason (not Manual)
        Assert.Equal((TripOrigin.FirmEngine, "eng-a", TripCause.Limit, RejectReason.MaxDailyLoss, Severity.Critical),
            (seen.Origin, seen.ByName, seen.Cause, seen.Reason, seen.Severity));

        await using var op = await FirmOperator.ConnectAsync(Eventually.Operator(server.Url));
        var resume = await op.CommandAsync(Scope.Account, "mm-1", TradingState.Active, "reviewed", TimeSpan.FromSeconds(10));
        Assert.True(resume.AllAcked, string.Join(", ", resume.Engines));
        Assert.Equal(TradingState.Active, b.Breaker.Board.Get(Scope.Account, b.Account("mm-1")));
        Assert.Equal(TradingState.Active, a.Firm(Scope.Account, "mm-1"));
        Assert.Equal(TradingState.Halted, a.Breaker.Board.GetLocal(Scope.Account, a.Account("mm-1"))); // a firm resume never lifts a local halt
        Assert.Contains(await op.AuditLogAsync(), x => x.What == "raise" && x.Who == "eng-a" && x.Target == "account mm-1" && x.Why == "MaxDailyLoss");
    }

    [Fact]
    public async Task Liveness_JudgedByReceiptTime_SenderClockSkewIgnored()
    {
        using var server = new NatsServer();
        // ghost's host clock was an hour ahead, and it died: its last heartbeat says it is from the future.
        await using var raw = new NatsConnection(new NatsOpts { Url = server.Url });
        var engines = await new NatsKVContext(new NatsJSContext(raw)).CreateStoreAsync(new NatsKVConfig("cbfirm-engines") { History = 1 });
        var ghost = new FirmHeartbeat { Name = "ghost", Host = "h2", WallMs = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds(), GraceMs = 500 };
        await engines.PutAsync("ghost", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(ghost));
        // eng-late's host clock is an hour behind: every heartbeat it sends says it is an hour old.
        await using var late = new FirmEngine(server.Url, "eng-late");
        late.Options.Clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        await late.StartAsync();

        await using var op = await FirmOperator.ConnectAsync(Eventually.Operator(server.Url));
        Eventually.True(() =>
        {
            var seen = op.EnginesAsync().Result;
            return seen.Count == 2 && op.IsLive(seen.Single(e => e.Name == "eng-late")) && !op.IsLive(seen.Single(e => e.Name == "ghost"));
        }, Wait, () => "eng-late live (slow clock), ghost not live (fast clock, dead)");
        Assert.True(op.SinceReceived((await op.EnginesAsync()).Single(e => e.Name == "eng-late")) < TimeSpan.FromSeconds(1));

        // A command waits for eng-late (and acknowledges), never for the ghost.
        var halt = await op.CommandAsync(Scope.Account, "mm-1", TradingState.Halted, "skew drill", TimeSpan.FromSeconds(10));
        Assert.True(halt.AllAcked, string.Join(", ", halt.Engines));
        Assert.Equal("eng-late", Assert.Single(halt.Engines).Engine);

        // eng-late stops: by receipt time it stops being live after its grace (1 s), whatever its timestamps said.
        await late.StopLinkAsync();
        Eventually.True(() => { var hb = op.EnginesAsync().Result.Single(e => e.Name == "eng-late"); return !op.IsLive(hb); }, Wait, () => "eng-late still live");
    }

    [Fact]
    public async Task BadMessages_OnEverySubject_IgnoredAndCounted_NeverRelax()
    {
        using var server = new NatsServer();
        await using var a = new FirmEngine(server.Url, "eng-a");
        await a.StartAsync();
        await using var op = await FirmOperator.ConnectAsync(Eventually.Operator(server.Url));
        Assert.True((await op.CommandAsync(Scope.Account, "mm-1", TradingState.Halted, "drill", TimeSpan.FromSeconds(10))).AllAcked);
        long ignoredBefore = a.Link.Ignored;

        await using var raw = new NatsConnection(new NatsOpts { Url = server.Url });
        var kv = await new NatsKVContext(new NatsJSContext(raw)).GetStoreAsync("cbfirm-state");
        ulong rev = (await op.StateAsync()).Single().Revision;
        string Resume(int v, string scope, ulong r, string key = "op.account.mm-1") =>
            $"{{\"v\":{v},\"key\":\"{key}\",\"rev\":{r},\"scope\":\"{scope}\",\"target\":\"mm-1\",\"state\":\"active\",\"reason\":\"x\",\"origin\":\"operator\",\"by\":\"mallory\",\"time_ns\":1,\"wall_ms\":1,\"cmd\":\"\"}}";
        var fast = new (string Subject, byte[] Data)[]
        {
            ("cbfirm.fast.op", Encoding.UTF8.GetBytes("not json at all")),
            ("cbfirm.fast.op", Encoding.UTF8.GetBytes(Resume(2, "account", rev + 100))),                    // wrong version
            ("cbfirm.fast.op", Encoding.UTF8.GetBytes(Resume(1, "planet", rev + 100))),                     // unknown scope
            ("cbfirm.fast.op", new byte[20_000]),                                                           // oversized
            ("cbfirm.fast.op", Encoding.UTF8.GetBytes(Resume(1, "account", rev + 100))),                    // relaxing on the fast path
            ("cbfirm.fast.e.eng-z", Encoding.UTF8.GetBytes(Resume(1, "account", rev + 100))),               // a key that is not the sender's
            ("cbfirm.fast.op", Encoding.UTF8.GetBytes(Resume(1, "account", rev + 100, "op.account.mm-2"))), // key names another target
        };
        foreach (var (subject, data) in fast) await raw.PublishAsync(subject, data);
        await kv.PutAsync("op.account.mm-1", Encoding.UTF8.GetBytes("{garbage"));                          // garbage in the bucket itself
        await kv.PutAsync("op.group.BTC", Encoding.UTF8.GetBytes(Resume(7, "group", 0)));                   // wrong version in the bucket
        Eventually.True(() => a.Link.Ignored >= ignoredBefore + fast.Length + 2, Wait, () => $"ignored {a.Link.Ignored}: " + string.Join("\n", a.Log));
        Assert.Equal(TradingState.Halted, a.Breaker.Board.Get(Scope.Account, a.Account("mm-1")));
        Assert.Equal(TradingState.Active, a.Breaker.Board.Get(Scope.Account, a.Account("mm-2")));
        Assert.Contains(a.Log, l => l.Contains("ignored", StringComparison.Ordinal) && l.Contains("version 2", StringComparison.Ordinal));
        // The link still works: a proper resume applies.
        Assert.True((await op.CommandAsync(Scope.Account, "mm-1", TradingState.Active, "done", TimeSpan.FromSeconds(10))).AllAcked);
        Assert.Equal(TradingState.Active, a.Breaker.Board.Get(Scope.Account, a.Account("mm-1")));
    }

    [Fact]
    public async Task CommandWhileAnEngineIsAway_AppliedOnItsReturn()
    {
        using var server = new NatsServer();
        await using var a = new FirmEngine(server.Url, "eng-a");
        await a.StartAsync();
        await a.StopLinkAsync();
        await using var op = await FirmOperator.ConnectAsync(Eventually.Operator(server.Url));
        await op.CommandAsync(Scope.Group, "BTC", TradingState.ReduceOnly, "venue incident", TimeSpan.FromMilliseconds(500));
        Assert.Equal(TradingState.Active, a.Firm(Scope.Group, "BTC"));
        await a.RestartLinkAsync();
        Assert.Equal(TradingState.ReduceOnly, a.Breaker.Board.GetFirm(Scope.Group, 0));
        Assert.Equal(TradingState.Active, a.Breaker.Board.GetFirm(Scope.Global, 0)); // safe state lifted after the re-read
    }

    [Fact]
    public async Task ServerKilledAndRestarted_SafeAfterGrace_ReconnectResync_NothingLost()
    {
        using var server = new NatsServer();
        await using var a = new FirmEngine(server.Url, "eng-a", grace: TimeSpan.FromMilliseconds(800));
        await a.StartAsync();
        await using (var op = await FirmOperator.ConnectAsync(Eventually.Operator(server.Url)))
            Assert.True((await op.CommandAsync(Scope.Account, "mm-2", TradingState.Halted, "before the restart", TimeSpan.FromSeconds(10))).AllAcked);
        long returns = a.Link.Returns;

        server.Kill();
        Eventually.True(() => a.Link.IsSafe && a.Breaker.Board.Global == TradingState.ReduceOnly, Wait, () => string.Join("\n", a.Log));
        Assert.Contains(a.Seen, t => t.Scope == Scope.Global && t.State == TradingState.ReduceOnly && t.Origin == TripOrigin.FirmFailSafe
            && t.Cause == TripCause.Pipeline && t.Reason == RejectReason.FirmContactLost && t.ByName == "eng-a");
        server.Restart();
        Eventually.True(() => !a.Link.IsSafe && a.Breaker.Board.Global == TradingState.Active, Wait, () => string.Join("\n", a.Log) + server.Log);
        Assert.Equal(returns + 1, a.Link.Returns);
        Assert.Equal(TradingState.Halted, a.Firm(Scope.Account, "mm-2")); // the firm state survived in the bucket (file store)

        // After the restart, commands flow again (the watch was re-established, not left waiting for its resume timer).
        await using var op2 = await FirmOperator.ConnectAsync(Eventually.Operator(server.Url));
        Assert.True((await op2.CommandAsync(Scope.Account, "mm-2", TradingState.Active, "after the restart", TimeSpan.FromSeconds(10))).AllAcked);
        Assert.Equal(TradingState.Active, a.Firm(Scope.Account, "mm-2"));
    }

    [Fact]
    public void Options_Validated_EveryErrorInOneMessage()
    {
        var o = new FirmLinkOptions { Url = "", Name = "bad name!", Grace = TimeSpan.FromMilliseconds(100), SafeState = TradingState.Active, MaxMessageBytes = 1, User = "u" };
        var ex = Assert.Throws<ArgumentException>(o.Validate);
        foreach (var what in new[] { "Url", "Name", "Grace", "SafeState", "MaxMessageBytes", "Password" }) Assert.Contains(what + ":", ex.Message);
        new FirmLinkOptions { Name = "eng-1" }.Validate();
    }
}

/// <summary>The firm tests start servers and processes: one at a time, on a 2-core machine.</summary>
[CollectionDefinition(nameof(FirmCollection), DisableParallelization = true)]
public sealed class FirmCollection;
