using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace CircuitBreaker.Extensions.Hosting;

/// <summary>
/// Turns an <see cref="IConfiguration"/> section back into the JSON of the configuration file, so that one reader
/// (<see cref="RiskConfigFile"/>) checks both. Configuration flattens everything to strings: sections whose keys are
/// 0..n-1 become arrays, values of string fields stay strings, other values that read as JSON numbers or booleans are
/// written as such (anything else stays a string, which the reader then reports as the wrong type).
/// Keys follow the configuration binder's conventions: any case and PascalCase name the same key as the file's
/// snake_case (<c>Concurrency</c>, <c>RateWindowMs</c>, <c>RATE_WINDOW_MS</c> are all <c>rate_window_ms</c>), so
/// <c>CircuitBreaker__RateWindowMs</c> works as an environment variable. Two spellings of one key in one section (say
/// <c>rate_window_ms</c> from a file and <c>RateWindowMs</c> from the environment) are an error: configuration has
/// lost which source came last. Keys inside <c>playbooks</c> are passed through untouched.
/// </summary>
internal static class ConfigurationJson
{
    private static readonly HashSet<string> s_stringKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "$schema", "symbol", "kind", "underlying", "group", "barrier_kind", "name", "reference_source", "missing_reference",
        "producer_mode", "full_ring_policy", "wait_strategy", "detector_fault_policy", "thread_name", "base_path",
    };

    private static readonly HashSet<string> s_objectKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "capacities", "defaults", "instrument", "account", "limits", "pipeline", "signatures", "playbooks",
    };

    /// <summary>The section as JSON; <paramref name="errors"/> receives keys spelt two ways (<c>path: message</c>).</summary>
    public static byte[] ToJson(IConfiguration section, List<string> errors)
    {
        var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
            WriteSection(w, section.GetChildren().ToList(), inPlaybooks: false, "$", errors);
        return ms.ToArray();
    }

    /// <summary>The file's snake_case spelling of a configuration key: lower case, an underscore before each capital
    /// that starts a word (<c>RateWindowMs</c> → <c>rate_window_ms</c>, <c>MaxOpenOrders</c> → <c>max_open_orders</c>).</summary>
    internal static string SnakeKey(string key)
    {
        var sb = new StringBuilder(key.Length + 8);
        for (int i = 0; i < key.Length; i++)
        {
            char c = key[i];
            if (char.IsUpper(c))
            {
                bool afterLowerOrDigit = i > 0 && (char.IsLower(key[i - 1]) || char.IsDigit(key[i - 1]));
                bool endsAcronym = i > 0 && char.IsUpper(key[i - 1]) && i + 1 < key.Length && char.IsLower(key[i + 1]);
                if (afterLowerOrDigit || endsAcronym) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }

    private static void WriteSection(Utf8JsonWriter w, List<IConfigurationSection> children, bool inPlaybooks, string path, List<string> errors)
    {
        bool isArray = children.Count > 0 && children.Select(c => c.Key).OrderBy(k => k.Length).ThenBy(k => k, StringComparer.Ordinal)
            .Select((k, i) => k == i.ToString(CultureInfo.InvariantCulture)).All(b => b);
        if (isArray)
        {
            w.WriteStartArray();
            foreach (var c in children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture)))
                WriteValue(w, c, null, inPlaybooks, $"{path}[{c.Key}]", errors);
            w.WriteEndArray();
            return;
        }
        w.WriteStartObject();
        var spelt = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var c in children)
        {
            string key = inPlaybooks ? c.Key : SnakeKey(c.Key);
            if (!inPlaybooks && !spelt.TryAdd(key, c.Key))
            {
                errors.Add($"{path}.{key}: configured twice, as '{spelt[key]}' and as '{c.Key}' (spell a key one way across files and environment variables)");
                continue;
            }
            w.WritePropertyName(key);
            WriteValue(w, c, key, inPlaybooks || string.Equals(key, "playbooks", StringComparison.Ordinal), $"{path}.{key}", errors);
        }
        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, IConfigurationSection c, string? key, bool inPlaybooks, string path, List<string> errors)
    {
        var children = c.GetChildren().ToList();
        if (children.Count > 0) { WriteSection(w, children, inPlaybooks, path, errors); return; }
        string? v = c.Value;
        if (v is null) { w.WriteNullValue(); return; }
        if (v.Length == 0 && key is not null && s_objectKeys.Contains(key)) { w.WriteStartObject(); w.WriteEndObject(); return; }
        if (key is not null && !inPlaybooks && s_stringKeys.Contains(key)) { w.WriteStringValue(v); return; }
        if (v is "true" or "True") { w.WriteBooleanValue(true); return; }
        if (v is "false" or "False") { w.WriteBooleanValue(false); return; }
        if (IsJsonNumber(v)) { w.WriteRawValue(v); return; }
        w.WriteStringValue(v);
    }

    /// <summary>True when <paramref name="s"/> is a JSON number literal (so it can be written raw and re-checked by the reader).</summary>
    internal static bool IsJsonNumber(string s)
    {
        if (s.Length == 0 || s.Length > 64) return false;
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(s));
        try { return reader.Read() && reader.TokenType == JsonTokenType.Number && !reader.Read(); }
        catch (JsonException) { return false; }
    }
}
