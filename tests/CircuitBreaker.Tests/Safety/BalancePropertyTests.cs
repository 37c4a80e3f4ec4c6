using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace CircuitBreaker.Tests.Safety;

/// <summary>
/// Property-based check of cash and margin balances against <see cref="BalanceModel"/> (issue 20): a margin account and a
/// cash account, two instruments settling in two currencies, random leverage, fee rates and starting balances; random new
/// orders, growing and shrinking replaces, cancels, partial fills of working orders and of unknown ids, trades, quotes and
/// oracle prices moving the mark, and deposits, withdrawals, fees, funding, PnL and set events. After every check the
/// gate's decision must agree with the model (an exposure-increasing order accepted only within the free balance, a
/// position-reducing one never refused for balance, an order within the balance never refused) and the gate's
/// <see cref="PreTradeGate.Balance"/> snapshot (balance, held, free) must equal the model's. All three concurrency modes.
/// A failure names the seed and step, which replay it exactly.
/// </summary>
public class BalancePropertyTests(ITestOutputHelper output)
{
    public const int Cases = 300;

    private enum OpKind { New, Replace, Cancel, Fill, Trade, Quote, Oracle, BalanceEvent, List, Batch }
    private readonly record struct Op(OpKind Kind, int Acc = 0, int Ins = 0, Side Side = Side.Buy, long Px = 0, long Lots = 0, long Id = 0, BalanceChange Change = BalanceChange.Deposit, double Amount = 0, Op[]? Children = null)
    {
        public override string ToString() => Children is null ? $"{Kind} acc{Acc} ins{Ins} #{Id} {Side} {Lots} @ {Px} {(Kind == OpKind.BalanceEvent ? $"{Change} {Amount}" : "")}"
            : $"{Kind} acc{Acc} [{string.Join("; ", Children.Select(c => $"ins{c.Ins} #{c.Id} {c.Side} {c.Lots} @ {c.Px}"))}]";
    }

    private sealed class Stats { public long Steps, Accepted, Refused, ReducingPassed, Compared, Lists, ListsAccepted, ListsTooLarge, Batches, BatchesAccepted, ChildRefusedForBalance, PassedInRefused; }

    private static readonly double[] Tick = { 0.5, 0.125 }, Lot = { 0.25, 1.0 };
    private static readonly long[] Start = { 2_000, 400 };
    private const long StepNs = 1_000_000;

    private sealed class Book : IDisposable
    {
        public readonly Breaker Breaker;
        public readonly BalanceModel Model;
        public readonly int[] CurIndex = new int[2];

        public readonly int MaxListOrders;

        public Book(double[] rate, double[] fee, double[,] balance, GateConcurrency mode, int maxListOrders = RiskDefaults.MaxListOrders, ListRateMode listRate = ListRateMode.PerList)
        {
            MaxListOrders = maxListOrders;
            string[] cur = { "USD", "USDT" };
            var modes = new[] { BalanceMode.Margin, BalanceMode.Cash };
            var b = new CircuitBreakerBuilder().Concurrency(mode).Capacity(accounts: 2, pairs: 8, orders: 512).Lists(maxListOrders, listRate);
            for (int i = 0; i < 2; i++)
                b.Instrument(i == 0 ? "AAA-PERP" : "BBB", i == 0 ? InstrumentKind.Perpetual : InstrumentKind.Spot, Tick[i], Lot[i], limits: new InstrumentLimits
                {
                    FatFingerMultiple = 1e9, CollarBps = 9_000, MaxOrderQuantity = 1e6, MaxLongPosition = 1e7, MaxShortPosition = 1e7,
                    ReferenceStaleAfter = TimeSpan.FromDays(1), MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 1_000_000, MaxModifiesPerWindow = 1_000_000,
                    SettlementCurrency = cur[i], MarginRate = rate[i], FeeRate = fee[i],
                });
            for (int a = 0; a < 2; a++)
                b.Account("acc-" + a, new AccountLimits
                {
                    BalanceMode = modes[a], PreventSelfMatch = false, MaxOpenOrders = 10_000, MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 1_000_000,
                    MaxModifiesPerWindow = 1_000_000, Balances = new Dictionary<string, double> { ["USD"] = balance[a, 0], ["USDT"] = balance[a, 1] },
                });
            Breaker = new Breaker(b.BuildConfig());
            for (int i = 0; i < 2; i++) CurIndex[i] = Breaker.Config.CurrencyIndex(cur[i]);
            Model = new BalanceModel(Tick, Lot, rate, fee, CurIndex, modes, balance.Clone() is double[,] m ? Remap(m) : balance);
        }

