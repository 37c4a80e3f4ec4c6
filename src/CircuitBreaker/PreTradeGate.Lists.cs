using System.Runtime.CompilerServices;

namespace CircuitBreaker;

/// <summary>Whether a new order or replace takes its own rate units (a single order) or leaves them to the list or batch it
/// belongs to. A struct type argument: the JIT folds the branch away, so single orders pay nothing for lists.</summary>
internal interface IRates
{
    /// <summary>True for a single order: its own rate units, its entry put back, its typical size learned at once.</summary>
    static abstract bool Counted { get; }
}

/// <summary>A single order (<see cref="PreTradeGate.Check"/>).</summary>
internal readonly struct RatesCounted : IRates
{
    public static bool Counted => true;
}

/// <summary>A child of <see cref="PreTradeGate.CheckList"/> or an amendment of <see cref="PreTradeGate.CheckBatch"/>.</summary>
internal readonly struct RatesByList : IRates
{
    public static bool Counted => false;
}

// Order lists (brackets, OCO, baskets) and batches of amendments, checked as one unit: every child is checked in order
// against the state the children before it left (their reservations count, as NautilusTrader's risk engine accumulates a
// list's notional), and either all are accepted or every reservation the list made is given back. Nothing here runs for a
// single order.
public sealed partial class PreTradeGate
{
    /// <summary>
    /// Decides an order list (a bracket, an OCO pair, a basket) as one unit: all accepted, or all refused. Each child is
    /// checked against its own instrument, in order, with the children before it already reserved, so their combined effect
    /// counts (two buys whose sum breaches the position limit are refused together); an OCO's legs count in full, each (the
    /// gate does not know which leg will fill). When any child is refused every reservation the list made is given back
    /// (working quantity, open orders, exposure, balance, rate units: no partial state), each refused child keeps its own
    /// reason and each child that would have passed gets <see cref="RejectReason.ListRejected"/>. The list takes one unit of
    /// each order and message rate window it touches (<see cref="ListRateMode.PerList"/>, the default) or one per child
    /// (<see cref="RiskConfig.ListRate"/>); a list over a rate is refused whole with the rate's reason. A list larger than
    /// <see cref="RiskConfig.MaxListOrders"/> (default <see cref="Limits.RiskDefaults.MaxListOrders"/>) is refused with
    /// <see cref="RejectReason.ListTooLarge"/>; an empty list, a child that is not a new order, children of different
    /// accounts or a <paramref name="decisions"/> span shorter than the list with <see cref="RejectReason.InvalidList"/>.
    /// Never throws for bad input. Allocates nothing (stack only) and takes no lock; thread rules as <see cref="Check"/>.
    /// </summary>
    /// <param name="children">The list's new orders, in the order the engine sends them; one account.</param>
    /// <param name="decisions">Receives one decision per child (at least <paramref name="children"/>' length).</param>
    /// <returns>Accepted when every child is; otherwise the first refused child's own decision (or the list's reason).</returns>
    public Decision CheckList(ReadOnlySpan<OrderRequest> children, Span<Decision> decisions)
        => _singleWriter ? CheckGroup<PlainSync>(children, decisions, batch: false) : _owned ? CheckGroup<OwnedSync>(children, decisions, batch: false) : CheckGroup<AtomicSync>(children, decisions, batch: false);

    /// <summary>
    /// Decides a batch of amendments (replaces, e.g. a quoting engine moving both sides) atomically, with the contract of
    /// <see cref="CheckList"/>: each replace is checked as <see cref="Check"/> checks one, in order, with the ones before it
    /// applied; all are accepted or none is (every accepted one is restored to the order it replaced, and the batch's rate
    /// units are given back); refused ones keep their own reason, the others get <see cref="RejectReason.BatchRejected"/>.
    /// The batch takes one message (and, when configured, modify) unit per window it touches, or one per amendment under
    /// <see cref="ListRateMode.PerChild"/>. The orders being amended are held for the batch's duration (a fill of one waits
    /// for it, as for a single replace). Same size cap as lists; an empty batch, a child that is not a replace, children of
    /// different accounts or an order id amended twice: <see cref="RejectReason.InvalidList"/>. Allocates nothing.
    /// </summary>
    /// <param name="amendments">The replaces, one account, each order id at most once.</param>
    /// <param name="decisions">Receives one decision per amendment.</param>
    /// <returns>Accepted when every amendment is; otherwise the first refused one's own decision (or the batch's reason).</returns>
    public Decision CheckBatch(ReadOnlySpan<OrderRequest> amendments, Span<Decision> decisions)
        => _singleWriter ? CheckGroup<PlainSync>(amendments, decisions, batch: true) : _owned ? CheckGroup<OwnedSync>(amendments, decisions, batch: true) : CheckGroup<AtomicSync>(amendments, decisions, batch: true);

