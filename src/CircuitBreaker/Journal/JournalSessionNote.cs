using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CircuitBreaker;

/// <summary>
/// The definitions a journal reader needs to turn dense ids back into names: every instrument (with its spec), account
/// and risk group of the registry, by id. A <see cref="RiskPipeline"/> with a journal writes them at
/// <see cref="RiskPipeline.Start"/> as one or more <see cref="JournalRecordType.Note"/> records, each a JSON object
/// <c>{"cb_journal_session":1,"part":k,"parts":n,"instruments":[...],"accounts":[...],"groups":[...]}</c> that fits the
/// writer's payload limit; part 0 starts a new session (ids of later records refer to it). Writing and parsing allocate
/// (setup and review only).
/// </summary>
public sealed class JournalSessionNote
{
    /// <summary>The JSON property that marks a session note (its value is the note layout version, 1).</summary>
    public const string Marker = "cb_journal_session";

    private const int EnvelopeBytes = 128;

    /// <summary>Creates a note part.</summary>
    public JournalSessionNote(int part, int parts, IReadOnlyList<JournalInstrument> instruments, IReadOnlyList<JournalName> accounts,
        IReadOnlyList<JournalName> groups)
    {
        Part = part; Parts = parts; Instruments = instruments; Accounts = accounts; Groups = groups;
    }

    /// <summary>Index of this part (0 starts a session).</summary>
    public int Part { get; }
    /// <summary>Number of parts of the session's definitions.</summary>
    public int Parts { get; }
    /// <summary>Instruments in this part.</summary>
    public IReadOnlyList<JournalInstrument> Instruments { get; }
    /// <summary>Accounts in this part.</summary>
    public IReadOnlyList<JournalName> Accounts { get; }
    /// <summary>Risk groups in this part.</summary>
    public IReadOnlyList<JournalName> Groups { get; }

