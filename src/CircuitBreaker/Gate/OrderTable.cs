using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CircuitBreaker.Gate;

/// <summary>
/// Working orders keyed by (account, order id), lock-free: two-choice hashing into buckets of 8 entries, each entry
/// claimed by CAS (Empty → Busy → Live) and freed back to Empty, so there are no tombstones and a lookup reads at most
/// 16 entries. An entry's state and a mark of its key share one 8-byte tag word, and a bucket's 8 tags fill one
/// cache line apart from the entries' payload: a lookup or insert scans one line and reads a payload only where the
/// mark matches. (With the state inside each 56-byte entry, an insert under ever-rising ids read 7 cold lines to scan
/// its bucket: a third of the check's time in a profile.) Under atomics a duplicate id (already working, or racing from another thread) is caught by the re-scan
/// after insert (two racing inserts may both be refused, never both accepted); single-writer, one scan finds both the
/// duplicate and the free entry; account-owned, one scan finds the duplicate (only the owner inserts its keys) and the
/// free entry is claimed by CAS (other owners claim in the same buckets). Preallocated; full → the caller rejects with <see cref="RejectReason.OrderTableFull"/>.
/// No global counter: the gate counts working orders per account.
/// </summary>
internal sealed unsafe class OrderTable
{
    internal const int Empty = 0, Busy = 1, Live = 2;
    private const int BucketSize = 8;

    [StructLayout(LayoutKind.Sequential)]
    internal struct Entry
    {
        public long OrderId;
        public long PriceTicks;
        public long RemainingLots;
        public long ReservedFx;       // working notional this order holds in its account's exposure counter (fixed point)
        public int Account;
        public int Pair;
        public int Slot;
        public Side Side;
        public bool GroupCounted;     // the order holds a unit of its group's open-order count
        public bool Spilled;          // stored in its second-choice bucket (counted in the first's spill count)
        public bool ReduceOnly;       // accepted with the per-order reduce-only flag: its replaces stay reduce-only
    }

    /// <summary>Payloads and tags in native memory on huge pages where the OS gives them (see <see cref="NativeBlock"/>).</summary>
    private readonly NativeBlock _entryBlock, _tagBlock;
    private readonly Entry* _entries;
    /// <summary>Per entry: (key mark &lt;&lt; 2) | state; 0 when empty. A bucket's 8 tags fill one cache line.</summary>
    private readonly long* _tags;
    private readonly int _slots;
    private readonly int[] _spilled;   // per bucket: live entries whose first choice it is, stored in their second
    private readonly int _bucketMask;

