namespace CircuitBreaker.Tests.Detectors;

public sealed class BehaviourRobustnessTests
{
    public static TheoryData<string> Detectors => new() { "runaway", "stuffing", "loss", "flash", "drain", "product" };

    private static IDetector Create(string name, DetectorContext c) => name switch
    {
        "runaway" => new RunawayAlgorithmDetector(c, new RunawayAlgorithmOptions { QuantityLimit = 5 }),
        "stuffing" => new QuoteStuffingDetector(c),
        "loss" => new LossVelocityDetector(c),
        "flash" => new FlashLoanDetector(c),
        "drain" => new DrainDetector(c),
        _ => new ProductRiskDetector(c, new ProductRiskOptions { MaxAbsDelta = 1 }),
    };

    [Theory]
    [MemberData(nameof(Detectors))]
    public void Observe_MalformedEvents_IgnoredWithoutThrowing(string name)
    {
        var m = new BehaviourMarket();
        var d = Create(name, m.Context);
        var bad = new List<RiskEvent>
        {
            default,
            RiskEvent.Trade(-5, m.Btc, 100, 1),
            RiskEvent.Trade(1, new InstrumentId(999), 100, 1),
            RiskEvent.Trade(2, m.Btc, double.NaN, 1),
            RiskEvent.Quote(3, m.Btc, 101, 99),
            RiskEvent.Fill(4, m.Btc, new AccountId(999), 1, Side.Buy, 100, 1),
            RiskEvent.Fill(5, new InstrumentId(999), m.A1, 1, Side.Buy, 100, 1),
            RiskEvent.Fill(6, m.Btc, m.A1, 1, Side.Buy, double.NaN, 1),
            RiskEvent.Fill(7, m.Btc, m.A1, 1, Side.Buy, 100, -3),
            RiskEvent.Fill(-8, m.Btc, m.A1, 1, Side.Buy, 100, 1),
            RiskEvent.OrderDecision(new OrderRequest(9, m.Btc, new AccountId(999), 1, Side.Buy, 100, 1), RejectReason.None),
            RiskEvent.OrderDecision(new OrderRequest(-9, m.Btc, m.A1, 1, Side.Buy, 100, 1), RejectReason.None),
            RiskEvent.Position(10, new InstrumentId(999), m.A1, 1, delta: 5),
            RiskEvent.Position(11, m.Btc, new AccountId(999), 1, delta: 5),
            RiskEvent.Position(12, m.Btc, m.A1, double.NaN, delta: 5),
            RiskEvent.Chain(13, (ChainEventKind)200, 0, 1),
            RiskEvent.Chain(14, ChainEventKind.Withdraw, -1, 1e9),
            RiskEvent.Chain(15, ChainEventKind.Withdraw, 0, double.NaN, m.A1),
            RiskEvent.Chain(16, ChainEventKind.Repay, 12345, 1, block: 3),
            RiskEvent.Admin(17, AdminAction.Halt, Scope.Global, 0),
        };
        var ev = RiskEvent.Trade(18, m.Btc, 100, 1);
        ev.Kind = (RiskEventKind)99;
        bad.Add(ev);
        var sink = BehaviourMarket.Run(d, bad.ToArray());
        Assert.Equal(0, sink.Count);
    }

    [Theory]
    [MemberData(nameof(Detectors))]
    public void Observe_AccountRegisteredBeyondCapacity_Ignored(string name)
    {
        var m = new BehaviourMarket();
        var d = Create(name, new DetectorContext(m.Registry));
        var late = m.Registry.GetOrAddAccount("late"); // registered after the detector was sized
        var events = Enumerable.Range(1, 200).Select(k => RiskEvent.Fill(k * 1_000_000L, m.Btc, late, k, Side.Buy, 100, 1)).ToArray();
        Assert.Equal(0, BehaviourMarket.Run(d, events).Count);
    }
}
