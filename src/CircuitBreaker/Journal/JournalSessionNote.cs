using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CircuitBreaker.Journal;

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
    /// <param name="part">This part's number, from 1.</param>
    /// <param name="parts">How many parts the note has.</param>
    /// <param name="instruments">Instruments defined in this part.</param>
    /// <param name="accounts">Accounts defined in this part.</param>
    /// <param name="groups">Risk groups defined in this part.</param>
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
    /// <param name="registry">The registry to describe.</param>
    /// <param name="maxPayloadBytes">The journal's largest payload.</param>
    /// <returns>The note parts, as UTF-8 JSON text.</returns>
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
    /// <param name="text">A note record's text.</param>
    /// <param name="note">The parsed part, or null.</param>
    /// <returns>True for a well-formed session note.</returns>
    public static bool TryParse(string text, out JournalSessionNote? note) => TryParse(text, out note, out _);

    /// <summary>Parses a note. False with <paramref name="error"/> null when <paramref name="text"/> is not a session note
    /// (no <c>cb_journal_session</c> marker: an ordinary note); false with <paramref name="error"/> set, naming the JSON path,
    /// when it is one but malformed: not JSON, an unknown layout, a missing, null, empty or non-string symbol or name, a
    /// kind that is not a defined value, a tick, lot or multiplier that is not a finite number above 0, an id that is not
    /// an integer of 0 or more. Never throws on bad text. Allocates.</summary>
    /// <param name="text">A note record's text.</param>
    /// <param name="note">The parsed part, or null.</param>
    /// <param name="error">Why it is malformed, or null (also null for text that is not a session note at all).</param>
    /// <returns>True for a well-formed session note.</returns>
    public static bool TryParse(string text, out JournalSessionNote? note, out string? error)
    {
        note = null;
        error = null;
        if (string.IsNullOrEmpty(text) || !text.Contains(Marker, StringComparison.Ordinal)) return false;
        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(Marker, out var v))
                return false; // the marker is only in some text: an ordinary note
            if (!v.TryGetInt32(out int version) || version != 1)
                return Fail($"{Marker}: layout {v.GetRawText()} is not 1", out error);
            var reader = new Reader();
            var instruments = new List<JournalInstrument>();
            var accounts = new List<JournalName>();
            var groups = new List<JournalName>();
            int k = 0;
            foreach (var e in reader.Array(root, "instruments"))
            {
                string at = $"instruments[{k++}]";
                var kind = reader.Enum<InstrumentKind>(e, at, "kind", required: true);
                instruments.Add(new JournalInstrument(reader.Id(e, at), reader.Name(e, at, "symbol"), kind,
                    reader.Positive(e, at, "tick"), reader.Positive(e, at, "lot"), reader.Positive(e, at, "multiplier"),
                    reader.Name(e, at, "underlying"), reader.Name(e, at, "group"), Number(e, "barrier"),
                    reader.Enum<BarrierKind>(e, at, "barrier_kind", required: false), Number(e, "strike")));
            }
            k = 0;
            foreach (var e in reader.Array(root, "accounts")) { string at = $"accounts[{k++}]"; accounts.Add(new JournalName(reader.Id(e, at), reader.Name(e, at, "name"))); }
            k = 0;
            foreach (var e in reader.Array(root, "groups")) { string at = $"groups[{k++}]"; groups.Add(new JournalName(reader.Id(e, at), reader.Name(e, at, "name"))); }
            int part = reader.Int(root, "part", 0), parts = reader.Int(root, "parts", 1);
            if (reader.Error is null && (part < 0 || parts < 1 || part >= parts))
                reader.Error = $"part {part} of {parts} is not a valid part number";
            if (reader.Error is not null) return Fail(reader.Error, out error);
            note = new JournalSessionNote(part, parts, instruments, accounts, groups);
            return true;
        }
        catch (JsonException ex)
        {
            return Fail($"not valid JSON: {ex.Message}", out error);
        }
        catch (ArgumentException ex) // invalid UTF-8 in the text's source, surfaced by the JSON reader
        {
            return Fail($"not valid JSON: {ex.Message}", out error);
        }
    }

    private static bool Fail(string message, out string? error)
    {
        error = message;
        return false;
    }

    /// <summary>Reads fields, keeping the first error (the rest of the note is still walked, never thrown on).</summary>
    private sealed class Reader
    {
        public string? Error;

        private void Set(string message) => Error ??= message;

        public IEnumerable<JsonElement> Array(JsonElement root, string name)
        {
            if (!root.TryGetProperty(name, out var a)) return [];
            if (a.ValueKind == JsonValueKind.Array) return a.EnumerateArray().ToArray();
            Set($"{name}: must be an array (was {a.ValueKind})");
            return [];
        }

        public string Name(JsonElement e, string at, string field)
        {
            if (e.ValueKind != JsonValueKind.Object) { Set($"{at}: must be an object (was {e.ValueKind})"); return "?"; }
            if (!e.TryGetProperty(field, out var v) || v.ValueKind != JsonValueKind.String)
            {
                Set($"{at}.{field}: must be a non-empty string (was {(e.TryGetProperty(field, out v) ? v.ValueKind.ToString().ToLowerInvariant() : "missing")})");
                return "?";
            }
            string? s = v.GetString();
            if (string.IsNullOrWhiteSpace(s)) { Set($"{at}.{field}: must be a non-empty string (was \"{s}\")"); return "?"; }
            return s;
        }

        public int Id(JsonElement e, string at)
        {
            if (e.ValueKind != JsonValueKind.Object) { Set($"{at}: must be an object (was {e.ValueKind})"); return 0; }
            if (e.TryGetProperty("id", out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int id) && id >= 0) return id;
            Set($"{at}.id: must be an integer >= 0");
            return 0;
        }

        public double Positive(JsonElement e, string at, string field)
        {
            if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty(field, out var v) && v.ValueKind == JsonValueKind.Number
                && v.TryGetDouble(out double d) && double.IsFinite(d) && d > 0) return d;
            Set($"{at}.{field}: must be a finite number > 0");
            return 1;
        }

        public T Enum<T>(JsonElement e, string at, string field, bool required) where T : struct, System.Enum
        {
            if (e.ValueKind != JsonValueKind.Object) { Set($"{at}: must be an object (was {e.ValueKind})"); return default; }
            if (!e.TryGetProperty(field, out var v)) { if (required) Set($"{at}.{field}: missing"); return default; }
            if (v.ValueKind == JsonValueKind.String && v.GetString() is { } s && !s.AsSpan().ContainsAnyInRange('0', '9')
                && System.Enum.TryParse<T>(s, ignoreCase: false, out var value) && System.Enum.IsDefined(value))
                return value;
            Set($"{at}.{field}: must be one of {string.Join(", ", System.Enum.GetNames<T>())}");
            return default;
        }

        public int Int(JsonElement root, string field, int fallback)
        {
            if (!root.TryGetProperty(field, out var v)) return fallback;
            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n)) return n;
            Set($"{field}: must be an integer");
            return fallback;
        }
    }

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
