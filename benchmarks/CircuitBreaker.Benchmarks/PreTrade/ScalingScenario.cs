namespace CircuitBreaker.Benchmarks.PreTrade;

/// <summary>
/// The pre-trade workload at scale: <see cref="InstrumentCount"/> instruments (the 8 contract specs of
/// <see cref="PreTradeScenario"/> in rotation, symbols <c>BTC-PERP.0</c>, <c>ETH-PERP.1</c>, ...), 4 accounts, and a
/// stream of the same shape as <see cref="PreTradeScenario"/> (blocks of 8 new orders then their 8 cancels, 1 planted
/// reject per block) whose instruments are drawn uniformly from all of them by a precomputed random sequence of
/// <see cref="NewOrdersPerCycle"/> new orders. With 100,000 instruments a cycle touches ~73,000 instruments and
/// ~104,000 account × instrument pairs, so most checks read gate state that is not in the core's caches (L1/L2).
/// <para>
/// Gate sizing (<see cref="CreateGate"/>): pair capacity = instruments × accounts (every pair may appear; at least
/// 1,024), 16 open orders per account and instrument (the stream never has more than 8 working at once), so the
/// self-match book is pairs × 16 × 2 sides × 8 B (~98 MiB for 100,000 instruments, under the builder's 512 MiB
/// limit), order capacity 65,536 (at most 8 working), account limits 2,000 new orders/s, 4,000 messages/s and 200 open orders (the stream sends ~1,250
/// new orders and as many cancels per second per account); instrument limits at the defaults.
/// </para>
/// </summary>
internal sealed class ScalingScenario
{
    /// <summary>New orders per cycle (a power of two); the stream repeats after twice as many requests.</summary>
    public const int NewOrdersPerCycle = 1 << 17;
    /// <summary>Requests per cycle (news and cancels).</summary>
    public const int CycleLength = 2 * NewOrdersPerCycle;
    /// <summary>Accounts.</summary>
    public const int AccountCount = 4;
    /// <summary>Open orders allowed per account and instrument (also the self-match book depth).</summary>
    public const int MaxOpenOrdersPerPair = 16;

    private static readonly (string Symbol, InstrumentKind Kind, double Tick, double Lot, double Ref)[] Specs = PreTradeScenario.Specs;

    private readonly OrderRequest[] _news = new OrderRequest[NewOrdersPerCycle];

    public ScalingScenario(int instruments, int seed = 42)
    {
        if (instruments < 1) throw new ArgumentOutOfRangeException(nameof(instruments), instruments, "at least one instrument");
        InstrumentCount = instruments;
        BuildStream(new Random(seed));
    }

    /// <summary>Instruments in the configuration; the stream spreads over all of them.</summary>
    public int InstrumentCount { get; }
    /// <summary>Distinct instruments one cycle of the stream touches.</summary>
    public int InstrumentsTouched { get; private set; }
    /// <summary>Expected decisions per cycle, by reject reason (None = accepted).</summary>
    public Dictionary<RejectReason, int> ExpectedPerCycle { get; } = new();

    /// <summary>The <paramref name="sequence"/>-th request of the endless stream, stamped with its event time.</summary>
    public OrderRequest At(long sequence)
    {
        // Blocks of 16 requests: 8 new orders, then the cancels of the same 8.
        long block = sequence >> 4;
        int k = (int)(sequence & 7);
        ref readonly var t = ref _news[(int)(((block << 3) + k) & (NewOrdersPerCycle - 1))];
        long time = (sequence + 1) * PreTradeScenario.StepNs;
        long id = t.OrderId + ((block << 3) / NewOrdersPerCycle) * NewOrdersPerCycle; // ids keep rising, cycle after cycle
        return (sequence & 8) == 0
            ? new OrderRequest(time, t.Instrument, t.Account, id, t.Side, t.Price, t.Quantity)
            : OrderRequest.Cancel(time, t.Instrument, t.Account, id);
    }

