using System.Text.Json;

namespace CircuitBreaker.Config;

/// <summary>
/// The JSON configuration file (one schema for the CLI's <c>--config</c> and the hosting package; see
/// docs/configuration.md). <see cref="Load(Stream)"/> checks the whole document explicitly and returns either a
/// validated configuration or every problem at once, each with its JSON path (<c>$.instruments[2].tick: must be &gt; 0</c>).
/// Wrong types, unknown enum values, duplicate keys, unknown keys and sections, nesting deeper than <see cref="MaxDepth"/>,
/// strings longer than <see cref="MaxStringLength"/>, files larger than <see cref="MaxFileBytes"/> and non-finite,
/// negative or overflowing numbers are all reported, never thrown. <see cref="Write(Stream, RiskConfig?, RiskPipelineOptions?, SignatureSwitches?)"/>
/// emits an effective profile in the same schema. Setup-time code: everything here allocates.
/// </summary>
public static partial class RiskConfigFile
{
    /// <summary>Deepest nesting accepted (objects and arrays): 32.</summary>
    public const int MaxDepth = 32;
    /// <summary>Longest string or key accepted: 256 characters.</summary>
    public const int MaxStringLength = 256;
    /// <summary>Largest file accepted: 16 MiB.</summary>
    public const int MaxFileBytes = 16 << 20;
    /// <summary>Largest account capacity accepted: 1,048,576.</summary>
    public const int MaxAccounts = 1 << 20;
    /// <summary>Largest pair or order capacity accepted: 4,194,304.</summary>
    public const int MaxPairsOrOrders = 1 << 22;
    /// <summary>Largest ring capacity accepted: 4,194,304 events (256 MiB).</summary>
    public const int MaxRingCapacity = 1 << 22;
    /// <summary>Longest time accepted in a <c>*_ms</c> field: 7 days.</summary>
    public const double MaxMilliseconds = 7 * 24 * 3600 * 1000.0;

    private static readonly string[] s_topLevel =
        ["$schema", "version", "rate_window_ms", "concurrency", "max_list_orders", "list_rate", "capacities", "defaults", "instruments", "accounts", "groups", "pipeline", "signatures", "playbooks",
         "closed_order_ids"];

