using System.Runtime.CompilerServices;

namespace CircuitBreaker.Benchmarks.PreTrade;

/// <summary>
/// The baseline a competent trading team writes in-house for one engine thread: flat arrays indexed by int ids, doubles
/// and integer lots, an open-addressing order table keyed by order id, no lock, no atomics, no configuration snapshot,
/// no trading states, no message rates, exposure or loss checks. It makes the same decisions as the naive gate on the
/// book stream (the checks the naive gate has, in its order: validity, tick and lot grid, min/max size, notional,
/// collar against the last mid, unknown or duplicate id, max position with working orders, open orders per account ×
/// instrument and per account, the account's order rate in a bucketed window), and with <c>selfMatch</c> also refuses
/// an order that would trade with a resting order of the same account: the best resting price per account × instrument ×
/// side is kept on insert and rescanned only when the best order leaves.
/// </summary>
internal sealed class InHouseGate
{
    private struct Instrument
    {
        public double InverseTick, InverseLot, MinLots, MaxLots, MaxNotional, CollarBps, MaxLongLots, MaxShortLots, Mid;
        public int MaxOpenPerPair;
    }

    private struct PairSide
    {
        public long WorkingLots;
        public double Best;      // highest resting buy / lowest resting sell; NaN when none
        public int Count;        // resting orders (index into the pair-side's price list)
    }

    private struct Order
    {
        public long Id;          // 0 = empty
        public int PairSide, ListIndex;
        public long Lots;
        public double Price;
    }

    private readonly Instrument[] _instruments;
    private readonly PairSide[] _sides;
    private readonly int[] _pairOpen;
    private readonly int[] _accountOpen;
    private readonly double[] _prices;   // per pair-side: resting prices, dense
    private readonly int[] _owners;      // per pair-side list position: order slot
    private readonly int _depth;
    private readonly Order[] _orders;    // open addressing, linear probing, backward-shift delete
    private readonly int _mask;
    private readonly int _maxOpenPerAccount, _maxOrdersPerWindow;
    private readonly long _bucketNs;
    private readonly long[] _rateBucket; // per account × 8 buckets: epoch
    private readonly int[] _rateCount;   // per account × 8 buckets: orders
    private readonly bool _selfMatch;
    private readonly int _accounts;

    public InHouseGate(BookScenario scenario, bool selfMatch)
    {
        int n = scenario.Instruments.Length;
        _accounts = scenario.AccountNames.Length;
        _instruments = new Instrument[n];
        for (int i = 0; i < n; i++)
        {
            var s = scenario.Instruments[i];
            _instruments[i] = new Instrument
            {
                InverseTick = 1 / s.Tick, InverseLot = 1 / s.Lot, MinLots = Math.Round(s.MinQuantity / s.Lot), MaxLots = Math.Round(s.MaxQuantity / s.Lot),
                MaxNotional = s.MaxNotional, CollarBps = s.CollarBps, MaxLongLots = Math.Round(s.MaxLong / s.Lot), MaxShortLots = Math.Round(s.MaxShort / s.Lot),
                Mid = s.ReferencePrice, MaxOpenPerPair = s.MaxOpenOrders,
            };
        }
        _depth = BookScenario.MaxOpenOrdersPerPair;
        _sides = new PairSide[_accounts * n * 2];
        for (int i = 0; i < _sides.Length; i++) _sides[i].Best = double.NaN;
        _pairOpen = new int[_accounts * n];
        _accountOpen = new int[_accounts];
        _prices = new double[_sides.Length * _depth];
        _owners = new int[_sides.Length * _depth];
        _orders = new Order[65_536];
        _mask = _orders.Length - 1;
        _maxOpenPerAccount = BookScenario.MaxOpenOrdersPerAccount;
        _maxOrdersPerWindow = BookScenario.MaxOrdersPerWindow;
        _bucketNs = PreTradeScenario.RateWindowNs / 8;
        _rateBucket = new long[_accounts * 8];
        _rateCount = new int[_accounts * 8];
        _selfMatch = selfMatch;
    }

