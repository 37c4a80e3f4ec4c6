namespace CircuitBreaker.Drills;

public static partial class Drill
{
    private static DrillScenario FatFinger() => new("fat-finger",
        "A trader types 500 BTC instead of 0.5 on BTC-PERP: the order sweeps the book 4 % above the mid, and the price returns.",
        false, A, ["BTC-PERP", House], [House],
        [("order", "buy 500 at 4 % above the mid (typical 0.5)"), ("after", "the book refills at the old mid")],
        sim =>
        {
            var btc = sim.Add("BTC-PERP", InstrumentKind.Perpetual, 0.1, 0.001, 64_000, underlying: "BTC");
            btc.TradeQty = 0.5; btc.Depth = 5; btc.OracleSymbol = "BTC";
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
            var eth = sim.Add("ETH-PERP", InstrumentKind.Perpetual, 0.01, 0.01, 3_000, underlying: "ETH");
            eth.TradeQty = 1; eth.Depth = 40; eth.OracleSymbol = "ETH";
            double stale = 0;
            sim.Run(sim.Seconds(A), s =>
            {
                s.HouseEngine(eth);
                if (s.TickStart % s.Seconds(1) == 0) s.Cancel(eth, "stuffer-9", s.Order(eth, "stuffer-9", Side.Sell, eth.Ask + 10 * eth.Tick, 1));
            });
            sim.Run(sim.Seconds(A + 60), s =>
            {
                long t = s.TickStart - s.Seconds(A);
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
            var sol = sim.Add("SOL-PERP", InstrumentKind.Perpetual, 0.01, 0.1, 150, underlying: "SOL");
            sol.TradeQty = 20; sol.Depth = 1_000; sol.OracleSymbol = "SOL";
            double before = 0;
            sim.Run(sim.Seconds(A), s =>
            {
                s.HouseEngine(sol);
                if (s.TickStart % s.Seconds(10) == 5 * MarketSim.TickNs && s.TickStart < s.Seconds(100)) s.Execute(sol, House, Side.Buy, sol.Ask, 20, print: false);
            });
            sim.Run(sim.Seconds(A + 120), s =>
            {
                long t = s.TickStart - s.Seconds(A);
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
            var alt = sim.Add("ALT-USD", InstrumentKind.Spot, 0.0001, 1, 0.8, underlying: "ALT");
            alt.TradeQty = 1.5; alt.Depth = 100; alt.TradesPerTick = 0.5; alt.OracleSymbol = "ALT";
            sim.Run(sim.Seconds(A), s => s.HouseEngine(alt));
            sim.Run(sim.Seconds(A + 90), s =>
            {
                long t = s.TickStart - s.Seconds(A);
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
            sim.Run(sim.Seconds(A + 300), s =>
            {
                long t = s.TickStart - s.Seconds(A);
                long left = (s.Seconds(240) - t) / MarketSim.TickNs;
                if (left > 0) spot.Mid *= Math.Pow((barrier + 70) / spot.Mid, 1.0 / left); // reaches 70,070 at 240 s whatever the noise
                Price();
                if (spot.Mid > 67_000 && t % s.Seconds(10) == 0) { s.Execute(opt, House, Side.Buy, opt.Ask, 5, print: false); held += 5; }
                if (t % s.Seconds(10) == 0) s.Position(opt, House, held, knockedOut ? 0 : 0.4 * Distance());
            });
        });

    private static DrillScenario MacroRelease() => new("macro-release",
        "Benign: a CPI print. ES-FUT volume x15 and volatility x6 for 10 s, the price moves 1.2 %, the spread doubles for 2 s; the house engine trades as usual.",
        true, A, ["ES-FUT", "ES"], [House],
        [("volume", "x15 for 10 s"), ("volatility", "x6 for 10 s, +1.2 % drift"), ("spread", "x2 for 2 s")],
        sim =>
        {
            var es = sim.Add("ES-FUT", InstrumentKind.Future, 0.25, 1, 5_000, underlying: "ES");
            es.TradeQty = 5; es.Depth = 200; es.OracleSymbol = "ES";
            sim.Run(sim.Seconds(A), s => s.HouseEngine(es));
            sim.Run(sim.Seconds(A + 120), s =>
            {
                long t = s.TickStart - s.Seconds(A);
                bool burst = t < s.Seconds(10);
                es.TradesPerTick = burst ? 15 : 1; es.VolBps = burst ? 12 : 2; es.DriftBps = burst ? 1.2 : 0; es.SpreadTicks = t < s.Seconds(2) ? 4 : 2;
                s.HouseEngine(es);
            });
        });

    private static DrillScenario MarketMaker() => new("market-maker",
        "Benign: mm-2 quotes both sides of BTC-USDT, replacing its quotes 20 times a second (97 % of orders cancelled, 3 % filled), from the start and through the whole tape.",
        true, A, ["mm-2", "BTC-USDT"], ["mm-2"],
        [("messages", "20 new + 20 cancels a second, ~3 % filled"), ("size", "0.1 per quote")],
        sim =>
        {
            var btc = sim.Add("BTC-USDT", InstrumentKind.Spot, 0.01, 0.0001, 64_000, underlying: "BTC");
            btc.TradeQty = 0.2; btc.Depth = 4; btc.TradesPerTick = 2; btc.OracleSymbol = "BTC";
            sim.Run(sim.Seconds(A + 120), s =>
            {
                var side = (s.TickStart / MarketSim.TickNs) % 2 == 0 ? Side.Buy : Side.Sell;
                long id = s.Order(btc, "mm-2", side, side == Side.Buy ? btc.Bid : btc.Ask, 0.1);
                if (s.Rng.NextDouble() < 0.03) { s.Fill(btc, "mm-2", id, side, side == Side.Buy ? btc.Bid : btc.Ask, 0.1); s.Trade(btc, side == Side.Buy ? btc.Bid : btc.Ask, 0.1, side == Side.Buy ? Side.Sell : Side.Buy); }
                else s.Cancel(btc, "mm-2", id);
                long id2 = s.Order(btc, "mm-2", side == Side.Buy ? Side.Sell : Side.Buy, side == Side.Buy ? btc.Ask + btc.Tick : btc.Bid - btc.Tick, 0.1);
                s.Cancel(btc, "mm-2", id2);
            });
        });

    private static DrillScenario TrendingDay() => new("trending-day",
        "Benign: a steady trend, ETH-USD +4 % over 4 minutes on normal volume; the house engine trades as usual.",
        true, A, ["ETH-USD", "ETH"], [House],
        [("drift", "+4 % over 240 s"), ("volume", "normal")],
        sim =>
        {
            var eth = sim.Add("ETH-USD", InstrumentKind.Spot, 0.01, 0.001, 3_000, underlying: "ETH");
            eth.TradeQty = 2; eth.Depth = 50; eth.OracleSymbol = "ETH";
            sim.Run(sim.Seconds(A), s => s.HouseEngine(eth));
            eth.DriftBps = 400.0 / 2400;
            sim.Run(sim.Seconds(A + 240), s => s.HouseEngine(eth));
        });
}
