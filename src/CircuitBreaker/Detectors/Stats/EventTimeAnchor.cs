using System.Runtime.CompilerServices;

namespace CircuitBreaker.Detectors;

/// <summary>
/// Where a detector's bucket grid starts: the time of the first event the detector observes (any kind, so in a pipeline
/// every detector anchors at the pipeline's first event). Bucket numbers, window slots and sample intervals are counted
/// on <see cref="Since"/>, the time since the anchor, so the same stream shifted by any constant falls into the same
/// buckets and gives the same findings. A stream that starts at t = 0 has its anchor at 0. A plain value; two loads and a compare per event.
/// </summary>
internal struct EventTimeAnchor
{
    private long _origin;
    private bool _set;

    /// <summary>The anchor (ns of event time); 0 before the first event.</summary>
    public readonly long Origin => _origin;

    /// <summary>True once an event has set the anchor.</summary>
    public readonly bool IsSet => _set;

    /// <summary>Sets the anchor at the first call with a time in the valid range (t ≥ 0); later calls do nothing.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Observe(long timeNs)
    {
        if (!_set && timeNs >= 0) { _origin = timeNs; _set = true; }
    }

    /// <summary>Admits an event at <paramref name="timeNs"/>: false for a negative time (event time starts at 0: such an
    /// event is a bad record, and the detector ignores it); otherwise sets the anchor at the first admitted event.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Admit(long timeNs)
    {
        if (timeNs < 0) return false;
        if (!_set) { _origin = timeNs; _set = true; }
        return true;
    }

    /// <summary>Event time since the anchor, in [0, long.MaxValue]: a time at or before the anchor (a late event, or a
    /// negative one, outside the valid range) counts as the anchor itself. Never overflows: the anchor is at least 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly long Since(long timeNs) => timeNs <= _origin ? 0 : timeNs - _origin;
}
