using System.Buffers.Binary;

namespace CircuitBreaker.Journal;

/// <summary>What a <see cref="JournalRecordType.Gap"/> record says is missing.</summary>
public enum JournalGapKind : byte
{
    /// <summary>Market data (trades, quotes, oracle prices) shed because the buffer was in its reserve (overload).</summary>
    MarketDataShed = 1,
    /// <summary>Records that must never be dropped (decisions, fills, trips, admin commands, notes) were refused even with
    /// the reserve: the buffer stayed full for <see cref="JournalWriterOptions.EssentialWaitTimeout"/>. A pipeline halts
    /// trading globally when this happens.</summary>
    EssentialDropped = 2,
    /// <summary>Changes of trading state that could not be queued for the journal (the pipeline's trip queue was full).</summary>
    TripsNotQueued = 3,
}

/// <summary>
/// The fixed 32-byte payload of a <see cref="JournalRecordType.Gap"/> record, little-endian:
/// <code>
/// offset size field
///      0    1 layout version (1)
///      1    1 kind (JournalGapKind)
///      2    2 event kinds (u16 bit mask: bit k set when a RiskEventKind k record is missing; 0 when not events)
///      4    4 reserved, 0
///      8    8 records missing (i64, at least 1)
///     16    8 event time of the first record missing (i64 ns)
///     24    8 event time of the last record missing (i64 ns)
/// </code>
/// The gap sits where the missing records would have been: after the last record kept before them. Allocates nothing.
/// </summary>
/// <param name="Kind">What is missing (events, transitions, notes).</param>
/// <param name="EventKinds">Bit k set when a <see cref="RiskEventKind"/> k record is missing; 0 when not events.</param>
/// <param name="Count">Records missing, at least 1.</param>
/// <param name="FirstTimeNs">Event time (ns) of the first record missing.</param>
/// <param name="LastTimeNs">Event time (ns) of the last record missing.</param>
public readonly record struct JournalGap(JournalGapKind Kind, ushort EventKinds, long Count, long FirstTimeNs, long LastTimeNs)
{
    /// <summary>Payload size in bytes: 32.</summary>
    public const int Size = 32;

    /// <summary>Layout version written in byte 0: 1.</summary>
    public const byte LayoutVersion = 1;

    /// <summary>Writes the gap into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Size"/>.</exception>
    /// <param name="destination">At least <see cref="Size"/> bytes.</param>
    public void Write(Span<byte> destination)
    {
        JournalPayloadLayout.Begin(destination, Size, LayoutVersion, "gap");
        destination[1] = (byte)Kind;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], EventKinds);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], Count);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], FirstTimeNs);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], LastTimeNs);
    }

    /// <summary>Reads a gap payload; false (and <c>default</c>) when it is not <see cref="Size"/> bytes of layout
    /// <see cref="LayoutVersion"/> with a known kind and a positive count. Allocates nothing.</summary>
    /// <param name="payload">A gap record's payload.</param>
    /// <param name="gap">The gap, or <c>default</c>.</param>
    /// <returns>True for a valid gap payload.</returns>
    public static bool TryRead(ReadOnlySpan<byte> payload, out JournalGap gap)
    {
        gap = default;
        if (!JournalPayloadLayout.Is(payload, Size, LayoutVersion))
            return false;
        var kind = (JournalGapKind)payload[1];
        long count = BinaryPrimitives.ReadInt64LittleEndian(payload[8..]);
        if (kind is < JournalGapKind.MarketDataShed or > JournalGapKind.TripsNotQueued || count <= 0)
            return false;
        gap = new JournalGap(kind, BinaryPrimitives.ReadUInt16LittleEndian(payload[2..]), count,
            BinaryPrimitives.ReadInt64LittleEndian(payload[16..]), BinaryPrimitives.ReadInt64LittleEndian(payload[24..]));
        return true;
    }
}
