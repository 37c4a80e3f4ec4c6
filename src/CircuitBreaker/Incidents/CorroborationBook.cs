using System.Numerics;

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

    /// <summary>
    /// Records a finding and returns its effective severity: Critical when it acts, else its own severity (at most Warning
    /// for ML). <paramref name="episode"/> holds the signatures seen within the window on targets related to this one (its
    /// episode: an instrument, its group and the accounts trading it); they count toward agreement as this target's own do.
    /// <paramref name="backing"/> says why it acts (a limit, agreement of distinct signatures, persistence, or a lone
    /// Critical) or <see cref="Backing.None"/>.
    /// </summary>
    public Severity Vote(int key, Signature signature, Severity severity, long timeNs, ulong episode, out Backing backing)
    {
        long n = _count[key]++;
        int baseIndex = key * _per;
        _signature[baseIndex + (int)(n % _per)] = signature;
        _time[baseIndex + (int)(n % _per)] = timeNs;
        bool ml = signature == Signature.MlAnomaly;
        backing = Backing.None;
        if (severity == Severity.Info) return Severity.Info;
        if (PlaybookRule.IsLimit(signature)) { backing = Backing.Limit; return Severity.Critical; }

        // k-of-n: distinct signatures on this target or its episode within the window, at least one not ML.
        ulong mask = episode | Recent(key, timeNs);
        int distinct = BitOperations.PopCount(mask);
        bool nonMl = (mask & ~Bit(Signature.MlAnomaly)) != 0;
        if (distinct >= _options.DistinctSignatures && nonMl) { backing = Backing.Corroborated; return Severity.Critical; }
        if (!ml && severity == Severity.Critical) { backing = Backing.Alone; return Severity.Critical; }

        int kept = (int)Math.Min(n + 1, _per);
        int persistent = 0;
        for (int k = 0; k < kept; k++)
        {
            int idx = baseIndex + (int)((n - k) % _per);
            if (_signature[idx] == signature && timeNs - _time[idx] <= _persistNs) persistent++;
        }
        if (!ml && _options.PersistenceCount > 0 && persistent >= _options.PersistenceCount) { backing = Backing.Persistent; return Severity.Critical; }
        return ml && severity > Severity.Warning ? Severity.Warning : severity;
    }

    /// <summary>Signatures (one bit each, see <see cref="Bit"/>) recorded on <paramref name="key"/> within the window before <paramref name="timeNs"/>. Allocates nothing.</summary>
    public ulong Recent(int key, long timeNs)
    {
        long n = _count[key];
        int kept = (int)Math.Min(n, _per);
        int baseIndex = key * _per;
        ulong mask = 0;
        for (int k = 0; k < kept; k++)
        {
            int idx = baseIndex + (int)((n - 1 - k) % _per);
            long age = timeNs - _time[idx];
            if (age <= _windowNs) mask |= Bit(_signature[idx]);
        }
        return mask;
    }

    /// <summary>One bit per soft signature (values 0..62 exact; larger values share bit 63).</summary>
    public static ulong Bit(Signature s) => 1UL << Math.Min((int)s, 63);
}

/// <summary>Why a finding acts.</summary>
internal enum Backing : byte
{
    /// <summary>It does not act.</summary>
    None,
    /// <summary>A hard limit.</summary>
    Limit,
    /// <summary>Distinct signatures agree on its target or episode.</summary>
    Corroborated,
    /// <summary>One signature repeated on its target (uncorroborated).</summary>
    Persistent,
    /// <summary>One signature at Critical on its own (uncorroborated).</summary>
    Alone,
}