    public OrderTable(int capacity)
    {
        int buckets = (int)Math.Max(2, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(2, (long)capacity * LoadFactorInverse / BucketSize)));
        _slots = buckets * BucketSize;
        _entryBlock = new NativeBlock((long)_slots * sizeof(Entry));
        _tagBlock = new NativeBlock((long)_slots * sizeof(long));
        _entries = (Entry*)_entryBlock.Pointer;
        _tags = (long*)_tagBlock.Pointer;
        _spilled = new int[buckets];
        _bucketMask = buckets - 1;
    }

    /// <summary>Payload of entry <paramref name="index"/> (bounds-checked).</summary>
    public ref Entry this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_slots) throw new IndexOutOfRangeException();
            return ref _entries[index];
        }
    }

    /// <summary>Tag word of entry <paramref name="index"/> (bounds-checked).</summary>
    private ref long TagAt(int index)
    {
        if ((uint)index >= (uint)_slots) throw new IndexOutOfRangeException();
        return ref Tag(index);
    }

    /// <summary>Tag word of entry <paramref name="index"/>, for scans of a bucket the table computed itself (not bounds-checked).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref long Tag(int index) => ref _tags[index];

    /// <summary>The key's mark, shifted clear of the state bits: the id XOR the account's salt, low 62 bits (ids of one
    /// account that differ below bit 62 never share a mark; other keys rarely do, and the payload's key is always
    /// compared too, so a shared mark costs a payload read, never a wrong answer).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Mark(int account, long orderId) => (long)(((ulong)orderId ^ Salt(account)) << 2);

    private static int StateOf(long tag) => (int)(tag & 3);

    private static ulong Mix(long key)
    {
        ulong x = (ulong)key;
        x ^= x >> 33; x *= 0xff51afd7ed558ccdUL; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53UL; x ^= x >> 33;
        return x;
    }

    /// <summary>Entries per order of capacity: at most a quarter of the entries are ever live, so that both buckets
    /// of a key being full is too rare to refuse an order below capacity (OrderTableCapacityTests fill tables to
    /// capacity with sequential, strided, high-bit and random ids from 1, 8 and 64 accounts; docs/performance.md has
    /// the measurements behind the choice).</summary>
    private const int LoadFactorInverse = 4;
    /// <summary>Ids per group (2): one group's ids share a first-choice bucket. A quarter of a bucket, so that the id
    /// ranges of many accounts that all number from 1 can overlap in a bucket without both choices filling.</summary>
    private const int GroupShift = 1;
    /// <summary>Groups per block: a block's consecutive groups take consecutive first-choice buckets.</summary>
    private const int BlockShift = 10;

    /// <summary>
    /// First-choice bucket: locality for the ids engines actually send, a hash for everything else. Ids are split
    /// into groups of 2 and groups into blocks of 1,024 (2,048 ids); a block starts at a hashed
    /// bucket per (account, block) and its groups take the buckets after it. An account numbering its orders
    /// sequentially therefore walks the table linearly, and its working orders sit in a few adjacent buckets that stay
    /// in cache, instead of one random 448-byte bucket per new order (a cache and a TLB miss each). Ids that differ
    /// only in high bits (a shard or session prefix, a time stamp) land in different blocks, i.e. random places.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int FirstBucket(int account, long orderId)
    {
        ulong group = (ulong)orderId >> GroupShift;
        ulong blockStart = Mix((long)((group >> BlockShift) ^ Salt(account)));
        return (int)((blockStart + (group & ((1UL << BlockShift) - 1))) & (ulong)_bucketMask);
    }

    /// <summary>An account's key salt: distinct per account and far from the small numbers ids are made of, so (account,
    /// id) keys stay distinct when combined by XOR: no two (account, id) pairs of accounts numbering from 1 share both
    /// buckets.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Salt(int account) => ((ulong)(uint)account + 1) * 0x9E3779B97F4A7C15UL;

    /// <summary>Second-choice bucket (where an entry spills when its first is full): a full hash of the key.</summary>
    private int SecondBucket(int account, long orderId, int b1)
    {
        int b2 = (int)((Mix(orderId ^ (long)Salt(account)) >> 32) & (ulong)_bucketMask);
        return b2 == b1 ? (b1 + 1) & _bucketMask : b2;
    }

    /// <summary>
    /// Asks the CPU to start loading the first-choice bucket of (account, orderId) and the bucket after it: each one's
    /// tag line and the payload of its first two entries (where a new order lands when the bucket is empty, as under
    /// rising ids). Under ever-rising ids every new order lands in a bucket not touched for a whole pass of the table
    /// (14 MiB by default: not in L2), and the insert stalled on it; the gate calls this at the start of a new-order
    /// check, so this order's line loads while the other controls run, and the account's next ids (the next bucket)
    /// are loaded before they arrive (docs/performance.md has the measurement). A hint only: no effect on results; nothing on CPUs
    /// without SSE prefetch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(int account, long orderId)
    {
        if (!System.Runtime.Intrinsics.X86.Sse.IsSupported) return;
        int b = FirstBucket(account, orderId);
        PrefetchBucket(b);
        PrefetchBucket((b + 1) & _bucketMask);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void PrefetchBucket(int bucket)
    {
        int k = bucket * BucketSize;
        System.Runtime.Intrinsics.X86.Sse.Prefetch0(_tags + k);
        byte* payload = (byte*)(_entries + k);
        System.Runtime.Intrinsics.X86.Sse.Prefetch0(payload);
        System.Runtime.Intrinsics.X86.Sse.Prefetch0(payload + 2 * Unsafe.SizeOf<Entry>() - 1);
    }

    /// <summary>Index of the live entry for (account, orderId), or -1; with <paramref name="held"/>, also an entry another
    /// thread holds (busy) whose key matches. The second bucket is read only when some entry whose first choice is this
    /// key's first bucket spilled into its second (the count rises before such an entry is published and falls after it
    /// is freed, so a published entry is never skipped).</summary>
    public int Find(int account, long orderId, bool held = false)
    {
        int b1 = FirstBucket(account, orderId);
        int i = FindIn(b1, account, orderId, -1, held);
        return i >= 0 || Volatile.Read(ref _spilled[b1]) == 0 ? i : FindIn(SecondBucket(account, orderId, b1), account, orderId, -1, held);
    }

    /// <summary>The entry of (account, orderId) in a bucket, other than <paramref name="except"/>: live ones, or with
    /// <paramref name="held"/> any not empty. With <paramref name="settle"/> (the insert's re-scan), each busy entry passed
    /// is first waited out (bounded: an insert about to publish, or an order taken by a cancel, replace or fill). An
    /// entry still busy after the wait counts when <paramref name="held"/>: a taken order's key is stable, so a thread
    /// preempted while it replaces an order cannot let a new order with the same id through (fail-closed; a matching
    /// insert still being written at worst makes both inserts back out, which the protocol already allows).</summary>
    private int FindIn(int bucket, int account, long orderId, int except, bool held = false, bool settle = false)
    {
        long mark = Mark(account, orderId);
        int start = bucket * BucketSize;
        for (int k = start; k < start + BucketSize; k++)
        {
            if (k == except) continue;
            long tag = Volatile.Read(ref Tag(k));
            if (settle && StateOf(tag) == Busy)
            {
                var spin = new SpinWait();
                for (int n = 0; n < 64 && StateOf(tag = Volatile.Read(ref Tag(k))) == Busy; n++) spin.SpinOnce(-1);
            }
            if ((held ? tag != Empty : StateOf(tag) == Live) && (tag & ~3L) == mark && _entries[k].OrderId == orderId && _entries[k].Account == account) return k;
        }
        return -1;
    }

    /// <summary>Inserts a new live entry. Returns its index, -1 for a duplicate id, -2 when full.</summary>
    public int TryInsert<TSync>(int account, long orderId, in Entry value) where TSync : struct, ISync
    {
        int b1 = FirstBucket(account, orderId);
        long mark = Mark(account, orderId);
        int idx;
        if (TSync.SingleWriter)
        {
            // One pass over the bucket's tag line: no other thread inserts, so a duplicate is live now or never.
            int free = -1;
            int start = b1 * BucketSize;
            long live = mark | Live;
            for (int k = start; k < start + BucketSize; k++)
            {
                long tag = Tag(k);
                if (tag == live) { if (_entries[k].OrderId == orderId && _entries[k].Account == account) return -1; }
                else if (free < 0 && tag == Empty) free = k;
            }
            // The key can be in its second bucket only if something spilled from the first.
            bool spilledHere = _spilled[b1] != 0;
            int alt = free < 0 || spilledHere ? SecondBucket(account, orderId, b1) : -1;
            if (spilledHere && FindIn(alt, account, orderId, -1) >= 0) return -1;
            idx = free >= 0 ? free : ClaimFree(alt);
            if (idx < 0) return -2;
            Write(ref _entries[idx], in value);
            _entries[idx].Spilled = free < 0;
            if (free < 0) Volatile.Write(ref _spilled[b1], _spilled[b1] + 1);
            Volatile.Write(ref Tag(idx), live);
            return idx;
        }
        if (TSync.Owned) return InsertOwned(account, orderId, b1, mark, in value);
        int b2 = SecondBucket(account, orderId, b1);
        idx = Claim<TSync>(b1, mark);
        bool spilled = idx < 0;
        if (spilled) idx = Claim<TSync>(b2, mark);
        if (idx < 0) return FindIn(b1, account, orderId, -1) >= 0 || FindIn(b2, account, orderId, -1) >= 0 ? -1 : -2;
        Write(ref _entries[idx], in value);
        _entries[idx].Spilled = spilled;
        if (spilled) Interlocked.Increment(ref _spilled[b1]); // before publishing (see Find)
        TSync.Publish(ref Tag(idx), mark | Live); // full fence: the re-scan below cannot move before this store
        // A duplicate already working, or another thread inserting the same key: wait out busy neighbours, then look.
        // Each inserter re-scans after publishing itself, so two racing inserts can both back out but never both stay.
        // The second bucket only when something spilled from the first (read after our publish): an entry of this key
        // in it, live or taken, holds the count up; one that spills there later raises it before publishing, and then
        // its own re-scan, after that publish, sees ours.
        bool second = Volatile.Read(ref _spilled[b1]) != 0;
        if (FindIn(b1, account, orderId, idx, held: true, settle: true) >= 0 || (second && FindIn(b2, account, orderId, idx, held: true, settle: true) >= 0))
        {
            Remove(idx);
            return -1;
        }
        return idx;
    }

    /// <summary>
    /// Account-owned mode: only this thread inserts or removes this account's keys (the position keeper may hold one of
    /// its entries for a fill, which keeps the key's mark in the tag), so one scan finds a duplicate, live or held, and
    /// no re-scan after publishing is needed; empty entries are still claimed by CAS, since other accounts' owners
    /// claim entries in the same buckets. The spill count is shared: atomic.
    /// </summary>
    private int InsertOwned(int account, long orderId, int b1, long mark, in Entry value)
    {
        if (FindIn(b1, account, orderId, -1, held: true) >= 0) return -1;
        bool spilledHere = Volatile.Read(ref _spilled[b1]) != 0;
        int b2 = SecondBucket(account, orderId, b1);
        if (spilledHere && FindIn(b2, account, orderId, -1, held: true) >= 0) return -1;
        int idx = Claim<OwnedSync>(b1, mark);
        bool spilled = idx < 0;
        if (spilled) idx = Claim<OwnedSync>(b2, mark);
        if (idx < 0) return -2;
        Write(ref _entries[idx], in value);
        _entries[idx].Spilled = spilled;
        if (spilled) Interlocked.Increment(ref _spilled[b1]); // before publishing (see Find)
        Volatile.Write(ref Tag(idx), mark | Live);
        return idx;
    }

    private static void Write(ref Entry e, in Entry value)
    {
        e.Account = value.Account; e.OrderId = value.OrderId; e.Pair = value.Pair; e.Slot = value.Slot;
        e.PriceTicks = value.PriceTicks; e.RemainingLots = value.RemainingLots; e.ReservedFx = value.ReservedFx;
        e.Side = value.Side; e.GroupCounted = value.GroupCounted; e.ReduceOnly = value.ReduceOnly;
    }

    private int ClaimFree(int bucket)
    {
        int start = bucket * BucketSize;
        for (int k = start; k < start + BucketSize; k++)
            if (Tag(k) == Empty) return k;
        return -1;
    }

    /// <summary>Claims an empty entry of a bucket for the key marked <paramref name="mark"/> (Empty → Busy, the mark set).</summary>
    private int Claim<TSync>(int bucket, long mark) where TSync : struct, ISync
    {
        int start = bucket * BucketSize;
        for (int k = start; k < start + BucketSize; k++)
            if (Volatile.Read(ref Tag(k)) == Empty && TSync.Cas(ref Tag(k), mark | Busy, Empty))
                return k;
        return -1;
    }

    /// <summary>Takes the entry of (account, orderId) for a cancel, a replace or a fill, which must not miss a working order: an
    /// entry another thread holds (a replace, fill or cancel in progress, or an insert about to publish) is waited out
    /// until it is put back (then taken) or freed. Returns the index taken, or -1 when no such order is working.
    /// Single-writer: one lookup. The holder may be a thread the OS has descheduled, so the wait yields and then sleeps
    /// (<see cref="SpinWait.SpinOnce()"/>) until the holder runs again; it is bounded only as a last resort
    /// (<paramref name="maxSpins"/> rounds, seconds): after it, -1 and the order stays counted (the safe side).</summary>
    public int TakeWaiting<TSync>(int account, long orderId, int maxSpins = 100_000) where TSync : struct, ISync
    {
        if (TSync.SingleWriter)
        {
            int i = Find(account, orderId);
            return i >= 0 && TryTake<TSync>(i, account, orderId) ? i : -1;
        }
        var spin = new SpinWait();
        for (int n = 0; n < maxSpins; n++)
        {
            int idx = Find(account, orderId, held: true);
            if (idx < 0) return -1;
            if (TryTake<TSync>(idx, account, orderId)) return idx;
            spin.SpinOnce();
        }
        return -1;
    }

    /// <summary>Takes ownership of the live entry of (account, orderId) found at <paramref name="index"/> (Live → Busy).
    /// False when another thread got there first, or the slot was freed and reused for another order in between.</summary>
    public bool TryTake<TSync>(int index, int account, long orderId) where TSync : struct, ISync
    {
        ref long tag = ref TagAt(index);
        long live = Mark(account, orderId) | Live;
        if (Volatile.Read(ref tag) != live || !TSync.Cas(ref tag, live - Live + Busy, live)) return false;
        ref Entry e = ref _entries[index];
        if (e.Account == account && e.OrderId == orderId) return true;
        Volatile.Write(ref tag, live); // someone else's order now (the same mark): put it back untouched
        return false;
    }

    /// <summary>Gives back a taken entry unchanged or updated (Busy → Live); the entry's fields are written before.</summary>
    public void PutBack(int index)
    {
        ref long tag = ref TagAt(index);
        Volatile.Write(ref tag, (tag & ~3L) | Live);
    }

    /// <summary>Frees an entry taken with <see cref="TryTake"/> or claimed by insert (its fields written), and drops
    /// the spill count it held, after it is freed (see <see cref="Find"/>).</summary>
    public void Remove(int index)
    {
        ref Entry e = ref _entries[index];
        bool spilled = e.Spilled;
        int b1 = spilled ? FirstBucket(e.Account, e.OrderId) : 0;
        Volatile.Write(ref TagAt(index), Empty);
        if (spilled) Interlocked.Decrement(ref _spilled[b1]);
    }

    /// <summary>Entries stored in their second-choice bucket (diagnostics, tests; O(buckets)).</summary>
    public int SpilledCount()
    {
        int n = 0;
        for (int i = 0; i < _spilled.Length; i++) n += Volatile.Read(ref _spilled[i]);
        return n;
    }

    /// <summary>Live entries, by a scan of the whole table (diagnostics; O(capacity)).</summary>
    public int CountLive()
    {
        int n = 0;
        for (int k = 0; k < _slots; k++) if (StateOf(Volatile.Read(ref Tag(k))) == Live) n++;
        return n;
    }
}
