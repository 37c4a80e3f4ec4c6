using System.Numerics;
using System.Runtime.CompilerServices;

namespace CircuitBreaker.Gate;

/// <summary>
/// The ids of recently closed orders (cancelled or completely filled), per account, so that a resent id of a closed
/// order is refused (<see cref="RejectReason.DuplicateOrderId"/>) within a horizon: the last <c>count</c> closes
/// gate-wide that are at most <c>horizonNs</c> of event time old. Preallocated, fixed size: 8 × count rounded up to a
/// power of two entries of 32 B plus a 4-byte tag each (36 B × 8 × count; 4.5 MiB for the default 16,384), in buckets
/// of 8; a close overwrites the oldest entry of its bucket, so an id is forgotten before <c>count</c> later closes only when
/// 8 later closes land in its bucket (with one bucket per close of the horizon, about 1e-5 per id). Lock-free: writers
/// (cancels on any checking thread, fills on the keeper's) claim an entry with a compare-and-swap on its version;
/// readers check one cache line of tags and validate a matching entry by its version (a seqlock). Allocation-free.
/// </summary>
internal sealed class ClosedIds
{
    private struct Entry
    {
        public long Id;
        public long TimeNs;
        public long Seq;      // 1-based close number; 0 = empty
        public int Account;
        public int Version;   // odd while a writer fills the entry
    }

    private const int Ways = 8;
    private readonly Entry[] _entries;
    private readonly int[] _tags;
    private readonly int _bucketMask;
    private readonly long _count, _horizonNs;
    private long _seq;

    /// <param name="count">Closes remembered (0: off, no memory).</param>
    /// <param name="horizonNs">Event time a close is remembered for.</param>
    public ClosedIds(int count, long horizonNs)
    {
        int n = EntriesFor(count);
        _entries = new Entry[n];
        _tags = new int[n];
        _bucketMask = n / Ways - 1;
        _count = count;
        _horizonNs = horizonNs;
    }

    /// <summary>Entries for <paramref name="count"/> remembered closes: 8 × count rounded up to a power of two (0 when off).</summary>
    public static int EntriesFor(int count) => count <= 0 ? 0 : (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(Ways, count) * Ways);

    /// <summary>Bytes preallocated for <paramref name="count"/> remembered closes.</summary>
    public static long BytesFor(int count) => EntriesFor(count) * (long)(Unsafe.SizeOf<Entry>() + sizeof(int));

    public bool Enabled => _entries.Length != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Hash(int account, long id)
    {
        ulong h = (ulong)id * 0x9E3779B97F4A7C15UL ^ (ulong)(uint)account * 0xC2B2AE3D27D4EB4FUL;
        return h ^ (h >> 29);
    }

    /// <summary>Remembers that (account, id) closed at <paramref name="timeNs"/>. Any thread; no allocation.</summary>
    public void Record(int account, long id, long timeNs)
    {
        if (_entries.Length == 0) return;
        ulong h = Hash(account, id);
        int b = (int)(h >> 32) & _bucketMask, first = b * Ways, tag = (int)h | 1;
        long seq = Interlocked.Increment(ref _seq);
        while (true)
        {
            int victim = -1, version = 0;
            long oldest = long.MaxValue;
            for (int k = first; k < first + Ways; k++)
            {
                ref Entry e = ref _entries[k];
                int v = Volatile.Read(ref e.Version);
                if ((v & 1) != 0) continue;
                if (Volatile.Read(ref _tags[k]) == tag && e.Account == account && e.Id == id) { victim = k; version = v; break; }
                long s = Volatile.Read(ref e.Seq);
                if (s < oldest) { oldest = s; victim = k; version = v; }
            }
            if (victim < 0) { Thread.SpinWait(1); continue; }
            ref Entry w = ref _entries[victim];
            if (Interlocked.CompareExchange(ref w.Version, version + 1, version) != version) continue;
            Volatile.Write(ref _tags[victim], tag);
            Volatile.Write(ref w.Account, account);
            Volatile.Write(ref w.Id, id);
            Volatile.Write(ref w.TimeNs, timeNs);
            Volatile.Write(ref w.Seq, seq);
            Volatile.Write(ref w.Version, version + 2);
            return;
        }
    }

    /// <summary>True when (account, id) closed within the horizon of <paramref name="nowNs"/> (a close stamped after it counts).
    /// Reads one cache line of tags; no allocation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(int account, long id, long nowNs)
    {
        if (_entries.Length == 0 || Volatile.Read(ref _seq) == 0) return false;
        return Find(account, id, nowNs);
    }

    private bool Find(int account, long id, long nowNs)
    {
        ulong h = Hash(account, id);
        int first = ((int)(h >> 32) & _bucketMask) * Ways, tag = (int)h | 1;
        for (int k = first; k < first + Ways; k++)
        {
            if (Volatile.Read(ref _tags[k]) != tag) continue;
            ref Entry e = ref _entries[k];
            while (true)
            {
                int v1 = Volatile.Read(ref e.Version);
                if ((v1 & 1) != 0) { Thread.SpinWait(1); continue; } // a close being recorded: wait for it (a few stores)
                int acc = Volatile.Read(ref e.Account);
                long eid = Volatile.Read(ref e.Id), t = Volatile.Read(ref e.TimeNs), s = Volatile.Read(ref e.Seq);
                if (Volatile.Read(ref e.Version) != v1) continue;
                if (acc == account && eid == id && s != 0 && s > Volatile.Read(ref _seq) - _count && (nowNs <= t || unchecked((ulong)(nowNs - t)) <= (ulong)_horizonNs)) return true;
                break;
            }
        }
        return false;
    }
}
