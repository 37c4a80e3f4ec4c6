using System.Globalization;
using System.Text.Json;

namespace CircuitBreaker.Config;

/// <summary>
/// Walks a parsed configuration document with explicit checks, collecting every problem with its JSON path instead of
/// stopping at the first. Setup-time code: allocates freely.
/// </summary>
internal sealed class ConfigReader
{
    private readonly List<ConfigError> _errors;

    public ConfigReader(List<ConfigError> errors) => _errors = errors;

    public int ErrorCount => _errors.Count;

    public void Error(string path, string message) => _errors.Add(new ConfigError(path, message));

    /// <summary>
    /// The properties of an object, in document order (lazily, so errors stay in document order), reporting a non-object, duplicate keys (the later copy is
    /// ignored), over-long keys and keys not in <paramref name="known"/> (null = any key). Yields nothing for a non-object.
    /// </summary>
    public IEnumerable<(string Name, JsonElement Value, string Path)> Properties(JsonElement obj, string path, string[]? known, string what = "key")
    {
        if (!ExpectObject(obj, path)) yield break;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
        {
            string name = p.Name;
            string child = ConfigNaming.Child(path, name);
            if (name.Length > RiskConfigFile.MaxStringLength) { Error(child, $"key longer than {RiskConfigFile.MaxStringLength} characters"); continue; }
            if (!seen.Add(name)) { Error(child, $"duplicate key '{name}'"); continue; }
            if (known is not null && Array.IndexOf(known, name) < 0)
            {
                Error(child, $"unknown {what} '{name}' (expected one of: {string.Join(", ", known)})");
                continue;
            }
            yield return (name, p.Value, child);
        }
    }

    /// <summary>
    /// Reads an object of <paramref name="known"/> keys into an init-only record: from <c>new T()</c>, each key in document
    /// order through <paramref name="set"/>, which returns the record with that key's field set (or unchanged when the
    /// value is reported bad). Null, reported, when the value is not an object.
    /// </summary>
    public T? Record<T>(JsonElement value, string path, string[] known, Func<ConfigReader, T, string, JsonElement, string, T> set)
        where T : class, new()
    {
        if (!ExpectObject(value, path)) return null;
        var record = new T();
        foreach (var (name, v, p) in Properties(value, path, known)) record = set(this, record, name, v, p);
        return record;
    }

    /// <summary>True for an object; otherwise reports it and returns false.</summary>
    public bool ExpectObject(JsonElement v, string path)
    {
        if (v.ValueKind == JsonValueKind.Object) return true;
        Error(path, $"must be an object (was {Describe(v)})");
        return false;
    }

    /// <summary>The items of an array (reports a non-array).</summary>
    public List<(JsonElement Value, string Path)> Items(JsonElement array, string path)
    {
        var list = new List<(JsonElement, string)>();
        if (array.ValueKind != JsonValueKind.Array) { Error(path, $"must be an array (was {Describe(array)})"); return list; }
        int i = 0;
        foreach (var item in array.EnumerateArray()) list.Add((item, $"{path}[{i++}]"));
        return list;
    }

    /// <summary>A non-empty string of at most <see cref="RiskConfigFile.MaxStringLength"/> characters, or null (reported).</summary>
    public string? Name(JsonElement v, string path)
    {
        if (v.ValueKind != JsonValueKind.String) { Error(path, $"must be a string (was {Describe(v)})"); return null; }
        string s = v.GetString()!;
        if (s.Length > RiskConfigFile.MaxStringLength) { Error(path, $"must be at most {RiskConfigFile.MaxStringLength} characters (was {s.Length})"); return null; }
        if (string.IsNullOrWhiteSpace(s)) { Error(path, "must be a non-empty name"); return null; }
        if (s.Trim().Length != s.Length) { Error(path, $"must not start or end with white space (was '{s}')"); return null; }
        return s;
    }

    /// <summary>A finite number within [min, max] (min exclusive when <paramref name="minExclusive"/>), or null (reported).</summary>
    public double? Number(JsonElement v, string path, double min, bool minExclusive, double max = double.MaxValue)
    {
        if (v.ValueKind != JsonValueKind.Number) { Error(path, $"must be a number (was {Describe(v)})"); return null; }
        if (!v.TryGetDouble(out double d) || !double.IsFinite(d)) { Error(path, $"must be a finite number (was {Raw(v)})"); return null; }
        if (minExclusive ? d <= min : d < min) { Error(path, $"must be {(minExclusive ? ">" : ">=")} {Fmt(min)} (was {Raw(v)})"); return null; }
        if (d > max) { Error(path, $"must be <= {Fmt(max)} (was {Raw(v)})"); return null; }
        return d;
    }

    /// <summary>A finite number &gt; 0, or null (reported).</summary>
    public double? Positive(JsonElement v, string path) => Number(v, path, 0, minExclusive: true);

    /// <summary>An integer within [min, max], or null (reported).</summary>
    public long? Integer(JsonElement v, string path, long min, long max)
    {
        if (v.ValueKind != JsonValueKind.Number) { Error(path, $"must be an integer (was {Describe(v)})"); return null; }
        if (!v.TryGetInt64(out long n))
        {
            bool fractional = v.TryGetDouble(out double d) && double.IsFinite(d) && Math.Abs(d) < 9.2e18 && d != Math.Floor(d);
            Error(path, fractional ? $"must be a whole number (was {Raw(v)})" : $"must be an integer in {min}..{max} (was {Raw(v)}, out of range)");
            return null;
        }
        if (n < min || n > max) { Error(path, $"must be in {min}..{max} (was {n})"); return null; }
        return n;
    }

    /// <summary>A positive 32-bit integer no larger than <paramref name="max"/>, or null (reported).</summary>
    public int? Count(JsonElement v, string path, int max = int.MaxValue) => (int?)Integer(v, path, 1, max);

    /// <summary>true/false, or null (reported).</summary>
    public bool? Bool(JsonElement v, string path)
    {
        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) return v.GetBoolean();
        Error(path, $"must be true or false (was {Describe(v)})");
        return null;
    }

    /// <summary>A member of <typeparamref name="TEnum"/> by its snake_case name, or null (reported).</summary>
    public TEnum? Enum<TEnum>(JsonElement v, string path) where TEnum : struct, Enum
    {
        if (v.ValueKind != JsonValueKind.String) { Error(path, $"must be a string, one of: {ConfigNames<TEnum>.Expected} (was {Describe(v)})"); return null; }
        string s = v.GetString()!;
        if (s.Length <= RiskConfigFile.MaxStringLength && ConfigNames<TEnum>.TryParse(s, out var e)) return e;
        string shown = s.Length > 64 ? s[..64] + "…" : s;
        Error(path, $"unknown value '{shown}' (expected one of: {ConfigNames<TEnum>.Expected})");
        return null;
    }

    /// <summary>Milliseconds as a <see cref="TimeSpan"/> within [min, max] ms (min exclusive when asked), or null (reported).</summary>
    public TimeSpan? Milliseconds(JsonElement v, string path, double min, bool minExclusive, double max)
        => Number(v, path, min, minExclusive, max) is { } ms ? TimeSpan.FromTicks((long)Math.Round(ms * TimeSpan.TicksPerMillisecond)) : null;

    private static string Fmt(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    private static string Raw(JsonElement v)
    {
        string raw = v.GetRawText();
        return raw.Length > 40 ? raw[..40] + "…" : raw;
    }

    /// <summary>The JSON kind of a value in plain words.</summary>
    public static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
