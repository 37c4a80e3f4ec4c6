using System.Buffers.Binary;

namespace CircuitBreaker.Journal;

/// <summary>
/// The fixed 64-byte payload of a <see cref="JournalRecordType.Trip"/> record (layout 2): one <see cref="TripContext"/>,
/// little-endian, with its origin and who made it.
/// <code>
/// offset size field
///      0    1 layout version (2)
///      1    1 scope (Scope)
///      2    1 previous state (TradingState)
///      3    1 state (TradingState)
///      4    1 cause (TripCause)
///      5    1 reason (RejectReason)
///      6    2 signature (Signature, u16)
///      8    1 severity (Severity)
///      9    1 origin (TripOrigin)
///     10    1 length of who (0-32)
///     11    1 reserved, 0
///     12    4 target (i32; -1 for global)
///     16    8 transition sequence (i64, the board's numbering)
///     24    8 event time ns (i64)
///     32   32 who: the name of TripContext.By, UTF-8 (its first 32 bytes, cut at a character boundary), zero-padded
/// </code>
/// Layout 1 (32 bytes, the first 32 above with bytes 9-11 zero: origin Local, nobody named) is still read.
/// Writing allocates nothing; reading allocates only the first time a process sees a name.
/// </summary>
public static class TripRecord
{
    /// <summary>Payload size in bytes of the layout written (<see cref="LayoutVersion"/>): 64.</summary>
    public const int Size = 64;

    /// <summary>Payload size in bytes of layout 1 (journals written before the origin was recorded): 32. Still read.</summary>
    public const int SizeV1 = 32;

    /// <summary>Most UTF-8 bytes of the name of who made the change kept in the record: 32.</summary>
    public const int MaxByBytes = 32;

    /// <summary>Layout version written in byte 0: 2 (layout 1 is still read).</summary>
    public const byte LayoutVersion = 2;

    /// <summary>Writes <paramref name="trip"/> into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="Size"/>.</exception>
    /// <param name="trip">The transition.</param>
    /// <param name="destination">At least <see cref="Size"/> bytes.</param>
    public static void Write(in TripContext trip, Span<byte> destination)
    {
        JournalPayloadLayout.Begin(destination, Size, LayoutVersion, "trip");
        destination[1] = (byte)trip.Scope;
        destination[2] = (byte)trip.Previous;
        destination[3] = (byte)trip.State;
        destination[4] = (byte)trip.Cause;
        destination[5] = (byte)trip.Reason;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], (ushort)trip.Signature);
        destination[8] = (byte)trip.Severity;
        destination[9] = (byte)trip.Origin;
        var who = TripOriginNames.Utf8Of(trip.By);
        int n = Math.Min(who.Length, MaxByBytes);
        while (n < who.Length && n > 0 && (who[n] & 0xC0) == 0x80) n--; // never cut a UTF-8 character in two
        destination[10] = (byte)n;
        destination[11] = 0;
        BinaryPrimitives.WriteInt32LittleEndian(destination[12..], trip.Target);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], trip.Sequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[24..], trip.TimeNs);
        var name = destination.Slice(32, MaxByBytes);
        name.Clear();
        who[..n].CopyTo(name);
    }

    /// <summary>Reads a trip payload of layout 2 (<see cref="Size"/> bytes) or layout 1 (<see cref="SizeV1"/> bytes, origin
    /// Local). False (and <c>default</c>) for any other size or version, or a who length over <see cref="MaxByBytes"/>.
    /// Allocates nothing, except the first time this process sees a name (<see cref="TripOriginNames.Intern(ReadOnlySpan{byte})"/>).</summary>
    /// <param name="payload">A trip record's payload.</param>
    /// <param name="trip">The transition, or <c>default</c>.</param>
    /// <returns>True for a valid trip payload.</returns>
    public static bool TryRead(ReadOnlySpan<byte> payload, out TripContext trip)
    {
        bool v2 = JournalPayloadLayout.Is(payload, Size, LayoutVersion) && payload[10] <= MaxByBytes;
        bool v1 = JournalPayloadLayout.Is(payload, SizeV1, 1);
        if (!v1 && !v2)
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
            severity: (Severity)payload[8],
            origin: v2 ? (TripOrigin)payload[9] : TripOrigin.Local,
            by: v2 ? TripOriginNames.Intern(payload.Slice(32, payload[10])) : 0);
        return true;
    }
}
