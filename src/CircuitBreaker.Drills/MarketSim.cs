namespace CircuitBreaker.Drills;

/// <summary>One simulated instrument: a random-walk mid, a quoted spread and depth, public trades, an optional oracle.</summary>
internal sealed class SimInstrument
{
    public required string Symbol { get; init; }
    public required double Tick { get; init; }
    public required double Lot { get; init; }
    public double Mid;
    public double SpreadTicks = 2;
    public double Depth = 10;
    public double TradeQty = 1;
    public double TradesPerTick = 1;
    public double VolBps = 2;
    public double DriftBps;
    public string? OracleSymbol;
    public double OracleBias = 1;
    public bool Quiet;
    public double Bid => Round(Mid - SpreadTicks * Tick / 2);
    public double Ask => Round(Mid + SpreadTicks * Tick / 2);
    public double Round(double px) => (double)(Math.Round((decimal)px / (decimal)Tick) * (decimal)Tick);
    public double Qty(double q) => (double)(Math.Max(1, Math.Round((decimal)q / (decimal)Lot)) * (decimal)Lot);
}

/// <summary>
/// Writes a synthetic market tape in 100 ms ticks: for each instrument a quote, Poisson-ish public trades and an oracle
/// price every second; scripts add orders, fills, chain events and admin commands. Deterministic for a seed (one
/// <see cref="Random"/>, records in a fixed order, time advancing 1 µs per record within a tick).
/// </summary>
internal sealed class MarketSim
{
    public const long Second = 1_000_000_000;
    public const long TickNs = 100_000_000;
    private readonly TapeWriter _w;
    private readonly List<SimInstrument> _instruments = [];
    private long _now, _nextId = 1;

    public MarketSim(TapeWriter writer, int seed) { _w = writer; Rng = new Random(seed); }

    public Random Rng { get; }
    /// <summary>Start of the current tick (ns).</summary>
    public long TickStart { get; private set; }
    public long Seconds(double s) => (long)(s * Second);

    public SimInstrument Add(string symbol, InstrumentKind kind, double tick, double lot, double mid, string? underlying = null,
        double barrier = double.NaN, BarrierKind? barrierKind = null, double strike = double.NaN, long? expiryT = null)
    {
        var ins = new SimInstrument { Symbol = symbol, Tick = tick, Lot = lot, Mid = mid };
        _instruments.Add(ins);
        Emit(new TapeRecord
        {
            Type = TapeRecordType.Instrument, Symbol = symbol, InstrumentKind = kind, Tick = tick, Lot = lot, Underlying = underlying,
            Barrier = barrier, BarrierKind = barrierKind, Strike = strike, ExpiryT = expiryT,
        });
        return ins;
    }

    private long Next() { _now = Math.Max(_now + 1000, TickStart); return _now; }

    public void Emit(TapeRecord r) => _w.Write(r with { T = Next() });

    /// <summary>Runs ticks until <paramref name="untilNs"/>, calling <paramref name="script"/> after the market of each tick.</summary>
    public void Run(long untilNs, Action<MarketSim>? script = null)
    {
        while (TickStart < untilNs)
        {
            foreach (var i in _instruments) MarketTick(i);
            script?.Invoke(this);
            TickStart += TickNs;
        }
    }

    /// <summary>Runs ticks until <paramref name="seconds"/> after <paramref name="startSeconds"/>, passing the script the
    /// event time since the start (ns) as well.</summary>
    public void RunFrom(double startSeconds, double seconds, Action<MarketSim, long> script)
    {
        long start = Seconds(startSeconds);
        Run(Seconds(startSeconds + seconds), s => script(s, s.TickStart - start));
    }

