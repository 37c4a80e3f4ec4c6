namespace CircuitBreaker.Detectors;

/// <summary>
/// Converts the <see cref="TimeSpan"/> durations of detector options to event-time nanoseconds, once, at detector
/// construction (a tick is 100 ns). The per-event code then reads plain <see cref="long"/> fields.
/// </summary>
internal static class EventTimeSpan
{
    /// <summary>The longest duration whose nanoseconds fit in a <see cref="long"/> (about 29 247 years).</summary>
    public static readonly TimeSpan Max = TimeSpan.FromTicks(long.MaxValue / TimeSpan.NanosecondsPerTick);

    /// <summary>Nanoseconds of <paramref name="d"/>, saturated to <see cref="long.MinValue"/>/<see cref="long.MaxValue"/> beyond ±<see cref="Max"/> (validation rejects those first).</summary>
    public static long ToNs(TimeSpan d)
        => d > Max ? long.MaxValue : d < -Max ? long.MinValue : d.Ticks * TimeSpan.NanosecondsPerTick;
}