    /// <summary>Loads a configuration file from disk. A missing or unreadable file is reported as an error at <c>$</c>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The configuration, or every error with its JSON path.</returns>
    public static RiskConfigLoadResult Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.SequentialScan);
            return Load(stream);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Failed(new ConfigError("$", $"cannot read '{path}': {ex.Message}"));
        }
    }

    /// <summary>Loads a configuration from a stream (read to the end, at most <see cref="MaxFileBytes"/> bytes).</summary>
    /// <param name="stream">UTF-8 JSON; read to the end, left open.</param>
    /// <returns>The configuration, or every error with its JSON path.</returns>
    public static RiskConfigLoadResult Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        try
        {
            int n;
            while ((n = stream.Read(chunk, 0, chunk.Length)) > 0)
            {
                if (buffer.Length + n > MaxFileBytes) return Failed(new ConfigError("$", $"file larger than {MaxFileBytes} bytes"));
                buffer.Write(chunk, 0, n);
            }
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException or ObjectDisposedException)
        {
            return Failed(new ConfigError("$", $"cannot read the configuration: {ex.Message}"));
        }
        return Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
    }

    /// <summary>Loads a configuration from JSON text.</summary>
    /// <param name="json">The JSON text (comments allowed).</param>
    /// <returns>The configuration, or every error with its JSON path.</returns>
    public static RiskConfigLoadResult Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > MaxFileBytes) return Failed(new ConfigError("$", $"file larger than {MaxFileBytes} bytes"));
        if (json.StartsWith('\uFEFF')) json = json[1..];
        byte[] utf8;
        try { utf8 = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(json); }
        catch (System.Text.EncoderFallbackException ex)
        {
            return Failed(new ConfigError("$", $"the text is not valid Unicode (a lone surrogate at character {ex.Index})"));
        }
        return Parse(utf8);
    }

    /// <summary>Loads a configuration from UTF-8 JSON (comments are allowed and skipped; trailing commas are not; a leading
    /// byte order mark is skipped, as RFC 8259 §8.1 allows a parser to). Every key and string must be valid UTF-8: a bad
    /// one is reported with its JSON path.</summary>
    /// <param name="utf8">The JSON as UTF-8 bytes (a BOM is skipped).</param>
    /// <returns>The configuration, or every error with its JSON path.</returns>
    public static RiskConfigLoadResult Parse(ReadOnlyMemory<byte> utf8)
    {
        if (utf8.Length > MaxFileBytes) return Failed(new ConfigError("$", $"file larger than {MaxFileBytes} bytes"));
        if (utf8.Span.StartsWith("\uFEFF"u8)) utf8 = utf8[3..];
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(utf8, new JsonDocumentOptions { MaxDepth = MaxDepth, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            string where = ex.LineNumber is { } line ? $" at line {line + 1}, byte {ex.BytePositionInLine + 1}" : "";
            return Failed(new ConfigError("$", $"invalid JSON{where}: {FirstSentence(ex.Message)}"));
        }
        using (doc)
        {
            // Strings are decoded lazily: one with invalid UTF-8 (or an escaped lone surrogate) throws on first read. Find
            // them all first, each with its path, so that nothing below meets one.
            var textErrors = new List<ConfigError>();
            CheckText(doc.RootElement, "$", textErrors);
            if (textErrors.Count > 0) return Failed([.. textErrors]);
            return Read(doc.RootElement);
        }
    }

    /// <summary>Reports every key and string value that is not valid text (bad UTF-8 bytes, an escaped lone surrogate).</summary>
    private static void CheckText(JsonElement e, string path, List<ConfigError> errors)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                int k = 0;
                foreach (var p in e.EnumerateObject())
                {
                    string child;
                    if (TryText(() => p.Name, out string? name)) child = ConfigNaming.Child(path, name!);
                    else
                    {
                        child = $"{path}{{key #{k + 1}}}";
                        errors.Add(new ConfigError(path, $"key #{k + 1} of this object is not valid UTF-8 text"));
                    }
                    CheckText(p.Value, child, errors);
                    k++;
                }
                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (var item in e.EnumerateArray()) CheckText(item, $"{path}[{i++}]", errors);
                break;
            case JsonValueKind.String:
                if (!TryText(e.GetString, out _)) errors.Add(new ConfigError(path, "is not valid UTF-8 text"));
                break;
        }
    }

    private static bool TryText(Func<string?> read, out string? text)
    {
        try { text = read(); return true; }
        catch (InvalidOperationException) { text = null; return false; }
    }

    private static RiskConfigLoadResult Failed(params ConfigError[] errors) => new(null, null, null, null, errors);

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    /// <summary>The playbooks section is a <see cref="Playbook"/> (<c>{"rules": [...]}</c>): its errors join the file's, under <c>$.playbooks</c>.</summary>
    private static void ValidatePlaybooks(JsonElement playbooks, List<ConfigError> errors)
    {
        try { Playbook.FromJson(playbooks.GetRawText()); }
        catch (PlaybookException ex)
        {
            foreach (var e in ex.Errors)
            {
                int colon = e.IndexOf(": ", StringComparison.Ordinal);
                string path = colon > 0 && e.StartsWith('$') ? "$.playbooks" + e[1..colon] : "$.playbooks";
                errors.Add(new ConfigError(path, colon > 0 && e.StartsWith('$') ? e[(colon + 2)..] : e));
            }
        }
    }

    private static RiskConfigLoadResult Read(JsonElement root)
    {
        var errors = new List<ConfigError>();
        var r = new ConfigReader(errors);
        var plan = new ConfigPlan();
        var pipeline = new RiskPipelineOptions();
        var signatures = new SignatureSwitches();
        JsonElement? playbooks = null;
        bool sawInstruments = false;

        foreach (var (name, value, path) in r.Properties(root, "$", s_topLevel, "section"))
        {
            switch (name)
            {
                case "$schema": r.Name(value, path); break;
                case "version": plan.Version = r.Integer(value, path, 0, long.MaxValue); break;
                case "rate_window_ms": plan.RateWindow = r.Milliseconds(value, path, 0, minExclusive: true, MaxMilliseconds); break;
                case "concurrency": plan.Concurrency = r.Enum<GateConcurrency>(value, path); break;
                case "max_list_orders": plan.MaxListOrders = r.Count(value, path, RiskDefaults.MaxListOrdersCeiling); break;
                case "list_rate": plan.ListRate = r.Enum<ListRateMode>(value, path); break;
                case "capacities": ReadCapacities(r, value, path, plan); break;
                case "closed_order_ids": ReadClosedOrderIds(r, value, path, plan); break;
                case "defaults": ReadDefaults(r, value, path, plan); break;
                case "instruments": sawInstruments = true; ReadInstruments(r, value, path, plan); break;
                case "accounts": ReadAccounts(r, value, path, plan); break;
                case "groups": ReadGroups(r, value, path, plan); break;
                case "pipeline": pipeline = ReadPipeline(r, value, path); break;
                case "signatures": signatures = ReadSignatures(r, value, path); break;
                case "playbooks":
                    if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array) playbooks = value.Clone();
                    else r.Error(path, $"must be an object or an array (was {ConfigReader.Describe(value)})");
                    break;
            }
        }
        if (root.ValueKind != JsonValueKind.Object) return Failed([.. errors]);
        if (playbooks is { } pb) ValidatePlaybooks(pb, errors);
        if (!sawInstruments) r.Error("$.instruments", "is required (declare at least one instrument)");
        CheckReferences(r, plan);

        var config = plan.Build(errors, suppressEmpty: plan.InstrumentErrors > 0);
        if (errors.Count > 0 || config is null) return Failed([.. errors]);
        return new RiskConfigLoadResult(config, pipeline, signatures, playbooks, []) { Plan = plan };
    }
}
