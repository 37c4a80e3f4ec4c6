using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CircuitBreaker.Gate;

/// <summary>
/// State per (account, instrument) pair: position and working quantity (for position limits and reduce-only), open
/// orders, the account's typical order size (fat-finger guard), and the resting prices of its working orders on
/// each side (self-match prevention). Pairs are created on first use by CAS into a preallocated open-addressing
/// table and never removed; full → <see cref="RejectReason.OrderTableFull"/>.
/// </summary>
internal sealed class PairBook
{
    /// <summary>One pair, two cache lines: line 0 holds what the gate writes (working lots, open orders, the typical
    /// size) and the identity set once at creation; line 1 what the position keeper writes (position, PnL, marks, and in
    /// account-owned mode the working lots fills released).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    internal struct Pair
    {
        // line 0: identity (written once, at creation) and gate-written counters
        [FieldOffset(0)] public long Key;              // (account << 32 | instrument) + 1; 0 = empty
        [FieldOffset(8)] public long WorkingBuyLots;   // gate atomics
        [FieldOffset(16)] public long WorkingSellLots;
        [FieldOffset(24)] public double TypicalLots;   // EWMA of accepted order size (benign races: it is a statistic)
        [FieldOffset(32)] public int OpenOrders;
        [FieldOffset(36)] public int AcceptedOrders;
        [FieldOffset(40)] public int Instrument;
        [FieldOffset(44)] public int Account;
        [FieldOffset(48)] public int NextOfInstrument; // intrusive list of pairs per instrument, for marking positions
        // line 1: written by the position keeper (single writer), read by the gate
        [FieldOffset(64)] public long PositionLots;
        [FieldOffset(72)] public double AvgPrice;
        [FieldOffset(80)] public double RealisedPnl;
        [FieldOffset(88)] public double UnrealisedPnl;
        [FieldOffset(96)] public double MarkNotional;   // |position| × mark × multiplier
        [FieldOffset(104)] public double SignedNotional;
        // Account-owned mode only (0 otherwise): the working lots fills released, which the account's owning thread adds
        // with plain stores. Effective working = WorkingXLots - ReleasedXLots. (The open orders fills released are the
        // slots they freed: PairBook.FreedByFills.)
        [FieldOffset(112)] public long ReleasedBuyLots;
        [FieldOffset(120)] public long ReleasedSellLots;

        /// <summary>Offset of the first field the position keeper writes.</summary>
        public const int EvaluatorOffset = 64;
    }

    public const long EmptySlot = long.MinValue;

    private readonly LineArray<Pair> _pairs;
    private readonly int[] _index;      // open addressing: slot → pair index + 1
    private readonly long[] _indexKeys;
    private readonly int _mask;
    private readonly long[] _resting;   // per pair: depth buy slots, then depth sell slots
    private readonly int[] _instrumentHead;
    private readonly SideState[] _sides; // per pair and side, a pair's two sides adjacent (32 B)
    private readonly int[] _freedByFills; // per pair and side, account-owned mode: slots fills freed (keeper-written)

    /// <summary>The self-match summary of one side of a pair (16 B: a pair's two sides take a quarter of a line; at
    /// 32 B, with a free-slot search hint, the 100,000-instrument check read 1.06-1.08x slower, a larger array to miss in).</summary>
    [StructLayout(LayoutKind.Explicit, Size = 16)]
    private struct SideState
    {
        /// <summary>A bound on the side's best resting price, never inside it: at or above the highest resting buy, at or
        /// below the lowest resting sell (<see cref="NoBuy"/> / <see cref="NoSell"/> when nothing rested since the last
        /// tightening). Raised (buys) or lowered (sells) when a slot takes a price; left alone when one frees, so it stays
        /// a bound; made exact again by a scan that finds no cross (single-writer and account-owned modes only).</summary>
        [FieldOffset(0)] public long Bound;
        [FieldOffset(8)] public int Occupied;  // slots in use (scan skipped when 0)
        [FieldOffset(12)] public int HighWater; // 1 + highest slot index ever claimed (scan bound)
    }

    private const long NoBuy = long.MinValue, NoSell = long.MaxValue;
    private int _count;

    public PairBook(int capacity, int depthPerSide, int instruments)
    {
        _pairs = new LineArray<Pair>(capacity);
        int size = (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(4, capacity * 2));
        _index = new int[size];
        _indexKeys = new long[size];
        _mask = size - 1;
        Depth = depthPerSide;
        _resting = new long[(long)capacity * depthPerSide * 2];
        Array.Fill(_resting, EmptySlot);
        _sides = new SideState[capacity * 2];
        for (int i = 0; i < _sides.Length; i += 2) { _sides[i].Bound = NoBuy; _sides[i + 1].Bound = NoSell; }
        _freedByFills = new int[capacity * 2];
        _instrumentHead = new int[Math.Max(1, instruments)];
        Array.Fill(_instrumentHead, -1);
    }