        /// <summary>The model keeps balances by the gate's currency index (the configuration sorts currencies).</summary>
        private double[,] Remap(double[,] byName)
        {
            var r = new double[2, 2];
            for (int a = 0; a < 2; a++) for (int i = 0; i < 2; i++) r[a, CurIndex[i]] = byName[a, i];
            return r;
        }

        public void Dispose() => Breaker.Dispose();
    }

    private static Gen<(int Seed, int Steps)> CaseGen =>
        from seed in Gen.Choose(0, int.MaxValue)
        from steps in Gen.Choose(20, 200)
        select (seed, steps);

    [Theory]
    [InlineData(GateConcurrency.MultiThreaded)]
    [InlineData(GateConcurrency.SingleWriter)]
    [InlineData(GateConcurrency.AccountOwned)]
    public void Balances_RandomFlow_GateAgreesWithTheIndependentModel(GateConcurrency mode)
    {
        var stats = new Stats();
        var prop = Prop.ForAll(Arb.From(CaseGen), c =>
        {
            string? failure = RunRandom(c.Seed, c.Steps, mode, stats);
            return failure is null ? true.Label("ok") : false.Label(failure);
        });
        Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(Cases), prop);
        output.WriteLine($"{Cases} cases, {stats.Steps} steps; accepted {stats.Accepted}, refused for balance {stats.Refused}, reducing passed {stats.ReducingPassed}, snapshots compared {stats.Compared}");
        // Not vacuous: the balance limit was hit often, reducing orders were exercised, and snapshots were compared.
        Assert.True(stats.Refused > Cases, $"only {stats.Refused} orders refused for balance");
        Assert.True(stats.Accepted > Cases * 5, $"only {stats.Accepted} accepted");
        Assert.True(stats.ReducingPassed > Cases / 4, $"only {stats.ReducingPassed} reducing orders passed");
        Assert.True(stats.Compared > Cases * 10, $"only {stats.Compared} snapshots compared");
        output.WriteLine($"lists {stats.Lists} ({stats.ListsAccepted} accepted, {stats.ListsTooLarge} over the cap), batches {stats.Batches} ({stats.BatchesAccepted} accepted); children refused for balance {stats.ChildRefusedForBalance}, passed inside a refused list or batch {stats.PassedInRefused}");
        Assert.True(stats.ListsAccepted > Cases && stats.Lists - stats.ListsAccepted - stats.ListsTooLarge > Cases / 2, "lists must reach both outcomes");
        Assert.True(stats.BatchesAccepted > Cases / 2 && stats.Batches - stats.BatchesAccepted > Cases / 4, "batches must reach both outcomes");
        Assert.True(stats.ListsTooLarge > Cases / 10, $"only {stats.ListsTooLarge} lists over the cap");
        Assert.True(stats.PassedInRefused > Cases / 4, $"only {stats.PassedInRefused} children passed inside a refused list or batch: the rollback is not exercised");
    }

    /// <summary>Control: a wrong model that checks each child of a list or batch on its own (forgetting the holds of the
    /// children before it) must be contradicted by the gate, and FsCheck must find the counterexample, so the list and batch
    /// properties can fail.</summary>
    [Fact]
    public void Balances_Control_AModelThatForgetsTheEarlierChildren_IsCaughtByFsCheck()
    {
        var prop = Prop.ForAll(Arb.From(CaseGen), c =>
        {
            string? failure = RunRandom(c.Seed, c.Steps, GateConcurrency.MultiThreaded, null, forgetEarlierChildren: true);
            return failure is null ? true.Label("ok") : false.Label(failure);
        });
        var ex = Assert.ThrowsAny<Exception>(() => Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(Cases), prop));
        Assert.Matches("child [0-9]+ (refused within the balance|figures: free)", ex.Message);
        output.WriteLine(ex.Message.Split('\n').FirstOrDefault(l => l.Contains("refused within", StringComparison.Ordinal)) ?? "");
    }

    /// <summary>The once-failing case (a fill after a newer oracle: the keeper marked the fill at the oracle, the model at
    /// the last trade by the documented rule), kept as an explicit example in every mode and time origin.</summary>
    [Theory]
    [InlineData(GateConcurrency.MultiThreaded)]
    [InlineData(GateConcurrency.SingleWriter)]
    [InlineData(GateConcurrency.AccountOwned)]
    public void Balances_FillAfterANewerOracle_MarksAtTheLastTrade(GateConcurrency mode)
    {
        foreach (long origin in TimeOrigins.For(1_000_000_000 + 1_000 * StepNs))
        {
            Op[] script =
            [
                new(OpKind.Oracle, Ins: 0, Px: 1_800),                                    // newer than the trade: no mark
                new(OpKind.New, Acc: 0, Ins: 0, Side: Side.Buy, Px: 2_000, Lots: 8, Id: 1),
                new(OpKind.Fill, Acc: 0, Ins: 0, Side: Side.Buy, Px: 2_000, Lots: 8, Id: 1),
                new(OpKind.New, Acc: 0, Ins: 0, Side: Side.Buy, Px: 2_000, Lots: 1, Id: 2), // compares the snapshot
                new(OpKind.Cancel, Acc: 0, Id: 2),
            ];
            string? failure = Run(new[] { 0.1, 0.5 }, new[] { 0.0, 0.0 }, new double[,] { { 500, 500 }, { 500, 500 } }, mode, origin, _ => script, null);
            Assert.True(failure is null, failure);
        }
    }

    private static string? RunRandom(int seed, int steps, GateConcurrency mode, Stats? stats, bool forgetEarlierChildren = false)
    {
        var r = new Random(seed);
        var r2 = new Random(seed ^ 0x3c6e_f372); // list settings: the draws above keep their seeds
        int maxList = r2.Next(2, 5);
        var listRate = (ListRateMode)r2.Next(2);
        double[] rate = { 1.0 / r.Next(1, 21), 1.0 / r.Next(1, 4) };
        double[] fee = { r.Next(3) * 0.0005, r.Next(3) * 0.001 };
        // Balances in range of a few orders (a lot of AAA is 250, of BBB 50) so the limit is hit often.
        var balance = new double[,] { { r.Next(0, 40) * 25.0, r.Next(0, 40) * 25.0 }, { r.Next(0, 60) * 25.0, r.Next(0, 60) * 25.0 } };
        long origin = TimeOrigins.For(1_000_000_000 + 1_000 * StepNs)[(int)((uint)seed % 5)];
        // Each case runs at origin 0 or a present-day Unix-ns origin (1.8e18), and the other origins, by seed.
        return Run(rate, fee, balance, mode, origin, m => new OpGenerator(r, m).Ops(steps), stats, seed, maxList, listRate, forgetEarlierChildren);
    }

    /// <summary>Generates operations against a running view of what is working, so fills and replaces mostly hit live orders.</summary>
    private sealed class OpGenerator(Random r, BalanceModel model)
    {
        private readonly long[] _mkt = (long[])Start.Clone();
        private long _nextId = 1;

        public IEnumerable<Op> Ops(int steps)
        {
            for (int step = 0; step < steps; step++)
            {
                int op = r.Next(100), acc = r.Next(2), ins = r.Next(2);
                var live = model.Orders.ToArray();
                if (op < 8 || (op >= 35 && op < 40))
                {
                    // A list of 1-5 new orders of one account (either instrument and side): over the cap sometimes.
                    int n = r.Next(1, 6);
                    var kids = new Op[n];
                    for (int k = 0; k < n; k++)
                    {
                        int ci = r.Next(2);
                        var side = (Side)r.Next(2);
                        long pos = model.Position[acc, ci];
                        if (pos != 0 && r.Next(3) == 0) side = pos > 0 ? Side.Sell : Side.Buy;
                        kids[k] = new(OpKind.New, acc, ci, side, Price(ci), r.Next(1, 8), _nextId++);
                    }
                    yield return new(OpKind.List, acc, kids[0].Ins, Children: kids);
                }
                else if (op >= 40 && op < 45 && live.Length > 0)
                {
                    // A batch of replaces of 1-3 distinct working orders of one account: grow or shrink, same or new price.
                    int bacc = live[r.Next(live.Length)].Key.acc;
                    var mine = live.Where(kv => kv.Key.acc == bacc).OrderBy(_ => r.Next()).Take(r.Next(1, 4)).ToArray();
                    var kids = mine.Select(kv => new Op(OpKind.Replace, kv.Key.acc, kv.Value.Ins, kv.Value.Side, r.Next(3) == 0 ? kv.Value.Px : Price(kv.Value.Ins),
                        r.Next(2) == 0 ? Math.Max(1, kv.Value.Lots - r.Next(0, 3)) : kv.Value.Lots + r.Next(1, 6), kv.Key.id)).ToArray();
                    yield return new(OpKind.Batch, kids[0].Acc, kids[0].Ins, Children: kids);
                }
                else if (op < 35)
                {
                    var side = (Side)r.Next(2);
                    long pos = model.Position[acc, ins];
                    if (pos != 0 && r.Next(3) == 0) side = pos > 0 ? Side.Sell : Side.Buy; // aim at reducing orders
                    long lots = r.Next(4) == 0 && pos != 0 ? Math.Max(1, Math.Abs(pos) - r.Next(0, 2)) : r.Next(1, 12);
                    yield return new(OpKind.New, acc, ins, side, Price(ins), lots, _nextId++);
                }
                else if (op < 47 && live.Length > 0)
                {
                    var (key, e) = live[r.Next(live.Length)];
                    long lots = r.Next(2) == 0 ? Math.Max(1, e.Lots - r.Next(0, 3)) : e.Lots + r.Next(1, 6);
                    yield return new(OpKind.Replace, key.acc, e.Ins, e.Side, r.Next(3) == 0 ? e.Px : Price(e.Ins), lots, key.id);
                }
                else if (op < 55 && live.Length > 0) { var key = live[r.Next(live.Length)].Key; yield return new(OpKind.Cancel, key.acc, 0, Id: key.id); }
                else if (op < 72)
                {
                    if (live.Length > 0 && r.Next(8) > 0)
                    {
                        var (key, e) = live[r.Next(live.Length)];
                        yield return new(OpKind.Fill, key.acc, e.Ins, e.Side, Price(e.Ins), r.NextInt64(1, e.Lots + 1), key.id);
                    }
                    else yield return new(OpKind.Fill, acc, ins, (Side)r.Next(2), Price(ins), r.Next(1, 4), -999);
                }
                else if (op < 90)
                {
                    _mkt[ins] = Math.Max(10, _mkt[ins] + (long)Math.Round(_mkt[ins] * (r.NextDouble() * 2 - 1) * 0.04));
                    var kind = r.Next(4) switch { 0 => OpKind.Quote, 1 => OpKind.Oracle, _ => OpKind.Trade };
                    yield return new(kind, Ins: ins, Px: _mkt[ins]);
                }
                else
                {
                    var change = (BalanceChange)r.Next(6);
                    double amount = change == BalanceChange.Set ? r.Next(0, 60) * 25.0 : (r.NextDouble() * 2 - (change is BalanceChange.Deposit or BalanceChange.Withdrawal ? 0 : 1)) * 300;
                    yield return new(OpKind.BalanceEvent, acc, ins, Change: change, Amount: amount);
                }
            }
        }

        private long Price(int ins) => Math.Max(1, _mkt[ins] + (long)Math.Round(_mkt[ins] * (r.NextDouble() * 2 - 1) * 0.03));
    }

    private static string? Run(double[] rate, double[] fee, double[,] balance, GateConcurrency mode, long origin, Func<BalanceModel, IEnumerable<Op>> ops, Stats? stats, int seed = -1,
        int maxList = RiskDefaults.MaxListOrders, ListRateMode listRate = ListRateMode.PerList, bool forgetEarlierChildren = false)
    {
        using var book = new Book(rate, fee, balance, mode, maxList, listRate);
        if (book.Breaker.Gate.Concurrency != mode) return $"built in {book.Breaker.Gate.Concurrency}, not {mode}";
        var bk = book.Breaker;
        var m = book.Model;
        long now = origin + 1_000_000_000;
        for (int i = 0; i < 2; i++) { bk.Apply(RiskEvent.Trade(now, new InstrumentId(i), Start[i] * Tick[i], Lot[i])); m.OnTrade(i, Start[i] * Tick[i]); }
        string where = $"seed {seed}, origin {origin}, {mode}, lists at most {maxList} ({listRate}), rates {rate[0]}/{rate[1]}, fees {fee[0]}/{fee[1]}, balances {balance[0, 0]}/{balance[0, 1]} (margin), {balance[1, 0]}/{balance[1, 1]} (cash)";
        int step = 0;
        foreach (var op in ops(m))
        {
            step++;
            if (stats is not null) stats.Steps++;
            now += StepNs;
            string? breach = op.Children is null ? Apply(bk, m, book, op, now, stats) : ApplyGroup(bk, m, book, op, now, stats, forgetEarlierChildren);
            if (breach is not null) return $"{where}, step {step} ({op}): {breach}";
        }
        return null;
    }

    private static string? Apply(Breaker bk, BalanceModel m, Book book, Op op, long now, Stats? stats)
    {
        var ins = new InstrumentId(op.Ins);
        var acc = new AccountId(op.Acc);
        switch (op.Kind)
        {
            case OpKind.Trade: bk.Apply(RiskEvent.Trade(now, ins, op.Px * Tick[op.Ins], Lot[op.Ins])); m.OnTrade(op.Ins, op.Px * Tick[op.Ins]); return null;
            case OpKind.Quote: bk.Apply(RiskEvent.Quote(now, ins, (op.Px - 1) * Tick[op.Ins], (op.Px + 1) * Tick[op.Ins])); m.OnQuote(op.Ins, op.Px * Tick[op.Ins]); return null;
            case OpKind.Oracle: bk.Apply(RiskEvent.Oracle(now, ins, op.Px * Tick[op.Ins])); m.OnOracle(op.Ins, op.Px * Tick[op.Ins]); return null;
            case OpKind.Fill: bk.Apply(RiskEvent.Fill(now, ins, acc, op.Id, op.Side, op.Px * Tick[op.Ins], op.Lots * Lot[op.Ins])); m.OnFill(op.Acc, op.Ins, op.Id, op.Side, op.Px, op.Lots); return null;
            case OpKind.BalanceEvent: bk.Apply(RiskEvent.Balance(now, acc, m.Currency[op.Ins], op.Change, op.Amount)); m.OnBalance(op.Acc, m.Currency[op.Ins], op.Change, op.Amount); return null;
            case OpKind.Cancel:
            {
                m.Orders.TryGetValue((op.Acc, op.Id), out var e);
                var c = OrderRequest.Cancel(now, new InstrumentId(e?.Ins ?? 0), acc, op.Id);
                if (!bk.Check(in c).IsAccepted) return "cancel refused";
                m.Orders.Remove((op.Acc, op.Id));
                return Compare(bk, m, book, op.Acc, e is null ? 0 : m.Currency[e.Ins], stats);
            }
        }
        int cur = m.Currency[op.Ins];
        double collateral = m.Collateral(op.Acc, cur), heldBefore = m.Held(op.Acc, cur);
        double need, growth;
        bool reducing;
        Decision d;
        if (op.Kind == OpKind.New)
        {
            growth = m.Hold(op.Acc, op.Ins, op.Px, op.Lots);
            reducing = m.Reducing(op.Acc, op.Ins, op.Side, m.Working(op.Acc, op.Ins, op.Side) + op.Lots);
            var o = new OrderRequest(now, ins, acc, op.Id, op.Side, op.Px * Tick[op.Ins], op.Lots * Lot[op.Ins]);
            d = bk.Check(in o);
        }
        else
        {
            if (!m.Orders.TryGetValue((op.Acc, op.Id), out var e)) return null;
            growth = m.Hold(op.Acc, op.Ins, op.Px, op.Lots) - m.Hold(op.Acc, op.Ins, e.Px, e.Lots);
            reducing = m.Reducing(op.Acc, op.Ins, e.Side, m.Working(op.Acc, op.Ins, e.Side) - e.Lots + op.Lots);
            var o = new OrderRequest(now, ins, acc, op.Id, e.Side, op.Px * Tick[op.Ins], op.Lots * Lot[op.Ins], OrderAction.Replace);
            d = bk.Check(in o);
        }
        need = heldBefore + growth;
        // The gate rounds each order's hold up to 1e-4 in fixed point; beyond that, doubles summed in another order.
        double tol = 1e-4 * (m.HeldOrders(op.Acc, cur) + 2) + 1e-9 * (Math.Abs(collateral) + need);
        bool increases = growth > 0 && !reducing;
        if (d.IsAccepted)
        {
            if (increases && need > collateral + tol) return $"accepted beyond the balance: hold {need} > free {collateral}";
            if (stats is not null) { stats.Accepted++; if (reducing && growth > 0 && need > collateral + tol) stats.ReducingPassed++; }
            if (op.Kind == OpKind.New) m.Orders[(op.Acc, op.Id)] = new BalanceModel.Live { Acc = op.Acc, Ins = op.Ins, Side = op.Side, Px = op.Px, Lots = op.Lots };
            else { var e = m.Orders[(op.Acc, op.Id)]; e.Px = op.Px; e.Lots = op.Lots; }
        }
        else if (d.Reason == RejectReason.InsufficientBalance)
        {
            if (reducing) return "a position-reducing order was refused for balance";
            if (!increases) return $"an order that holds no more ({growth}) was refused for balance";
            if (need <= collateral - tol) return $"refused within the balance: hold {need} ≤ free {collateral}";
            if (Math.Abs(d.Limit - collateral) > tol || Math.Abs(d.Observed - need) > tol) return $"figures: free {d.Limit} (model {collateral}), held {d.Observed} (model {need})";
            if (stats is not null) stats.Refused++;
        }
        else return $"refused for {d.Reason}, which this book never configures";
        return Compare(bk, m, book, op.Acc, cur, stats);
    }

    /// <summary>
    /// A list (new orders) or a batch (replaces) of one account against the model: over the cap, every child ListTooLarge
    /// with the cap and the size; otherwise each child in order against the free balance with the holds of the children
    /// before it that passed (the model's own arithmetic, as for a single order): a child refused for balance must be
    /// beyond the balance and not reducing, a child that passed (accepted, or ListRejected / BatchRejected in a refused
    /// group) within it. All accepted or none; an accepted group is its children applied in order; a refused one leaves
    /// the model as it was, and the gate's snapshots in both currencies must then equal it exactly.
    /// <paramref name="forgetEarlierChildren"/> makes the model wrong on purpose (each child alone), for the control.
    /// </summary>
    private static string? ApplyGroup(Breaker bk, BalanceModel m, Book book, Op op, long now, Stats? stats, bool forgetEarlierChildren)
    {
        var kids = op.Children!;
        int n = kids.Length, acc = op.Acc;
        bool batch = op.Kind == OpKind.Batch;
        var items = new OrderRequest[n];
        var old = new (long Px, long Lots)[n];
        for (int k = 0; k < n; k++)
        {
            var c = kids[k];
            if (batch) { var e = m.Orders[(acc, c.Id)]; old[k] = (e.Px, e.Lots); }
            items[k] = new OrderRequest(now, new InstrumentId(c.Ins), new AccountId(acc), c.Id, c.Side, c.Px * Tick[c.Ins], c.Lots * Lot[c.Ins], batch ? OrderAction.Replace : OrderAction.New);
        }
        var d = new Decision[n];
        var first = batch ? bk.CheckBatch(items, d) : bk.CheckList(items, d);
        if (stats is not null) { if (batch) stats.Batches++; else stats.Lists++; }
        string? Snapshots() => Compare(bk, m, book, acc, 0, stats) ?? Compare(bk, m, book, acc, 1, stats);
        if (n > book.MaxListOrders)
        {
            if (stats is not null) stats.ListsTooLarge++;
            if (d.Any(x => x.Reason != RejectReason.ListTooLarge) || first.Limit != book.MaxListOrders || first.Observed != n)
                return $"over the cap {book.MaxListOrders}: {first.Reason} (limit {first.Limit}, observed {first.Observed}), children {string.Join(", ", d.Select(x => x.Reason))}";
            return Snapshots();
        }
        int accepted = d.Count(x => x.IsAccepted);
        if (accepted != 0 && accepted != n) return $"{accepted} of {n} children accepted: all or nothing";
        if (first.IsAccepted != (accepted == n)) return "the group's decision disagrees with its children's";
        var passed = batch ? RejectReason.BatchRejected : RejectReason.ListRejected;
        var held = new double[2];
        var extra = new Dictionary<(int Ins, Side Side), long>();
        for (int cur = 0; cur < 2; cur++) held[cur] = m.Held(acc, cur);
        for (int k = 0; k < n; k++)
        {
            var c = kids[k];
            int cur = m.Currency[c.Ins];
            var side = batch ? m.Orders[(acc, c.Id)].Side : c.Side;
            double collateral = m.Collateral(acc, cur);
            double growth = m.Hold(acc, c.Ins, c.Px, c.Lots) - (batch ? m.Hold(acc, c.Ins, old[k].Px, old[k].Lots) : 0);
            long working = m.Working(acc, c.Ins, side) + extra.GetValueOrDefault((c.Ins, side)) + c.Lots - (batch ? old[k].Lots : 0);
            bool reducing = m.Reducing(acc, c.Ins, side, working);
            double before = forgetEarlierChildren ? m.Held(acc, cur) : held[cur];
            double need = before + growth;
            double tol = 1e-4 * (m.HeldOrders(acc, cur) + n + 2) + 1e-9 * (Math.Abs(collateral) + Math.Abs(need));
            bool increases = growth > 0 && !reducing;
            var x = d[k];
            if (x.IsAccepted || x.Reason == passed)
            {
                if (increases && need > collateral + tol) return $"child {k} passed beyond the balance: hold {need} > free {collateral}";
                if (!x.IsAccepted && stats is not null) stats.PassedInRefused++;
                held[cur] += growth;
                extra[(c.Ins, side)] = extra.GetValueOrDefault((c.Ins, side)) + c.Lots - (batch ? old[k].Lots : 0);
            }
            else if (x.Reason == RejectReason.InsufficientBalance)
            {
                if (reducing) return $"child {k}, position-reducing, was refused for balance";
                if (!increases) return $"child {k}, which holds no more ({growth}), was refused for balance";
                if (need <= collateral - tol) return $"child {k} refused within the balance: hold {need} ≤ free {collateral}";
                if (Math.Abs(x.Limit - collateral) > tol || Math.Abs(x.Observed - need) > tol) return $"child {k} figures: free {x.Limit} (model {collateral}), held {x.Observed} (model {need})";
                if (stats is not null) stats.ChildRefusedForBalance++;
            }
            else return $"child {k} refused for {x.Reason}, which this book never configures";
        }
        if (accepted == n)
        {
            if (stats is not null) { stats.Accepted += n; if (batch) stats.BatchesAccepted++; else stats.ListsAccepted++; }
            for (int k = 0; k < n; k++)
            {
                var c = kids[k];
                if (batch) { var e = m.Orders[(acc, c.Id)]; e.Px = c.Px; e.Lots = c.Lots; }
                else m.Orders[(acc, c.Id)] = new BalanceModel.Live { Acc = acc, Ins = c.Ins, Side = c.Side, Px = c.Px, Lots = c.Lots };
            }
        }
        else
        {
            if (first.Reason == passed) return $"a refused group returned {passed}, not a child's own reason";
            if (d.All(x => x.Reason == passed)) return "no child of the refused group carries its own reason";
        }
        return Snapshots();
    }

    /// <summary>After a check (which drains a single-writer gate's release queue) the snapshot equals the model.</summary>
    private static string? Compare(Breaker bk, BalanceModel m, Book book, int acc, int cur, Stats? stats)
    {
        var s = bk.Gate.Balance(new AccountId(acc), cur);
        double balance = m.Balance[acc, cur], held = m.Held(acc, cur), free = m.Collateral(acc, cur) - held;
        double tol = 1e-4 * (m.HeldOrders(acc, cur) + 2) + 1e-9 * (Math.Abs(balance) + Math.Abs(free) + held);
        if (stats is not null) stats.Compared++;
        return Math.Abs(s.Balance - balance) > tol || Math.Abs(s.Held - held) > tol || Math.Abs(s.Free - free) > tol
            ? $"snapshot acc{acc} cur{cur}: balance {s.Balance}, held {s.Held}, free {s.Free}; model {balance}, {held}, {free}" : null;
    }
}
