namespace CircuitBreaker.Pipeline;

/// <summary>Findings in arrival order, in a preallocated array; beyond capacity they are counted, not kept. Single writer.</summary>
public sealed class FindingLog
{
    private readonly Finding[] _items;
    private int _count;
    private long _dropped;

    /// <summary>Creates a log keeping up to <paramref name="capacity"/> findings.</summary>
    /// <param name="capacity">Findings kept (preallocated); later ones are only counted in <see cref="Dropped"/>.</param>
    public FindingLog(int capacity) => _items = new Finding[Math.Max(0, capacity)];

    /// <summary>Findings kept.</summary>
    public int Count => Volatile.Read(ref _count);
    /// <summary>Findings beyond capacity (counted, not kept).</summary>
    public long Dropped => Volatile.Read(ref _dropped);
    /// <summary>The i-th finding kept.</summary>
    public ref readonly Finding this[int index] => ref _items[index];

    /// <summary>Adds a finding (allocation-free).</summary>
    /// <param name="f">The finding; evaluator thread only.</param>
    public void Add(in Finding f)
    {
        int n = _count;
        if (n < _items.Length) { _items[n] = f; Volatile.Write(ref _count, n + 1); }
        else Volatile.Write(ref _dropped, _dropped + 1);
    }
}
