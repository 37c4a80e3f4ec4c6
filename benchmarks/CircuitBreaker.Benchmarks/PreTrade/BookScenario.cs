namespace CircuitBreaker.Benchmarks.PreTrade;

/// <summary>A quote in the book stream: the instrument's new best bid and ask (the mid is on the tick grid).</summary>
internal readonly record struct BookQuote(long TimeNs, InstrumentId Instrument, double Bid, double Ask, double Mid);

/// <summary>
/// <c>pretrade_book</c>: a realistic working book rather than the kind 8-orders-then-their-cancels stream. 16 perpetuals,
/// 4 accounts and <see cref="Slots"/> (4,096) working orders, 32 per account × instrument × side; every order is renewed
/// once per cycle in a random order (a new order, and <see cref="CancelLag"/> renewals later the cancel of the order it
/// replaces, so each account × instrument × side holds 32-33 working orders and the renewals of one pair are scattered
/// over the cycle), plus replaces of random working orders (5 % of order messages: new price and size on the same side)
/// and a quote on a random instrument after every 8th order message. Buys rest 0.2-1 % below the instrument's reference,
/// sells as far above, and quotes move the mid within ±0.1 % of it, so no order crosses an own resting order and none is
/// near the 500 bps collar: every implementation, with or without a self-match check, takes the same decisions, which
/// <see cref="Expected"/> records from the in-house gate and every run verifies order by order. One new order in 64 is
/// planted to be refused (off tick, outside the collar, over max quantity, in rotation); its later cancel passes and a
/// replace of it is refused as unknown. Limits are set so that nothing else binds (rates, open orders, exposure).
/// Order ids keep rising from cycle to cycle; the first <see cref="WarmCycles"/> cycles fill the book and are verified
/// but never timed.
/// </summary>
internal sealed class BookScenario
{
    /// <summary>Working orders in steady state (renewals per cycle).</summary>
    public const int Slots = 4096;
    /// <summary>Renewals between an order's replacement being sent and the old order's cancel.</summary>
    public const int CancelLag = 48;
    /// <summary>Event time between two items of the stream: 100 µs.</summary>
    public const long StepNs = 100_000;
    /// <summary>Cycles before the book is in steady state (cycle 2 is the first whose cancels all name real orders).</summary>
    public const int WarmCycles = 2;
    /// <summary>Open orders allowed per account × instrument (the self-match book depth: 256 slots per side).</summary>
    public const int MaxOpenOrdersPerPair = 256;
    /// <summary>Open orders allowed per account.</summary>
    public const int MaxOpenOrdersPerAccount = 10_000;
    /// <summary>New orders allowed per account per window (never binds: ~1,100 per second per account are sent).</summary>
    public const int MaxOrdersPerWindow = 1_000_000;

    private readonly Item[] _items;
    private readonly RejectReason[] _expected;
    private long _reasonSumPerCycle;

    private struct Item
    {
        public bool IsQuote;
        public OrderRequest Template; // order id: local id in the cycle; time 0
        public int IdCycle;           // 0: this cycle's id, -1 / -2: the cycle before / two before
        public BookQuote Quote;
    }

    public BookScenario(int seed = 7)
    {
        Registry = new InstrumentRegistry();
        Instruments = new ScenarioInstrument[16];
        var specs = PreTradeScenario.Specs;
        for (int i = 0; i < Instruments.Length; i++)
        {
            var s = specs[i % specs.Length];
            string symbol = $"P{i:00}-{s.Symbol.Split('-')[0]}-PERP";
            var id = Registry.AddInstrument(symbol, InstrumentKind.Perpetual, s.Tick, s.Lot);
            Instruments[i] = new ScenarioInstrument(symbol, id, InstrumentKind.Perpetual, s.Tick, s.Lot, 1, s.Ref,
                MinQuantity: s.Lot, MaxQuantity: 100 * s.Lot, MaxNotional: 100 * s.Lot * s.Ref * 1.05, CollarBps: 500,
                MaxLong: 100_000 * s.Lot, MaxShort: 100_000 * s.Lot, MaxOpenOrders: MaxOpenOrdersPerPair);
        }
        AccountNames = new[] { "mm-alpha", "mm-beta", "arb-1", "hedge" };
        Accounts = AccountNames.Select(Registry.GetOrAddAccount).ToArray();
        _items = Build(new Random(seed));
        CycleLength = _items.Length;
        OrdersPerCycle = _items.Count(i => !i.IsQuote);
        // The expected decisions: the in-house gate's, from the first steady cycle on (the same every cycle after it).
        var reference = new InHouseCheck(new InHouseGate(this, selfMatch: true));
        _expected = new RejectReason[CycleLength * (WarmCycles + 1)];
        for (long s = 0; s < _expected.Length; s++)
        {
            ref readonly var it = ref _items[s % CycleLength];
            if (it.IsQuote) reference.Quote(QuoteAt(s));
            else _expected[s] = reference.Check(OrderAt(s)).Reason;
        }
        for (int p = 0; p < CycleLength; p++) _reasonSumPerCycle += (int)_expected[WarmCycles * CycleLength + p];
        if (_reasonSumPerCycle == 0) throw new InvalidOperationException("the book scenario plants no rejects");
    }