    private void MarketTick(SimInstrument i)
    {
        double shock = (Rng.NextDouble() + Rng.NextDouble() + Rng.NextDouble() - 1.5) * 2 * i.VolBps / 1e4;
        i.Mid = Math.Max(i.Tick * 4, i.Mid * (1 + shock + i.DriftBps / 1e4));
        if (i.Quiet) return;
        double depth = i.Depth * (0.7 + 0.6 * Rng.NextDouble());
        Emit(new TapeRecord { Type = TapeRecordType.Quote, Symbol = i.Symbol, Bid = i.Bid, Ask = i.Ask, BidQty = i.Qty(depth), AskQty = i.Qty(depth) });
        int trades = (int)i.TradesPerTick + (Rng.NextDouble() < i.TradesPerTick % 1 ? 1 : 0);
        for (int k = 0; k < trades; k++)
        {
            bool buy = Rng.NextDouble() < 0.5;
            Trade(i, buy ? i.Ask : i.Bid, i.TradeQty * (0.5 + Rng.NextDouble()), buy ? Side.Buy : Side.Sell);
        }
        if (i.OracleSymbol is not null && TickStart % Second == 0)
            Oracle(i.OracleSymbol, i.Round(i.Mid * i.OracleBias), "index");
    }

    public void Trade(SimInstrument i, double px, double qty, Side aggressor)
        => Emit(new TapeRecord { Type = TapeRecordType.Trade, Symbol = i.Symbol, Px = i.Round(px), Qty = i.Qty(qty), Aggressor = aggressor });

    public void Oracle(string symbol, double px, string source)
        => Emit(new TapeRecord { Type = TapeRecordType.Oracle, Symbol = symbol, Px = px, Source = source });

    /// <summary>Sends a new order; returns its id.</summary>
    public long Order(SimInstrument i, string account, Side side, double px, double qty, string? strategy = null)
    {
        long id = _nextId++;
        Emit(new TapeRecord
        {
            Type = TapeRecordType.Order, Symbol = i.Symbol, OrderId = id, Account = account, Side = side, Px = i.Round(px), Qty = i.Qty(qty),
            OrderAction = OrderAction.New, Strategy = strategy,
        });
        return id;
    }

    public void Cancel(SimInstrument i, string account, long id)
        => Emit(new TapeRecord { Type = TapeRecordType.Order, Symbol = i.Symbol, OrderId = id, Account = account, OrderAction = OrderAction.Cancel });

    public void Fill(SimInstrument i, string account, long id, Side side, double px, double qty)
        => Emit(new TapeRecord { Type = TapeRecordType.Fill, Symbol = i.Symbol, OrderId = id, Account = account, Side = side, Px = i.Round(px), Qty = i.Qty(qty) });

    /// <summary>An order that executes at once at its price (aggressive), with the execution also printed as a public trade.</summary>
    public void Execute(SimInstrument i, string account, Side side, double px, double qty, bool print = true)
    {
        long id = Order(i, account, side, px, qty);
        Fill(i, account, id, side, px, qty);
        if (print) Trade(i, px, qty, side);
    }

    public void Chain(ChainEventKind kind, string asset, double amount, string? account, long block, string tx, string pool, string? symbol = null)
        => Emit(new TapeRecord { Type = TapeRecordType.Chain, ChainKind = kind, Asset = asset, Amount = amount, Account = account, Block = block, Tx = tx, Pool = pool, Symbol = symbol });

    public void Balance(string account, string currency, BalanceChange change, double amount)
        => Emit(new TapeRecord { Type = TapeRecordType.Balance, Account = account, Currency = currency, BalanceChange = change, Amount = amount });

    public void Position(SimInstrument i, string account, double qty, double delta = double.NaN)
        => Emit(new TapeRecord { Type = TapeRecordType.Position, Symbol = i.Symbol, Account = account, Qty = qty, Delta = delta });

    /// <summary>The house engine's normal activity: every 2 s a small round trip at the touch (buy at the ask, then sell at the bid).</summary>
    public void HouseEngine(SimInstrument i, string account = Drill.House)
    {
        long s = TickStart / TickNs;
        if (s % 20 == 0) Execute(i, account, Side.Buy, i.Ask, i.TradeQty, print: false);
        else if (s % 20 == 10) Execute(i, account, Side.Sell, i.Bid, i.TradeQty, print: false);
    }
}
