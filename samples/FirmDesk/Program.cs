using CircuitBreaker;
using CircuitBreaker.Limits;
using CircuitBreaker.Nats;

// Three engines and an operator on one NATS server (start one: nats-server -js -sd /tmp/cbfirm).
// The incident: eng-a's algorithm runs away on account mm-1; eng-a halts mm-1 locally, the firm link raises it, and
// mm-1 is halted on every engine. The operator sees it, then resumes mm-1 firm-wide.
string url = args.Length > 0 ? args[0] : "nats://127.0.0.1:4222";
long t = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000; // event time: Unix ns

var engines = new List<(string Name, Breaker Breaker, FirmLink Link)>();
foreach (var name in new[] { "eng-a", "eng-b", "eng-c" })
{
    var breaker = new CircuitBreakerBuilder()
        .Instrument("BTC-PERP", InstrumentKind.Perpetual, tick: 0.1, lot: 0.001, underlying: "BTC")
        .Account("mm-1", new AccountLimits { MaxOrdersPerWindow = 20 })
        .BuildBreaker();
    breaker.OnTrip((in TripContext c) => Console.WriteLine(
        $"  [{name}] kill switch: {c.Scope} {breaker.Registry.TargetName(c.Scope, c.Target)} {c.Previous} -> {c.State} (origin {c.Origin}{(c.IsFirm ? " " + c.ByName : "")}, {c.ReasonName})"));
    var link = new FirmLink(breaker, new FirmLinkOptions { Url = url, Name = name });
    engines.Add((name, breaker, link));
}
foreach (var (name, _, link) in engines)
{
    if (!await link.StartAsync(TimeSpan.FromSeconds(10)))
    {
        Console.Error.WriteLine($"{name}: could not read the firm state at {url}. Start a server: nats-server -js -sd /tmp/cbfirm");
        return 1;
    }
    Console.WriteLine($"{name} joined the firm plane");
}

await using var desk = await FirmOperator.ConnectAsync(new FirmLinkOptions { Url = url, Name = "desk" });
while ((await desk.EnginesAsync()).Count(desk.IsLive) < engines.Count) await Task.Delay(50);

// The runaway: eng-a's algorithm fires orders in a loop. Its supervisor halts the account after 5 rejections.
var (_, a, _) = engines[0];
a.Registry.TryGetInstrument("BTC-PERP", out var btc);
a.Registry.TryGetAccount("mm-1", out var mm);
a.Apply(RiskEvent.Trade(t, btc, 64_000, 0.1));
int rejected = 0;
for (long id = 1; rejected < 5 && id < 1_000; id++)
{
    var d = a.Check(new OrderRequest(t + id, btc, mm, id, Side.Buy, 64_000, 0.01));
    if (!d.IsAccepted && ++rejected == 5)
    {
        Console.WriteLine($"eng-a: runaway algorithm on mm-1 ({id} orders, last rejected {d.Reason}): halting the account");
        a.Board.Halt(Scope.Account, mm.Value, t + id, d.Reason); // Critical, account scope: raised to the firm by policy
    }
}

// Every engine applies the halt; the operator reads the firm state.
foreach (var (name, breaker, _) in engines)
    while (breaker.Board.Get(Scope.Account, mm.Value) != TradingState.Halted) await Task.Delay(10);
foreach (var (key, _, r) in await desk.StateAsync())
    Console.WriteLine($"desk: firm restriction {key}: {r.Scope} {r.Target} {r.State} by {r.By} ({r.Reason})");

// The algorithm is fixed; the operator resumes mm-1 firm-wide and waits for every engine's acknowledgement.
var resume = await desk.CommandAsync(Scope.Account, "mm-1", TradingState.Active, "algo fixed", TimeSpan.FromSeconds(5));
foreach (var e in resume.Engines)
    Console.WriteLine($"desk: {e.Engine} acknowledged the resume in {e.Latency?.TotalMilliseconds:0.0} ms");
a.Board.Resume(Scope.Account, mm.Value, t + 2_000); // eng-a's own halt is local: a firm resume never lifts it
foreach (var (name, breaker, _) in engines)
    Console.WriteLine($"{name}: mm-1 is {breaker.Board.Get(Scope.Account, mm.Value)}");

foreach (var (_, breaker, link) in engines) { await link.DisposeAsync(); breaker.Dispose(); }
return resume.AllAcked ? 0 : 3;
