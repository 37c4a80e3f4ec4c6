namespace CircuitBreaker.Drills;

// The attack scenarios of the library (see Drill.All), in its order.
public static partial class Drill
{
    private static DrillScenario FlashLoan() => new("flash-loan",
        "A flash loan borrows 5M USDC, swaps it through the thin XYZ pool, pokes the XYZ-PERP oracle that reads the pool (+60 %), swaps back and repays, all in one transaction of block 1000; the oracle holds the poked price until its next round (3 s) and the house strategy, following it, buys the perp at the inflated price.",
        false, A, ["XYZ-PERP", "XYZ", "exploiter"], [House],
        [("borrow", "5,000,000 USDC in block 1000"), ("transaction", "borrow, swap in, oracle poke, swap out, repay (one tx)"), ("oracle move", "+60 % for 3 s"),
            ("house buys", "10 × 25 lots at the inflated ask"), ("revert", "oracle and book back after 3 s")],
        sim =>
        {
            var perp = Market(sim, "XYZ-PERP", InstrumentKind.Perpetual, 0.01, 1, 20, "XYZ", tradeQty: 5, depth: 200);
            double fair = 0;
            sim.Run(sim.Seconds(A), s => s.HouseEngine(perp));
            sim.RunFrom(A, 90, (s, t) =>
            {
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
            sim.RunFrom(A, 360, (s, t) =>
            {
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
            var vlt = Market(sim, "VLT-USD", InstrumentKind.Spot, 0.001, 1, 12, "VLT", tradeQty: 20, depth: 400);
            double stale = 0;
            sim.Run(sim.Seconds(A), s =>
            {
                s.HouseEngine(vlt);
                // Normal vault churn: liquidity providers deposit and withdraw 1,000 VLT, alternately, every 5 s.
                if (s.TickStart % s.Seconds(5) == 0)
                    s.Chain(s.TickStart % s.Seconds(10) == 0 ? ChainEventKind.Deposit : ChainEventKind.Withdraw, "VLT", 1_000, "lp-" + s.Rng.Next(1, 4),
                        s.TickStart / s.Seconds(12), "0xd" + s.TickStart, "VAULT");
            });
            sim.RunFrom(A, 90, (s, t) =>
            {
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
            sim.RunFrom(A, 80, (s, t) =>
            {
                if (t < s.Seconds(40))
                {
                    acme.Mid *= 1 - 0.03 / 400;
                    for (int k = 0; k < 150; k++) s.Execute(acme, "algo-7", Side.Buy, acme.Ask, 1);
                }
                else s.HouseEngine(acme, "algo-7");
            });
        });

    private static DrillScenario FatFinger() => new("fat-finger",
        "A trader types 500 BTC instead of 0.5 on BTC-PERP: the order sweeps the book 4 % above the mid, and the price returns.",
        false, A, ["BTC-PERP", House], [House],
        [("order", "buy 500 at 4 % above the mid (typical 0.5)"), ("after", "the book refills at the old mid")],
        sim =>
        {
            var btc = Market(sim, "BTC-PERP", InstrumentKind.Perpetual, 0.1, 0.001, 64_000, "BTC", tradeQty: 0.5, depth: 5);
            sim.Run(sim.Seconds(A), s => s.HouseEngine(btc));
            sim.Run(sim.Seconds(A + 60), s =>
            {
                if (s.TickStart == s.Seconds(A)) s.Execute(btc, House, Side.Buy, btc.Mid * 1.04, 500);
                else s.HouseEngine(btc);
            });
        });

    private static DrillScenario QuoteStuffing() => new("quote-stuffing",
        "stuffer-9 floods ETH-PERP with 3,000 new+cancel messages a second for 20 s (no fills) while the price slides 2 %; the house engine, fed stale data, keeps buying at the pre-burst ask.",
        false, A, ["stuffer-9", "ETH-PERP"], [House],
        [("messages", "3,000/s: 150 new + 150 cancels per 100 ms"), ("duration", "20 s"), ("market", "-2 % over the burst"), ("house", "buys 1 per second at the stale ask")],
        sim =>
        {
            var eth = Market(sim, "ETH-PERP", InstrumentKind.Perpetual, 0.01, 0.01, 3_000, "ETH", tradeQty: 1, depth: 40);
            double stale = 0;
            sim.Run(sim.Seconds(A), s =>
            {
                s.HouseEngine(eth);
                if (s.TickStart % s.Seconds(1) == 0) s.Cancel(eth, "stuffer-9", s.Order(eth, "stuffer-9", Side.Sell, eth.Ask + 10 * eth.Tick, 1));
            });
            sim.RunFrom(A, 60, (s, t) =>
            {
                if (t == 0) stale = eth.Ask;
                if (t >= s.Seconds(20)) { s.HouseEngine(eth); return; }
                eth.Mid *= 1 - 0.02 / 200;
                var ids = new long[150];
                for (int k = 0; k < 150; k++) ids[k] = s.Order(eth, "stuffer-9", Side.Sell, eth.Ask + (5 + k % 20) * eth.Tick, 1);
                for (int k = 0; k < 150; k++) s.Cancel(eth, "stuffer-9", ids[k]);
                if (t % s.Seconds(1) == 0) s.Execute(eth, House, Side.Buy, stale, 1, print: false);
            });
        });

    private static DrillScenario FlashCrash() => new("flash-crash",
        "May 2010: liquidity vanishes from SOL-PERP (spread 40x, depth 5 %), the price drops 9 % in 5 s and rebounds over 60 s; the house engine's stop-loss sells its 200-lot long into the hole.",
        false, A, ["SOL-PERP", "SOL"], [House],
        [("house long", "200 lots bought during warm-up"), ("crash", "-9 % over 5 s, spread x40, depth to 5 %"), ("stop-loss", "sells 40 lots per second for 5 s at the bid"), ("rebound", "to the pre-crash level over 60 s")],
        sim =>
        {
            var sol = Market(sim, "SOL-PERP", InstrumentKind.Perpetual, 0.01, 0.1, 150, "SOL", tradeQty: 20, depth: 1_000);
            double before = 0;
            sim.Run(sim.Seconds(A), s =>
            {
                s.HouseEngine(sol);
                if (s.TickStart % s.Seconds(10) == 5 * MarketSim.TickNs && s.TickStart < s.Seconds(100)) s.Execute(sol, House, Side.Buy, sol.Ask, 20, print: false);
            });
            sim.RunFrom(A, 120, (s, t) =>
            {
                if (t == 0) { before = sol.Mid; sol.SpreadTicks = 80; sol.Depth = 50; sol.TradesPerTick = 4; }
                if (t < s.Seconds(5))
                {
                    sol.Mid *= 0.99812;
                    if (t % s.Seconds(1) == 0) s.Execute(sol, House, Side.Sell, sol.Bid, 40);
                }
                else if (t < s.Seconds(65)) { sol.Mid += (before - sol.Mid) / 60 * 1.5; if (t > s.Seconds(20)) { sol.SpreadTicks = 2; sol.Depth = 1_000; sol.TradesPerTick = 1; } }
            });
        });

    private static DrillScenario CompromisedKey() => new("compromised-key",
        "A leaked API key of the dormant treasury-2 account buys the illiquid ALT-USD 15 % above the market, 30 lots every 2 s for a minute, from the attacker's own sells; the price never follows.",
        false, A, ["treasury-2", "ALT-USD"], ["treasury-2"],
        [("account", "treasury-2, no trading before the attack"), ("orders", "30 lots (20x the typical trade) at +15 %, every 2 s for 60 s")],
        sim =>
        {
            var alt = Market(sim, "ALT-USD", InstrumentKind.Spot, 0.0001, 1, 0.8, "ALT", tradeQty: 1.5, depth: 100);
            alt.TradesPerTick = 0.5;
            sim.Run(sim.Seconds(A), s => s.HouseEngine(alt));
            sim.RunFrom(A, 90, (s, t) =>
            {
                if (t < s.Seconds(60) && t % s.Seconds(2) == 0) s.Execute(alt, "treasury-2", Side.Buy, alt.Mid * 1.15, 30);
                s.HouseEngine(alt);
            });
        });

    private static DrillScenario BarrierOption() => new("barrier-option",
        "The house holds 100 BTC-UO-70000 up-and-out calls; spot rallies to the 70,000 barrier over 4 minutes (from about 63,000 after the warm-up's random walk) and the option knocks out; the delta hedger keeps buying the option as it decays to zero.",
        false, A, ["BTC-UO-70000", "BTC", "BTC-USD"], [House],
        [("barrier", "70,000 up-and-out, strike 60,000"), ("option price", "0.4 × (barrier − spot) from the start, worthless once knocked out"),
            ("rally", "to 70,070 (0.1 % through the barrier) over 240 s"), ("hedger", "buys 5 options every 10 s from 67,000 on")],
        sim =>
        {
            const double barrier = 70_000;
            var spot = sim.Add("BTC-USD", InstrumentKind.Spot, 0.1, 0.001, 64_000, underlying: "BTC");
            var opt = sim.Add("BTC-UO-70000", InstrumentKind.BarrierOption, 0.1, 1, 2_400, underlying: "BTC", barrier: barrier, barrierKind: CircuitBreaker.BarrierKind.UpAndOut);
            spot.TradeQty = 0.3; spot.Depth = 8; spot.OracleSymbol = "BTC"; opt.TradeQty = 2; opt.Depth = 20; opt.TradesPerTick = 0.2; opt.VolBps = 1;
            bool knockedOut = false;
            // The option is priced off spot on every tick (warm-up included), so its price moves only as spot does.
            double Distance() => Math.Max(0, (barrier - spot.Mid) / 6_000);
            void Price() { knockedOut |= spot.Mid >= barrier; opt.Mid = knockedOut ? opt.Tick * 4 : Math.Max(opt.Tick * 4, 2_400 * Distance()); }
            sim.Run(sim.Seconds(A), s =>
            {
                if (s.TickStart == s.Seconds(10)) s.Execute(opt, House, Side.Buy, opt.Ask, 100, print: false);
                if (s.TickStart % s.Seconds(10) == 0) s.Position(opt, House, s.TickStart >= s.Seconds(10) ? 100 : 0, 0.4);
                s.HouseEngine(spot);
                Price();
            });
            long held = 100;
            sim.RunFrom(A, 300, (s, t) =>
            {
                long left = (s.Seconds(240) - t) / MarketSim.TickNs;
                if (left > 0) spot.Mid *= Math.Pow((barrier + 70) / spot.Mid, 1.0 / left); // reaches 70,070 at 240 s whatever the noise
                Price();
                if (spot.Mid > 67_000 && t % s.Seconds(10) == 0) { s.Execute(opt, House, Side.Buy, opt.Ask, 5, print: false); held += 5; }
                if (t % s.Seconds(10) == 0) s.Position(opt, House, held, knockedOut ? 0 : 0.4 * Distance());
            });
        });

    private static DrillScenario StaleOracle() => new("stale-oracle",
        "The ORC index stops updating (frozen at its last price) 150 s into the tape; 90 s later ORC-PERP starts to fall, 7 % over 120 s, while the house engine, pricing off the stale index, keeps buying 5 lots a second at the perp ask. The index is stale and far from the market: the gap passes 3 % about 51 s into the fall.",
        false, A, ["ORC-PERP", "ORC"], [House],
        [("index", "frozen from the attack start"), ("fall", "-7 % over 120 s, from 90 s after the freeze"), ("house", "buys 5 lots per second at the ask during the fall")],
        sim =>
        {
            var perp = Market(sim, "ORC-PERP", InstrumentKind.Perpetual, 0.01, 1, 50, "ORC", tradeQty: 10, depth: 300);
            sim.Run(sim.Seconds(A), s => s.HouseEngine(perp));
            perp.OracleSymbol = null; // the index stops: no more oracle prices
            double start = 0;
            sim.RunFrom(A, 300, (s, t) =>
            {
                if (t == s.Seconds(90)) start = perp.Mid;
                if (t >= s.Seconds(90) && t < s.Seconds(210))
                {
                    perp.Mid = start * (1 - 0.07 * (t - s.Seconds(90)) / s.Seconds(120));
                    if (t % s.Seconds(1) == 0) s.Execute(perp, House, Side.Buy, perp.Ask, 5, print: false);
                }
                else s.HouseEngine(perp);
            });
        });

    /// <summary>Seconds from the attack start of the cascade's 5 % point: the mid falls as 0.88^(t / 90 s).</summary>
    internal static readonly double CascadeFivePercentSeconds = 90 * Math.Log(0.95) / Math.Log(0.88);

    private static DrillScenario LiquidationCascade() => new("liquidation-cascade",
        "A leveraged long unwinds on LQD-PERP: the price falls 12 % in 90 s (geometrically, the 5 % point about 36 s in), the book's depth drops to 1/20 and the spread widens x30 as the price falls (fully by the 5 % point), and the lending pool liquidates borrowers on-chain in bulk (40 liquidations of 50,000 LQD, one every 2 s); the house engine, long 600 lots from the warm-up, keeps making its usual round trip into the hole.",
        false, A, ["LQD-PERP", "LQD", House], [House],
        [("fall", "-12 % over 90 s, mid = start × 0.88^(t / 90 s)"), ("liquidity", "depth ÷20 and spread ×30 in step with the fall, fully by the 5 % point"),
            ("liquidations", "50,000 LQD every 2 s on-chain (pool LQD-LEND)"), ("house", "long 600 lots bought in the warm-up, round trip every 2 s"),
            ("deadline", "restrict LQD-PERP, LQD or the house within 30 s of the 5 % point")],
        sim =>
        {
            var perp = Market(sim, "LQD-PERP", InstrumentKind.Perpetual, 0.01, 1, 40, "LQD", tradeQty: 20, depth: 2_000);
            perp.SpreadTicks = 2;
            sim.Run(sim.Seconds(A), s =>
            {
                s.HouseEngine(perp);
                if (s.TickStart % s.Seconds(10) == 5 * MarketSim.TickNs && s.TickStart < s.Seconds(150)) s.Execute(perp, House, Side.Buy, perp.Ask, 40, print: false);
            });
            double start = 0;
            sim.RunFrom(A, 150, (s, t) =>
            {
                if (t == 0) start = perp.Mid;
                if (t <= s.Seconds(90))
                {
                    perp.Mid = start * Math.Pow(0.88, t / (double)s.Seconds(90));
                    double f = Math.Min(1, (1 - perp.Mid / start) / 0.05); // liquidity is gone by the 5 % point
                    perp.Depth = 2_000 * (1 - f * 0.95); perp.SpreadTicks = 2 * (1 + f * 29); perp.TradesPerTick = 1 + 2 * f;
                    if (t % s.Seconds(2) == 0 && t < s.Seconds(80))
                        s.Chain(ChainEventKind.Liquidation, "LQD", 50_000, "borrower-" + (t / s.Seconds(2) % 7), 5000 + t / s.Seconds(12), "0x11d" + t, "LQD-LEND", "LQD-PERP");
                }
                s.HouseEngine(perp);
            });
        });
}
