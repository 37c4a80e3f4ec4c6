using System.Text.Json;
using System.Text.Json.Serialization;

namespace CircuitBreaker.Incidents;

public sealed partial class Playbook
{
    /// <summary>
    /// Reads a playbook from JSON: <c>{"rules":[{"name":..,"signatures":["flash_loan"],"limits":false,
    /// "min_severity":"critical","scope":"instrument","product":"perpetual","actions":[{"action":"halt","scope":"group"},
    /// {"action":"throttle","scale":0.5}]}]}</c>. Names are snake_case (PascalCase is accepted too). With
    /// <paramref name="section"/>, the playbook is the root's property of that name (e.g. <c>"playbook"</c>). Throws
    /// <see cref="PlaybookException"/> listing every problem at once, each with its JSON path. Allocates (setup only).
    /// </summary>
    /// <param name="json">The playbook JSON (comments allowed).</param>
    /// <param name="section">The root property holding the playbook, or null for the root itself.</param>
    /// <returns>The playbook.</returns>
    public static Playbook FromJson(string json, string? section = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        string root = "$";
        PlaybookDocument? doc;
        try
        {
            using var parsed = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var element = parsed.RootElement;
            if (section is not null)
            {
                root = "$." + section;
                if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(section, out element))
                    throw new PlaybookException([$"{root}: section not found"]);
            }
            if (element.ValueKind != JsonValueKind.Object) throw new PlaybookException([$"{root}: expected an object"]);
            doc = element.Deserialize(PlaybookJsonContext.Default.PlaybookDocument);
        }
        catch (JsonException ex)
        {
            string path = ex.Path is null ? root : root + ex.Path.TrimStart('$');
            throw new PlaybookException([$"{path}: {Plain(ex.Message)}"]);
        }
        catch (InvalidOperationException)
        {
            // A string with invalid UTF-8 (or an escaped lone surrogate) throws when the serializer decodes it.
            throw new PlaybookException([$"{root}: a key or string is not valid UTF-8 text"]);
        }
        var errors = new List<string>();
        var rules = new List<PlaybookRule>();
        if (doc?.Rules is null || doc.Rules.Count == 0) errors.Add($"{root}.rules: at least one rule is required");
        Unknown(doc?.Extra, root, errors);
        for (int r = 0; doc?.Rules is not null && r < doc.Rules.Count; r++)
        {
            string p = $"{root}.rules[{r}]";
            var dto = doc.Rules[r];
            if (dto is null) { errors.Add($"{p}: must be an object"); continue; }
            int before = errors.Count;
            Unknown(dto.Extra, p, errors);
            var sigs = new List<Signature>();
            for (int s = 0; dto.Signatures is not null && s < dto.Signatures.Count; s++)
                if (TryName(dto.Signatures[s], out Signature sig)) sigs.Add(sig);
                else errors.Add($"{p}.signatures[{s}]: unknown signature '{dto.Signatures[s]}'");
            Severity min = Severity.Warning;
            if (dto.MinSeverity is not null && !TryName(dto.MinSeverity, out min)) errors.Add($"{p}.min_severity: unknown severity '{dto.MinSeverity}'");
            Scope? scope = null;
            if (dto.Scope is not null) { if (TryName(dto.Scope, out Scope sc)) scope = sc; else errors.Add($"{p}.scope: unknown scope '{dto.Scope}'"); }
            InstrumentKind? product = null;
            if (dto.Product is not null) { if (TryName(dto.Product, out InstrumentKind pk)) product = pk; else errors.Add($"{p}.product: unknown product kind '{dto.Product}'"); }
            var actions = new List<PlaybookAction>();
            if (dto.Actions is null || dto.Actions.Count == 0) errors.Add($"{p}.actions: at least one action is required");
            for (int a = 0; dto.Actions is not null && a < dto.Actions.Count; a++)
            {
                string ap = $"{p}.actions[{a}]";
                var ad = dto.Actions[a];
                if (ad is null) { errors.Add($"{ap}: must be an object"); continue; }
                Unknown(ad.Extra, ap, errors);
                bool ok = true;
                IncidentActionKind kind = default;
                if (ad.Action is null) { errors.Add($"{ap}.action: required"); ok = false; }
                else if (!TryName(ad.Action, out kind)) { errors.Add($"{ap}.action: unknown action '{ad.Action}'"); ok = false; }
                ActionScope ascope = ActionScope.Finding;
                if (ad.Scope is not null && !TryName(ad.Scope, out ascope)) { errors.Add($"{ap}.scope: unknown scope '{ad.Scope}'"); ok = false; }
                if (ok) actions.Add(new PlaybookAction(kind, ascope, ad.Scale ?? PlaybookAction.DefaultThrottleScale));
            }
            if (errors.Count > before) continue;
            var rule = new PlaybookRule
            {
                Name = dto.Name, Signatures = sigs, Limits = dto.Limits ?? false, MinSeverity = min,
                FindingScope = scope, Product = product, Actions = actions,
            };
            rule.Validate(p, errors);
            rules.Add(rule);
        }
        if (errors.Count > 0) throw new PlaybookException(errors);
        return new Playbook(rules);
    }

    private static string FirstLine(string message)
    {
        int nl = message.IndexOfAny(['\r', '\n']);
        return nl < 0 ? message : message[..nl];
    }

    /// <summary>The serializer's message in the file's words: "must be an array" rather than a .NET type name, and without
    /// the path and position it appends (the caller puts the path first).</summary>
    internal static string Plain(string message)
    {
        string line = FirstLine(message);
        int cut = line.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0) line = line[..cut];
        const string Convert = "The JSON value could not be converted to ";
        if (!line.StartsWith(Convert, StringComparison.Ordinal)) return line;
        string type = line[Convert.Length..].TrimEnd('.');
        string expected =
            type.StartsWith("System.Collections.Generic.List", StringComparison.Ordinal) ? "an array"
            : type.Contains("System.String", StringComparison.Ordinal) ? "a string"
            : type.Contains("System.Boolean", StringComparison.Ordinal) ? "true or false"
            : type.Contains("System.Double", StringComparison.Ordinal) ? "a number"
            : type.Contains("Document", StringComparison.Ordinal) ? "an object"
            : "a value of another type";
        return $"must be {expected}";
    }

    private static void Unknown(Dictionary<string, JsonElement>? extra, string path, List<string> errors)
    {
        if (extra is null) return;
        foreach (var key in extra.Keys) errors.Add($"{path}.{key}: unknown property");
    }

    /// <summary>Parses <c>flash_loan</c>, <c>FlashLoan</c> or <c>flashloan</c>; never a number.</summary>
    private static bool TryName<T>(string text, out T value) where T : struct, Enum
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text) || !char.IsLetter(text[0])) return false;
        return Enum.TryParse(text.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out value) && Enum.IsDefined(value);
    }
}

internal sealed class PlaybookDocument
{
    public List<PlaybookRuleDocument?>? Rules { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed class PlaybookRuleDocument
{
    public string? Name { get; set; }
    public List<string>? Signatures { get; set; }
    public bool? Limits { get; set; }
    public string? MinSeverity { get; set; }
    public string? Scope { get; set; }
    public string? Product { get; set; }
    public List<PlaybookActionDocument?>? Actions { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed class PlaybookActionDocument
{
    public string? Action { get; set; }
    public string? Scope { get; set; }
    public double? Scale { get; set; }
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>Source-generated JSON metadata for playbook sections (snake_case_lower names).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(PlaybookDocument))]
internal sealed partial class PlaybookJsonContext : JsonSerializerContext;
