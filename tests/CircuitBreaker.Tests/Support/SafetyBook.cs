namespace CircuitBreaker.Tests.Support;

/// <summary>
/// A breaker with random but valid limits, drawn from one seed: two instruments in one risk group (AAA perpetual,
/// tick 0.5, lot 0.25; BBB spot, tick 0.125, lot 1 — both exact in binary), two accounts, a small rate window.
/// The limits are kept in plain numbers (lots, ticks, bps) for the reference model.
/// </summary>
internal sealed class SafetyBook : IDisposable
{
    public const int Instruments = 2, Accounts = 2;
    public static readonly double[] Tick = { 0.5, 0.125 };
    public static readonly double[] Lot = { 0.25, 1.0 };
    public static readonly long[] StartTicks = { 2_000, 400 };

    public readonly Breaker Breaker;
    public readonly long WindowNs;
    public readonly long[] MinLots = new long[Instruments], MaxLots = new long[Instruments], MaxLong = new long[Instruments], MaxShort = new long[Instruments];
    public readonly double[] MaxNotional = new double[Instruments], CollarBps = new double[Instruments];
    /// <summary>Minimum order notional per instrument (0: none), drawn from a second generator so the other draws keep their seeds.</summary>
    public readonly double[] MinNotional = new double[Instruments];
    public readonly long[] StaleNs = new long[Instruments];
    public readonly ReferencePriceSource[] Source = new ReferencePriceSource[Instruments];
    public readonly MissingReferencePolicy[] Missing = new MissingReferencePolicy[Instruments];
    public readonly int[] InsOpen = new int[Instruments], PairOpen = new int[Instruments], InsOrders = new int[Instruments], InsMessages = new int[Instruments];
    public readonly int[] AccOpen = new int[Accounts], AccOrders = new int[Accounts], AccMessages = new int[Accounts];
    public readonly double[] MaxDailyLoss = new double[Accounts];
    public readonly int GroupOpen, GroupOrders;
    /// <summary>The list cap (3-5 children) and how lists take rate units, drawn from a third generator.</summary>
    public readonly int MaxListOrders;
    public readonly ListRateMode ListRate;

    public SafetyBook(int seed, GateConcurrency concurrency = GateConcurrency.MultiThreaded)
    {
        var r = new Random(seed);
        var r2 = new Random(seed ^ 0x2f6b_1d3c);
        var r3 = new Random(seed ^ 0x51ed_2701);
        MaxListOrders = r3.Next(3, 6);
        ListRate = (ListRateMode)r3.Next(2);
        WindowNs = r.Next(1, 100) * 1_000_000L;
        var b = new CircuitBreakerBuilder().Concurrency(concurrency).RateWindow(TimeSpan.FromTicks(WindowNs / 100)).Capacity(accounts: 4, pairs: 8, orders: 256)
            .Lists(MaxListOrders, ListRate);
        string[] symbols = { "AAA-PERP", "BBB" };
        var kinds = new[] { InstrumentKind.Perpetual, InstrumentKind.Spot };
        for (int i = 0; i < Instruments; i++)
        {
            MinLots[i] = r.Next(1, 4);
            MaxLots[i] = MinLots[i] + r.Next(0, 20);
            double px = StartTicks[i] * Tick[i];
            MaxNotional[i] = r.Next(2) == 0 ? double.PositiveInfinity : px * Lot[i] * r.Next(3, 30);
            CollarBps[i] = r.Next(10, 800);
            Source[i] = (ReferencePriceSource)r.Next(3);
            Missing[i] = (MissingReferencePolicy)r.Next(2);
            StaleNs[i] = r.Next(1, 20) * WindowNs;
            MaxLong[i] = r.Next(1, 40);
            MaxShort[i] = r.Next(1, 40);
            InsOpen[i] = r.Next(1, 12);
            PairOpen[i] = r.Next(1, 8);
            InsOrders[i] = r.Next(1, 15);
            InsMessages[i] = r.Next(1, 30);
            var l = new InstrumentLimits
            {
                MinOrderQuantity = MinLots[i] * Lot[i],
                MaxOrderQuantity = MaxLots[i] * Lot[i],
                MaxOrderNotional = double.IsFinite(MaxNotional[i]) ? MaxNotional[i] : null,
                MinOrderNotional = (MinNotional[i] = r2.Next(2) == 0 ? 0 : px * Lot[i] * r2.Next(1, 4)) > 0 ? MinNotional[i] : null,
                FatFingerMultiple = 1e9,
                CollarBps = CollarBps[i],
                ReferenceSource = Source[i],
                MissingReference = Missing[i],
                ReferenceStaleAfter = TimeSpan.FromTicks(StaleNs[i] / 100),
                MaxLongPosition = MaxLong[i] * Lot[i],
                MaxShortPosition = MaxShort[i] * Lot[i],
                MaxOpenOrders = InsOpen[i],
                MaxOpenOrdersPerAccount = PairOpen[i],
                MaxOrdersPerWindow = InsOrders[i],
                MaxMessagesPerWindow = InsMessages[i],
            };
            b.Instrument(symbols[i], kinds[i], Tick[i], Lot[i], group: "ALL", limits: l);
        }
        for (int a = 0; a < Accounts; a++)
        {
            AccOpen[a] = r.Next(1, 15);
            AccOrders[a] = r.Next(1, 20);
            AccMessages[a] = r.Next(1, 40);
            MaxDailyLoss[a] = r.Next(2) == 0 ? double.PositiveInfinity : r.Next(1, 300);
            b.Account("acc-" + a, new AccountLimits
            {
                MaxOpenOrders = AccOpen[a],
                MaxOrdersPerWindow = AccOrders[a],
                MaxMessagesPerWindow = AccMessages[a],
                MaxDailyLoss = double.IsFinite(MaxDailyLoss[a]) ? MaxDailyLoss[a] : null,
            });
        }
        GroupOpen = r.Next(1, 20);
        GroupOrders = r.Next(1, 25);
        b.Group("ALL", new GroupLimits { MaxOpenOrders = GroupOpen, MaxOrdersPerWindow = GroupOrders });
        Breaker = new Breaker(b.BuildConfig());
    }

    public string Describe() =>
        $"window {WindowNs} ns; " + string.Join("; ", Enumerable.Range(0, Instruments).Select(i =>
            $"ins{i}: lots {MinLots[i]}..{MaxLots[i]}, notional {MinNotional[i]}..{MaxNotional[i]}, collar {CollarBps[i]} bps ({Source[i]}, {Missing[i]}, stale {StaleNs[i]}), long {MaxLong[i]}, short {MaxShort[i]}, open {InsOpen[i]}/{PairOpen[i]}, rate {InsOrders[i]}/{InsMessages[i]}"))
        + "; " + string.Join("; ", Enumerable.Range(0, Accounts).Select(a => $"acc{a}: open {AccOpen[a]}, rate {AccOrders[a]}/{AccMessages[a]}, loss {MaxDailyLoss[a]}"))
        + $"; group open {GroupOpen}, rate {GroupOrders}; lists at most {MaxListOrders}, rate {ListRate}";

    public void Dispose() => Breaker.Dispose();
}
