namespace CircuitBreaker.Tests.Support;

/// <summary>Records every external action (allocates; not for allocation tests).</summary>
internal sealed class RecordingActions : IIncidentActions
{
    public readonly List<IncidentActionArgs> Calls = [];
    public bool Throw { get; set; }
    private void Take(in IncidentActionArgs a)
    {
        Calls.Add(a);
        if (Throw) throw new InvalidOperationException("engine down");
    }
    public void Alert(in IncidentActionArgs args) => Take(in args);
    public void Throttle(in IncidentActionArgs args) => Take(in args);
    public void CancelAll(in IncidentActionArgs args) => Take(in args);
    public void Flatten(in IncidentActionArgs args) => Take(in args);
    public void IsolateSession(in IncidentActionArgs args) => Take(in args);
    public void NotifyExchange(in IncidentActionArgs args) => Take(in args);
    public void NotifyRegulator(in IncidentActionArgs args) => Take(in args);

    public int Count(IncidentActionKind kind, Scope scope, int target)
        => Calls.Count(c => c.Action == kind && c.Scope == scope && c.Target == target);
}

/// <summary>Counts external actions without allocating.</summary>
internal sealed class CountingActions : IIncidentActions
{
    public readonly int[] Counts = new int[16];
    public void Alert(in IncidentActionArgs args) => Counts[(int)args.Action]++;
    public void Throttle(in IncidentActionArgs args) => Counts[(int)args.Action]++;
    public void CancelAll(in IncidentActionArgs args) => Counts[(int)args.Action]++;
    public void Flatten(in IncidentActionArgs args) => Counts[(int)args.Action]++;
    public void IsolateSession(in IncidentActionArgs args) => Counts[(int)args.Action]++;
    public void NotifyExchange(in IncidentActionArgs args) => Counts[(int)args.Action]++;
    public void NotifyRegulator(in IncidentActionArgs args) => Counts[(int)args.Action]++;
}

/// <summary>
/// BTC group: BTC-PERP (perp), BTC-FUT (future), BTC-SPOT (spot), BTC-UO (barrier option); ETH-PERP (group ETH);
/// IRS-5Y (swap). Accounts a0..a3. Event time starts at 1,000 s.
/// </summary>
internal sealed class IncidentFixture : IDisposable
{
    public const long Second = 1_000_000_000;
    public InstrumentRegistry Registry { get; } = new();
    public StateBoard Board { get; }
    public IncidentDesk Desk { get; }
    public RecordingActions Actions { get; } = new();
    public int Perp, Fut, Spot, Barrier, Eth, Swap;
    public int BtcGroup, EthGroup;
    public readonly int[] Account = new int[4];
    public long Now = 1_000 * Second;

    /// <param name="origin">Event-time origin: the fixture's clock starts at origin + 1,000 s (see <see cref="TimeOrigins"/>).</param>
    public IncidentFixture(Playbook? playbook = null, IncidentOptions? options = null, IIncidentActions? actions = null, long origin = 0)
    {
        Now = origin + 1_000 * Second;
        Perp = Registry.AddInstrument("BTC-PERP", InstrumentKind.Perpetual, 0.1, 0.001, underlying: "BTC").Value;
        Fut = Registry.AddInstrument("BTC-FUT", InstrumentKind.Future, 0.1, 0.001, underlying: "BTC").Value;
        Spot = Registry.AddInstrument("BTC-SPOT", InstrumentKind.Spot, 0.01, 0.0001, underlying: "BTC").Value;
        Barrier = Registry.AddInstrument("BTC-UO", InstrumentKind.BarrierOption, 0.1, 0.01, underlying: "BTC", barrier: 80000, barrierKind: BarrierKind.UpAndOut).Value;
        Eth = Registry.AddInstrument("ETH-PERP", InstrumentKind.Perpetual, 0.01, 0.01, underlying: "ETH").Value;
        Swap = Registry.AddInstrument("IRS-5Y", InstrumentKind.Swap, 0.01, 1).Value;
        for (int a = 0; a < Account.Length; a++) Account[a] = Registry.GetOrAddAccount($"a{a}").Value;
        BtcGroup = Registry[new InstrumentId(Perp)].Group.Value;
        EthGroup = Registry[new InstrumentId(Eth)].Group.Value;
        Board = new StateBoard(Registry.InstrumentCount, Registry.GroupCount, Account.Length);
        Desk = new IncidentDesk(Registry, Board, Account.Length, playbook, options ?? Small(), actions ?? Actions, configVersion: 7);
    }

    /// <summary>Default policies with small flight-recorder buffers.</summary>
    public static IncidentOptions Small(Corroboration? corroboration = null, Escalation? escalation = null, RecoveryOptions? recovery = null) => new()
    {
        IncidentCapacity = 8, InstrumentEvents = 16, GlobalEvents = 64, SnapshotGlobalEvents = 32,
        Corroboration = corroboration ?? new Corroboration(),
        Escalation = escalation ?? new Escalation(),
        Recovery = recovery ?? new RecoveryOptions(),
    };

    public Finding Finding(Signature signature, Scope scope, int target, Severity severity, long? time = null, long firstAnomalous = -1)
        => new(time ?? Now, signature, scope, target, severity, score: 9.5, firstAnomalousTimeNs: firstAnomalous);

    public void Raise(Signature signature, Scope scope, int target, Severity severity = Severity.Critical, long? time = null, long firstAnomalous = -1)
    {
        var f = Finding(signature, scope, target, severity, time, firstAnomalous);
        Desk.OnFinding(in f);
    }

    /// <summary>Advances event time by <paramref name="seconds"/> with a trade on BTC-PERP.</summary>
    public void Pass(double seconds)
    {
        Now += (long)(seconds * Second);
        var e = RiskEvent.Trade(Now, new InstrumentId(Perp), 64000, 1);
        Desk.OnEvent(in e);
    }

    public IncidentStatus Status(long id)
    {
        Assert.True(Desk.TryGetStatus(id, out var s));
        return s;
    }

    public TimelineEntry[] Timeline(long id)
    {
        var buffer = new TimelineEntry[1024];
        int n = Desk.CopyTimeline(id, buffer);
        return buffer[..n];
    }

    public TradingState State(Scope scope, int target) => Board.Get(scope, target);

    public void Dispose() => Board.Dispose();
}
