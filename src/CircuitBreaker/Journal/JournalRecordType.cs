namespace CircuitBreaker.Journal;

/// <summary>
/// What a journal record holds. Stored as one byte in every frame; <c>0</c> and values above
/// <see cref="SessionEnd"/> are invalid and make the reader report <see cref="TailStatus.Corrupt"/>.
/// </summary>
public enum JournalRecordType : byte
{
    /// <summary>A <see cref="RiskEvent"/>: exactly <see cref="RiskEvent.SizeInBytes"/> bytes, its in-memory layout copied as is (little-endian hosts).</summary>
    Event = 1,
    /// <summary>A gate decision; payload layout is defined by the component that writes it.</summary>
    Decision = 2,
    /// <summary>A kill-switch trip; payload layout is defined by the component that writes it.</summary>
    Trip = 3,
    /// <summary>One step of an incident (detected, acted, acknowledged, resumed); payload defined by the writer.</summary>
    Incident = 4,
    /// <summary>Free text, UTF-8 encoded (operator notes, annotations).</summary>
    Note = 5,
    /// <summary>Records the writer did not journal (market data shed under overload, or records refused even from the
    /// reserve): the 32-byte <see cref="JournalGap"/> layout. Written by the writer itself, before the next record it keeps.</summary>
    Gap = 6,
    /// <summary>The last record of a writer session (written by <see cref="JournalWriter.Dispose"/>): the 48-byte
    /// <see cref="JournalSessionEnd"/> layout. A session without it was cut short.</summary>
    SessionEnd = 7,
}