    public InstrumentRegistry Registry { get; }
    public ScenarioInstrument[] Instruments { get; }
    public string[] AccountNames { get; }
    public AccountId[] Accounts { get; }
    /// <summary>Items (order requests and quotes) per cycle.</summary>
    public int CycleLength { get; }
    /// <summary>Order requests per cycle.</summary>
    public int OrdersPerCycle { get; }

    /// <summary>True when item <paramref name="sequence"/> is a quote.</summary>
    public bool IsQuote(long sequence) => _items[sequence % CycleLength].IsQuote;

    /// <summary>Item <paramref name="sequence"/> as an order request (it must not be a quote), stamped with its time and id.</summary>
    public OrderRequest OrderAt(long sequence)
    {
        ref readonly var it = ref _items[sequence % CycleLength];
        ref readonly var t = ref it.Template;
        long cycle = sequence / CycleLength + it.IdCycle + WarmCycles; // >= 0: ids start at 1
        return new OrderRequest((sequence + 1) * StepNs, t.Instrument, t.Account, cycle * Slots + t.OrderId + 1, t.Side, t.Price, t.Quantity, t.Action);
    }

    /// <summary>Item <paramref name="sequence"/> as a quote (it must be one), stamped with its time.</summary>
    public BookQuote QuoteAt(long sequence)
    {
        var q = _items[sequence % CycleLength].Quote;
        return q with { TimeNs = (sequence + 1) * StepNs };
    }

    /// <summary>What <paramref name="check"/> must decide for item <paramref name="sequence"/> (None for quotes).</summary>
    public RejectReason Expected(long sequence)
        => _expected[sequence < _expected.Length ? sequence : WarmCycles * CycleLength + sequence % CycleLength];

    /// <summary>Sum of the expected reason codes of items [from, to).</summary>
    public long ExpectedReasonSum(long from, long to)
    {
        long sum = 0;
        while (from < to && (from < _expected.Length || from % CycleLength != 0)) sum += (int)Expected(from++);
        long cycles = (to - from) / CycleLength;
        sum += cycles * _reasonSumPerCycle;
        for (from += cycles * CycleLength; from < to; from++) sum += (int)Expected(from);
        return sum;
    }

    /// <summary>Runs the first <see cref="WarmCycles"/> + 1 cycles through <paramref name="check"/> (advancing
    /// <paramref name="sequence"/>, which must be 0) and throws at the first order decided differently from the in-house gate.</summary>
    public void Verify<TCheck>(ref TCheck check, ref long sequence, string who) where TCheck : struct, IBookCheck
    {
        if (sequence != 0) throw new InvalidOperationException("verify from the start of the stream");
        for (; sequence < _expected.Length; sequence++)
        {
            if (IsQuote(sequence)) { check.Quote(QuoteAt(sequence)); continue; }
            var order = OrderAt(sequence);
            var got = check.Check(in order).Reason;
            if (got != _expected[sequence])
                throw new InvalidOperationException($"{who}: item {sequence} ({order.Action} id {order.OrderId}) decided {got}, the in-house gate {_expected[sequence]}");
        }
    }

