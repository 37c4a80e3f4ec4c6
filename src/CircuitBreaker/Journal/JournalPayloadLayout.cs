namespace CircuitBreaker.Journal;

/// <summary>
/// What every fixed-size journal payload (<see cref="TripRecord"/>, <see cref="JournalGap"/>, <see cref="JournalSessionEnd"/>)
/// does first: byte 0 holds its layout version, a writer needs the whole size, a reader takes exactly that size of that
/// layout. Allocates nothing (except the exception of a short destination).
/// </summary>
internal static class JournalPayloadLayout
{
    /// <summary>Checks that <paramref name="destination"/> holds <paramref name="size"/> bytes and writes
    /// <paramref name="layoutVersion"/> in byte 0. Throws <see cref="ArgumentException"/> ("A <paramref name="record"/>
    /// record needs N bytes.", parameter <c>destination</c>) when it is shorter.</summary>
    public static void Begin(Span<byte> destination, int size, byte layoutVersion, string record)
    {
        if (destination.Length < size)
            throw new ArgumentException($"A {record} record needs {size} bytes.", nameof(destination));
        destination[0] = layoutVersion;
    }

    /// <summary>True when <paramref name="payload"/> is exactly <paramref name="size"/> bytes of layout <paramref name="layoutVersion"/>.</summary>
    public static bool Is(ReadOnlySpan<byte> payload, int size, byte layoutVersion) => payload.Length == size && payload[0] == layoutVersion;
}