    /// <summary>The notes describing <paramref name="registry"/>, each at most <paramref name="maxPayloadBytes"/> UTF-8 bytes
    /// (a definition that cannot fit alone is still written, in a part of its own, and the writer will refuse it). Allocates.</summary>
    public static IReadOnlyList<string> Write(InstrumentRegistry registry, int maxPayloadBytes)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var items = new List<(int Kind, string Json)>();
        foreach (var s in registry.Instruments) items.Add((0, Item(w => WriteInstrument(w, s))));
        for (int a = 0; a < registry.AccountCount; a++)
        {
            string name = registry.AccountName(new AccountId(a));
            int id = a;
            items.Add((1, Item(w => { w.WriteNumber("id", id); w.WriteString("name", name); })));
        }
        for (int g = 0; g < registry.GroupCount; g++)
        {
            string name = registry.GroupName(new GroupId(g));
            int id = g;
            items.Add((2, Item(w => { w.WriteNumber("id", id); w.WriteString("name", name); })));
        }
        var parts = new List<List<(int Kind, string Json)>> { new() };
        int size = EnvelopeBytes;
        foreach (var item in items)
        {
            int bytes = Encoding.UTF8.GetByteCount(item.Json) + 1;
            if (size + bytes > maxPayloadBytes && parts[^1].Count > 0)
            {
                parts.Add([]);
                size = EnvelopeBytes;
            }
            parts[^1].Add(item);
            size += bytes;
        }
        var notes = new List<string>(parts.Count);
        for (int p = 0; p < parts.Count; p++)
        {
            var sb = new StringBuilder();
            sb.Append(CultureInfo.InvariantCulture, $"{{\"{Marker}\":1,\"part\":{p},\"parts\":{parts.Count}");
            string[] names = ["instruments", "accounts", "groups"];
            for (int k = 0; k < names.Length; k++)
            {
                sb.Append(",\"").Append(names[k]).Append("\":[");
                sb.AppendJoin(',', parts[p].Where(i => i.Kind == k).Select(i => i.Json));
                sb.Append(']');
            }
            notes.Add(sb.Append('}').ToString());
        }
        return notes;
    }

    /// <summary>Parses a note; false (and null) when <paramref name="text"/> is not a session note of layout 1 or is malformed.
    /// Never throws on bad text. Allocates.</summary>
    public static bool TryParse(string text, out JournalSessionNote? note)
    {
        note = null;
        if (string.IsNullOrEmpty(text) || !text.Contains(Marker, StringComparison.Ordinal)) return false;
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(Marker, out var v) || !v.TryGetInt32(out int version) || version != 1)
                return false;
            var instruments = new List<JournalInstrument>();
            var accounts = new List<JournalName>();
            var groups = new List<JournalName>();
            foreach (var e in Array(root, "instruments"))
            {
                instruments.Add(new JournalInstrument(e.GetProperty("id").GetInt32(), e.GetProperty("symbol").GetString()!,
                    Enum.Parse<InstrumentKind>(e.GetProperty("kind").GetString()!), e.GetProperty("tick").GetDouble(),
                    e.GetProperty("lot").GetDouble(), e.GetProperty("multiplier").GetDouble(), e.GetProperty("underlying").GetString()!,
                    e.GetProperty("group").GetString()!, Number(e, "barrier"),
                    e.TryGetProperty("barrier_kind", out var bk) ? Enum.Parse<BarrierKind>(bk.GetString()!) : BarrierKind.None,
                    Number(e, "strike")));
            }
            foreach (var e in Array(root, "accounts")) accounts.Add(new JournalName(e.GetProperty("id").GetInt32(), e.GetProperty("name").GetString()!));
            foreach (var e in Array(root, "groups")) groups.Add(new JournalName(e.GetProperty("id").GetInt32(), e.GetProperty("name").GetString()!));
            int part = root.TryGetProperty("part", out var p) ? p.GetInt32() : 0;
            int parts = root.TryGetProperty("parts", out var n) ? n.GetInt32() : 1;
            note = new JournalSessionNote(part, parts, instruments, accounts, groups);
            return true;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException
                                       or ArgumentException or NullReferenceException)
        {
            return false;
        }
    }

    private static IEnumerable<JsonElement> Array(JsonElement root, string name) =>
        root.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? a.EnumerateArray() : [];

    private static double Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;

    private static string Item(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteInstrument(Utf8JsonWriter w, InstrumentSpec s)
    {
        w.WriteNumber("id", s.Id.Value);
        w.WriteString("symbol", s.Symbol);
        w.WriteString("kind", s.Kind.ToString());
        w.WriteNumber("tick", s.Tick);
        w.WriteNumber("lot", s.Lot);
        w.WriteNumber("multiplier", s.Multiplier);
        w.WriteString("underlying", s.Underlying);
        w.WriteString("group", s.GroupName);
        if (double.IsFinite(s.Barrier)) w.WriteNumber("barrier", s.Barrier);
        if (s.BarrierKind != BarrierKind.None) w.WriteString("barrier_kind", s.BarrierKind.ToString());
        if (double.IsFinite(s.Strike)) w.WriteNumber("strike", s.Strike);
    }
}

/// <summary>An instrument as a journal session note records it.</summary>
/// <param name="Id">Dense id in the live registry.</param>
/// <param name="Symbol">Symbol.</param>
/// <param name="Kind">Product kind.</param>
/// <param name="Tick">Price increment.</param>
/// <param name="Lot">Quantity increment.</param>
/// <param name="Multiplier">Contract multiplier.</param>
/// <param name="Underlying">Underlying name.</param>
/// <param name="Group">Risk group name.</param>
/// <param name="Barrier">Barrier level; NaN when none.</param>
/// <param name="BarrierKind">Barrier kind.</param>
/// <param name="Strike">Strike; NaN when none.</param>
public sealed record JournalInstrument(int Id, string Symbol, InstrumentKind Kind, double Tick, double Lot, double Multiplier,
    string Underlying, string Group, double Barrier, BarrierKind BarrierKind, double Strike);

/// <summary>An account or risk group as a journal session note records it.</summary>
/// <param name="Id">Dense id in the live registry.</param>
/// <param name="Name">Name.</param>
public sealed record JournalName(int Id, string Name);
