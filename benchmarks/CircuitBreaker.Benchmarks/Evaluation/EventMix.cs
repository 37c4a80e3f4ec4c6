namespace CircuitBreaker.Benchmarks.Evaluation;

/// <summary>
/// A preallocated, benign, realistic event tape for the evaluator: 8 perpetuals, 4 accounts, <see cref="Length"/> events
/// in steps of one instrument update: a quote, a public trade, an accepted new order (1 in 16 is a collar reject
/// instead), then either a fill of that order (1 in 4) or its cancel; an oracle price every 16 steps. Mids move on a
/// smooth periodic path (±0.2 % over the tape, so the tape repeats without a price jump) with small noise. Fills
/// alternate buy and sell per account and instrument (buys below mid, sells above), so positions stay within one
/// fill and PnL never trips a loss limit. About 22 % quotes, 22 % trades, 24 % orders, 20 % cancels, 6 % fills,
/// 1.4 % oracle.
/// <para>
/// Events are templates: <see cref="At"/> stamps event time (<see cref="StepNs"/> per event, monotone across repeats),
/// so detectors see a continuous day. Orders are not sent through a gate, so fills count as fills of unknown orders
/// in the position keeper (applied to positions all the same).
/// </para>
/// </summary>
internal sealed class EventMix
{
    /// <summary>Events in the tape (a power of two).</summary>
    public const int Length = 1 << 16;
    /// <summary>Event time between two events: 250 µs (4,000 events/s of event time; one tape is ~16 s).</summary>
    public const long StepNs = 250_000;
    private const long StartNs = 1_000_000_000;
    private const int Instruments = 8;
    private const int Accounts = 4;

    private readonly RiskEvent[] _events = new RiskEvent[Length];

    public EventMix(int seed = 7)
    {
        var random = new Random(seed);
        var lastFillBuy = new bool[Instruments * Accounts];
        int n = 0, step = 0;
        long orderId = 1;
        var counts = new Dictionary<RiskEventKind, int>();
        while (n < Length - 8)
        {
            int ins = random.Next(Instruments);
            var id = new InstrumentId(ins);
            var acc = new AccountId(random.Next(Accounts));
            double phase = 2 * Math.PI * n / Length;
            double basePrice = 1_000 * (ins + 1);
            double mid = Math.Round(basePrice * (1 + 0.002 * Math.Sin(phase + ins) + 0.0002 * (random.NextDouble() - 0.5)), 1);
            Add(RiskEvent.Quote(0, id, mid - 0.1, mid + 0.1, 1 + random.Next(20), 1 + random.Next(20)));
            Add(RiskEvent.Trade(0, id, random.Next(2) == 0 ? mid - 0.1 : mid + 0.1, 0.001 * (1 + random.Next(50)), random.Next(2) == 0 ? Side.Buy : Side.Sell));
            if ((step & 15) == 0) Add(RiskEvent.Oracle(0, id, mid));
            var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
            var order = new OrderRequest(0, id, acc, orderId++, side, side == Side.Buy ? mid - 0.2 : mid + 0.2, 0.001 * (1 + random.Next(10)));
            bool rejected = (step & 15) == 7;
            Add(RiskEvent.OrderDecision(in order, rejected ? RejectReason.PriceCollar : RejectReason.None));
            if (!rejected)
            {
                int pair = ins * Accounts + acc.Value;
                if ((step & 3) == 0)
                {
                    var fillSide = lastFillBuy[pair] ? Side.Sell : Side.Buy;
                    lastFillBuy[pair] = !lastFillBuy[pair];
                    Add(RiskEvent.Fill(0, id, acc, order.OrderId, fillSide, fillSide == Side.Buy ? mid - 0.2 : mid + 0.2, 0.001));
                }
                else
                {
                    var cancel = OrderRequest.Cancel(0, id, acc, order.OrderId);
                    Add(RiskEvent.OrderDecision(in cancel, RejectReason.None));
                }
            }
            step++;
        }
        // Close what is still open so positions are flat at every repeat of the tape, then pad with quotes.
        for (int pair = 0; pair < lastFillBuy.Length && n < Length; pair++)
        {
            if (!lastFillBuy[pair]) continue;
            var id = new InstrumentId(pair / Accounts);
            Add(RiskEvent.Fill(0, id, new AccountId(pair % Accounts), orderId++, Side.Sell, 1_000 * (id.Value + 1), 0.001));
        }
        while (n < Length) Add(RiskEvent.Quote(0, new InstrumentId(n % Instruments), 999.9, 1_000.1, 5, 5));
        Counts = counts;

        void Add(in RiskEvent e)
        {
            if (n >= Length) return;
            _events[n++] = e;
            counts[e.Kind] = counts.GetValueOrDefault(e.Kind) + 1;
        }
    }

    /// <summary>Events per kind in one tape.</summary>
    public IReadOnlyDictionary<RiskEventKind, int> Counts { get; }

    /// <summary>The <paramref name="sequence"/>-th event of the endless tape, stamped with its event time.</summary>
    public RiskEvent At(long sequence)
    {
        var e = _events[(int)(sequence & (Length - 1))];
        e.TimeNs = StartNs + sequence * StepNs;
        return e;
    }

    /// <summary>A breaker for the tape: 8 perpetuals (tick 0.1, lot 0.001), 4 accounts, limits wide enough that the
    /// benign tape trips none (a trip would change what later events cost).</summary>
    public static Breaker CreateBreaker()
    {
        var b = new CircuitBreakerBuilder()
            .DefaultInstrumentLimits(new InstrumentLimits { MaxLongPosition = 1e6, MaxShortPosition = 1e6 })
            .DefaultAccountLimits(new AccountLimits { MaxDailyLoss = 1e12, MaxGrossExposure = 1e15, MaxNetExposure = 1e15 });
        string[] names = ["BTC", "ETH", "SOL", "XRP", "DOGE", "ADA", "AVAX", "LINK"];
        foreach (var s in names) b.Instrument($"{s}-PERP", InstrumentKind.Perpetual, 0.1, 0.001, underlying: s);
        for (int a = 0; a < Accounts; a++) b.Account($"acct-{a}");
        return new Breaker(b.BuildConfig());
    }

    /// <summary>Describes the mix (for logs).</summary>
    public string Describe() => string.Join(", ", Counts.OrderBy(p => p.Key).Select(p => $"{p.Key} {100.0 * p.Value / Length:0.0}%"));
}
