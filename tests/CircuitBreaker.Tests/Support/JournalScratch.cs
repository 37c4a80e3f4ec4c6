using System.Text;

namespace CircuitBreaker.Tests.Support;

/// <summary>A temporary directory for journal files, deleted on dispose, plus record builders shared by the tests.</summary>
internal sealed class JournalScratch : IDisposable
{
    public JournalScratch()
    {
        Directory = Path.Combine(Path.GetTempPath(), "cbj-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string BasePath(string name = "journal") => Path.Combine(Directory, name);

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>A deterministic payload for record <paramref name="index"/> of <paramref name="type"/>.</summary>
    public static byte[] Payload(JournalRecordType type, int index)
    {
        switch (type)
        {
            case JournalRecordType.Event:
                var e = RiskEvent.Trade(1_000_000L * index, new InstrumentId(index % 7), 100.0 + index, 0.5 * index, Side.Sell, venue: index);
                return System.Runtime.InteropServices.MemoryMarshal.AsBytes(new ReadOnlySpan<RiskEvent>(in e)).ToArray();
            case JournalRecordType.Note:
                return Encoding.UTF8.GetBytes($"note {index}: operator acknowledged — résumé ✓");
            default:
                var bytes = new byte[(index * 7 + (int)type) % 50];
                for (int i = 0; i < bytes.Length; i++)
                    bytes[i] = (byte)(index * 31 + i * 17 + (int)type);
                return bytes;
        }
    }

    public static JournalRecordType TypeOf(int index) => (JournalRecordType)(1 + index % 5);

    /// <summary>Writes <paramref name="count"/> records cycling through every type (last one of <paramref name="lastType"/>).</summary>
    public static void WriteJournal(JournalWriterOptions options, int count, JournalRecordType? lastType = null)
    {
        using var writer = new JournalWriter(options);
        for (int i = 0; i < count; i++)
        {
            var type = i == count - 1 && lastType is { } last ? last : TypeOf(i);
            while (!writer.TryAppend(type, Payload(type, i)))
                writer.Flush();
        }
    }

    public static (List<JournalRecord> Records, JournalTail Tail) ReadAll(IEnumerable<string> files)
    {
        using var reader = new JournalReader(files);
        var records = reader.ReadAll().ToList();
        return (records, reader.Tail);
    }
}
