namespace CircuitBreaker.Drills;

/// <summary>
/// A seeded generator of legitimate trading days for the benign-day benchmark (<see cref="BenignBenchmark"/>). Day
/// <c>k</c> takes regime <c>k mod 8</c>: a macro release, a steady trend with a trend follower making money, a thin
/// weekend book with wide spreads and price gaps that pick off stale quotes, a funding-time position flip with bursts of
/// fills, a feed that goes silent for 30–60 s and resumes with a jump, an options book near expiry with growing greeks,
/// a listing day with no history, a profitable but volatile maker. Every day lasts 30–40 minutes of event time and
/// has a maker and a taker with realistic sizes; the instruments, sizes, times and magnitudes vary with the seed and
/// the day. Nothing here is an attack: any finding of Warning or above on such a day is a false alarm.
/// </summary>
public static class BenignDays
{
    /// <summary>The regimes, in the order days cycle through them.</summary>
    public static IReadOnlyList<string> Regimes { get; } =
        ["macro-release", "trend", "thin-weekend", "funding-flip", "feed-gap", "options-expiry", "listing-day", "volatile-maker"];

    /// <summary>Day <paramref name="day"/> (0-based) of the benchmark for <paramref name="seed"/>. Allocates; the tape is generated when scored.</summary>
    /// <param name="day">The day number, from 0; day k is the same whatever the number of days asked for.</param>
    /// <param name="seed">The generator seed (default 1).</param>
    /// <returns>The day as a drill scenario (benign: any restriction is a false alarm).</returns>
    public static DrillScenario Day(int day, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(day);
        string regime = Regimes[day % Regimes.Count];
        // The day's own parameters come from (seed, day), so day k is the same whatever N is asked for.
        int daySeed = unchecked(seed * 7919 + day * 104_729 + 17);
        var p = new Random(daySeed);
        double minutes = 30 + 10 * p.NextDouble();
        var asset = Assets[p.Next(Assets.Length)];
        string name = $"benign-{day + 1:00}-{regime}";
        return regime switch
        {
            "macro-release" => MacroRelease(name, minutes, asset, p),
            "trend" => Trend(name, minutes, asset, p),
            "thin-weekend" => ThinWeekend(name, minutes, asset, p),
            "funding-flip" => FundingFlip(name, minutes, asset, p),
            "feed-gap" => FeedGap(name, minutes, asset, p),
            "options-expiry" => OptionsExpiry(name, minutes, p),
            "listing-day" => ListingDay(name, minutes, p),
            _ => VolatileMaker(name, minutes, asset, p),
        };
    }

    /// <summary>Days 0 … <paramref name="days"/> − 1 for <paramref name="seed"/>.</summary>
    /// <param name="days">How many days.</param>
    /// <param name="seed">The generator seed (default 1).</param>
    /// <returns>The days, lazily.</returns>
    public static IEnumerable<DrillScenario> Days(int days, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        for (int d = 0; d < days; d++) yield return Day(d, seed);
    }

    private sealed record Asset(string Symbol, string Underlying, InstrumentKind Kind, double Tick, double Lot, double Price, double MakerSize, double TradeQty);

    private static readonly Asset[] Assets =
    [
        new("BTC-PERP", "BTC", InstrumentKind.Perpetual, 0.1, 0.001, 64_000, 0.02, 0.05),
        new("ETH-PERP", "ETH", InstrumentKind.Perpetual, 0.01, 0.01, 3_000, 0.3, 0.8),
        new("SOL-PERP", "SOL", InstrumentKind.Perpetual, 0.01, 0.1, 150, 5, 12),
        new("BTC-USDT", "BTC", InstrumentKind.Spot, 0.01, 0.0001, 64_000, 0.015, 0.04),
    ];

    private const string Maker = "mm-day", Taker = "tk-day";

    private static DrillScenario Make(string name, string description, string[] targets, (string, string)[] parameters, Action<MarketSim> script)
        => new(name, description, true, 0, targets, [Maker, Taker], parameters, script);

