using System.Buffers.Binary;
using System.Numerics;

namespace CircuitBreaker.Journal;

/// <summary>
/// The journal's on-disk format, version 2 (version 1 files are still read). All integers are little-endian. See <c>docs/journal-format.md</c>.
/// <para>
/// <b>File header</b> (<see cref="FileHeaderSize"/> = 32 bytes): <c>magic "CBJL"</c> (4 bytes),
/// <c>u16 version</c> (= <see cref="Version"/>), <c>u16 header size</c> (= 32), <c>u32 file number</c> (the <c>n</c> of
/// <c>&lt;base&gt;.&lt;n:D6&gt;.cbj</c>), <c>u32 flags</c> (bit 0: first file of a writer session, where the sequence may
/// restart), <c>i64 first sequence</c> (of the first record in the file), <c>u32 max payload</c> (the writer's limit;
/// longer frames are impossible), <c>u32 crc32c</c> of the 28 bytes before it.
/// </para>
/// <para>
/// <b>Record frame</b>: <c>u32 length</c> (bytes after the crc field: 9 + payload length), <c>u32 crc32c</c> (over the
/// length field and every byte after the crc field), <c>u8 record type</c> (<see cref="JournalRecordType"/>),
/// <c>i64 sequence</c> (contiguous within a file, starting at the header's first sequence), then the payload.
/// CRC-32C (Castagnoli) uses the usual initial value and final XOR of <c>0xFFFFFFFF</c>, computed with
/// <see cref="BitOperations.Crc32C(uint, ulong)"/>.
/// </para>
/// </summary>
internal static class JournalFormat
{
    /// <summary>The format version this library writes: 2 (adds <see cref="JournalRecordType.Gap"/> and
    /// <see cref="JournalRecordType.SessionEnd"/>; every session written in version 2 ends with a session-end record).</summary>
    public const ushort Version = 2;

    /// <summary>The oldest format version this library reads: 1 (no gap or session-end records; such a session cannot be
    /// told complete from cut short, and reads as it did).</summary>
    public const ushort MinReadableVersion = 1;

    /// <summary>Magic bytes at the start of every file: ASCII "CBJL", read as a little-endian u32.</summary>
    public const uint Magic = 0x4C4A4243;

    /// <summary>File header size in bytes: 32.</summary>
    public const int FileHeaderSize = 32;

    /// <summary>Bytes before the payload in a record frame: length (4), crc (4), type (1), sequence (8) = 17.</summary>
    public const int FrameHeaderSize = 17;

    /// <summary>Bytes of a frame covered by its length field besides the payload: type (1) + sequence (8) = 9.</summary>
    public const int FrameBodyOverhead = 9;

    /// <summary>Largest payload the format allows (1 MiB); a length field above it is impossible.</summary>
    public const int MaxPayloadLength = 1 << 20;

    /// <summary>File name extension of journal files: ".cbj".</summary>
    public const string FileExtension = ".cbj";

    /// <summary>Header flag: the file is the first one written by a writer session; its sequence may restart.</summary>
    public const uint FlagSessionStart = 1;

    /// <summary>Name of rotated file <paramref name="number"/> for <paramref name="basePath"/>: <c>&lt;base&gt;.&lt;n:D6&gt;.cbj</c>. Allocates.</summary>
    public static string FileName(string basePath, int number) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{basePath}.{number:D6}{FileExtension}");

    /// <summary>CRC-32C (Castagnoli) of <paramref name="data"/>, with initial value and final XOR 0xFFFFFFFF. Allocates nothing.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data) => ~Crc32CUpdate(uint.MaxValue, data);

    /// <summary>CRC-32C of a whole frame (length field plus everything after the crc field). Allocates nothing.</summary>
    internal static uint FrameCrc(ReadOnlySpan<byte> frame) =>
        ~Crc32CUpdate(Crc32CUpdate(uint.MaxValue, frame[..4]), frame[8..]);

    internal static uint Crc32CUpdate(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        if (data.Length >= 4)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt32LittleEndian(data));
            data = data[4..];
        }
        foreach (byte b in data)
            crc = BitOperations.Crc32C(crc, b);
        return crc;
    }

    internal static void WriteFileHeader(Span<byte> destination, int fileNumber, uint flags, long firstSequence, int maxPayload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], FileHeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], (uint)fileNumber);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], flags);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], firstSequence);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], (uint)maxPayload);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[28..], Crc32C(destination[..28]));
    }

    internal static bool IsDefined(JournalRecordType type) => type is >= JournalRecordType.Event and <= JournalRecordType.SessionEnd;

    /// <summary>Record types a file of format <paramref name="version"/> may hold.</summary>
    internal static bool IsDefined(JournalRecordType type, ushort version) =>
        version >= 2 ? IsDefined(type) : type is >= JournalRecordType.Event and <= JournalRecordType.Note;
}
