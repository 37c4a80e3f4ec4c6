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
        CompromisedKey(), BarrierOption(), MacroRelease(), MarketMaker(), TrendingDay(),
    ];

    /// <summary>The scenario named <paramref name="name"/> (ordinal, case-insensitive), or null.</summary>
    public static DrillScenario? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));

    private const double A = WarmupSeconds;

    private static DrillScenario FlashLoan() => new("flash-loan",
        "A flash loan borrows 5M USDC, swaps it through the thin XYZ pool, pokes the XYZ-PERP oracle that reads the pool (+60 %), swaps back and repays, all in one transaction of block 1000; the oracle holds the poked price until its next round (3 s) and the house strategy, following it, buys the perp at the inflated price.",
        false, A, ["XYZ-PERP", "XYZ", "exploiter"], [House],
        [("borrow", "5,000,000 USDC in block 1000"), ("transaction", "borrow, swap in, oracle poke, swap out, repay (one tx)"), ("oracle move", "+60 % for 3 s"),
            ("house buys", "10 × 25 lots at the inflated ask"), ("revert", "oracle and book back after 3 s")],
        sim =>
        {
            var perp = sim.Add("XYZ-PERP", InstrumentKind.Perpetual, 0.01, 1, 20, underlying: "XYZ");
            perp.OracleSymbol = "XYZ"; perp.TradeQty = 5; perp.Depth = 200;
            double fair = 0;
            sim.Run(sim.Seconds(A), s => s.HouseEngine(perp));
            sim.Run(sim.Seconds(A + 90), s =>
            {
                long t = s.TickStart - s.Seconds(A);
                if (t == 0)
                {
                    // One atomic transaction: the loan must be repaid in the block it was taken.
                    fair = perp.Mid;
                    s.Chain(ChainEventKind.Borrow, "USDC", 5_000_000, "exploiter", 1000, "0xf1a5", "XYZ-POOL");
                    s.Chain(ChainEventKind.Swap, "USDC", 5_000_000, "exploiter", 1000, "0xf1a5", "XYZ-POOL", "XYZ");
                    perp.Mid = fair * 1.6; perp.OracleBias = 1;
                    s.Oracle("XYZ", perp.Round(fair * 1.6), "index");
                    s.Chain(ChainEventKind.Swap, "XYZ", 250_000, "exploiter", 1000, "0xf1a5", "XYZ-POOL", "XYZ");
                    s.Chain(ChainEventKind.Repay, "USDC", 5_004_500, "exploiter", 1000, "0xf1a5", "XYZ-POOL");
                }
                if (t > 0 && t <= s.Seconds(1)) s.Execute(perp, House, Side.Buy, perp.Ask, 5 * 5);
                if (t == s.Seconds(3)) perp.Mid = fair;
                if (t < s.Seconds(60)) s.HouseEngine(perp);
            });
        });

    private static DrillScenario OracleManipulation() => new("oracle-manipulation",
        "Mango Markets 2022: an attacker pumps the thin MNGO-USD spot market, which is the oracle of MNGO-PERP, +400 % over 5 minutes; the house market maker keeps buying back its perp short at the oracle-led price; then the spot collapses.",
        false, A, ["MNGO-PERP", "MNGO-USD", "MNGO", "mango-attacker"], [House],
        [("pump", "+400 % over 300 s, in 1 % steps"), ("house", "buys 2 lots per second at the perp ask during the pump"), ("collapse", "spot back to start over 20 s")],
        sim =>
        {
            var perp = sim.Add("MNGO-PERP", InstrumentKind.Perpetual, 0.0001, 1, 0.03, underlying: "MNGO");
            var spot = sim.Add("MNGO-USD", InstrumentKind.Spot, 0.0001, 1, 0.03, underlying: "MNGO-SPOT");
            spot.TradeQty = 200; spot.Depth = 2_000; perp.TradeQty = 500; perp.Depth = 20_000; perp.OracleSymbol = "MNGO";
            double start = 0;
            sim.Run(sim.Seconds(A), s => s.HouseEngine(perp));
            sim.Run(sim.Seconds(A + 360), s =>
            {
                long t = s.TickStart - s.Seconds(A);
                if (t == 0) start = spot.Mid;
                if (t < s.Seconds(300))
                {
                    if (t % s.Seconds(1) == 0)
                    {
                        spot.Mid *= 1.0054; perp.Mid = spot.Mid;
                        s.Execute(spot, "mango-attacker", Side.Buy, spot.Ask, 2_000);
                        s.Execute(perp, House, Side.Buy, perp.Ask, 500);
                    }
                }
                else if (t < s.Seconds(320)) { spot.Mid = Math.Max(start, spot.Mid * 0.93); perp.Mid = spot.Mid; }
            });
        });

    private static DrillScenario CollateralDrain() => new("collateral-drain",
        "A smart-contract bug lets an exploiter withdraw the VAULT pool's VLT collateral 40 times in 20 s and dump it on VLT-USD (-35 %); the house engine's stale bid keeps buying VLT all the way down.",
        false, A, ["VLT-USD", "VLT", "exploiter"], [House],
        [("vault churn", "LPs deposit or withdraw 1,000 VLT every 5 s during the warm-up"), ("withdrawals", "40 × 250,000 VLT, one per 0.5 s"), ("dump", "-35 % over 20 s"), ("house", "buys 10 lots per second at its stale bid")],
        sim =>
        {
            var vlt = sim.Add("VLT-USD", InstrumentKind.Spot, 0.001, 1, 12, underlying: "VLT");
            vlt.TradeQty = 20; vlt.Depth = 400; vlt.OracleSymbol = "VLT";
            double stale = 0;
            sim.Run(sim.Seconds(A), s =>
            {
                s.HouseEngine(vlt);
                // Normal vault churn: liquidity providers deposit and withdraw 1,000 VLT, alternately, every 5 s.
                if (s.TickStart % s.Seconds(5) == 0)
                    s.Chain(s.TickStart % s.Seconds(10) == 0 ? ChainEventKind.Deposit : ChainEventKind.Withdraw, "VLT", 1_000, "lp-" + s.Rng.Next(1, 4),
                        s.TickStart / s.Seconds(12), "0xd" + s.TickStart, "VAULT");
            });
            sim.Run(sim.Seconds(A + 90), s =>
            {
                long t = s.TickStart - s.Seconds(A);
                if (t == 0) stale = vlt.Bid;
                if (t < s.Seconds(20))
                {
                    if (t % (s.Seconds(1) / 2) == 0)
                    {
                        s.Chain(ChainEventKind.Withdraw, "VLT", 250_000, "exploiter", 2000 + t / s.Seconds(12), "0xdead" + t, "VAULT");
                        s.Execute(vlt, "exploiter", Side.Sell, vlt.Bid, 400);
                    }
                    vlt.Mid *= 0.9787;
                    if (t % s.Seconds(1) == 0) s.Execute(vlt, House, Side.Buy, stale, 10, print: false);
                }
            });
        });

    private static DrillScenario RunawayAlgo() => new("runaway-algo",
        "Knight Capital 2012: a stale code path makes algo-7 send 1,500 buy orders a second at the ask for 40 s, each filled, while the market drifts down 3 %.",
        false, A, ["algo-7", "ACME"], ["algo-7"],
        [("order rate", "1,500 orders/s (150 per 100 ms), 1 lot each at the ask"), ("duration", "40 s"), ("market", "-3 % drift over the burst"), ("warm-up", "algo-7 trades 3 lots every 2 s")],
        sim =>
        {
            var acme = sim.Add("ACME", InstrumentKind.Spot, 0.01, 1, 50);
            acme.TradeQty = 3; acme.Depth = 300; acme.TradesPerTick = 2;
            sim.Run(sim.Seconds(A), s => s.HouseEngine(acme, "algo-7"));
            sim.Run(sim.Seconds(A + 80), s =>
            {
                long t = s.TickStart - s.Seconds(A);
                if (t < s.Seconds(40))
                {
                    acme.Mid *= 1 - 0.03 / 400;
                    for (int k = 0; k < 150; k++) s.Execute(acme, "algo-7", Side.Buy, acme.Ask, 1);
                }
                else s.HouseEngine(acme, "algo-7");
            });
        });
}