    private static (SimInstrument Ins, SimMaker Mm, SimTaker Tk) Desk(MarketSim sim, Asset a, Random p, double makerScale = 1)
    {
        var ins = sim.Add(a.Symbol, a.Kind, a.Tick, a.Lot, a.Price * (0.9 + 0.2 * p.NextDouble()), underlying: a.Underlying);
        ins.TradeQty = a.TradeQty; ins.Depth = a.TradeQty * 20; ins.OracleSymbol = a.Underlying; ins.VolBps = 1.5 + p.NextDouble();
        ins.SpreadTicks = 1 + p.Next(3);
        var mm = new SimMaker(ins, Maker, a.MakerSize * makerScale, a.MakerSize * makerScale * 25);
        var tk = new SimTaker(ins, Taker, a.TradeQty, a.TradeQty * 30) { MeanGapSeconds = 5 + 10 * p.NextDouble() };
        return (ins, mm, tk);
    }

    private static string F(double v, string fmt = "0.##") => v.ToString(fmt, System.Globalization.CultureInfo.InvariantCulture);

    private static DrillScenario MacroRelease(string name, double minutes, Asset a, Random p)
    {
        double at = 300 + 900 * p.NextDouble(), burst = 10 + 20 * p.NextDouble(), volX = 3 + 3 * p.NextDouble(), tradeX = 8 + 10 * p.NextDouble();
        double moveBps = (p.Next(2) == 0 ? -1 : 1) * (50 + 100 * p.NextDouble());
        return Make(name, $"A macro print at {F(at, "0")} s on {a.Symbol}: volume x{F(tradeX, "0")} and volatility x{F(volX, "0.0")} for {F(burst, "0")} s, the price moves {F(moveBps, "0")} bps, the spread doubles for 3 s; maker and taker trade through it.",
            [a.Symbol, a.Underlying], [("regime", "macro-release"), ("release", $"{F(at, "0")} s"), ("move", $"{F(moveBps, "0")} bps in {F(burst, "0")} s")], sim =>
            {
                var (ins, mm, tk) = Desk(sim, a, p);
                double vol = ins.VolBps, spread = ins.SpreadTicks;
                sim.Run(sim.Seconds(minutes * 60), s =>
                {
                    double t = s.TickStart / (double)MarketSim.Second;
                    bool inBurst = t >= at && t < at + burst;
                    ins.VolBps = inBurst ? vol * volX : vol;
                    ins.TradesPerTick = inBurst ? tradeX : 1;
                    ins.DriftBps = inBurst ? moveBps / (burst * 10) : 0;
                    ins.SpreadTicks = t >= at && t < at + 3 ? spread * 2 : spread;
                    tk.MeanGapSeconds = inBurst ? 1 : 8;
                    mm.Step(s); tk.Step(s);
                });
            });
    }

    private static DrillScenario Trend(string name, double minutes, Asset a, Random p)
    {
        double totalBps = (p.Next(2) == 0 ? -1 : 1) * (300 + 300 * p.NextDouble());
        return Make(name, $"A steady trend on {a.Symbol}: {F(totalBps, "0")} bps over the day on normal volume; a trend follower (the taker) builds a position with the trend and makes money.",
            [a.Symbol, a.Underlying], [("regime", "trend"), ("drift", $"{F(totalBps, "0")} bps over {F(minutes, "0")} min")], sim =>
            {
                var (ins, mm, tk) = Desk(sim, a, p);
                ins.DriftBps = totalBps / (minutes * 600);
                tk.Bias = totalBps > 0 ? 0.8 : 0.2; tk.MaxPosition = a.TradeQty * 60;
                sim.Run(sim.Seconds(minutes * 60), s => { mm.Step(s); tk.Step(s); });
            });
    }

