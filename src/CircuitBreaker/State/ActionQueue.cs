namespace CircuitBreaker.State;

/// <summary>
/// Bounded multi-producer queue of <see cref="TripContext"/> values for the action thread (Vyukov's bounded
/// queue: a sequence number per cell, CAS on the tail). Enqueue never blocks and never allocates.
/// </summary>
internal sealed class ActionQueue
{
    private struct Cell { public long Sequence; public TripContext Value; }

    private readonly Cell[] _cells;
    private readonly long _mask;
    private long _enqueuePos;
    private long _dequeuePos;

    public ActionQueue(int capacityPowerOfTwo)
    {
        _cells = new Cell[capacityPowerOfTwo];
        _mask = capacityPowerOfTwo - 1;
        for (int i = 0; i < _cells.Length; i++) _cells[i].Sequence = i;
    }

    public bool TryEnqueue(in TripContext value)
    {
        long pos = Volatile.Read(ref _enqueuePos);
        while (true)
        {
            ref Cell cell = ref _cells[pos & _mask];
            long seq = Volatile.Read(ref cell.Sequence);
            long dif = seq - pos;
            if (dif == 0)
            {
                if (Interlocked.CompareExchange(ref _enqueuePos, pos + 1, pos) == pos)
                {
                    cell.Value = value;
                    Volatile.Write(ref cell.Sequence, pos + 1);
                    return true;
                }
                pos = Volatile.Read(ref _enqueuePos);
            }
            else if (dif < 0) return false;
            else pos = Volatile.Read(ref _enqueuePos);
        }
    }

    public bool TryDequeue(out TripContext value)
    {
        long pos = Volatile.Read(ref _dequeuePos);
        while (true)
        {
            ref Cell cell = ref _cells[pos & _mask];
            long seq = Volatile.Read(ref cell.Sequence);
            long dif = seq - (pos + 1);
            if (dif == 0)
            {
                if (Interlocked.CompareExchange(ref _dequeuePos, pos + 1, pos) == pos)
                {
                    value = cell.Value;
                    Volatile.Write(ref cell.Sequence, pos + _mask + 1);
                    return true;
                }
                pos = Volatile.Read(ref _dequeuePos);
            }
            else if (dif < 0) { value = default; return false; }
            else pos = Volatile.Read(ref _dequeuePos);
        }
    }

    public bool IsEmpty => Volatile.Read(ref _dequeuePos) == Volatile.Read(ref _enqueuePos);
}
