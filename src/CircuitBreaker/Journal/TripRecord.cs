using System.Buffers.Binary;

namespace CircuitBreaker.Journal;

/// <summary>
/// The fixed 32-byte payload of a <see cref="JournalRecordType.Trip"/> record: one <see cref="TripContext"/>, little-endian.
/// <code>
/// offset size field
///      0    1 layout version (1)
///      1    1 scope (Scope)
///      2    1 previous state (TradingState)
///      3    1 state (TradingState)
///      4    1 cause (TripCause)
///      5    1 reason (RejectReason)
///      6    2 signature (Signature, u16)
///      8    1 severity (Severity)
///      9    3 reserved, 0
///     12    4 target (i32; -1 for global)
///     16    8 transition sequence (i64, the board's numbering)
///     24    8 event time ns (i64)
/// </code>
/// Writing and reading allocate nothing.
/// </summary>
public static class TripRecord
{
    /// <summary>Payload size in bytes: 32.</summary>
    public const int Size = 32;

    /// <summary>Layout version written in byte 0: 1.</summary>
    public const byte LayoutVersion = 1;

    /// <summary>Writes <paramref name="trip"/> into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Size"/>.</exception>
    /// <param name="trip">The transition.</param>
    /// <param name="destination">At least <see cref="Size"/> bytes.</param>
    public static void Write(in TripContext trip, Span<byte> destination)
    {
        if (destination.Length < Size)
            throw new ArgumentException($"A trip record needs {Size} bytes.", nameof(destination));
        destination[0] = LayoutVersion;
        destination[1] = (byte)trip.Scope;
        destination[2] = (byte)trip.Previous;
        destination[3] = (byte)trip.State;
        destination[4] = (byte)trip.Cause;
        destination[5] = (byte)trip.Reason;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], (ushort)trip.Signature);
        destination[8] = (byte)trip.Severity;
        destination[9] = 0;
        destination[10] = 0;
        destination[11] = 0;
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], trip.Target);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], trip.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], trip.TimeNs);
    }

    /// <summary>Reads a trip payload. False (and <c>default</c>) when the payload is not <see cref="Size"/> bytes or its
    /// layout version is not <see cref="LayoutVersion"/>. Allocates nothing.</summary>
    /// <param name="payload">A trip record's payload.</param>
    /// <param name="trip">The transition, or <c>default</c>.</param>
    /// <returns>True for a valid trip payload.</returns>
    public static bool TryRead(ReadOnlySpan<byte> payload, out TripContext trip)
    {
        if (payload.Length != Size || payload[0] != LayoutVersion)
        {
            trip = default;
            return false;
        }
        trip = new TripContext(
            sequence: BinaryPrimitives.ReadInt64LittleEndian(payload[16..]),
            timeNs: BinaryPrimitives.ReadInt64LittleEndian(payload[24..]),
            scope: (Scope)payload[1],
            target: BinaryPrimitives.ReadInt32LittleEndian(payload[12..]),
            previous: (TradingState)payload[2],
            state: (TradingState)payload[3],
            cause: (TripCause)payload[4],
            reason: (RejectReason)payload[5],
            signature: (Signature)BinaryPrimitives.ReadUInt16LittleEndian(payload[6..]),
            severity: (Severity)payload[8]);
        return true;
    }
}