    private static DrillScenario ThinWeekend(string name, double minutes, Asset a, Random p)
    {
        double gapBps = 30 + 40 * p.NextDouble(), everyS = 240 + 240 * p.NextDouble();
        return Make(name, $"A thin weekend book on {a.Symbol}: spread 10-20 ticks, a fifth of the usual depth and trades, a {F(gapBps, "0")} bps gap about every {F(everyS, "0")} s that picks off the maker's stale quote.",
            [a.Symbol, a.Underlying], [("regime", "thin-weekend"), ("gap", $"{F(gapBps, "0")} bps every ~{F(everyS, "0")} s")], sim =>
            {
                var (ins, mm, tk) = Desk(sim, a, p, makerScale: 0.5);
                ins.SpreadTicks = 10 + p.Next(11); ins.Depth /= 5; ins.TradesPerTick = 0.2; ins.VolBps = 1;
                tk.MeanGapSeconds = 30;
                long nextGap = sim.Seconds(everyS * (0.5 + p.NextDouble()));
                sim.Run(sim.Seconds(minutes * 60), s =>
                {
                    if (s.TickStart >= nextGap)
                    {
                        bool up = s.Rng.Next(2) == 0;
                        ins.Mid *= 1 + (up ? 1 : -1) * gapBps / 1e4;
                        mm.PickOff(s, up ? Side.Sell : Side.Buy);
                        nextGap += s.Seconds(everyS * (0.5 + s.Rng.NextDouble()));
                    }
                    mm.Step(s); tk.Step(s);
                });
            });
    }

    private static DrillScenario FundingFlip(string name, double minutes, Asset a, Random p)
    {
        double at = 600 + 600 * p.NextDouble();
        int fills = 15 + p.Next(20);
        return Make(name, $"Funding time at {F(at, "0")} s on {a.Symbol}: the taker flips a long into a short with {fills} fills in 2 s, the maker takes the other side; the price barely moves.",
            [a.Symbol, a.Underlying], [("regime", "funding-flip"), ("funding", $"{F(at, "0")} s"), ("burst", $"{fills} fills in 2 s")], sim =>
            {
                var (ins, mm, tk) = Desk(sim, a, p);
                tk.Bias = 0.7;
                long atNs = sim.Seconds(at);
                int done = 0;
                sim.Run(sim.Seconds(minutes * 60), s =>
                {
                    if (s.TickStart >= atNs && done < fills)
                    {
                        int now = Math.Min(fills - done, (fills + 19) / 20);
                        for (int k = 0; k < now; k++) tk.Trade(s, tk.Position > -tk.MaxPosition ? Side.Sell : Side.Buy, ins.Qty(Math.Max(a.TradeQty, Math.Abs(tk.Position) * 2 / fills)));
                        done += now;
                        ins.TradesPerTick = 4;
                    }
                    else ins.TradesPerTick = 1;
                    mm.Step(s); tk.Step(s);
                });
            });
    }

    private static DrillScenario FeedGap(string name, double minutes, Asset a, Random p)
    {
        double at = 400 + 800 * p.NextDouble(), silent = 30 + 30 * p.NextDouble();
        double jumpBps = (p.Next(2) == 0 ? -1 : 1) * (20 + 60 * p.NextDouble());
        return Make(name, $"The {a.Symbol} feed goes silent for {F(silent, "0")} s at {F(at, "0")} s (no quotes, trades or oracle prices) and resumes {F(jumpBps, "0")} bps away.",
            [a.Symbol, a.Underlying], [("regime", "feed-gap"), ("silence", $"{F(silent, "0")} s at {F(at, "0")} s"), ("jump", $"{F(jumpBps, "0")} bps")], sim =>
            {
                var (ins, mm, tk) = Desk(sim, a, p);
                long from = sim.Seconds(at), to = sim.Seconds(at + silent);
                sim.Run(sim.Seconds(minutes * 60), s =>
                {
                    bool quiet = s.TickStart >= from && s.TickStart < to;
                    if (ins.Quiet && !quiet) ins.Mid *= 1 + jumpBps / 1e4;
                    ins.Quiet = quiet;
                    mm.Step(s); tk.Step(s);
                });
            });
    }

