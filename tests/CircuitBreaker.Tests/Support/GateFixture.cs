namespace CircuitBreaker.Tests.Support;

/// <summary>A small book: BTC-PERP (tick 0.1, lot 0.001), an ETH option, a swap; two accounts; a reference price.</summary>
internal sealed class GateFixture
{
    public Breaker Breaker { get; }
    public InstrumentId Btc { get; }
    public InstrumentId Swap { get; }
    public AccountId Mm { get; }
    public AccountId Other { get; }
    public long Now = 1_000_000_000;
    private long _nextId = 1;

    /// <summary>Mode used when a test does not pass one: set by the single-writer variants of the control test
    /// classes (their constructor runs in the test's execution context), MultiThreaded otherwise.</summary>
    private static readonly AsyncLocal<GateConcurrency> Ambient = new();
    public static GateConcurrency AmbientConcurrency { get => Ambient.Value; set => Ambient.Value = value; }

    /// <param name="origin">Event-time origin: the fixture's clock starts at origin + 1 s (see <see cref="TimeOrigins"/>).</param>
    public GateFixture(InstrumentLimits? btc = null, AccountLimits? account = null, Action<CircuitBreakerBuilder>? more = null, GateConcurrency? concurrency = null, long origin = 0)
    {
        Now = origin + 1_000_000_000;
        var b = new CircuitBreakerBuilder()
            .Concurrency(concurrency ?? AmbientConcurrency)
            .Instrument("BTC-PERP", InstrumentKind.Perpetual, tick: 0.1, lot: 0.001, underlying: "BTC", limits: btc)
            .Instrument("IRS-5Y", InstrumentKind.Swap, tick: 0.01, lot: 1)
            .Account("mm-1", account)
            .Account("other", account);
        more?.Invoke(b);
        Breaker = new Breaker(b.BuildConfig());
        var reg = Breaker.Registry;
        reg.TryGetInstrument("BTC-PERP", out var btcId); Btc = btcId;
        reg.TryGetInstrument("IRS-5Y", out var swap); Swap = swap;
        reg.TryGetAccount("mm-1", out var mm); Mm = mm;
        reg.TryGetAccount("other", out var other); Other = other;
        Trade(Btc, 64000.0, 1.0);
        Trade(Swap, 1.5, 10);
    }

    public void Trade(InstrumentId i, double px, double qty) => Breaker.Apply(RiskEvent.Trade(++Now, i, px, qty));
    public void Quote(InstrumentId i, double bid, double ask) => Breaker.Apply(RiskEvent.Quote(++Now, i, bid, ask));
    public void Fill(AccountId a, InstrumentId i, long orderId, Side side, double px, double qty) => Breaker.Apply(RiskEvent.Fill(++Now, i, a, orderId, side, px, qty));

    public OrderRequest Order(Side side, double px, double qty, AccountId? account = null, InstrumentId? instrument = null, long? id = null, long? time = null)
        => new(time ?? ++Now, instrument ?? Btc, account ?? Mm, id ?? _nextId++, side, px, qty);

    public Decision Send(Side side, double px, double qty, AccountId? account = null, InstrumentId? instrument = null, long? id = null, long? time = null)
    {
        var o = Order(side, px, qty, account, instrument, id, time);
        return Breaker.Check(in o);
    }

    public Decision Cancel(long id, AccountId? account = null)
    {
        var o = OrderRequest.Cancel(++Now, Btc, account ?? Mm, id);
        return Breaker.Check(in o);
    }

    public Decision Replace(long id, double px, double qty, Side side = Side.Buy)
    {
        var o = new OrderRequest(++Now, Btc, Mm, id, side, px, qty, OrderAction.Replace);
        return Breaker.Check(in o);
    }

    public long LastId => _nextId - 1;
}
