namespace CircuitBreaker;

/// <summary>
/// Where a change of trading state came from: this process (<see cref="Local"/>), or the firm plane, and then from
/// whom (see <see cref="StateBoard.TrySetFirm"/>). Every value but <see cref="Local"/> is a change of the board's firm
/// layer. Who (the operator's, engine's or aggregator's name) travels with it as <see cref="TripContext.By"/>.
/// </summary>
public enum TripOrigin : byte
{
    /// <summary>This process: an operator call, a limit, a detector, the pipeline or staged recovery.</summary>
    Local = 0,
    /// <summary>The firm plane, source not stated (a caller of <see cref="StateBoard.TrySetFirm"/> that did not say).</summary>
    Firm = 1,
    /// <summary>The firm plane: an operator's firm command (<c>firm halt|reduce-only|resume</c>).</summary>
    FirmOperator = 2,
    /// <summary>The firm plane: another engine's own trip, raised to the firm by its propagation policy.</summary>
    FirmEngine = 3,
    /// <summary>The firm plane: the aggregator, for a breach (or release) of a firm exposure or loss limit.</summary>
    FirmAggregator = 4,
    /// <summary>The firm link's own fail-safe: out of contact with the plane for longer than its grace (or not yet resynchronised).</summary>
    FirmFailSafe = 5,
}

/// <summary>
/// The process-wide table of names that say who made a firm change (<see cref="TripContext.By"/>): engine, operator and
/// aggregator names, interned once so that a transition carries a small id and allocates nothing. Id 0 is "nobody" (the
/// empty name). Interning a new name allocates and takes a lock (the firm link does it on its own task, never on the hot
/// path); looking a name up by id, or interning one already known, allocates nothing. Holds at most
/// <see cref="Capacity"/> names; past that <see cref="Intern(string)"/> returns 0.
/// </summary>
public static class TripOriginNames
{
    /// <summary>Most names the table holds: 4,096 (id 0, the empty name, included).</summary>
    public const int Capacity = 4096;

    private static readonly object s_gate = new();
    private static readonly Dictionary<string, int> s_ids = new(StringComparer.Ordinal) { [""] = 0 };
    private static string[] s_names = [""];
    private static byte[][] s_utf8 = [[]];

    /// <summary>The id of <paramref name="name"/>, adding it when new. Null or empty is 0. Returns 0 when the table is full.</summary>
    /// <param name="name">An engine, operator or aggregator name.</param>
    /// <returns>Its id (1 and up), or 0.</returns>
    public static int Intern(string? name)
    {
        if (string.IsNullOrEmpty(name)) return 0;
        lock (s_gate)
        {
            if (s_ids.TryGetValue(name, out int id)) return id;
            if (s_names.Length >= Capacity) return 0;
            id = s_names.Length;
            var names = new string[id + 1];
            var utf8 = new byte[id + 1][];
            Array.Copy(s_names, names, id);
            Array.Copy(s_utf8, utf8, id);
            names[id] = name;
            utf8[id] = System.Text.Encoding.UTF8.GetBytes(name);
            s_ids[name] = id;
            Volatile.Write(ref s_names, names); // names first: an id found in s_utf8 always has its name
            Volatile.Write(ref s_utf8, utf8);
            return id;
        }
    }

    /// <summary>The id of a UTF-8 name (as a journal stores it), adding it when new; allocates only for a new name.</summary>
    /// <param name="utf8">The name's UTF-8 bytes.</param>
    /// <returns>Its id, or 0 for an empty name or a full table.</returns>
    public static int Intern(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return 0;
        var known = Volatile.Read(ref s_utf8);
        for (int k = 1; k < known.Length; k++)
            if (utf8.SequenceEqual(known[k])) return k;
        return Intern(System.Text.Encoding.UTF8.GetString(utf8));
    }

    /// <summary>The name of an id: "" for 0 or an id never given out. Allocates nothing.</summary>
    /// <param name="id">An id from <see cref="Intern(string)"/>.</param>
    /// <returns>The name.</returns>
    public static string Of(int id)
    {
        var names = Volatile.Read(ref s_names);
        return (uint)id < (uint)names.Length ? names[id] : "";
    }

    /// <summary>The UTF-8 bytes of an id's name (empty for 0 or unknown). Allocates nothing.</summary>
    internal static ReadOnlySpan<byte> Utf8Of(int id)
    {
        var utf8 = Volatile.Read(ref s_utf8);
        return (uint)id < (uint)utf8.Length ? utf8[id] : default;
    }

    /// <summary>snake_case name of an origin (local, firm, firm_operator, firm_engine, firm_aggregator, firm_fail_safe). Allocates nothing.</summary>
    /// <param name="origin">The origin.</param>
    /// <returns>Its name, or "unknown".</returns>
    public static string NameOf(TripOrigin origin) => origin switch
    {
        TripOrigin.Local => "local",
        TripOrigin.Firm => "firm",
        TripOrigin.FirmOperator => "firm_operator",
        TripOrigin.FirmEngine => "firm_engine",
        TripOrigin.FirmAggregator => "firm_aggregator",
        TripOrigin.FirmFailSafe => "firm_fail_safe",
        _ => "unknown",
    };
}
