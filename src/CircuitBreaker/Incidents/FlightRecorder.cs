namespace CircuitBreaker.Incidents;

/// <summary>
/// The last events per instrument (default 256) and across all instruments (default 4,096), kept by value in
/// preallocated <see cref="RiskEvent"/> arrays, newest overwriting oldest. <see cref="Record"/> and the copy methods
/// allocate nothing. Single writer (the evaluator thread).
/// </summary>
public sealed class FlightRecorder
{
    private readonly RiskEvent[] _perInstrument;
    private readonly long[] _instrumentCount;
    private readonly RiskEvent[] _global;
    private long _globalCount;

    /// <summary>Creates a recorder.</summary>
    /// <param name="instruments">Instruments (ids outside <c>[0, instruments)</c> go to the global ring only).</param>
    /// <param name="perInstrument">Events kept per instrument (default 256; 0 keeps none).</param>
    /// <param name="global">Events kept across instruments (default 4,096; 0 keeps none).</param>
    public FlightRecorder(int instruments, int perInstrument = 256, int global = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(instruments);
        ArgumentOutOfRangeException.ThrowIfNegative(perInstrument);
        ArgumentOutOfRangeException.ThrowIfNegative(global);
        Instruments = instruments;
        PerInstrumentCapacity = perInstrument;
        GlobalCapacity = global;
        _perInstrument = new RiskEvent[(long)instruments * perInstrument];
        _instrumentCount = new long[instruments];
        _global = new RiskEvent[global];
    }

    /// <summary>Instruments covered.</summary>
    public int Instruments { get; }
    /// <summary>Events kept per instrument.</summary>
    public int PerInstrumentCapacity { get; }
    /// <summary>Events kept globally.</summary>
    public int GlobalCapacity { get; }
    /// <summary>Events recorded so far (all of them, not only those still kept).</summary>
    public long Recorded => _globalCount;

    /// <summary>Records one event (64-byte copy into each ring). Allocates nothing.</summary>
    /// <param name="e">The event.</param>
    public void Record(in RiskEvent e)
    {
        if (GlobalCapacity > 0) _global[_globalCount % GlobalCapacity] = e;
        _globalCount++;
        int i = e.Instrument;
        if (PerInstrumentCapacity > 0 && (uint)i < (uint)Instruments)
        {
            long n = _instrumentCount[i]++;
            _perInstrument[(long)i * PerInstrumentCapacity + n % PerInstrumentCapacity] = e;
        }
    }

    /// <summary>Events kept for <paramref name="instrument"/> (0 for an unknown id).</summary>
    /// <param name="instrument">An instrument id.</param>
    public int CountFor(int instrument)
        => (uint)instrument < (uint)Instruments ? (int)Math.Min(_instrumentCount[instrument], PerInstrumentCapacity) : 0;

    /// <summary>Events kept globally.</summary>
    public int GlobalCount => (int)Math.Min(_globalCount, GlobalCapacity);

    /// <summary>Copies the newest events of <paramref name="instrument"/>, oldest first, as many as fit. Returns how many. Allocates nothing.</summary>
    /// <param name="instrument">An instrument id.</param>
    /// <param name="destination">Where to copy; its length bounds the count.</param>
    public int CopyInstrument(int instrument, Span<RiskEvent> destination)
    {
        if ((uint)instrument >= (uint)Instruments || PerInstrumentCapacity == 0) return 0;
        long count = _instrumentCount[instrument];
        int n = (int)Math.Min(Math.Min(count, PerInstrumentCapacity), destination.Length);
        long start = count - n;
        long baseIndex = (long)instrument * PerInstrumentCapacity;
        for (int k = 0; k < n; k++) destination[k] = _perInstrument[baseIndex + (start + k) % PerInstrumentCapacity];
        return n;
    }

    /// <summary>Copies the newest global events, oldest first, as many as fit. Returns how many. Allocates nothing.</summary>
    /// <param name="destination">Where to copy; its length bounds the count.</param>
    public int CopyGlobal(Span<RiskEvent> destination)
    {
        if (GlobalCapacity == 0) return 0;
        int n = (int)Math.Min(Math.Min(_globalCount, GlobalCapacity), destination.Length);
        long start = _globalCount - n;
        for (int k = 0; k < n; k++) destination[k] = _global[(start + k) % GlobalCapacity];
        return n;
    }
}
