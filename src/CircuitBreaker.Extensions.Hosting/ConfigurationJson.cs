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

    public static byte[] ToJson(IConfiguration section)
    {
        var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
            WriteSection(w, section.GetChildren().ToList(), inPlaybooks: false);
        return ms.ToArray();
    }

    private static void WriteSection(Utf8JsonWriter w, List<IConfigurationSection> children, bool inPlaybooks)
    {
        bool isArray = children.Count > 0 && children.Select(c => c.Key).OrderBy(k => k.Length).ThenBy(k => k, StringComparer.Ordinal)
            .Select((k, i) => k == i.ToString(CultureInfo.InvariantCulture)).All(b => b);
        if (isArray)
        {
            w.WriteStartArray();
            foreach (var c in children.OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture))) WriteValue(w, c, null, inPlaybooks);
            w.WriteEndArray();
            return;
        }
        w.WriteStartObject();
        foreach (var c in children)
        {
            w.WritePropertyName(c.Key);
            WriteValue(w, c, c.Key, inPlaybooks || string.Equals(c.Key, "playbooks", StringComparison.OrdinalIgnoreCase));
        }
        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, IConfigurationSection c, string? key, bool inPlaybooks)
    {
        var children = c.GetChildren().ToList();
        if (children.Count > 0) { WriteSection(w, children, inPlaybooks); return; }
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
