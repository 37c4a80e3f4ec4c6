using System.Runtime.InteropServices;

namespace CircuitBreaker.Gate;

/// <summary>
/// Single-writer mode: fills reach the gate as release records (account, order id, lots) through this preallocated
/// single-producer/single-consumer ring. The producer is the position keeper's thread (after it has moved the lots
/// into the position, so a check in between double-counts, never misses); the consumer is the gate's thread, which
/// drains it at the start of each check (one volatile read when empty) and applies each record to its own counters.
/// <para>
/// Full queue, fail-closed and lossless: a record that finds the ring full goes to the producer's backlog (same
/// capacity, producer-owned), is counted in <see cref="Overflows"/>, and raises <see cref="Blocked"/>, which makes
/// the gate refuse new orders and replaces with <see cref="RejectReason.ReleaseBacklog"/>. The producer moves the
/// backlog into the ring in order at its next post or <see cref="FlushBacklog"/> (the keeper calls it on every event)
/// and lowers the flag once it is empty. Only when the backlog is full too (2 × capacity releases the gate has not
/// drained) is a record lost: it is counted in <see cref="Lost"/> and the gate stays closed for good.
/// </para>
/// </summary>
internal sealed class ReleaseQueue
{
    internal struct Record
    {
        public long OrderId;
        public long Lots;
        public long TimeNs;   // the fill's event time (when it closes the order, the close remembered for duplicate ids)
        public int Account;
    }

    [StructLayout(LayoutKind.Explicit, Size = 192)]
    private struct Indices
    {
        [FieldOffset(64)] public long Tail;   // producer writes (records published below it)
        [FieldOffset(128)] public long Head;  // consumer writes (records consumed below it)
    }

    private readonly Record[] _ring;
    private readonly long _mask;
    private Indices _ix;
    private long _headSeen;                  // producer's cached copy of Head
    private readonly Record[] _backlog;      // producer-owned
    private int _backlogStart, _backlogCount;
    private int _blocked;                    // producer writes, consumer reads
    private long _overflows, _lost, _unmatched;

    /// <summary>Creates a ring of <paramref name="capacity"/> records (a power of two) and a backlog as large.</summary>
    public ReleaseQueue(int capacity)
    {
        if (capacity < 2 || (capacity & (capacity - 1)) != 0) throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "must be a power of two >= 2");
        _ring = new Record[capacity];
        _mask = capacity - 1;
        _backlog = new Record[capacity];
    }

    /// <summary>Ring capacity for an order capacity: the next power of two at or above it, at least 256.</summary>
    public static int CapacityFor(int orderCapacity) => (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Clamp(orderCapacity, 256, 1 << 24));

    public int Capacity => _ring.Length;
    /// <summary>Records that found the ring full and went to the backlog.</summary>
    public long Overflows => Volatile.Read(ref _overflows);
    /// <summary>Records that found ring and backlog full.</summary>
    public long Lost => Volatile.Read(ref _lost);
    /// <summary>Releases the gate could not match fully to a working order (unknown id, or more lots than remained).</summary>
    public long Unmatched => Volatile.Read(ref _unmatched);
    /// <summary>Records waiting in the producer's backlog.</summary>
    public int Backlog => Volatile.Read(ref _backlogCount);
    /// <summary>True while releases wait outside the ring (or were lost): the gate refuses new orders and replaces.</summary>
    public bool Blocked => Volatile.Read(ref _blocked) != 0;
    /// <summary>Consumer: true when records are waiting (one volatile read).</summary>
    public bool HasPending => Volatile.Read(ref _ix.Tail) != _ix.Head;

    /// <summary>Producer: posts one release. Never blocks, never allocates.</summary>
    public void Post(int account, long orderId, long lots, long timeNs)
    {
        if (_backlogCount != 0) FlushBacklog();
        if (_backlogCount == 0 && TryEnqueue(account, orderId, lots, timeNs)) return;
        Volatile.Write(ref _overflows, _overflows + 1);
        if (_backlogCount == _backlog.Length)
        {
            Volatile.Write(ref _lost, _lost + 1);
            Volatile.Write(ref _blocked, 1); // for good: working quantities can no longer be trusted
            return;
        }
        ref Record r = ref _backlog[(_backlogStart + _backlogCount) % _backlog.Length];
        r.Account = account; r.OrderId = orderId; r.Lots = lots; r.TimeNs = timeNs;
        Volatile.Write(ref _backlogCount, _backlogCount + 1);
        Volatile.Write(ref _blocked, 1);
    }

    /// <summary>Producer: moves the backlog into the ring while there is room; lowers <see cref="Blocked"/> once empty.</summary>
    public void FlushBacklog()
    {
        while (_backlogCount != 0)
        {
            ref Record r = ref _backlog[_backlogStart];
            if (!TryEnqueue(r.Account, r.OrderId, r.Lots, r.TimeNs)) return;
            _backlogStart = (_backlogStart + 1) % _backlog.Length;
            Volatile.Write(ref _backlogCount, _backlogCount - 1);
        }
        if (_lost == 0) Volatile.Write(ref _blocked, 0);
    }

    private bool TryEnqueue(int account, long orderId, long lots, long timeNs)
    {
        long tail = _ix.Tail;
        if (tail - _headSeen >= _ring.Length)
        {
            _headSeen = Volatile.Read(ref _ix.Head);
            if (tail - _headSeen >= _ring.Length) return false;
        }
        ref Record r = ref _ring[tail & _mask];
        r.Account = account; r.OrderId = orderId; r.Lots = lots; r.TimeNs = timeNs;
        Volatile.Write(ref _ix.Tail, tail + 1); // publishes the record
        return true;
    }

    /// <summary>Consumer (the gate's thread): applies every published record to the gate's counters.</summary>
    public void Drain(PreTradeGate gate)
    {
        long head = _ix.Head, tail = Volatile.Read(ref _ix.Tail);
        long unmatched = 0;
        for (; head != tail; head++)
        {
            ref Record r = ref _ring[head & _mask];
            if (gate.ConsumeFill<PlainSync>(r.Account, r.OrderId, r.Lots, r.TimeNs) < r.Lots) unmatched++;
        }
        if (unmatched != 0) Volatile.Write(ref _unmatched, _unmatched + unmatched);
        Volatile.Write(ref _ix.Head, head); // frees the slots
    }
}
