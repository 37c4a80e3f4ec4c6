namespace CircuitBreaker.Incidents;

/// <summary>Recent findings per target, for k-of-n agreement and persistence. Preallocated; evaluator thread only.</summary>
internal sealed class CorroborationBook
{
    private readonly Signature[] _signature;
    private readonly long[] _time;
    private readonly long[] _count;
    private readonly int _per;
    private readonly Corroboration _options;
    private readonly long _windowNs, _persistNs;

    public CorroborationBook(int keys, Corroboration options)
    {
        _options = options;
        _per = options.HistoryPerTarget;
        _signature = new Signature[keys * _per];
        _time = new long[keys * _per];
        _count = new long[keys];
        _windowNs = options.Window.Ticks * 100;
        _persistNs = options.PersistenceWindow.Ticks * 100;
    }

    /// <summary>Records a finding and returns its effective severity: Critical when it acts, else its own severity (at most Warning for ML).</summary>
    public Severity Vote(int key, Signature signature, Severity severity, long timeNs, out bool acts)
    {
        long n = _count[key]++;
        int baseIndex = key * _per;
        _signature[baseIndex + (int)(n % _per)] = signature;
        _time[baseIndex + (int)(n % _per)] = timeNs;
        bool ml = signature == Signature.MlAnomaly;
        if (severity == Severity.Info) { acts = false; return Severity.Info; }
        if (PlaybookRule.IsLimit(signature)) { acts = true; return Severity.Critical; }
        if (!ml && severity == Severity.Critical) { acts = true; return Severity.Critical; }

        int kept = (int)Math.Min(n + 1, _per);
        // k-of-n: distinct signatures on this target within the window, at least one not ML.
        int distinct = 0; bool nonMl = false;
        int persistent = 0;
        for (int k = 0; k < kept; k++)
        {
            int idx = baseIndex + (int)((n - k) % _per);
            long t = _time[idx];
            var s = _signature[idx];
            if (s == signature && timeNs - t <= _persistNs) persistent++;
            if (timeNs - t > _windowNs) continue;
            bool seen = false;
            for (int j = 0; j < k; j++)
            {
                int jdx = baseIndex + (int)((n - j) % _per);
                if (_signature[jdx] == s && timeNs - _time[jdx] <= _windowNs) { seen = true; break; }
            }
            if (seen) continue;
            distinct++;
            if (s != Signature.MlAnomaly) nonMl = true;
        }
        acts = (distinct >= _options.DistinctSignatures && nonMl)
            || (!ml && _options.PersistenceCount > 0 && persistent >= _options.PersistenceCount);
        if (acts) return Severity.Critical;
        return ml && severity > Severity.Warning ? Severity.Warning : severity;
    }
}
