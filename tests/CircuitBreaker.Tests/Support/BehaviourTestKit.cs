namespace CircuitBreaker.Tests.Support;

/// <summary>Records findings into a preallocated array (no allocation when raising).</summary>
internal sealed class RecordingSink : IFindingSink
{
    private readonly Finding[] _items = new Finding[1024];
    public int Count { get; private set; }
    public void Raise(in Finding finding)
    {
        if (Count < _items.Length) _items[Count] = finding;
        Count++;
    }
    public IReadOnlyList<Finding> Findings => _items.Take(Math.Min(Count, _items.Length)).ToArray();
}

/// <summary>A sink that allocates on every finding: the control case of the allocation tests.</summary>
internal sealed class AllocatingSink : IFindingSink
{
    public readonly List<object> Kept = new();
    public void Raise(in Finding finding) => Kept.Add(finding); // boxes
}

/// <summary>A small synthetic market: two perpetuals, accounts, helpers to build seeded event streams.</summary>
internal sealed class BehaviourMarket
{
    public const long S = 1_000_000_000;
    public readonly InstrumentRegistry Registry = new();
    public readonly InstrumentId Btc, Eth;
    public readonly AccountId A0, A1, A2;
    public readonly List<RiskEvent> Events = new();

    public BehaviourMarket(Action<InstrumentRegistry>? more = null)
    {
        Btc = Registry.AddInstrument("BTC-PERP", InstrumentKind.Perpetual, 0.1, 0.001, underlying: "BTC");
        Eth = Registry.AddInstrument("ETH-PERP", InstrumentKind.Perpetual, 0.01, 0.01, underlying: "ETH");
        more?.Invoke(Registry);
        A0 = Registry.GetOrAddAccount("acct-0");
        A1 = Registry.GetOrAddAccount("acct-1");
        A2 = Registry.GetOrAddAccount("acct-2");
    }

    public DetectorContext Context => new(Registry);

    /// <summary>The same context with a daily-loss limit of <paramref name="maxDailyLoss"/> on acct-0..2 (same account ids).</summary>
    public DetectorContext LimitedContext(double maxDailyLoss)
    {
        var limits = new AccountLimits { MaxDailyLoss = maxDailyLoss };
        var config = new CircuitBreakerBuilder()
            .Instrument("BTC-PERP", InstrumentKind.Perpetual, 0.1, 0.001, underlying: "BTC")
            .Instrument("ETH-PERP", InstrumentKind.Perpetual, 0.01, 0.01, underlying: "ETH")
            .Account("acct-0", limits).Account("acct-1", limits).Account("acct-2", limits)
            .BuildConfig();
        return new DetectorContext(Registry) { Limits = config };
    }

    /// <summary>Event times used by the materiality tests: 0 and present-day Unix nanoseconds.</summary>
    public static TheoryData<long> Origins() => [0L, 1_800_000_000_000_000_000L];

    /// <summary>A copy of <paramref name="events"/> with every time moved by <paramref name="origin"/>.</summary>
    public static RiskEvent[] Shift(RiskEvent[] events, long origin)
    {
        var copy = (RiskEvent[])events.Clone();
        for (int k = 0; k < copy.Length; k++) copy[k].TimeNs += origin;
        return copy;
    }

    public void Add(RiskEvent e) => Events.Add(e);

    public void Order(long t, AccountId a, Side side, double px, double qty, OrderAction action = OrderAction.New, long id = 1, InstrumentId? instrument = null)
        => Add(RiskEvent.OrderDecision(new OrderRequest(t, instrument ?? Btc, a, id, side, px, qty, action), RejectReason.None));

    public void Fill(long t, AccountId a, Side side, double px, double qty, InstrumentId? instrument = null)
        => Add(RiskEvent.Fill(t, instrument ?? Btc, a, 1, side, px, qty));

    public void Quote(long t, double bid, double ask, InstrumentId? instrument = null) => Add(RiskEvent.Quote(t, instrument ?? Btc, bid, ask));

    public RiskEvent[] ToArray()
    {
        return Events.OrderBy(static e => e.TimeNs).ToArray(); // stable: same-time events keep their order
    }

    public static RecordingSink Run(IDetector detector, RiskEvent[] events)
    {
        var sink = new RecordingSink();
        for (int k = 0; k < events.Length; k++) detector.Observe(in events[k], sink);
        return sink;
    }

    /// <summary>Bytes allocated on this thread by observing the whole stream.</summary>
    /// <summary>Fewest bytes allocated observing the events, over up to 3 fresh detectors (see AllocationProbe: one-off
    /// runtime work lands in one round, a detector's own allocation in every round).</summary>
    public static long AllocatedBytes(Func<IDetector> create, RiskEvent[] events, IFindingSink sink)
    {
        long min = long.MaxValue;
        for (int round = 0; round < 3 && min > 0; round++)
        {
            var detector = create();
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int k = 0; k < events.Length; k++) detector.Observe(in events[k], sink);
            min = Math.Min(min, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return min;
    }

    public static (long, Signature, Scope, int, Severity, double) Key(Finding f) => (f.TimeNs, f.Signature, f.Scope, f.Target, f.Severity, f.Score);
}
