using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace CircuitBreaker.Tests.Safety;

/// <summary>
/// Property-based hunt for limit breaches. Each FsCheck case draws random limits and a random sequence of new,
/// replace and cancel orders (prices around and outside the collar, quantities up to 1e9 lots, off-lot, reused
/// ids), fills of working orders and of unknown ids, trades, quotes and oracle prices that move the reference, and
/// halt / reduce-only / resume on every scope. After every step the breaker's decision is checked against
/// <see cref="LimitModel"/>. A failure names the case seed and step, which replay it exactly.
/// </summary>
public class GatePropertyTests(ITestOutputHelper output)
{
    public const int Cases = 1_000;
    public const int RateCases = 2_000;

    private sealed class Stats { public long Steps, New, NewAccepted, Replace, ReplaceAccepted, Cancels, Transitions, Lists, ListsAccepted, ListsTooLarge, PerChildLists, Batches, BatchesAccepted; public readonly Dictionary<RejectReason, long> Rejects = new(), ListRefusals = new(); }

    private static Gen<(int Seed, int Steps)> CaseGen =>
        from seed in Gen.Choose(0, int.MaxValue)
        from steps in Gen.Choose(20, 250)
        select (seed, steps);

    [Theory]
    [InlineData(GateConcurrency.MultiThreaded)]
    [InlineData(GateConcurrency.SingleWriter)]
    [InlineData(GateConcurrency.AccountOwned)]
    public void Check_RandomOrderFlow1000Cases_NoAcceptedOrderBreachesAHardLimit(GateConcurrency mode)
    {
        var stats = new Stats();
        var prop = Prop.ForAll(Arb.From(CaseGen), c =>
        {
            string? failure = RunCase(c.Seed, c.Steps, stats, mode);
            return failure is null ? true.Label("ok") : false.Label(failure);
        });
        Check.One(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(Cases), prop);
        output.WriteLine($"{Cases} cases, {stats.Steps} steps; new {stats.New} ({stats.NewAccepted} accepted), replace {stats.Replace} ({stats.ReplaceAccepted} accepted), cancels {stats.Cancels}, transitions {stats.Transitions}");
        output.WriteLine($"lists {stats.Lists} ({stats.ListsAccepted} accepted); refused for " + string.Join(", ", stats.ListRefusals.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.True(stats.ListsAccepted > Cases / 20 && stats.Lists - stats.ListsAccepted > Cases / 4, $"lists {stats.Lists}, {stats.ListsAccepted} accepted: the generator must reach both outcomes");
        Assert.True(stats.Rejects.GetValueOrDefault(RejectReason.ListRejected) > Cases / 4, "no refused list had a child that passed: the rollback path is not exercised");
        output.WriteLine($"lists over the cap {stats.ListsTooLarge}, accepted under per-child rates {stats.PerChildLists}; batches {stats.Batches} ({stats.BatchesAccepted} accepted, {stats.Rejects.GetValueOrDefault(RejectReason.BatchRejected)} amendments BatchRejected)");
        Assert.True(stats.ListsTooLarge > Cases / 20, $"only {stats.ListsTooLarge} lists over the cap");
        Assert.True(stats.PerChildLists > Cases / 40, $"only {stats.PerChildLists} accepted lists under per-child rates");
        Assert.True(stats.BatchesAccepted > Cases / 10 && stats.Batches - stats.BatchesAccepted > Cases / 4, $"batches {stats.Batches}, {stats.BatchesAccepted} accepted: both outcomes needed");
        Assert.True(stats.Rejects.GetValueOrDefault(RejectReason.BatchRejected) > Cases / 50, "no refused batch had an amendment that passed: the batch rollback is not exercised");
        output.WriteLine("rejections: " + string.Join(", ", stats.Rejects.OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value}")));
        // Not vacuous: plenty accepted, and most limits were actually hit.
        Assert.True(stats.NewAccepted > Cases * 5 / 2, $"only {stats.NewAccepted} new orders accepted");
        Assert.True(stats.ReplaceAccepted > Cases / 2, $"only {stats.ReplaceAccepted} replaces accepted");
        foreach (var reason in new[] { RejectReason.Halted, RejectReason.ReduceOnly, RejectReason.PriceCollar, RejectReason.MaxPosition, RejectReason.MaxOpenOrders, RejectReason.OrderRate, RejectReason.MaxOrderQuantity, RejectReason.MinOrderQuantity, RejectReason.DuplicateOrderId,
            RejectReason.MinOrderNotional, RejectReason.ReduceOnlyOrder, RejectReason.ExpiredOrder })
            Assert.True(stats.Rejects.GetValueOrDefault(reason) > 0, $"no order was ever rejected for {reason}: the generator does not reach that limit");
    }

    /// <summary>A model of <paramref name="book"/> with one trade at the start price on every instrument, in both.</summary>
    private static (LimitModel Model, long[] Market) Traded(SafetyBook book, long now)
    {
        var m = new LimitModel(book);
        var mkt = (long[])SafetyBook.StartTicks.Clone();
        for (int i = 0; i < SafetyBook.Instruments; i++)
        {
            var t = RiskEvent.Trade(now, new InstrumentId(i), mkt[i] * SafetyBook.Tick[i], SafetyBook.Lot[i]);
            book.Breaker.Apply(in t);
            m.OnTrade(i, mkt[i], now);
        }
        return (m, mkt);
    }

    /// <summary>Control for the list property: a model that believes instrument 0 halted (the gate does not) must flag the
    /// first accepted list that touches it, so the list checks can fail.</summary>
    [Fact]
    public void ListProperty_Control_AModelThatDisagreesWithTheGate_IsCaught()
    {
        for (int seed = 1; seed < 500; seed++)
        {
            using var book = new SafetyBook(seed, GateConcurrency.MultiThreaded);
            var (m, mkt) = Traded(book, 1_000_000_000);
            var r = new Random(seed);
            long now = 1_000_000_000, nextId = 1;
            m.InsState[0] = TradingState.Halted; // the lie
            for (int step = 0; step < 40; step++)
            {
                var (desc, breach) = NewList(r, book, m, new Stats(), now += 1_000, mkt, ref nextId);
                if (breach is not null) { Assert.Contains("halted", breach, StringComparison.Ordinal); return; }
            }
        }
        Assert.Fail("no accepted list on instrument 0 in 500 seeds: the control never exercised the check");
    }

    /// <summary>Control for the batch property: a model that believes instrument 0 halted must flag the first accepted batch
    /// that amends an order on it.</summary>
    [Fact]
    public void BatchProperty_Control_AModelThatDisagreesWithTheGate_IsCaught()
    {
        for (int seed = 1; seed < 500; seed++)
        {
            using var book = new SafetyBook(seed, GateConcurrency.MultiThreaded);
            var (m, mkt) = Traded(book, 1_000_000_000);
            var r = new Random(seed);
            long now = 1_000_000_000, nextId = 1;
            for (int step = 0; step < 60; step++)
            {
                now += 1_000;
                if (step % 2 == 0) { NewOrder(r, book, m, new Stats(), now, mkt, ref nextId); continue; }
                m.InsState[0] = TradingState.Halted; // the lie, told only while the batch is checked
                var (_, breach) = NewBatch(r, book, m, new Stats(), now, mkt);
                m.InsState[0] = TradingState.Active;
                if (breach is not null) { Assert.Contains("halted", breach, StringComparison.Ordinal); return; }
            }
        }
        Assert.Fail("no accepted batch on instrument 0 in 500 seeds: the control never exercised the check");
    }

    private static string? RunCase(int seed, int steps, Stats stats, GateConcurrency mode = GateConcurrency.MultiThreaded)
    {
        using var book = new SafetyBook(seed, mode);
        if (book.Breaker.Gate.Concurrency != mode) return $"the book was built in {book.Breaker.Gate.Concurrency}, not {mode}";
        var m = new LimitModel(book);
        var bk = book.Breaker;
        var log = new List<(int Switch, long Seq)>();
        int calls = 0;
        bk.OnTrip((in TripContext c) => log.Add((0, c.Sequence)));
        bk.OnTrip((in TripContext c) => { log.Add((1, c.Sequence)); if (++calls % 3 == 0) throw new InvalidOperationException("switch 1 fails every third call"); });
        bk.OnTrip((in TripContext c) => log.Add((2, c.Sequence)));
        var r = new Random(seed ^ 0x5bd1e995);
        // Each case runs at one of the time origins (0, present-day Unix ns, near 2^62, near long.MaxValue), by seed: a case
        // spans at most 250 steps of 2 windows of at most 99 ms, well under the 100 s left below long.MaxValue.
        long origin = TimeOrigins.For(100_000_000_000)[(int)((uint)seed % 5)];
        long now = origin + 1_000_000_000, nextId = 1, seenSeq = 0;
        var mkt = (long[])SafetyBook.StartTicks.Clone();
        var history = new TripContext[4096];
        for (int i = 0; i < SafetyBook.Instruments; i++) { Apply(bk, RiskEvent.Trade(now, new InstrumentId(i), mkt[i] * SafetyBook.Tick[i], SafetyBook.Lot[i])); m.OnTrade(i, mkt[i], now); }

        for (int step = 0; step < steps; step++)
        {
            stats.Steps++;
            now += r.Next(20) == 0 ? book.WindowNs * 2 : r.Next(4) == 0 ? 0 : r.NextInt64(0, book.WindowNs / 3);
            int op = r.Next(100);
            string desc;
            string? breach = null;
            bool admin = false, adminChanged = false;
            if (op < 33) (desc, breach) = NewOrder(r, book, m, stats, now, mkt, ref nextId);
            else if (op < 38) (desc, breach) = NewList(r, book, m, stats, now, mkt, ref nextId);
            else if (op < 52) (desc, breach) = Replace(r, book, m, stats, now, mkt);
            else if (op < 62)
            {
                stats.Cancels++;
                var live = m.Orders.Keys.ToArray();
                var key = live.Length > 0 && r.Next(5) > 0 ? live[r.Next(live.Length)] : (r.Next(SafetyBook.Accounts), r.NextInt64(-5, nextId + 5));
                var o = OrderRequest.Cancel(now, new InstrumentId(r.Next(SafetyBook.Instruments)), new AccountId(key.Item1), key.Item2);
                var d = bk.Check(in o);
                desc = $"cancel {key}";
                if (!d.IsAccepted) breach = $"cancel refused: {d}";
                m.Orders.Remove(key);
            }
            else if (op < 76) desc = Fill(r, book, m, now, mkt);
            else if (op < 80) (desc, breach) = m.Orders.Count > 0 ? NewBatch(r, book, m, stats, now, mkt) : NewOrder(r, book, m, stats, now, mkt, ref nextId);
            else if (op < 94)
            {
                int ins = r.Next(SafetyBook.Instruments);
                long move = (long)Math.Round(mkt[ins] * (r.NextDouble() * 2 - 1) * book.CollarBps[ins] * 1.2 / 10_000);
                mkt[ins] = Math.Max(2, mkt[ins] + move);
                var id = new InstrumentId(ins);
                double tick = SafetyBook.Tick[ins];
                switch (r.Next(4))
                {
                    case 0: Apply(bk, RiskEvent.Quote(now, id, (mkt[ins] - 1) * tick, (mkt[ins] + 1) * tick)); m.OnQuote(ins, mkt[ins], now); desc = $"quote ins{ins} mid {mkt[ins]}"; break;
                    case 1: Apply(bk, RiskEvent.Oracle(now, id, mkt[ins] * tick)); m.OnOracle(ins, mkt[ins], now); desc = $"oracle ins{ins} {mkt[ins]}"; break;
                    default: Apply(bk, RiskEvent.Trade(now, id, mkt[ins] * tick, SafetyBook.Lot[ins] * r.Next(1, 10))); m.OnTrade(ins, mkt[ins], now); desc = $"trade ins{ins} {mkt[ins]}"; break;
                }
            }
            else
            {
                admin = true;
                var scope = (Scope)r.Next(4);
                int target = scope switch { Scope.Instrument => r.Next(SafetyBook.Instruments), Scope.Account => r.Next(SafetyBook.Accounts), Scope.Group => 0, _ => -1 };
                var state = r.Next(20) switch { < 10 => TradingState.Active, < 17 => TradingState.ReduceOnly, _ => TradingState.Halted };
                var restricted = m.Restricted().ToArray();
                if (state == TradingState.Active && restricted.Length > 0 && r.Next(4) > 0) (scope, target) = restricted[r.Next(restricted.Length)];
                bool predicted = m.StateOf(scope, target) != state;
                adminChanged = state switch
                {
                    TradingState.Halted => bk.Halt(scope, target, now),
                    TradingState.ReduceOnly => bk.ReduceOnly(scope, target, now),
                    _ => bk.Resume(scope, target, now),
                };
                desc = $"{state} {scope} {target}";
                if (adminChanged != predicted) breach = $"admin command reported changed={adminChanged}, model expected {predicted}";
                if (adminChanged) m.StateOf(scope, target) = state;
            }

            // Transitions: each one reached every switch once, in registration order; limit trips only escalate.
            long total = bk.Board.TransitionCount;
            int manual = 0;
            int n = bk.Board.CopyHistory(history);
            for (int k = 0; k < n; k++)
            {
                ref readonly var ctx = ref history[k];
                if (ctx.Sequence <= seenSeq) continue;
                if (ctx.Cause == TripCause.Manual) manual++;
                else
                {
                    if (ctx.State < ctx.Previous) breach ??= $"a {ctx.Cause} trip ({ctx.Reason}) relaxed {ctx.Scope} {ctx.Target} from {ctx.Previous} to {ctx.State}";
                    ref var s = ref m.StateOf(ctx.Scope, ctx.Target);
                    if (ctx.State > s) s = ctx.State;
                }
            }
            stats.Transitions += total - seenSeq;
            seenSeq = total;
            if (manual != (admin && adminChanged ? 1 : 0)) breach ??= $"{manual} manual transitions recorded for this step";
            if (log.Count != 3 * total) breach ??= $"{log.Count} kill-switch calls for {total} transitions and 3 switches";
            for (int k = 0; k < log.Count && breach is null; k++)
                if (log[k] != (k % 3, k / 3 + 1)) breach = $"kill-switch call {k} was switch {log[k].Switch} for transition {log[k].Seq}";

            if (breach is not null) return $"seed {seed} (origin {origin}), step {step} ({desc}): {breach}{Environment.NewLine}limits: {book.Describe()}";
        }
        return null;
    }

    private static void Apply(Breaker b, RiskEvent e) => b.Apply(in e);

    private static long PickPrice(Random r, SafetyBook b, int ins, long[] mkt) => r.Next(12) switch
    {
        0 => mkt[ins] * r.Next(2, 4),
        1 => 1,
        _ => Math.Max(1, mkt[ins] + (long)Math.Round(mkt[ins] * (r.NextDouble() * 2 - 1) * b.CollarBps[ins] * 1.5 / 10_000)),
    };

    private static (long lots, double qty) PickQuantity(Random r, SafetyBook b, int ins)
    {
        long lots = r.Next(12) switch { 0 => r.NextInt64(1, 1_000_000_000), 1 => 0, _ => r.Next(1, (int)b.MaxLots[ins] + 4) };
        double qty = lots * SafetyBook.Lot[ins];
        if (r.Next(40) == 0) qty += SafetyBook.Lot[ins] / 2; // off-lot
        return (lots, qty);
    }

    private static (string, string?) NewOrder(Random r, SafetyBook b, LimitModel m, Stats stats, long now, long[] mkt, ref long nextId)
    {
        stats.New++;
        int acc = r.Next(SafetyBook.Accounts), ins = r.Next(SafetyBook.Instruments);
        var side = (Side)r.Next(2);
        long px = PickPrice(r, b, ins, mkt);
        var (lots, qty) = PickQuantity(r, b, ins);
        var mine = m.Orders.Keys.Where(k => k.acc == acc).ToArray();
        long id = mine.Length > 0 && r.Next(10) == 0 ? mine[r.Next(mine.Length)].id : nextId++;
        double pnl = b.Breaker.Positions.DailyPnl(new AccountId(acc));
        bool reduceOnlyFlag = r.Next(6) == 0, gtd = r.Next(8) == 0;
        long expire = now + r.NextInt64(-2, 3) * (b.WindowNs / 4);
        var o = gtd
            ? new OrderRequest(now, new InstrumentId(ins), new AccountId(acc), id, side, px * SafetyBook.Tick[ins], qty) { ReduceOnly = reduceOnlyFlag, ExpireTimeNs = expire }
            : new OrderRequest(now, new InstrumentId(ins), new AccountId(acc), id, side, px * SafetyBook.Tick[ins], qty) { ReduceOnly = reduceOnlyFlag };
        var d = b.Breaker.Check(in o);
        string desc = $"new acc{acc} ins{ins} #{id} {side} {lots} lots @ {px}{(reduceOnlyFlag ? " reduce-only" : "")}{(gtd ? $" expire {expire - now:+0;-0} ns" : "")} -> {d}";
        if (!d.IsAccepted) { stats.Rejects[d.Reason] = stats.Rejects.GetValueOrDefault(d.Reason) + 1; return (desc, m.FigureError(in d, acc, ins)); }
        stats.NewAccepted++;
        string? breach = NewOrderBreach(b, m, acc, ins, side, px, lots, qty, id, now, reduceOnlyFlag, gtd, expire, pnl)
            ?? m.RateBreach($"orders ins{ins}", now, b.InsOrders[ins])
            ?? m.RateBreach($"orders acc{acc}", now, b.AccOrders[acc])
            ?? m.RateBreach("orders group", now, b.GroupOrders)
            ?? m.RateBreach($"messages ins{ins}", now, b.InsMessages[ins])
            ?? m.RateBreach($"messages acc{acc}", now, b.AccMessages[acc]);
        m.Orders[(acc, id)] = new LimitModel.Live { Acc = acc, Ins = ins, Side = side, Px = px, Lots = lots, ReduceOnly = reduceOnlyFlag };
        return (desc, breach);
    }

    /// <summary>An order list of 2-4 children of one account (on either instrument, ids sometimes repeated or already
    /// working). The model's rules: all children accepted or none; a refused list names at least one child's own reason
    /// (the others ListRejected), returns it, and leaves every reservation as it was; an accepted list is its children
    /// added in order, each within every hard limit with the ones before it, and takes one rate unit per scope it touches.</summary>
    private static (string, string?) NewList(Random r, SafetyBook b, LimitModel m, Stats stats, long now, long[] mkt, ref long nextId)
    {
        stats.Lists++;
        int acc = r.Next(SafetyBook.Accounts), n = r.Next(2, 5);
        bool sane = r.Next(4) > 0;
        int wild = r.Next(3) == 0 ? r.Next(n) : -1; // in a sane list, sometimes one child drawn from the full range
        var children = new OrderRequest[n];
        var spec = new (int Ins, Side Side, long Px, long Lots, double Qty, long Id, bool ReduceOnly)[n];
        var mine = m.Orders.Keys.Where(k => k.acc == acc).ToArray();
        for (int k = 0; k < n; k++)
        {
            int ins = r.Next(SafetyBook.Instruments);
            var side = (Side)r.Next(2);
            long px = PickPrice(r, b, ins, mkt);
            var (lots, qty) = PickQuantity(r, b, ins);
            if (sane && k != wild)
            {
                // Inside the collar (half of it) and the size bounds: lists that can pass, so both outcomes are reached.
                px = Math.Max(1, mkt[ins] + (long)Math.Round(mkt[ins] * (r.NextDouble() - 0.5) * b.CollarBps[ins] / 10_000));
                lots = r.NextInt64(b.MinLots[ins], b.MaxLots[ins] + 1);
                qty = lots * SafetyBook.Lot[ins];
            }
            long id = k > 0 && r.Next(25) == 0 ? spec[k - 1].Id : mine.Length > 0 && r.Next(20) == 0 ? mine[r.Next(mine.Length)].id : nextId++;
            bool ro = r.Next(10) == 0;
            spec[k] = (ins, side, px, lots, qty, id, ro);
            children[k] = new OrderRequest(now, new InstrumentId(ins), new AccountId(acc), id, side, px * SafetyBook.Tick[ins], qty) { ReduceOnly = ro };
        }
        double pnl = b.Breaker.Positions.DailyPnl(new AccountId(acc));
        b.Breaker.Gate.Releases?.Drain(b.Breaker.Gate); // single-writer: the list drains fills' releases first; so does the snapshot
        var before = Reservations(b);
        var d = new Decision[n];
        var first = b.Breaker.CheckList(children, d);
        string desc = $"list acc{acc} [{string.Join("; ", spec.Select(c => $"ins{c.Ins} #{c.Id} {c.Side} {c.Lots} @ {c.Px}{(c.ReduceOnly ? " ro" : "")}"))}] -> {first} [{string.Join(", ", d.Select(x => x.Reason))}]";
        int accepted = d.Count(x => x.IsAccepted);
        if (n > b.MaxListOrders)
        {
            // Over the cap: refused whole before any child is looked at, with the cap and the size as figures.
            stats.ListsTooLarge++;
            stats.ListRefusals[first.Reason] = stats.ListRefusals.GetValueOrDefault(first.Reason) + 1;
            if (d.Any(x => x.Reason != RejectReason.ListTooLarge)) return (desc, $"a list of {n} over the cap {b.MaxListOrders} was not refused whole with ListTooLarge");
            if (m.FigureError(in first, acc, spec[0].Ins) is { } fig) return (desc, fig);
            if (first.Observed != n) return (desc, $"ListTooLarge observed {first.Observed}, the list has {n}");
            string afterCap = Reservations(b);
            return (desc, afterCap == before ? null : $"a list over the cap changed the reservations: {before} -> {afterCap}");
        }
        if (accepted != 0 && accepted != n) return (desc, $"{accepted} of {n} children accepted: a list is all or nothing");
        if (first.IsAccepted != (accepted == n)) return (desc, "the list's decision disagrees with its children's");
        if (accepted == 0)
        {
            foreach (var x in d) stats.Rejects[x.Reason] = stats.Rejects.GetValueOrDefault(x.Reason) + 1;
            stats.ListRefusals[first.Reason] = stats.ListRefusals.GetValueOrDefault(first.Reason) + 1;
            if (first.Reason == RejectReason.ListRejected) return (desc, "a refused list returned ListRejected, not a child's own reason");
            if (d.All(x => x.Reason == RejectReason.ListRejected)) return (desc, "no child of the refused list carries its own reason");
            string after = Reservations(b);
            return (desc, after == before ? null : $"a refused list changed the reservations: {before} -> {after}");
        }
        stats.ListsAccepted++;
        for (int k = 0; k < n; k++)
        {
            var c = spec[k];
            string? breach = NewOrderBreach(b, m, acc, c.Ins, c.Side, c.Px, c.Lots, c.Qty, c.Id, now, c.ReduceOnly, gtd: false, expire: 0, pnl);
            if (breach is not null) return (desc, $"child {k}: {breach}");
            m.Orders[(acc, c.Id)] = new LimitModel.Live { Acc = acc, Ins = c.Ins, Side = c.Side, Px = c.Px, Lots = c.Lots, ReduceOnly = c.ReduceOnly };
        }
        // Rates: ListRateMode.PerList, one order and one message unit per instrument touched, one for the account, one for
        // the group; PerChild, each child counts as a single order would.
        bool perChild = b.ListRate == ListRateMode.PerChild;
        if (perChild) stats.PerChildLists++;
        string? rate = null;
        foreach (int ins in perChild ? spec.Select(c => c.Ins) : spec.Select(c => c.Ins).Distinct())
            rate ??= m.RateBreach($"orders ins{ins}", now, b.InsOrders[ins]) ?? m.RateBreach($"messages ins{ins}", now, b.InsMessages[ins]);
        for (int u = 0; u < (perChild ? n : 1); u++)
            rate ??= m.RateBreach($"orders acc{acc}", now, b.AccOrders[acc]) ?? m.RateBreach("orders group", now, b.GroupOrders)
                ?? m.RateBreach($"messages acc{acc}", now, b.AccMessages[acc]);
        return (desc, rate);
    }

    /// <summary>What an order may reserve in the gate (working orders, live entries, per-account notional and open orders,
    /// per-instrument open orders, per-pair lots and counts), for the all-or-nothing check. Rate windows are left out: a
    /// list's acquisition may roll a window forward, which its release does not undo and need not.</summary>
    private static string Reservations(SafetyBook b)
    {
        var g = b.Breaker.Gate;
        var sb = new System.Text.StringBuilder();
        sb.Append(g.WorkingOrders).Append('/').Append(g.Orders.CountLive());
        for (int a = 0; a < SafetyBook.Accounts; a++)
        {
            ref var ac = ref g.AccountState(a);
            sb.Append(" a").Append(a).Append(':').Append(ac.OpenOrders).Append(',').Append(ac.WorkingBuyNotionalFx).Append(',').Append(ac.WorkingSellNotionalFx);
        }
        for (int i = 0; i < SafetyBook.Instruments; i++) sb.Append(" i").Append(i).Append(':').Append(g.InstrumentState(i).OpenOrders);
        for (int p = 0; p < g.Pairs.Count; p++)
        {
            ref var pr = ref g.Pairs[p];
            if (pr.WorkingBuyLots == 0 && pr.WorkingSellLots == 0 && pr.OpenOrders == 0) continue; // a pair's slot, once made, stays (as for a refused single order)
            sb.Append(" p").Append(p).Append(':').Append(pr.WorkingBuyLots).Append(',').Append(pr.WorkingSellLots).Append(',').Append(pr.OpenOrders);
        }
        return sb.ToString();
    }

    /// <summary>The hard limits an accepted new order (or list child) must respect, by the model, before it is added to it
    /// (rates apart: a list counts its rate units once). Null when none is breached.</summary>
    private static string? NewOrderBreach(SafetyBook b, LimitModel m, int acc, int ins, Side side, long px, long lots, double qty, long id, long now, bool reduceOnlyFlag, bool gtd, long expire, double pnl)
    {
        var state = m.Effective(ins, acc);
        bool reduce = state == TradingState.ReduceOnly || pnl <= -b.MaxDailyLoss[acc];
        long pos = m.Position[acc, ins];
        long wBuy = m.Working(acc, ins, Side.Buy) + (side == Side.Buy ? lots : 0);
        long wSell = m.Working(acc, ins, Side.Sell) + (side == Side.Sell ? lots : 0);
        return
            state == TradingState.Halted ? "accepted while halted" :
            gtd && expire <= now ? "expired good-till-date order accepted" :
            qty != lots * SafetyBook.Lot[ins] ? "off-lot quantity accepted" :
            lots < b.MinLots[ins] || lots > b.MaxLots[ins] ? $"quantity {lots} lots outside {b.MinLots[ins]}..{b.MaxLots[ins]}" :
            px * SafetyBook.Tick[ins] * qty > b.MaxNotional[ins] * (1 + 1e-12) ? $"notional {px * SafetyBook.Tick[ins] * qty} above {b.MaxNotional[ins]}" :
            px * SafetyBook.Tick[ins] * qty < b.MinNotional[ins] * (1 - 1e-12) ? $"notional {px * SafetyBook.Tick[ins] * qty} below {b.MinNotional[ins]}" :
            m.CollarBreach(ins, px, now) ??
            (m.Orders.ContainsKey((acc, id)) ? "duplicate order id accepted" :
            reduceOnlyFlag && side == Side.Buy && wBuy > -pos ? $"reduce-only order: buy working {wBuy} against position {pos}" :
            reduceOnlyFlag && side == Side.Sell && wSell > pos ? $"reduce-only order: sell working {wSell} against position {pos}" :
            side == Side.Buy && pos + wBuy > b.MaxLong[ins] ? $"long {pos} + working {wBuy} above {b.MaxLong[ins]}" :
            side == Side.Sell && wSell - pos > b.MaxShort[ins] ? $"short: working {wSell} - position {pos} above {b.MaxShort[ins]}" :
            reduce && side == Side.Buy && wBuy > -pos ? $"reduce-only ({state}, pnl {pnl}): buy working {wBuy} against position {pos}" :
            reduce && side == Side.Sell && wSell > pos ? $"reduce-only ({state}, pnl {pnl}): sell working {wSell} against position {pos}" :
            m.Orders.Values.Count(x => x.Acc == acc && x.Ins == ins) + 1 > b.PairOpen[ins] ? "open orders per account on the instrument" :
            m.Orders.Values.Count(x => x.Ins == ins) + 1 > b.InsOpen[ins] ? "open orders on the instrument" :
            m.Orders.Values.Count(x => x.Acc == acc) + 1 > b.AccOpen[acc] ? "open orders on the account" :
            m.Orders.Count + 1 > b.GroupOpen ? "open orders in the group" : null);
    }

    private static (string, string?) Replace(Random r, SafetyBook b, LimitModel m, Stats stats, long now, long[] mkt)
    {
        stats.Replace++;
        var live = m.Orders.ToArray();
        bool known = live.Length > 0 && r.Next(8) > 0;
        var (acc, id) = known ? live[r.Next(live.Length)].Key : (r.Next(SafetyBook.Accounts), r.NextInt64(-3, 1_000_000));
        int ins = known && r.Next(10) > 0 ? m.Orders[(acc, id)].Ins : r.Next(SafetyBook.Instruments);
        long px = PickPrice(r, b, ins, mkt);
        var (lots, qty) = PickQuantity(r, b, ins);
        if (known && r.Next(3) == 0) { lots = Math.Max(1, m.Orders[(acc, id)].Lots - r.Next(0, 3)); qty = lots * SafetyBook.Lot[ins]; } // a shrink
        double pnl = b.Breaker.Positions.DailyPnl(new AccountId(acc));
        bool reduceOnlyFlag = r.Next(8) == 0;
        var o = new OrderRequest(now, new InstrumentId(ins), new AccountId(acc), id, (Side)r.Next(2), px * SafetyBook.Tick[ins], qty, OrderAction.Replace) { ReduceOnly = reduceOnlyFlag };
        var d = b.Breaker.Check(in o);
        string desc = $"replace acc{acc} ins{ins} #{id} -> {lots} lots @ {px}{(reduceOnlyFlag ? " reduce-only" : "")} -> {d}";
        if (!d.IsAccepted) { stats.Rejects[d.Reason] = stats.Rejects.GetValueOrDefault(d.Reason) + 1; return (desc, d.Reason == RejectReason.UnknownOrder ? null : m.FigureError(in d, acc, ins)); }
        stats.ReplaceAccepted++;
        if (!m.Orders.TryGetValue((acc, id), out var e)) return (desc, "replace of an order that is not working was accepted");
        string? breach = ReplaceBreach(b, m, acc, ins, e, px, lots, qty, reduceOnlyFlag, now, pnl)
            ?? m.RateBreach($"messages ins{ins}", now, b.InsMessages[ins])
            ?? m.RateBreach($"messages acc{acc}", now, b.AccMessages[acc]);
        e.Px = px; e.Lots = lots; e.ReduceOnly |= reduceOnlyFlag;
        return (desc, breach);
    }

    /// <summary>The hard limits an accepted replace of the working order <paramref name="e"/> must respect, by the model
    /// (rates apart). Null when none is breached.</summary>
    private static string? ReplaceBreach(SafetyBook b, LimitModel m, int acc, int ins, LimitModel.Live e, long px, long lots, double qty, bool reduceOnlyFlag, long now, double pnl)
    {
        if (e.Ins != ins) return $"replace on instrument {ins} of an order working on {e.Ins} was accepted";
        var state = m.Effective(ins, acc);
        bool reduce = state == TradingState.ReduceOnly || pnl <= -b.MaxDailyLoss[acc];
        long pos = m.Position[acc, ins];
        long working = m.Working(acc, ins, e.Side) - e.Lots + lots;
        return
            state == TradingState.Halted ? "replace accepted while halted" :
            qty != lots * SafetyBook.Lot[ins] ? "off-lot quantity accepted" :
            lots < b.MinLots[ins] || lots > b.MaxLots[ins] ? $"quantity {lots} lots outside {b.MinLots[ins]}..{b.MaxLots[ins]}" :
            px * SafetyBook.Tick[ins] * qty > b.MaxNotional[ins] * (1 + 1e-12) ? "notional above the limit" :
            px * SafetyBook.Tick[ins] * qty < b.MinNotional[ins] * (1 - 1e-12) ? "notional below the minimum" :
            (e.ReduceOnly || reduceOnlyFlag) && lots > e.Lots && working > (e.Side == Side.Buy ? -pos : pos) ? $"reduce-only order grew {e.Lots} -> {lots}: working {working} against position {pos}" :
            // A replace that only shrinks the order at its own price lowers risk: no collar, and reduce-only lets it pass.
            (px == e.Px && lots <= e.Lots ? null : m.CollarBreach(ins, px, now)) ??
            (reduce && lots > e.Lots ? $"reduce-only ({state}): replace grew {e.Lots} -> {lots}" :
            lots > e.Lots && e.Side == Side.Buy && pos + working > b.MaxLong[ins] ? $"long {pos} + working {working} above {b.MaxLong[ins]}" :
            lots > e.Lots && e.Side == Side.Sell && working - pos > b.MaxShort[ins] ? $"short: working {working} - position {pos} above {b.MaxShort[ins]}" : null);
    }

    /// <summary>A batch of 1-4 replaces of one account (mostly its working orders, sometimes an unknown id or one id twice,
    /// sometimes on the wrong instrument). The model's rules: a batch over the cap or with an id twice is refused whole
    /// (ListTooLarge / InvalidList); otherwise all amendments accepted or none; a refused batch names at least one
    /// amendment's own reason (the others BatchRejected) and leaves every reservation as it was; an accepted batch is its
    /// replaces applied in order, each within every hard limit with the ones before it applied, and takes one message
    /// unit per instrument and one for the account (PerList) or one per amendment (PerChild).</summary>
    private static (string, string?) NewBatch(Random r, SafetyBook b, LimitModel m, Stats stats, long now, long[] mkt)
    {
        stats.Batches++;
        var all = m.Orders.Keys.ToArray();
        int acc = all.Length > 0 ? all[r.Next(all.Length)].acc : r.Next(SafetyBook.Accounts), n = r.Next(1, 5);
        var mine = m.Orders.Keys.Where(k => k.acc == acc).Select(k => k.id).ToArray();
        var items = new OrderRequest[n];
        var spec = new (long Id, int Ins, long Px, long Lots, double Qty, bool Ro)[n];
        for (int k = 0; k < n; k++)
        {
            long id = mine.Length > 0 && r.Next(20) > 0 ? mine[r.Next(mine.Length)] : r.NextInt64(-3, 1_000_000);
            if (k > 0 && r.Next(30) > 0) for (int tries = 0; tries < 8 && spec.Take(k).Any(x => x.Id == id) && mine.Length > 0; tries++) id = mine[r.Next(mine.Length)];
            bool known = m.Orders.TryGetValue((acc, id), out var e);
            int ins = known && r.Next(20) > 0 ? e!.Ins : r.Next(SafetyBook.Instruments);
            long px = PickPrice(r, b, ins, mkt);
            var (lots, qty) = PickQuantity(r, b, ins);
            if (known && e!.Ins == ins && r.Next(8) > 0)
            {
                // Mostly sane: near the order's own price and size, so both outcomes are reached.
                px = r.Next(2) == 0 ? e!.Px : Math.Max(1, mkt[ins] + (long)Math.Round(mkt[ins] * (r.NextDouble() - 0.5) * b.CollarBps[ins] / 10_000));
                lots = Math.Clamp(e!.Lots + r.Next(-2, 3), b.MinLots[ins], b.MaxLots[ins]);
                qty = lots * SafetyBook.Lot[ins];
            }
            bool ro = r.Next(10) == 0;
            spec[k] = (id, ins, px, lots, qty, ro);
            items[k] = new OrderRequest(now, new InstrumentId(ins), new AccountId(acc), id, (Side)r.Next(2), px * SafetyBook.Tick[ins], qty, OrderAction.Replace) { ReduceOnly = ro };
        }
        double pnl = b.Breaker.Positions.DailyPnl(new AccountId(acc));
        b.Breaker.Gate.Releases?.Drain(b.Breaker.Gate);
        var before = Reservations(b);
        var d = new Decision[n];
        var first = b.Breaker.CheckBatch(items, d);
        string desc = $"batch acc{acc} [{string.Join("; ", spec.Select(c => $"ins{c.Ins} #{c.Id} -> {c.Lots} @ {c.Px}{(c.Ro ? " ro" : "")}"))}] -> {first} [{string.Join(", ", d.Select(x => x.Reason))}]";
        int accepted = d.Count(x => x.IsAccepted);
        bool twice = spec.Select(c => c.Id).Distinct().Count() < n;
        RejectReason? whole = n > b.MaxListOrders ? RejectReason.ListTooLarge : twice ? RejectReason.InvalidList : null;
        if (whole is { } w)
        {
            stats.ListRefusals[w] = stats.ListRefusals.GetValueOrDefault(w) + 1;
            if (d.Any(x => x.Reason != w)) return (desc, $"the batch should be refused whole with {w}");
            string afterWhole = Reservations(b);
            return (desc, afterWhole == before ? null : $"a batch refused whole changed the reservations: {before} -> {afterWhole}");
        }
        if (accepted != 0 && accepted != n) return (desc, $"{accepted} of {n} amendments accepted: a batch is all or nothing");
        if (first.IsAccepted != (accepted == n)) return (desc, "the batch's decision disagrees with its amendments'");
        if (accepted == 0)
        {
            foreach (var x in d) stats.Rejects[x.Reason] = stats.Rejects.GetValueOrDefault(x.Reason) + 1;
            stats.ListRefusals[first.Reason] = stats.ListRefusals.GetValueOrDefault(first.Reason) + 1;
            if (first.Reason == RejectReason.BatchRejected) return (desc, "a refused batch returned BatchRejected, not an amendment's own reason");
            if (d.All(x => x.Reason == RejectReason.BatchRejected)) return (desc, "no amendment of the refused batch carries its own reason");
            for (int k = 0; k < n; k++)
                if (d[k].Reason == RejectReason.UnknownOrder && m.Orders.TryGetValue((acc, spec[k].Id), out var wo) && wo.Ins == spec[k].Ins)
                    return (desc, $"amendment {k} of working order #{spec[k].Id} refused as unknown");
            string after = Reservations(b);
            return (desc, after == before ? null : $"a refused batch changed the reservations: {before} -> {after}");
        }
        stats.BatchesAccepted++;
        for (int k = 0; k < n; k++)
        {
            var c = spec[k];
            if (!m.Orders.TryGetValue((acc, c.Id), out var e)) return (desc, $"amendment {k}: replace of #{c.Id}, not working, accepted");
            if (ReplaceBreach(b, m, acc, c.Ins, e, c.Px, c.Lots, c.Qty, c.Ro, now, pnl) is { } breach) return (desc, $"amendment {k}: {breach}");
            e.Px = c.Px; e.Lots = c.Lots; e.ReduceOnly |= c.Ro;
        }
        bool perChild = b.ListRate == ListRateMode.PerChild;
        string? rate = null;
        foreach (int ins in perChild ? spec.Select(c => c.Ins) : spec.Select(c => c.Ins).Distinct())
            rate ??= m.RateBreach($"messages ins{ins}", now, b.InsMessages[ins]);
        for (int u = 0; u < (perChild ? n : 1); u++) rate ??= m.RateBreach($"messages acc{acc}", now, b.AccMessages[acc]);
        return (desc, rate);
    }

    private static string Fill(Random r, SafetyBook b, LimitModel m, long now, long[] mkt)
    {
        var live = m.Orders.ToArray();
        int acc, ins; long id, lots; Side side;
        if (live.Length > 0 && r.Next(10) > 0)
        {
            var (key, e) = live[r.Next(live.Length)];
            (acc, id, ins, side) = (key.acc, key.id, e.Ins, e.Side);
            lots = r.NextInt64(1, e.Lots + 1);
            e.Lots -= lots;
            if (e.Lots == 0) m.Orders.Remove(key);
        }
        else
        {
            (acc, ins, id, side, lots) = (r.Next(SafetyBook.Accounts), r.Next(SafetyBook.Instruments), -999, (Side)r.Next(2), r.Next(1, 4));
        }
        long px = Math.Max(1, (long)Math.Round(mkt[ins] * (1 + (r.NextDouble() - 0.5) * 0.1)));
        var f = RiskEvent.Fill(now, new InstrumentId(ins), new AccountId(acc), id, side, px * SafetyBook.Tick[ins], lots * SafetyBook.Lot[ins]);
        b.Breaker.Apply(in f);
        m.Position[acc, ins] += side == Side.Buy ? lots : -lots;
        return $"fill acc{acc} ins{ins} #{id} {side} {lots} @ {px}";
    }
}
