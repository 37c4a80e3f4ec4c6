using System.Diagnostics;
using CircuitBreaker.Nats;

namespace CircuitBreaker.Tests.Firm;

/// <summary>An in-process engine for the firm tests: a breaker (accounts mm-1 and mm-2, BTC-PERP in group BTC) and its link.</summary>
internal sealed class FirmEngine : IAsyncDisposable
{
    public Breaker Breaker { get; }
    public FirmLink Link { get; private set; }
    public FirmLinkOptions Options { get; }
    public List<TripContext> Seen { get; } = [];
    public List<string> Log { get; } = [];

    public FirmEngine(string url, string name, TimeSpan? grace = null, string? user = null, string? password = null)
    {
        Breaker = new CircuitBreakerBuilder()
            .Instrument("BTC-PERP", InstrumentKind.Perpetual, tick: 0.1, lot: 0.001, underlying: "BTC", group: "BTC")
            .Account("mm-1").Account("mm-2")
            .BuildBreaker();
        Breaker.OnTrip((in TripContext c) => { lock (Seen) Seen.Add(c); });
        Options = new FirmLinkOptions
        {
            Url = url, Name = name, Grace = grace ?? TimeSpan.FromSeconds(1), HeartbeatInterval = TimeSpan.FromMilliseconds(100),
            User = user, Password = password,
        };
        Link = NewLink();
    }

    private FirmLink NewLink() => new(Breaker, Options, m => { lock (Log) Log.Add(m); });

    /// <summary>Buys (or sells, negative) <paramref name="qty"/> BTC-PERP for an account at <paramref name="px"/>, then marks it there.</summary>
    public void Fill(string account, double qty, double px, long t)
    {
        Breaker.Registry.TryGetInstrument("BTC-PERP", out var btc);
        Breaker.Apply(RiskEvent.Fill(t, btc, new AccountId(Account(account)), t, qty > 0 ? Side.Buy : Side.Sell, px, Math.Abs(qty)));
        Breaker.Apply(RiskEvent.Trade(t + 1, btc, px, 0.001));
    }

    public int Account(string name) => Breaker.Registry.TryGetAccount(name, out var id) ? id.Value : throw new ArgumentException(name);

    public TradingState Firm(Scope scope, string name) => Breaker.Board.GetFirm(scope, scope == Scope.Account ? Account(name) : 0);

    public async Task StartAsync()
    {
        Assert.True(await Link.StartAsync(TimeSpan.FromSeconds(15)), "link did not read the firm state: " + string.Join("\n", Log));
    }

    /// <summary>Stops the link (the engine goes away) and later comes back with a new one on the same board.</summary>
    public async Task StopLinkAsync() => await Link.DisposeAsync();
    public async Task RestartLinkAsync() { Link = NewLink(); await StartAsync(); }

    public async ValueTask DisposeAsync()
    {
        await Link.DisposeAsync();
        Breaker.Dispose();
    }
}

internal static class Eventually
{
    public static void True(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > timeout) Assert.Fail($"not within {timeout.TotalSeconds:0.#} s: {what()}");
            Thread.Sleep(10);
        }
    }

    public static FirmLinkOptions Operator(string url, string? user = null, string? password = null)
        => new() { Url = url, Name = "desk", User = user, Password = password };
}