    private static DrillScenario OptionsExpiry(string name, double minutes, Random p)
    {
        double hoursLeft = 1 + 2 * p.NextDouble(), sigma = 0.5 + 0.3 * p.NextDouble();
        return Make(name, $"An ETH options book {F(hoursLeft, "0.0")} h before expiry (volatility {F(sigma * 100, "0")} %): calls and puts around the money on ETH-PERP, quoted by the maker and taken by the taker; premiums move tens of percent on small moves of the underlying and the greeks grow toward expiry.",
            ["ETH", "ETH-PERP"], [("regime", "options-expiry"), ("expiry", $"{F(hoursLeft, "0.0")} h after the start"), ("volatility", $"{F(sigma * 100, "0")} %")], sim =>
            {
                var perp = Assets[1];
                var (und, mm, tk) = Desk(sim, perp, p);
                long expiry = sim.Seconds(hoursLeft * 3600);
                double s0 = und.Mid;
                var strikes = new[] { -0.02, -0.01, 0, 0.01, 0.02 }.Select(d => Math.Round(s0 * (1 + d) / 25) * 25).Distinct().ToArray();
                var books = new List<(SimInstrument Ins, double Strike, bool Call, SimMaker Mm, SimTaker Tk)>();
                foreach (double k in strikes)
                    foreach (bool call in new[] { true, false })
                    {
                        string sym = $"ETH-{F(k, "0")}-{(call ? "C" : "P")}";
                        var o = sim.Add(sym, InstrumentKind.Option, 0.1, 0.1, 1, underlying: "ETH", strike: k, expiryT: expiry);
                        o.VolBps = 0; o.TradesPerTick = 0.1; o.TradeQty = 1; o.Depth = 20; o.SpreadTicks = 2;
                        books.Add((o, k, call, new SimMaker(o, Maker, 1, 20) { RequoteTicks = 20, FillChance = 0.01 }, new SimTaker(o, Taker, 1, 10) { MeanGapSeconds = 60 }));
                    }
                void Price(long now)
                {
                    double years = Math.Max(60.0, (expiry - now) / 1e9) / (365 * 86400.0);
                    foreach (var b in books) b.Ins.Mid = Math.Max(b.Ins.Tick * 2, SimOptionPricer.Price(und.Mid, b.Strike, years, sigma, b.Call));
                }
                Price(0);
                sim.Run(sim.Seconds(minutes * 60), s =>
                {
                    Price(s.TickStart);
                    mm.Step(s); tk.Step(s);
                    foreach (var b in books) { b.Mm.Step(s); b.Tk.Step(s); }
                    if (s.TickStart % s.Seconds(10) == 0)
                    {
                        double years = Math.Max(60.0, (expiry - s.TickStart) / 1e9) / (365 * 86400.0);
                        foreach (var b in books)
                            if (b.Mm.Position != 0) s.Position(b.Ins, Maker, b.Mm.Position, b.Mm.Position * SimOptionPricer.Delta(und.Mid, b.Strike, years, sigma, b.Call));
                    }
                });
            });
    }

    private static DrillScenario ListingDay(string name, double minutes, Random p)
    {
        double px = 0.5 + 5 * p.NextDouble(), openVol = 10 + 10 * p.NextDouble();
        return Make(name, $"Listing day of NEW-USDT at about {F(px)}: no history, volatility {F(openVol, "0")} bps a tick and heavy volume for the first 5 minutes, settling after; maker and taker from the first trade.",
            ["NEW-USDT", "NEW"], [("regime", "listing-day"), ("opening volatility", $"{F(openVol, "0")} bps per tick for 5 min")], sim =>
            {
                var a = new Asset("NEW-USDT", "NEW", InstrumentKind.Spot, 0.0001, 1, px, 200 / px, 500 / px);
                var (ins, mm, tk) = Desk(sim, a, p);
                ins.Mid = px;
                sim.Run(sim.Seconds(minutes * 60), s =>
                {
                    double t = s.TickStart / (double)MarketSim.Second;
                    double k = Math.Max(0, 1 - t / 300);
                    ins.VolBps = 2 + openVol * k; ins.TradesPerTick = 1 + 4 * k;
                    mm.Step(s); tk.Step(s);
                });
            });
    }

    private static DrillScenario VolatileMaker(string name, double minutes, Asset a, Random p)
    {
        double vol = 4 + 3 * p.NextDouble();
        return Make(name, $"A profitable but volatile maker on {a.Symbol}: volatility {F(vol, "0.0")} bps a tick, the maker quotes 3x its usual size, is filled often and carries inventory swings.",
            [a.Symbol, a.Underlying], [("regime", "volatile-maker"), ("volatility", $"{F(vol, "0.0")} bps per tick"), ("maker size", "3x")], sim =>
            {
                var (ins, mm, tk) = Desk(sim, a, p, makerScale: 3);
                ins.VolBps = vol; ins.SpreadTicks += 2; mm.FillChance = 0.08;
                sim.Run(sim.Seconds(minutes * 60), s => { mm.Step(s); tk.Step(s); });
            });
    }
}
