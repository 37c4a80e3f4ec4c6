namespace CircuitBreaker.Drills;

// The benign scenarios of the library (see Drill.All): busy days the breaker must not trip on.
public static partial class Drill
{
    private static DrillScenario MacroRelease() => new("macro-release",
        "Benign: a CPI print. ES-FUT volume x15 and volatility x6 for 10 s, the price moves 1.2 %, the spread doubles for 2 s; the house engine trades as usual.",
        true, A, ["ES-FUT", "ES"], [House],
        [("volume", "x15 for 10 s"), ("volatility", "x6 for 10 s, +1.2 % drift"), ("spread", "x2 for 2 s")],
        sim =>
        {
            var es = Market(sim, "ES-FUT", InstrumentKind.Future, 0.25, 1, 5_000, "ES", tradeQty: 5, depth: 200);
            sim.Run(sim.Seconds(A), s => s.HouseEngine(es));
            sim.RunFrom(A, 120, (s, t) =>
            {
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
            var btc = Market(sim, "BTC-USDT", InstrumentKind.Spot, 0.01, 0.0001, 64_000, "BTC", tradeQty: 0.2, depth: 4);
            btc.TradesPerTick = 2;
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
            var eth = Market(sim, "ETH-USD", InstrumentKind.Spot, 0.01, 0.001, 3_000, "ETH", tradeQty: 2, depth: 50);
            sim.Run(sim.Seconds(A), s => s.HouseEngine(eth));
            eth.DriftBps = 400.0 / 2400;
            sim.Run(sim.Seconds(A + 240), s => s.HouseEngine(eth));
        });
}
