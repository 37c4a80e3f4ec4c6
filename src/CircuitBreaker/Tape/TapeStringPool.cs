namespace CircuitBreaker.Tape;

/// <summary>
/// Interns the short, repetitive strings of a tape (symbols, accounts, enum names) so reading a million records
/// allocates each symbol once. Bounded: beyond <see cref="MaxEntries"/> entries or <see cref="MaxLength"/> chars it
/// just allocates.
/// </summary>
internal sealed class TapeStringPool
{
    public const int MaxEntries = 65_536;
    public const int MaxLength = 128;

    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public TapeStringPool() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    public string Get(ReadOnlySpan<char> chars)
    {
        if (_lookup.TryGetValue(chars, out var found)) return found;
        string s = chars.ToString();
        if (_strings.Count < MaxEntries) _strings.Add(s, s);
        return s;
    }
}
