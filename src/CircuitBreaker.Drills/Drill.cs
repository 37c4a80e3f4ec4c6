namespace CircuitBreaker.Drills;

/// <summary>The built-in scenario library. Every scenario warms up for <see cref="WarmupSeconds"/> of normal activity first.</summary>
public static partial class Drill
{
    /// <summary>The house engine's account: the one exposed to the attacks.</summary>
    public const string House = "eng-1";
    /// <summary>Seconds of normal activity before the attack (default detectors need ≤ 120 s: ML 60 s of samples after normalisation, velocity/volume 60 s and 300 samples).</summary>
    public const double WarmupSeconds = 150;

    /// <summary>Every scenario, attacks first, then the benign ones.</summary>
    public static IReadOnlyList<DrillScenario> All { get; } =
    [
        FlashLoan(), OracleManipulation(), CollateralDrain(), RunawayAlgo(), FatFinger(), QuoteStuffing(), FlashCrash(),
        CompromisedKey(), BarrierOption(), StaleOracle(), LiquidationCascade(), MarginCall(), MacroRelease(), MarketMaker(), TrendingDay(),
    ];

    /// <summary>The scenario named <paramref name="name"/> (ordinal, case-insensitive), or null.</summary>
    /// <param name="name">A scenario name (case-insensitive).</param>
    /// <returns>The scenario, or null.</returns>
    public static DrillScenario? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    private const double A = WarmupSeconds;

    /// <summary>An instrument whose underlying is also the name of its oracle price, with its typical trade size and book depth.</summary>
    private static SimInstrument Market(MarketSim sim, string symbol, InstrumentKind kind, double tick, double lot, double mid, string underlying,
        double tradeQty, double depth)
    {
        var ins = sim.Add(symbol, kind, tick, lot, mid, underlying: underlying);
        ins.TradeQty = tradeQty; ins.Depth = depth; ins.OracleSymbol = underlying;
        return ins;
    }
}
