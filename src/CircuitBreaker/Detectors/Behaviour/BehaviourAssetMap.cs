namespace CircuitBreaker.Detectors;

/// <summary>
/// Maps an on-chain asset id to the instrument whose price it moves. Rule, in order: (1) an explicit entry of the
/// caller's map; (2) the asset id as the index of an underlying in order of first registration (the first instrument
/// registered on underlying number k stands for asset k); otherwise none. A chain event that carries an instrument
/// uses that instrument and never reaches this map. Built at construction (allocates); lookups are O(1).
/// </summary>
internal sealed class BehaviourAssetMap
{
    private readonly int[] _byAsset;
    private readonly Dictionary<int, int>? _explicit;

    public BehaviourAssetMap(InstrumentRegistry registry, IReadOnlyDictionary<int, InstrumentId>? explicitMap)
    {
        var byUnderlying = new List<int>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < registry.InstrumentCount; i++)
            if (seen.Add(registry.Instruments[i].Underlying)) byUnderlying.Add(i);
        _byAsset = byUnderlying.ToArray();
        if (explicitMap is { Count: > 0 })
        {
            _explicit = new Dictionary<int, int>(explicitMap.Count);
            foreach (var kv in explicitMap) _explicit[kv.Key] = kv.Value.Value;
        }
    }

    /// <summary>The instrument of a chain event: its own instrument field, else its asset by the rule above; -1 when none.</summary>
    public int Resolve(in RiskEvent e, int instrumentCount)
    {
        if ((uint)e.Instrument < (uint)instrumentCount) return e.Instrument;
        int asset = e.ChainData.Asset;
        if (_explicit != null && _explicit.TryGetValue(asset, out int mapped)) return (uint)mapped < (uint)instrumentCount ? mapped : -1;
        return (uint)asset < (uint)_byAsset.Length ? _byAsset[asset] : -1;
    }
}