    public int Depth { get; }
    public int Count => Volatile.Read(ref _count);
    public ref Pair this[int index] => ref _pairs[index];

    /// <summary>First pair of an instrument's intrusive list, or -1.</summary>
    public int FirstOfInstrument(int instrument) => Volatile.Read(ref _instrumentHead[instrument]);

    private static long KeyOf(int account, int instrument) => (((long)account << 32) | (uint)instrument) + 1;

    /// <summary>Index of the pair, or -1 when it does not exist yet.</summary>
    public int Find(int account, int instrument)
    {
        long key = KeyOf(account, instrument);
        int h = Home(key);
        for (int probe = 0; probe <= _mask; probe++)
        {
            int s = (h + probe) & _mask;
            long k = Volatile.Read(ref _indexKeys[s]);
            if (k == key) return Published(s);
            if (k == 0) return -1;
        }
        return -1;
    }

    /// <summary>Index of the pair, created if needed; -1 when the table is full.</summary>
    public int GetOrAdd(int account, int instrument)
    {
        long key = KeyOf(account, instrument);
        int h = Home(key);
        for (int probe = 0; probe <= _mask; probe++)
        {
            int s = (h + probe) & _mask;
            long k = Volatile.Read(ref _indexKeys[s]);
            if (k == 0)
            {
                k = Interlocked.CompareExchange(ref _indexKeys[s], key, 0);
                if (k == 0)
                {
                    int p = Interlocked.Increment(ref _count) - 1;
                    if (p >= _pairs.Length) { Interlocked.Decrement(ref _count); Volatile.Write(ref _index[s], int.MinValue); return -1; }
                    ref Pair pair = ref _pairs[p];
                    pair.Key = key; pair.Instrument = instrument; pair.Account = account;
                    // push on the instrument's list
                    int head;
                    do { head = Volatile.Read(ref _instrumentHead[instrument]); pair.NextOfInstrument = head; }
                    while (Interlocked.CompareExchange(ref _instrumentHead[instrument], p, head) != head);
                    Volatile.Write(ref _index[s], p + 1);
                    return p;
                }
            }
            if (k == key) return Published(s);
        }
        return -1;
    }

    /// <summary>The table slot a key's probe starts at.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Home(long key) => (int)(Hash(key) & (ulong)_mask);

    /// <summary>The pair index slot <paramref name="s"/> holds, once its insert has published it (spins until then); -1
    /// for a key whose insert found the table full (marked int.MinValue).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Published(int s)
    {
        int v;
        var spin = new SpinWait();
        while ((v = Volatile.Read(ref _index[s])) == 0) spin.SpinOnce(-1);
        return v < 0 ? -1 : v - 1;
    }

    /// <summary>Claims the lowest free resting slot on a side for a price; -1 when the side is full.</summary>
    public int ClaimSlot<TSync>(int pair, Side side, long priceTicks) where TSync : struct, ISync
    {
        int side2 = pair * 2 + (int)side;
        ref SideState st = ref _sides[side2];
        long baseIdx = (long)side2 * Depth;
        for (int k = 0; k < Depth; k++)
        {
            ref long slot = ref _resting[baseIdx + k];
            if (Volatile.Read(ref slot) == EmptySlot && TSync.Cas(ref slot, priceTicks, EmptySlot))
            {
                // Scan bound and price bound first, then the count: the count's add is a full fence under atomics, so a
                // crossing order racing on another thread either sees all three or is seen by our own check (the
                // caller reads the other side's bound and slots after this fence).
                int hw;
                while ((hw = Volatile.Read(ref st.HighWater)) < k + 1 && !TSync.Cas(ref st.HighWater, k + 1, hw)) { }
                Widen<TSync>(ref st, side, priceTicks);
                TSync.Add(ref st.Occupied, 1);
                return k;
            }
        }
        return -1;
    }

    /// <summary>Moves the side's bound to cover a price that now rests. Under atomics only ever widens, and is followed
    /// by a full fence before the caller reads the other side.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Widen<TSync>(ref SideState st, Side side, long priceTicks) where TSync : struct, ISync
    {
        long b;
        if (side == Side.Buy) { while ((b = Volatile.Read(ref st.Bound)) < priceTicks && !TSync.Cas(ref st.Bound, priceTicks, b)) { } }
        else { while ((b = Volatile.Read(ref st.Bound)) > priceTicks && !TSync.Cas(ref st.Bound, priceTicks, b)) { } }
    }