    /// <summary>A list (<paramref name="batch"/> false: new orders) or an amendment batch (true: replaces) as one unit: its
    /// shape, its rate units, then every item in order; on any refusal the items already applied are undone and the units
    /// given back.</summary>
    private Decision CheckGroup<TSync>(ReadOnlySpan<OrderRequest> items, Span<Decision> decisions, bool batch) where TSync : struct, ISync
    {
        if (TSync.SingleWriter && Releases!.HasPending) Releases.Drain(this);
        var cfg = _config;
        var shape = ListShape(items, decisions, cfg, batch ? OrderAction.Replace : OrderAction.New);
        if (!shape.IsAccepted) return RefuseAll<TSync>(items.Length, decisions, shape);
        int n = items.Length;
        Span<RateUnit> units = stackalloc RateUnit[4 * n];
        int count = ListUnits(items, cfg, units, batch);
        var rate = AcquireUnits<TSync>(units[..count], items[0].TimeNs);
        if (!rate.IsAccepted) return RefuseAll<TSync>(n, decisions, rate);
        var first = batch ? AmendAll<TSync>(items, decisions) : PlaceAll<TSync>(items, decisions);
        if (!first.IsAccepted) ReleaseUnits<TSync>(units[..count]);
        RecordAll<TSync>(decisions[..n]);
        return first;
    }

    /// <summary>The list's children as new orders, in order; all kept (each one's typical size learnt) or, on the first
    /// refusal, every accepted one released and marked <see cref="RejectReason.ListRejected"/>.</summary>
    private Decision PlaceAll<TSync>(ReadOnlySpan<OrderRequest> children, Span<Decision> decisions) where TSync : struct, ISync
    {
        int n = children.Length;
        var first = DecideEach<TSync>(children, decisions, held: default);
        if (first.IsAccepted)
        {
            for (int i = 0; i < n; i++)
            {
                int idx = Orders.Find(children[i].Account.Value, children[i].OrderId);
                if (idx >= 0) Learn(ref Pairs[Orders[idx].Pair], Orders[idx].RemainingLots);
            }
            return first;
        }
        // No partial state: every child accepted so far is released as a cancel would (no cancel message is counted:
        // nothing was sent).
        for (int i = 0; i < n; i++)
        {
            if (!decisions[i].IsAccepted) continue;
            int idx = Orders.TakeWaiting<TSync>(children[i].Account.Value, children[i].OrderId);
            if (idx >= 0) Release<TSync>(idx, children[i].TimeNs, closed: false); // never sent: the id stays usable
            decisions[i] = Decision.Reject(RejectReason.ListRejected);
        }
        return first;
    }