    private Item[] Build(Random random)
    {
        var items = new List<Item>(Slots * 3);
        // One quote per instrument first, so every reference is fresh before the first order.
        foreach (var inst in Instruments) items.Add(QuoteItem(inst, random));
        var perm = Enumerable.Range(0, Slots).ToArray();
        random.Shuffle(perm);
        var renewalOf = new int[Slots]; // slot → its renewal index in the cycle (the same every cycle)
        for (int i = 0; i < Slots; i++) renewalOf[perm[i]] = i;
        int messages = 0, planted = 0;
        for (int i = 0; i < Slots; i++)
        {
            int slot = perm[i];
            var (inst, account, side) = SlotOf(slot);
            bool plant = ++planted % 64 == 0;
            var order = NewOrder(inst, account, side, i, random, plant ? planted / 64 % 3 : -1);
            Emit(new Item { Template = order, IdCycle = 0 });
            // The cancel of the order renewal i - CancelLag replaced (sent a cycle earlier), or, at the start of a cycle,
            // of the one the previous cycle's last renewals replaced (two cycles earlier).
            int j = i - CancelLag;
            int cancelled = j >= 0 ? perm[j] : perm[j + Slots];
            var (ci, ca, _) = SlotOf(cancelled);
            Emit(new Item { Template = OrderRequest.Cancel(0, ci.Id, ca, renewalOf[cancelled]), IdCycle = j >= 0 ? -1 : -2 });
            if (random.NextDouble() < 0.05 * 2)
            {
                // A replace of a random slot's newest order: this cycle's if renewed already, else last cycle's.
                int r = random.Next(Slots);
                var (ri, ra, rs) = SlotOf(r);
                var re = NewOrder(ri, ra, rs, renewalOf[r], random, -1);
                Emit(new Item { Template = new OrderRequest(0, re.Instrument, re.Account, re.OrderId, re.Side, re.Price, re.Quantity, OrderAction.Replace), IdCycle = renewalOf[r] <= i ? 0 : -1 });
            }
        }
        return items.ToArray();

        void Emit(Item item)
        {
            items.Add(item);
            if (++messages % 8 == 0) items.Add(QuoteItem(Instruments[random.Next(Instruments.Length)], random));
        }
    }

    private (ScenarioInstrument Instrument, AccountId Account, Side Side) SlotOf(int slot)
        => (Instruments[slot % 16], Accounts[slot / 16 % 4], slot / 64 % 2 == 0 ? Side.Buy : Side.Sell);

    private static OrderRequest NewOrder(ScenarioInstrument inst, AccountId account, Side side, int localId, Random random, int plant)
    {
        long refTicks = (long)Math.Round(inst.ReferencePrice / inst.Tick);
        long offset = Math.Max(1, (long)Math.Round(refTicks * (0.002 + 0.008 * random.NextDouble())));
        double price = (refTicks + (side == Side.Buy ? -offset : offset)) * inst.Tick;
        double quantity = random.Next(1, 60) * inst.Lot;
        switch (plant)
        {
            case 0: price += inst.Tick / 2; break;                                                      // OffTick
            case 1: price = Math.Round(inst.ReferencePrice * (side == Side.Buy ? 0.8 : 1.2) / inst.Tick) * inst.Tick; break; // PriceCollar
            case 2: quantity = 150 * inst.Lot; break;                                                   // MaxOrderQuantity
        }
        return new OrderRequest(0, inst.Id, account, localId, side, RoundToTick(price, inst), RoundToTick(quantity, inst.Lot));
    }

    private static Item QuoteItem(ScenarioInstrument inst, Random random)
    {
        long refTicks = (long)Math.Round(inst.ReferencePrice / inst.Tick);
        long mid = refTicks + (long)Math.Round(refTicks * 0.001 * (2 * random.NextDouble() - 1));
        long half = random.Next(1, 6);
        return new Item
        {
            IsQuote = true,
            Quote = new BookQuote(0, inst.Id, RoundToTick((mid - half) * inst.Tick, inst), RoundToTick((mid + half) * inst.Tick, inst), RoundToTick(mid * inst.Tick, inst)),
        };
    }

    // Prices as the nearest double to a decimal with the tick's digits (what an engine would send).
    private static double RoundToTick(double price, ScenarioInstrument inst) => RoundToTick(price, inst.Tick);

    private static double RoundToTick(double value, double step)
        => Math.Round(value, Math.Max(0, (int)Math.Ceiling(-Math.Log10(step)) + 1));
}