    /// <summary>Moves a claimed slot to a new price (a replace): the bound first, then the slot, whose publication is a
    /// full fence under atomics before the caller's check.</summary>
    public void SetSlot<TSync>(int pair, Side side, int slot, long priceTicks) where TSync : struct, ISync
    {
        int side2 = pair * 2 + (int)side;
        Widen<TSync>(ref _sides[side2], side, priceTicks);
        TSync.Publish(ref _resting[(long)side2 * Depth + slot], priceTicks);
    }

    /// <summary>Frees a claimed slot. The slot is emptied before the count drops, so a scan skipping on a zero count
    /// never misses a slot still in use.</summary>
    public void FreeSlot<TSync>(int pair, Side side, int slot) where TSync : struct, ISync
    {
        int side2 = pair * 2 + (int)side;
        Volatile.Write(ref _resting[(long)side2 * Depth + slot], EmptySlot);
        ref SideState st = ref _sides[side2];
        TSync.Add(ref st.Occupied, -1);
    }

    /// <summary>Account-owned mode, on the position keeper's thread: frees the slot of an order a fill completed. The
    /// owner's occupancy count is not touched (the owner writes it with plain stores); the keeper counts the slot in its
    /// own counter, after emptying it, so an owner that reads count minus freed as 0 finds no slot in use.</summary>
    public void FreeSlotByFill(int pair, Side side, int slot)
    {
        Volatile.Write(ref _resting[((long)pair * 2 + (int)side) * Depth + slot], EmptySlot);
        ref int freed = ref _freedByFills[pair * 2 + (int)side];
        Volatile.Write(ref freed, freed + 1);
    }

    /// <summary>Account-owned mode: the pair's orders that fills completed (each freed one slot), which the gate subtracts
    /// from the pair's open-order count. 0 in the other modes.</summary>
    public int FreedByFills(int pair) => Volatile.Read(ref _freedByFills[pair * 2]) + Volatile.Read(ref _freedByFills[pair * 2 + 1]);

    /// <summary>Slots of a pair's side in use (tests, diagnostics).</summary>
    internal int Occupied(int pair, Side side) => Volatile.Read(ref _sides[pair * 2 + (int)side].Occupied) - Volatile.Read(ref _freedByFills[pair * 2 + (int)side]);

    /// <summary>1 + the highest slot index ever claimed on a pair's side (tests, diagnostics).</summary>
    internal int HighWater(int pair, Side side) => Volatile.Read(ref _sides[pair * 2 + (int)side].HighWater);

    /// <summary>The side's bound on its best resting price (tests, diagnostics).</summary>
    internal long Bound(int pair, Side side) => Volatile.Read(ref _sides[pair * 2 + (int)side].Bound);

    /// <summary>True when a resting order of the pair on the other side would trade with an order at <paramref name="priceTicks"/>.
    /// O(1) when the other side's bound shows no resting order can cross (the usual case: an account's buys rest below its
    /// sells); otherwise the other side's slots are scanned, and a scan that finds no cross makes the bound exact again
    /// when <paramref name="tighten"/> (single-writer and account-owned modes, where no other thread claims slots of the
    /// pair; under atomics a claim racing with the scan could be left outside the bound, so the bound only widens there).</summary>
    public bool Crosses(int pair, Side side, long priceTicks, bool tighten)
    {
        bool buy = side == Side.Buy;
        int o = pair * 2 + (buy ? 1 : 0);
        ref SideState st = ref _sides[o];
        long bound = Volatile.Read(ref st.Bound);
        if (buy ? priceTicks < bound : priceTicks > bound) return false;
        if (Volatile.Read(ref st.Occupied) - Volatile.Read(ref _freedByFills[o]) == 0)
        {
            if (tighten) st.Bound = buy ? NoSell : NoBuy;
            return false;
        }
        var slots = new ReadOnlySpan<long>(_resting, (int)((long)o * Depth), Volatile.Read(ref st.HighWater));
        long best = buy ? NoSell : NoBuy;
        if (buy)
        {
            foreach (long p in slots)
            {
                if (p == EmptySlot) continue;
                if (p <= priceTicks) return true;
                if (p < best) best = p;
            }
        }
        else
        {
            foreach (long p in slots)
            {
                if (p == EmptySlot) continue;
                if (p >= priceTicks) return true;
                if (p > best) best = p;
            }
        }
        if (tighten) st.Bound = best;
        return false;
    }

    private static ulong Hash(long key)
    {
        ulong x = (ulong)key * 0x9E3779B97F4A7C15UL;
        return x ^ (x >> 29);
    }
}