    /// <summary>The batch's replaces, in order, with every order of the batch held first (fills wait, as for one replace)
    /// and noted as it was, so that a refusal later in the batch restores the ones already amended exactly
    /// (<see cref="RejectReason.BatchRejected"/>); the orders are put back at the end either way.</summary>
    private Decision AmendAll<TSync>(ReadOnlySpan<OrderRequest> amendments, Span<Decision> decisions) where TSync : struct, ISync
    {
        int n = amendments.Length;
        Span<Amended> held = stackalloc Amended[n];
        int acc = amendments[0].Account.Value;
        for (int i = 0; i < n; i++)
        {
            int idx = Orders.TakeWaiting<TSync>(acc, amendments[i].OrderId);
            held[i] = idx < 0 ? new Amended { Index = -1 } : new Amended
            {
                Index = idx, PriceTicks = Orders[idx].PriceTicks, Lots = Orders[idx].RemainingLots, Fx = Orders[idx].ReservedFx, ReduceOnly = Orders[idx].ReduceOnly,
            };
        }
        var first = DecideEach<TSync>(amendments, decisions, held);
        if (!first.IsAccepted)
        {
            for (int i = 0; i < n; i++)
            {
                if (!decisions[i].IsAccepted) continue;
                Restore<TSync>(in held[i]);
                decisions[i] = Decision.Reject(RejectReason.BatchRejected);
            }
        }
        for (int i = 0; i < n; i++) if (held[i].Index >= 0) Orders.PutBack(held[i].Index);
        return first;
    }

    /// <summary>Each item checked in order with the ones before it applied: new orders when <paramref name="held"/> is empty,
    /// else replaces of the held orders (an id not found is <see cref="RejectReason.UnknownOrder"/>). Returns the first
    /// refusal, or Accept.</summary>
    private Decision DecideEach<TSync>(ReadOnlySpan<OrderRequest> items, Span<Decision> decisions, ReadOnlySpan<Amended> held) where TSync : struct, ISync
    {
        Decision first = Decision.Accept;
        for (int i = 0; i < items.Length; i++)
        {
            var d = held.IsEmpty ? CheckNew<TSync, RatesByList>(in items[i])
                : held[i].Index < 0 ? Decision.Reject(RejectReason.UnknownOrder) : CheckReplace<TSync, RatesByList>(in items[i]);
            decisions[i] = d;
            if (!d.IsAccepted && first.IsAccepted) first = d;
        }
        return first;
    }

    /// <summary>A held order as it was before a batch amended it.</summary>
    private struct Amended
    {
        public int Index;
        public long PriceTicks, Lots, Fx;
        public bool ReduceOnly;
    }

    /// <summary>Puts a held, amended order back as it was: working lots, exposure, balance hold, resting price, fields.
    /// The order is held, so no fill moved it meanwhile.</summary>
    private void Restore<TSync>(in Amended old) where TSync : struct, ISync
    {
        ref OrderTable.Entry e = ref Orders[old.Index];
        ref PairBook.Pair p = ref Pairs[e.Pair];
        bool buy = e.Side == Side.Buy;
        Acct.Add<TSync>(ref buy ? ref p.WorkingBuyLots : ref p.WorkingSellLots, old.Lots - e.RemainingLots);
        ref AccountCounters a = ref _accounts[e.Account];
        ReleaseExposure<TSync>(ref a, buy, e.ReservedFx);
        AddWorkingNotional<TSync>(ref a, buy, old.Fx);
        if (_balances.Length != 0) MoveHold<TSync>(p.Instrument, e.Account, e.ReservedFx, old.Fx);
        if (e.PriceTicks != old.PriceTicks) SetSlot<TSync>(e.Pair, e.Side, e.Slot, old.PriceTicks);
        e.PriceTicks = old.PriceTicks;
        e.ReservedFx = old.Fx;
        e.ReduceOnly = old.ReduceOnly;
        Volatile.Write(ref e.RemainingLots, old.Lots);
    }