    /// <summary>A new best bid and ask: the mid is the collar's reference.</summary>
    public void Quote(in BookQuote q)
    {
        if ((uint)q.Instrument.Value < (uint)_instruments.Length) _instruments[q.Instrument.Value].Mid = (q.Bid + q.Ask) * 0.5;
    }

    public Decision Check(in OrderRequest o)
    {
        int ins = o.Instrument.Value, acc = o.Account.Value;
        if ((uint)ins >= (uint)_instruments.Length) return Decision.Reject(RejectReason.UnknownInstrument);
        if ((uint)acc >= (uint)_accounts) return Decision.Reject(RejectReason.UnknownAccount, Scope.Account);
        int pair = acc * _instruments.Length + ins;
        if (o.Action == OrderAction.Cancel)
        {
            int at = Find(o.OrderId);
            if (at >= 0) Remove(at);
            return Decision.Accept;
        }
        ref Instrument r = ref _instruments[ins];
        double price = o.Price, qty = o.Quantity;
        if (!double.IsFinite(price)) return Decision.Reject(RejectReason.NonFinitePrice);
        if (!double.IsFinite(qty)) return Decision.Reject(RejectReason.NonFiniteQuantity);
        if (price <= 0) return Decision.Reject(RejectReason.InvalidPrice);
        if (qty <= 0) return Decision.Reject(RejectReason.InvalidQuantity);
        double t = price * r.InverseTick, l = qty * r.InverseLot;
        if (Math.Abs(t - Math.Round(t)) > 1e-9 * t) return Decision.Reject(RejectReason.OffTick);
        if (Math.Abs(l - Math.Round(l)) > 1e-9 * l) return Decision.Reject(RejectReason.OffLot);
        long lots = (long)Math.Round(l);
        if (lots < r.MinLots) return Decision.Reject(RejectReason.MinOrderQuantity);
        if (lots > r.MaxLots) return Decision.Reject(RejectReason.MaxOrderQuantity);
        if (price * qty > r.MaxNotional) return Decision.Reject(RejectReason.MaxOrderNotional);
        if (Math.Abs(price - r.Mid) * 10_000 > r.CollarBps * r.Mid) return Decision.Reject(RejectReason.PriceCollar);

        bool replace = o.Action == OrderAction.Replace;
        int found = Find(o.OrderId);
        if (replace ? found < 0 : found >= 0) return replace ? Decision.Reject(RejectReason.UnknownOrder) : Decision.Reject(RejectReason.DuplicateOrderId);
        int side = pair * 2 + (o.Side == Side.Buy ? 0 : 1);
        ref PairSide ps = ref _sides[side];
        long added = lots - (replace && _orders[found].PairSide == side ? _orders[found].Lots : 0);
        if (o.Side == Side.Buy ? ps.WorkingLots + added > r.MaxLongLots : ps.WorkingLots + added > r.MaxShortLots)
            return Decision.Reject(RejectReason.MaxPosition);
        if (!replace)
        {
            if (_pairOpen[pair] >= r.MaxOpenPerPair) return Decision.Reject(RejectReason.MaxOpenOrders);
            if (_accountOpen[acc] >= _maxOpenPerAccount) return Decision.Reject(RejectReason.MaxOpenOrders, Scope.Account);
        }
        if (_selfMatch && Crosses(side ^ 1, o.Side, price)) return Decision.Reject(RejectReason.SelfMatch);
        if (!replace && !TakeRate(acc, o.TimeNs)) return Decision.Reject(RejectReason.OrderRate, Scope.Account);

        if (replace) Remove(found);
        Insert(o.OrderId, side, pair, acc, lots, price);
        return Decision.Accept;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Crosses(int otherSide, Side side, double price)
    {
        double best = _sides[otherSide].Best; // NaN compares false: no resting order
        return side == Side.Buy ? best <= price : best >= price;
    }

    private bool TakeRate(int acc, long timeNs)
    {
        long epoch = timeNs / _bucketNs;
        int b0 = acc * 8;
        ref long head = ref _rateBucket[b0 + (int)(epoch & 7)];
        if (head != epoch) { head = epoch; _rateCount[b0 + (int)(epoch & 7)] = 0; }
        int inWindow = 0;
        for (int k = 0; k < 8; k++) if (_rateBucket[b0 + k] > epoch - 8) inWindow += _rateCount[b0 + k];
        if (inWindow >= _maxOrdersPerWindow) return false;
        _rateCount[b0 + (int)(epoch & 7)]++;
        return true;
    }

    private int Find(long id)
    {
        for (int s = (int)(Hash(id) & (ulong)_mask); ; s = (s + 1) & _mask)
        {
            long k = _orders[s].Id;
            if (k == id) return s;
            if (k == 0) return -1;
        }
    }

    private void Insert(long id, int side, int pair, int acc, long lots, double price)
    {
        int s = (int)(Hash(id) & (ulong)_mask);
        while (_orders[s].Id != 0) s = (s + 1) & _mask;
        ref PairSide ps = ref _sides[side];
        int li = ps.Count++;
        _prices[side * _depth + li] = price;
        _owners[side * _depth + li] = s;
        if (li == 0 || ((side & 1) == 0 ? price > ps.Best : price < ps.Best)) ps.Best = price;
        ps.WorkingLots += lots;
        _pairOpen[pair]++;
        _accountOpen[acc]++;
        _orders[s] = new Order { Id = id, PairSide = side, ListIndex = li, Lots = lots, Price = price };
    }

    private void Remove(int s)
    {
        ref Order o = ref _orders[s];
        int side = o.PairSide, pair = side >> 1, acc = pair / _instruments.Length;
        ref PairSide ps = ref _sides[side];
        ps.WorkingLots -= o.Lots;
        _pairOpen[pair]--;
        _accountOpen[acc]--;
        // Swap-remove from the pair-side's price list; rescan for the best only when the best left.
        int last = --ps.Count, b = side * _depth;
        if (o.ListIndex != last)
        {
            _prices[b + o.ListIndex] = _prices[b + last];
            int moved = _owners[b + last];
            _owners[b + o.ListIndex] = moved;
            _orders[moved].ListIndex = o.ListIndex;
        }
        if (o.Price == ps.Best)
        {
            double best = double.NaN;
            for (int k = 0; k < last; k++)
            {
                double p = _prices[b + k];
                if (k == 0 || ((side & 1) == 0 ? p > best : p < best)) best = p;
            }
            ps.Best = best;
        }
        // Backward-shift delete keeps probe chains intact without tombstones.
        int hole = s;
        for (int j = (s + 1) & _mask; _orders[j].Id != 0; j = (j + 1) & _mask)
        {
            int home = (int)(Hash(_orders[j].Id) & (ulong)_mask);
            if (((j - home) & _mask) >= ((j - hole) & _mask))
            {
                _orders[hole] = _orders[j];
                int ps2 = _orders[hole].PairSide;
                _owners[ps2 * _depth + _orders[hole].ListIndex] = hole;
                hole = j;
            }
        }
        _orders[hole] = default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hash(long key)
    {
        ulong x = (ulong)key * 0x9E3779B97F4A7C15UL;
        return x ^ (x >> 32);
    }
}

/// <summary>What the book measurements call: an order check and a quote.</summary>
internal interface IBookCheck : IPreTradeCheck
{
    /// <summary>Applies a quote (the collar's reference).</summary>
    void Quote(in BookQuote quote);
}

/// <summary>The in-house array gate (with or without its self-match check).</summary>
internal readonly struct InHouseCheck(InHouseGate gate) : IBookCheck
{
    public Decision Check(in OrderRequest order) => gate.Check(in order);
    public void Quote(in BookQuote quote) => gate.Quote(in quote);
}
