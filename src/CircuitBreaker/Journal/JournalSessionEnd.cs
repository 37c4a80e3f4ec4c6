using System.Buffers.Binary;

namespace CircuitBreaker.Journal;

/// <summary>
/// The fixed 48-byte payload of a <see cref="JournalRecordType.SessionEnd"/> record, the last record of a writer session,
/// little-endian:
/// <code>
/// offset size field
///      0    1 layout version (1)
///      1    7 reserved, 0
///      8    8 first sequence of the session (i64)
///     16    8 records of the session before this one (i64): its own sequence minus the first
///     24    8 market-data records shed in the session (i64; each run is also a Gap record)
///     32    8 records refused in the session although they must not be dropped (i64; 0 unless the reserve ran out)
///     40    8 gap records written in the session (i64)
/// </code>
/// A reader that finds it knows the session ended where the writer closed it; a session without it was cut short
/// (crash, lost files, a copy taken while it was written). Allocates nothing.
/// </summary>
/// <param name="FirstSequence">First sequence of the session.</param>
/// <param name="Records">Records of the session before this one.</param>
/// <param name="Shed">Market-data records shed in the session.</param>
/// <param name="EssentialDropped">Records refused although they must not be dropped (0 unless the reserve ran out).</param>
/// <param name="Gaps">Gap records written in the session.</param>
public readonly record struct JournalSessionEnd(long FirstSequence, long Records, long Shed, long EssentialDropped, long Gaps)
{
    /// <summary>Payload size in bytes: 48.</summary>
    public const int Size = 48;

    /// <summary>Layout version written in byte 0: 1.</summary>
    public const byte LayoutVersion = 1;

    /// <summary>Writes the record into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Size"/>.</exception>
    /// <param name="destination">At least <see cref="Size"/> bytes.</param>
    public void Write(Span<byte> destination)
    {
        JournalPayloadLayout.Begin(destination, Size, LayoutVersion, "session-end");
        destination[1..8].Clear();
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], FirstSequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], Records);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], Shed);
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], EssentialDropped);
        BinaryPrimitives.WriteInt64LittleEndian(destination[40..], Gaps);
    }

    /// <summary>Reads a session-end payload; false (and <c>default</c>) when it is not <see cref="Size"/> bytes of layout
    /// <see cref="LayoutVersion"/> with non-negative counts. Allocates nothing.</summary>
    /// <param name="payload">A session-end record's payload.</param>
    /// <param name="end">The record, or <c>default</c>.</param>
    /// <returns>True for a valid session-end payload.</returns>
    public static bool TryRead(ReadOnlySpan<byte> payload, out JournalSessionEnd end)
    {
        end = default;
        if (!JournalPayloadLayout.Is(payload, Size, LayoutVersion))
            return false;
        end = new JournalSessionEnd(BinaryPrimitives.ReadInt64LittleEndian(payload[8..]), BinaryPrimitives.ReadInt64LittleEndian(payload[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(payload[24..]), BinaryPrimitives.ReadInt64LittleEndian(payload[32..]),
            BinaryPrimitives.ReadInt64LittleEndian(payload[40..]));
        if (end.FirstSequence < 0 || end.Records < 0 || end.Shed < 0 || end.EssentialDropped < 0 || end.Gaps < 0)
        {
            end = default;
            return false;
        }
        return true;
    }
}
