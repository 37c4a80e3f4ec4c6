namespace CircuitBreaker.Benchmarks.PreTrade;

/// <summary>Limits of one instrument in the scenario, in human units. Every implementation is configured from these.</summary>
internal sealed record ScenarioInstrument(
    string Symbol, InstrumentId Id, InstrumentKind Kind, double Tick, double Lot, double Multiplier, double ReferencePrice,
    double MinQuantity, double MaxQuantity, double MaxNotional, double CollarBps, double MaxLong, double MaxShort, int MaxOpenOrders);

/// <summary>
/// The shared pre-trade workload: 8 instruments, 4 accounts, and a cyclic stream of order requests that every
/// implementation sees in the same order. The stream is blocks of 8 new orders followed by the cancels of those 8,
/// so after each cycle of <see cref="CycleLength"/> requests the gate's state is back where it started and the
/// stream can repeat forever; order ids keep rising (see <see cref="At"/>). One new order in 8 is planted to be
/// rejected (off tick, outside the collar, over max quantity, in rotation); its cancel is then rejected as unknown.
/// Event time advances by <see cref="StepNs"/> per request, so the order-rate window reaches a steady state.
/// </summary>
internal sealed class PreTradeScenario
{
    /// <summary>Requests per cycle (a power of two).</summary>
    public const int CycleLength = 1024;
    /// <summary>Event time between two requests: 100 µs (5 000 new orders/s overall, 1 250/s per account).</summary>
    public const long StepNs = 100_000;
    /// <summary>Order-rate window.</summary>
    public const long RateWindowNs = 1_000_000_000;
    /// <summary>New orders allowed per account per window.</summary>
    public const int MaxOrdersPerWindow = 2_000;
    /// <summary>Cycles a run checks against <see cref="ExpectedPerCycle"/> before timing: enough to fill the rate window
    /// (counted over up to 8/7 of it) and then some, so a limit reached only in steady state shows. (One cycle, 0.1 s of
    /// event time, missed a message-rate limit that refused 11 % of new orders from the tenth cycle on.)</summary>
    public static int VerifyCycles => (int)(RateWindowNs * 8 / 7 / (CycleLength * StepNs)) + 3;

    /// <summary>Open orders allowed per account.</summary>
    public const int MaxOpenOrdersPerAccount = 200;

    private readonly OrderRequest[] _templates = new OrderRequest[CycleLength];
    private readonly RejectReason[] _expected = new RejectReason[CycleLength];
    private long _reasonSumPerCycle;

    /// <summary>The instruments of every pre-trade workload (the scaling scenario cycles through them): symbol, kind, tick,
    /// lot, reference price.</summary>
    internal static readonly (string Symbol, InstrumentKind Kind, double Tick, double Lot, double Ref)[] Specs =
    {
        ("BTC-PERP", InstrumentKind.Perpetual, 0.5, 0.001, 60_000),
        ("ETH-PERP", InstrumentKind.Perpetual, 0.05, 0.01, 3_000),
        ("SOL-PERP", InstrumentKind.Perpetual, 0.001, 0.1, 150),
        ("BTC-USDT", InstrumentKind.Spot, 0.01, 0.00001, 60_000),
        ("ETH-USDT", InstrumentKind.Spot, 0.01, 0.0001, 3_000),
        ("XRP-PERP", InstrumentKind.Perpetual, 0.0001, 1, 0.6),
        ("DOGE-PERP", InstrumentKind.Perpetual, 0.00001, 10, 0.15),
        ("BTC-27DEC", InstrumentKind.Future, 0.5, 0.001, 61_000),
    };

    public PreTradeScenario(int seed = 42)
    {
        Registry = new InstrumentRegistry();
        var specs = Specs;
        Instruments = new ScenarioInstrument[specs.Length];
        for (int i = 0; i < specs.Length; i++)
        {
            var s = specs[i];
            var id = Registry.AddInstrument(s.Symbol, s.Kind, s.Tick, s.Lot);
            Instruments[i] = new ScenarioInstrument(s.Symbol, id, s.Kind, s.Tick, s.Lot, 1, s.Ref,
                MinQuantity: s.Lot, MaxQuantity: 100 * s.Lot, MaxNotional: 100 * s.Lot * s.Ref * 1.05, CollarBps: 500,
                MaxLong: 10_000 * s.Lot, MaxShort: 10_000 * s.Lot, MaxOpenOrders: 100);
        }
        AccountNames = new[] { "mm-alpha", "mm-beta", "arb-1", "hedge" };
        Accounts = AccountNames.Select(Registry.GetOrAddAccount).ToArray();
        BuildStream(new Random(seed));
    }