    /// <summary>The list's own checks: room for the decisions, not empty, not over the cap, every child of the expected
    /// action and of one known account, no order id twice in a batch. <see cref="Decision.Accept"/> when it is well formed.</summary>
    private static Decision ListShape(ReadOnlySpan<OrderRequest> children, Span<Decision> decisions, RiskConfig cfg, OrderAction action)
    {
        int n = children.Length;
        if (n == 0 || decisions.Length < n) return Decision.Reject(RejectReason.InvalidList);
        if (n > cfg.MaxListOrders) return ListTooLarge(cfg.MaxListOrders, n);
        var account = children[0].Account;
        for (int i = 0; i < n; i++)
        {
            if (children[i].Action != action || children[i].Account != account) return Decision.Reject(RejectReason.InvalidList, Scope.Account);
            if (action == OrderAction.Replace)
                for (int j = 0; j < i; j++)
                    if (children[j].OrderId == children[i].OrderId) return Decision.Reject(RejectReason.InvalidList, Scope.Account);
        }
        if ((uint)account.Value >= (uint)cfg.Accounts.Length) return Decision.Reject(RejectReason.UnknownAccount, Scope.Account);
        return Decision.Accept;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Decision ListTooLarge(int limit, int n) => Decision.Reject(RejectReason.ListTooLarge, Scope.Account, limit, n);

    /// <summary>Writes one refusal for every child (as many as fit) and counts them.</summary>
    private Decision RefuseAll<TSync>(int n, Span<Decision> decisions, Decision why) where TSync : struct, ISync
    {
        int m = Math.Min(n, decisions.Length);
        decisions[..m].Fill(why);
        RecordAll<TSync>(decisions[..m]);
        return why;
    }

    private void RecordAll<TSync>(ReadOnlySpan<Decision> decisions) where TSync : struct, ISync
    {
        if (_counters is not { } c) return;
        foreach (ref readonly var d in decisions) c.Record<TSync>(d.Reason);
    }

    /// <summary>One rate window a list or batch takes a unit of: which window, how many order and message units, its limits
    /// (kept so the unit is given back under the same ones) and the epoch it was counted in.</summary>
    private struct RateUnit
    {
        public UnitKind Kind;
        public int Index, OrderLimit, MessageLimit;
        public byte Orders, Messages;
        public long Epoch;
    }

    private enum UnitKind : byte { Instrument, Account, Group, InstrumentModifies, AccountModifies }

    /// <summary>The rate units of a list (order and message units on the instrument, account and group windows) or a batch
    /// (message units on the instrument and account windows, and modify units where a modify limit is set): per child, or
    /// once per window touched (<see cref="ListRateMode.PerList"/>). Instruments first, then the account, then groups
    /// (modify windows last), the precedence of a single order's reasons. Children on unknown instruments take none
    /// (they are refused for it). Returns the count written.</summary>
    private static int ListUnits(ReadOnlySpan<OrderRequest> children, RiskConfig cfg, Span<RateUnit> units, bool batch)
    {
        bool perList = cfg.ListRate == ListRateMode.PerList;
        int count = 0, acc = children[0].Account.Value;
        ref readonly AccountRule ar = ref cfg.Accounts[acc];
        foreach (ref readonly var c in children)
        {
            if ((uint)c.Instrument.Value >= (uint)cfg.Instruments.Length) continue;
            ref readonly var r = ref cfg.Instruments[c.Instrument.Value];
            Add(units, ref count, perList, UnitKind.Instrument, c.Instrument.Value, batch ? int.MaxValue : r.OrdersPerWindow, r.MessagesPerWindow, batch ? (byte)0 : (byte)1, 1);
        }
        foreach (ref readonly var c in children)
            if ((uint)c.Instrument.Value < (uint)cfg.Instruments.Length || !batch)
                Add(units, ref count, perList, UnitKind.Account, acc, batch ? int.MaxValue : ar.OrdersPerWindow, ar.MessagesPerWindow, batch ? (byte)0 : (byte)1, 1);
        foreach (ref readonly var c in children)
        {
            if ((uint)c.Instrument.Value >= (uint)cfg.Instruments.Length) continue;
            ref readonly var r = ref cfg.Instruments[c.Instrument.Value];
            if (!batch) Add(units, ref count, perList, UnitKind.Group, r.Group, cfg.Groups[r.Group].OrdersPerWindow, int.MaxValue, 1, 0);
            else if (r.ModifiesPerWindow != int.MaxValue) Add(units, ref count, perList, UnitKind.InstrumentModifies, c.Instrument.Value, r.ModifiesPerWindow, int.MaxValue, 1, 0);
        }
        if (batch && ar.ModifiesPerWindow != int.MaxValue)
            foreach (ref readonly var c in children)
                if ((uint)c.Instrument.Value < (uint)cfg.Instruments.Length)
                    Add(units, ref count, perList, UnitKind.AccountModifies, acc, ar.ModifiesPerWindow, int.MaxValue, 1, 0);
        return count;

        static void Add(Span<RateUnit> units, ref int count, bool perList, UnitKind kind, int index, int orderLimit, int messageLimit, byte orders, byte messages)
        {
            if (perList)
                for (int k = 0; k < count; k++)
                    if (units[k].Kind == kind && units[k].Index == index) return;
            units[count++] = new RateUnit { Kind = kind, Index = index, OrderLimit = orderLimit, MessageLimit = messageLimit, Orders = orders, Messages = messages };
        }
    }

    /// <summary>Takes every unit at the list's event time; on the first window that is full gives back what was taken and
    /// returns the rate refusal (with the window's limit), else <see cref="Decision.Accept"/>.</summary>
    private Decision AcquireUnits<TSync>(Span<RateUnit> units, long timeNs) where TSync : struct, ISync
    {
        if (units.Length == 0) return Decision.Accept;
        long ep = RateEpoch(timeNs);
        for (int k = 0; k < units.Length; k++)
        {
            ref RateUnit u = ref units[k];
            u.Epoch = ep;
            int s = u.Kind switch
            {
                UnitKind.Instrument => RateWindow.TryAcquire<TSync>(ref _instruments[u.Index].Rates, ref u.Epoch, u.Orders, u.Messages, u.OrderLimit, u.MessageLimit),
                UnitKind.Account => AcquireAccount<TSync>(ref _accounts[u.Index].Rates, ref u.Epoch, u.Orders, u.Messages, u.OrderLimit, u.MessageLimit),
                UnitKind.Group => RateWindow.TryAcquire<TSync>(ref _groups[u.Index].Rates, ref u.Epoch, u.Orders, u.Messages, u.OrderLimit, u.MessageLimit),
                UnitKind.InstrumentModifies => RateWindow.TryAcquire<TSync>(ref _instruments[u.Index].Modifies, ref u.Epoch, u.Orders, u.Messages, u.OrderLimit, u.MessageLimit),
                _ => AcquireAccount<TSync>(ref _accounts[u.Index].Modifies, ref u.Epoch, u.Orders, u.Messages, u.OrderLimit, u.MessageLimit),
            };
            if (s == RateWindow.Ok) continue;
            ReleaseUnits<TSync>(units[..k]);
            var scope = u.Kind switch
            {
                UnitKind.Instrument or UnitKind.InstrumentModifies => Scope.Instrument,
                UnitKind.Group => Scope.Group,
                _ => Scope.Account,
            };
            if (u.Kind is UnitKind.InstrumentModifies or UnitKind.AccountModifies) return RateReject(RejectReason.ModifyRate, scope, u.OrderLimit);
            return s == RateWindow.OrdersOver ? RateReject(RejectReason.OrderRate, scope, u.OrderLimit) : RateReject(RejectReason.MessageRate, scope, u.MessageLimit);
        }
        return Decision.Accept;
    }

    private void ReleaseUnits<TSync>(Span<RateUnit> units) where TSync : struct, ISync
    {
        foreach (ref readonly var u in units)
        {
            switch (u.Kind)
            {
                case UnitKind.Instrument: RateWindow.Release<TSync>(ref _instruments[u.Index].Rates, u.Epoch, u.Orders, u.Messages, u.OrderLimit, u.MessageLimit); break;
                case UnitKind.Account: ReleaseAccount<TSync>(ref _accounts[u.Index].Rates, u.Epoch, u.Orders, u.Messages, u.OrderLimit, u.MessageLimit); break;
                case UnitKind.Group: RateWindow.Release<TSync>(ref _groups[u.Index].Rates, u.Epoch, u.Orders, u.Messages, u.OrderLimit, u.MessageLimit); break;
                case UnitKind.InstrumentModifies: RateWindow.Release<TSync>(ref _instruments[u.Index].Modifies, u.Epoch, u.Orders, u.Messages, u.OrderLimit, u.MessageLimit); break;
                default: ReleaseAccount<TSync>(ref _accounts[u.Index].Modifies, u.Epoch, u.Orders, u.Messages, u.OrderLimit, u.MessageLimit); break;
            }
        }
    }
}
