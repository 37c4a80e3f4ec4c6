using System.Runtime.CompilerServices;

namespace CircuitBreaker.Detectors;

/// <summary>
/// The bucket grid of a bucketed detector: buckets of one width in event time, numbered from the first event the detector
/// admits (<see cref="EventTimeAnchor"/>), so a stream shifted by any constant falls into the same buckets. A plain value
/// kept in a mutable field; allocates nothing.
/// </summary>
internal struct BucketClock
{
    private EventTimeAnchor _anchor;

    /// <summary>Buckets of <paramref name="width"/> (a validated duration), numbered from the first admitted event.</summary>
    public BucketClock(TimeSpan width) => WidthNs = EventTimeSpan.ToNs(width);

    /// <summary>Bucket width in event-time ns.</summary>
    public long WidthNs { get; }

    /// <summary>False for a negative time (a bad record the detector ignores); otherwise true, and the first admitted
    /// event sets bucket 0's start.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Admit(long timeNs) => _anchor.Admit(timeNs);

    /// <summary>The bucket <paramref name="timeNs"/> falls in (0 at or before the first admitted event).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly long Bucket(long timeNs) => _anchor.Since(timeNs) / WidthNs;
}