    /// <summary>Registry issuing the ids used in the stream (ours is configured from it).</summary>
    public InstrumentRegistry Registry { get; }
    /// <summary>Instruments and their limits.</summary>
    public ScenarioInstrument[] Instruments { get; }
    /// <summary>Account names, indexed by account id.</summary>
    public string[] AccountNames { get; }
    /// <summary>Account ids.</summary>
    public AccountId[] Accounts { get; }
    /// <summary>Expected decisions per cycle, by reject reason (None = accepted); every implementation must match it.</summary>
    public Dictionary<RejectReason, int> ExpectedPerCycle { get; } = new();

    /// <summary>The <paramref name="sequence"/>-th request of the endless stream, stamped with its event time. Order ids
    /// keep rising from cycle to cycle (cycle c uses ids c × 512 + 1 … c × 512 + 512), as an engine's do: a stream that
    /// reused the same 512 ids kept the gates' id tables warm and measured our check 1.6x faster than with rising ids.</summary>
    public OrderRequest At(long sequence)
    {
        ref readonly var t = ref _templates[(int)(sequence & (CycleLength - 1))];
        long idOffset = (sequence / CycleLength) * NewOrdersPerCycle;
        return new OrderRequest((sequence + 1) * StepNs, t.Instrument, t.Account, t.OrderId + idOffset, t.Side, t.Price, t.Quantity, t.Action);
    }

    /// <summary>New orders per cycle (and distinct order ids).</summary>
    public const int NewOrdersPerCycle = CycleLength / 2;

    private void BuildStream(Random random)
    {
        int n = 0;
        long nextId = 1;
        var block = new OrderRequest[8];
        for (int b = 0; b < CycleLength / 16; b++)
        {
            for (int k = 0; k < 8; k++)
            {
                var inst = Instruments[random.Next(Instruments.Length)];
                var account = Accounts[random.Next(Accounts.Length)];
                var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
                long refTicks = (long)Math.Round(inst.ReferencePrice / inst.Tick);
                long offsetTicks = (long)(refTicks * 0.01 * random.NextDouble()) * (side == Side.Buy ? -1 : 1); // buys below, sells above: within 1 %, never self-crossing
                double price = (refTicks + offsetTicks) * inst.Tick;
                double quantity = random.Next(1, 60) * inst.Lot;
                var expected = RejectReason.None;
                if (k == 7)
                {
                    switch (b % 3)
                    {
                        case 0: price += inst.Tick / 2; expected = RejectReason.OffTick; break;
                        case 1: price = Math.Round(inst.ReferencePrice * 1.2 / inst.Tick) * inst.Tick; expected = RejectReason.PriceCollar; break;
                        default: quantity = 150 * inst.Lot; expected = RejectReason.MaxOrderQuantity; break;
                    }
                }
                block[k] = new OrderRequest(0, inst.Id, account, nextId++, side, RoundToTick(price, inst), quantity);
                _expected[n] = expected;
                _templates[n++] = block[k];
                Count(expected);
            }
            for (int k = 0; k < 8; k++)
            {
                _templates[n++] = OrderRequest.Cancel(0, block[k].Instrument, block[k].Account, block[k].OrderId);
                Count(RejectReason.None); // cancels always pass, even of an order the gate refused
            }
        }
    }

    // Keep prices as the nearest double to a decimal with the tick's digits (what an engine would send).
    private static double RoundToTick(double price, ScenarioInstrument inst)
        => Math.Round(price, Math.Max(0, (int)Math.Ceiling(-Math.Log10(inst.Tick)) + 1));

    private void Count(RejectReason reason)
    {
        ExpectedPerCycle[reason] = ExpectedPerCycle.GetValueOrDefault(reason) + 1;
        _reasonSumPerCycle += (int)reason;
    }

    /// <summary>Runs <see cref="VerifyCycles"/> full cycles through <paramref name="check"/> (advancing
    /// <paramref name="sequence"/>) and throws at the first whose decisions differ from <see cref="ExpectedPerCycle"/>:
    /// a gate deciding differently, even only in steady state, fails the run instead of producing a misleading figure.</summary>
    public void VerifySteadyState<TCheck>(ref TCheck check, ref long sequence, string who) where TCheck : struct, IPreTradeCheck
    {
        for (int c = 0; c < VerifyCycles; c++)
            DecisionTally.Verify(ref check, ref sequence, CycleLength, At, ExpectedPerCycle, who, $"in cycle {c + 1}");
    }

    /// <summary>The sum of the expected reason codes (<see cref="RejectReason.None"/> = 0) of requests
    /// [<paramref name="from"/>, <paramref name="to"/>): what a run that sums its decisions' codes must get, so a gate that
    /// starts deciding differently in steady state (after the verified cycles) is caught, at no cost inside the timing.</summary>
    public long ExpectedReasonSum(long from, long to)
    {
        long sum = 0;
        while (from < to && (from & (CycleLength - 1)) != 0) sum += (int)_expected[from++ & (CycleLength - 1)];
        long cycles = (to - from) / CycleLength;
        sum += cycles * _reasonSumPerCycle;
        for (from += cycles * CycleLength; from < to; from++) sum += (int)_expected[from & (CycleLength - 1)];
        return sum;
    }
}