    /// <summary>Our breaker for this scenario, full default control set on, reference prices fed (see the class summary for sizing).</summary>
    public Breaker CreateGate(GateConcurrency concurrency = GateConcurrency.MultiThreaded)
    {
        var b = new CircuitBreakerBuilder()
            .Concurrency(concurrency)
            .RateWindow(TimeSpan.FromTicks(PreTradeScenario.RateWindowNs / 100))
            .DefaultAccountLimits(new AccountLimits
            {
                MaxOrdersPerWindow = PreTradeScenario.MaxOrdersPerWindow,
                MaxMessagesPerWindow = 2 * PreTradeScenario.MaxOrdersPerWindow, // news + cancels: ~2,500/s per account
                MaxOpenOrders = PreTradeScenario.MaxOpenOrdersPerAccount,
                MaxGrossExposure = 1e12,
                MaxNetExposure = 1e12,
                MaxDailyLoss = 1e9,
            })
            .Capacity(pairs: Math.Max(1024, InstrumentCount * AccountCount), orders: 65_536)
            .SelfMatchBookLimit(CircuitBreakerBuilder.MaxOrderBookBytes); // 98 MiB at 100,000 instruments
        var limits = Specs.Select(s => new InstrumentLimits
        {
            MinOrderQuantity = s.Lot,
            MaxOrderQuantity = 100 * s.Lot,
            MaxOrderNotional = 100 * s.Lot * s.Ref * 1.05,
            CollarBps = 500,
            MaxLongPosition = 10_000 * s.Lot,
            MaxShortPosition = 10_000 * s.Lot,
            MaxOpenOrdersPerAccount = MaxOpenOrdersPerPair,
            ReferenceStaleAfter = TimeSpan.FromDays(3650), // the reference never moves
            FatFingerMultiple = 1_000,                      // runs, but the stream's sizes never trip it
        }).ToArray();
        for (int i = 0; i < InstrumentCount; i++)
        {
            var s = Specs[i % Specs.Length];
            b.Instrument($"{s.Symbol}.{i}", s.Kind, s.Tick, s.Lot, limits: limits[i % Specs.Length]);
        }
        for (int a = 0; a < AccountCount; a++) b.Account($"acct-{a}");
        var breaker = new Breaker(b.BuildConfig());
        for (int i = 0; i < InstrumentCount; i++)
        {
            var s = Specs[i % Specs.Length];
            breaker.Apply(RiskEvent.Trade(1, new InstrumentId(i), s.Ref, s.Lot));
        }
        return breaker;
    }

    private void BuildStream(Random random)
    {
        var touched = new HashSet<int>();
        long nextId = 1;
        for (int n = 0; n < NewOrdersPerCycle; n++)
        {
            int ins = random.Next(InstrumentCount);
            touched.Add(ins);
            var s = Specs[ins % Specs.Length];
            var account = new AccountId(random.Next(AccountCount));
            var side = random.Next(2) == 0 ? Side.Buy : Side.Sell;
            long refTicks = (long)Math.Round(s.Ref / s.Tick);
            long offsetTicks = (long)(refTicks * 0.01 * random.NextDouble()) * (side == Side.Buy ? -1 : 1); // never self-crossing
            double price = (refTicks + offsetTicks) * s.Tick;
            double quantity = random.Next(1, 60) * s.Lot;
            var expected = RejectReason.None;
            if ((n & 7) == 7)
            {
                switch ((n >> 3) % 3)
                {
                    case 0: price += s.Tick / 2; expected = RejectReason.OffTick; break;
                    case 1: price = Math.Round(s.Ref * 1.2 / s.Tick) * s.Tick; expected = RejectReason.PriceCollar; break;
                    default: quantity = 150 * s.Lot; expected = RejectReason.MaxOrderQuantity; break;
                }
            }
            price = Math.Round(price, Math.Max(0, (int)Math.Ceiling(-Math.Log10(s.Tick)) + 1));
            _news[n] = new OrderRequest(0, new InstrumentId(ins), account, nextId++, side, price, quantity);
            Count(expected);
            Count(RejectReason.None); // its cancel always passes
        }
        InstrumentsTouched = touched.Count;
    }

    /// <summary>Runs one full cycle through <paramref name="check"/> (advancing <paramref name="sequence"/>) and throws
    /// when its decisions differ from <see cref="ExpectedPerCycle"/>: a misconfigured gate fails the run instead of
    /// producing a misleading figure.</summary>
    public void VerifyCycle<TCheck>(ref TCheck check, ref long sequence, string who) where TCheck : struct, IPreTradeCheck
        => DecisionTally.Verify(ref check, ref sequence, CycleLength, At, ExpectedPerCycle, who, "per cycle");

    private void Count(RejectReason reason) => ExpectedPerCycle[reason] = ExpectedPerCycle.GetValueOrDefault(reason) + 1;
}
