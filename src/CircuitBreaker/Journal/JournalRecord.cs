using System.Runtime.InteropServices;
using System.Text;

namespace CircuitBreaker.Journal;

/// <summary>One record read back from the journal, with where it was found.</summary>
public readonly struct JournalRecord
{
    /// <summary>Creates a record.</summary>
    /// <param name="type">The record type.</param>
    /// <param name="sequence">Its sequence number in the journal.</param>
    /// <param name="payload">Its payload bytes.</param>
    /// <param name="file">The file it was read from.</param>
    /// <param name="offset">Byte offset of its frame in that file.</param>
    public JournalRecord(JournalRecordType type, long sequence, ReadOnlyMemory<byte> payload, string file, long offset)
    {
        Type = type; Sequence = sequence; Payload = payload; File = file; Offset = offset;
    }

    /// <summary>Record type.</summary>
    public JournalRecordType Type { get; }
    /// <summary>Sequence number assigned by the writer when the record was appended.</summary>
    public long Sequence { get; }
    /// <summary>Payload bytes (owned by this record).</summary>
    public ReadOnlyMemory<byte> Payload { get; }
    /// <summary>File the record was read from.</summary>
    public string File { get; }
    /// <summary>Byte offset of the frame's first byte in <see cref="File"/>.</summary>
    public long Offset { get; }

    /// <summary>Reads the payload as a <see cref="RiskEvent"/>; false when this is not a 64-byte event record. Allocates nothing.</summary>
    /// <param name="riskEvent">The event, or <c>default</c>.</param>
    /// <returns>True for a 64-byte event record.</returns>
    public bool TryGetEvent(out RiskEvent riskEvent)
    {
        if (Type != JournalRecordType.Event || Payload.Length != RiskEvent.SizeInBytes)
        {
            riskEvent = default;
            return false;
        }
        riskEvent = MemoryMarshal.Read<RiskEvent>(Payload.Span);
        return true;
    }

    /// <summary>Reads the payload as a <see cref="TripContext"/> (layout: <see cref="TripRecord"/>); false when this is not a
    /// trip record of that layout. Allocates nothing.</summary>
    /// <param name="trip">The transition, or <c>default</c>.</param>
    /// <returns>True for a trip record of the known layout.</returns>
    public bool TryGetTrip(out TripContext trip)
    {
        if (Type != JournalRecordType.Trip)
        {
            trip = default;
            return false;
        }
        return TripRecord.TryRead(Payload.Span, out trip);
    }

    /// <summary>The payload decoded as UTF-8 text (meant for <see cref="JournalRecordType.Note"/>). Allocates the string.</summary>
    public string GetText() => Encoding.UTF8.GetString(Payload.Span);
}
