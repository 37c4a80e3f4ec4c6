using CircuitBreaker;
using CircuitBreaker.Limits;

// 1. Configure: instruments and limits (anything left unset takes a documented safe default).
var config = new CircuitBreakerBuilder()
    .Instrument("BTC-PERP", InstrumentKind.Perpetual, tick: 0.1, lot: 0.001, underlying: "BTC",
        limits: new InstrumentLimits { MaxLongPosition = 5, MaxShortPosition = 5 })
    .Account("mm-1", new AccountLimits { MaxDailyLoss = 50_000 })
    .BuildConfig();
using var breaker = new Breaker(config);
if (!breaker.Registry.TryGetInstrument("BTC-PERP", out var btc) || !breaker.Registry.TryGetAccount("mm-1", out var mm))
    throw new InvalidOperationException("BTC-PERP or mm-1 is not configured"); // a failed look-up yields an id the gate refuses

// 2. A kill switch: the engine's reaction to a change of trading state (cancel all, flatten, notify...).
breaker.OnTrip((in TripContext t) =>
    Console.WriteLine($"  kill switch: {t.Scope} {breaker.Registry.TargetName(t.Scope, t.Target)} {t.Previous} -> {t.State} ({t.ReasonName})"));

// 3. Market data feeds the collar's reference price and the fat-finger baseline.
long now = 1_000_000_000;
breaker.Apply(RiskEvent.Trade(now, btc, 64_000.1, 0.25));
breaker.Apply(RiskEvent.Quote(now, btc, 63_999.9, 64_000.1));

// 4. Check orders before they leave.
Show("buy 0.25 @ 64000", new OrderRequest(++now, btc, mm, 1, Side.Buy, 64_000.0, 0.25));
Show("fat finger: buy 500 @ 64000", new OrderRequest(++now, btc, mm, 2, Side.Buy, 64_000.0, 500));
Show("price typo: buy 0.25 @ 46000", new OrderRequest(++now, btc, mm, 3, Side.Buy, 46_000.0, 0.25));

// 5. An operator halts the instrument: new orders stop, cancels still pass.
breaker.Halt(Scope.Instrument, btc.Value, ++now);
Show("after halt: buy 0.25 @ 64000", new OrderRequest(++now, btc, mm, 4, Side.Buy, 64_000.0, 0.25));
Show("after halt: cancel order 1", OrderRequest.Cancel(++now, btc, mm, 1));

void Show(string what, OrderRequest order)
{
    var d = breaker.Check(in order);
    Console.WriteLine($"{what,-34} -> {(d.IsAccepted ? "ACCEPTED" : $"REJECTED {d.Reason} ({d.Scope})")}");
}
