namespace CircuitBreaker.Incidents;

/// <summary>
/// Which targets belong to one episode, for <see cref="Corroboration"/>: an instrument, its group, and the accounts that
/// traded it (an order, a fill or a position report on it) within <see cref="Corroboration.EpisodeTradingWindow"/>.
/// Related pairs: instrument ↔ its group, instrument ↔ an account trading it, group ↔ an account trading one of its
/// instruments, and each target with itself (sibling instruments are related only through a group finding). Keeps the
/// last <see cref="PerAccount"/> instruments each account traded. Preallocated; evaluator thread only.
/// </summary>
internal sealed class EpisodeMap
{
    /// <summary>Instruments remembered per account (the most recently traded).</summary>
    public const int PerAccount = 4;

    private readonly int[] _groupOf;
    private readonly int _instruments, _accounts;
    private readonly int[] _traded;
    private readonly long[] _tradedNs;
    private readonly long _windowNs;

    public EpisodeMap(int[] groupOf, int accounts, TimeSpan tradingWindow)
    {
        _groupOf = groupOf;
        _instruments = groupOf.Length;
        _accounts = accounts;
        _traded = new int[accounts * PerAccount];
        _tradedNs = new long[accounts * PerAccount];
        Array.Fill(_traded, -1);
        Array.Fill(_tradedNs, long.MinValue);
        _windowNs = tradingWindow.Ticks * 100;
    }

    /// <summary>Notes that <paramref name="account"/> traded <paramref name="instrument"/> at <paramref name="timeNs"/> (orders, fills, positions). Allocates nothing.</summary>
    public void Traded(int account, int instrument, long timeNs)
    {
        if ((uint)account >= (uint)_accounts || (uint)instrument >= (uint)_instruments) return;
        int b = account * PerAccount, oldest = b;
        for (int k = b; k < b + PerAccount; k++)
        {
            if (_traded[k] == instrument) { _tradedNs[k] = timeNs; return; }
            if (_tradedNs[k] < _tradedNs[oldest]) oldest = k;
        }
        _traded[oldest] = instrument;
        _tradedNs[oldest] = timeNs;
    }

    /// <summary>True when <paramref name="account"/> traded <paramref name="instrument"/> (or, with <paramref name="group"/> ≥ 0, any instrument of that group) within the trading window.</summary>
    private bool Trades(int account, int instrument, int group, long timeNs)
    {
        int b = account * PerAccount;
        for (int k = b; k < b + PerAccount; k++)
        {
            int i = _traded[k];
            if (i < 0 || timeNs - _tradedNs[k] > _windowNs) continue;
            if (i == instrument || (group >= 0 && _groupOf[i] == group)) return true;
        }
        return false;
    }

    /// <summary>
    /// Signatures recorded within the corroboration window on the targets related to (scope, target), the target itself
    /// excluded; votes are keyed instruments first, then groups from <paramref name="groupKeyBase"/>, then accounts from <paramref name="accountKeyBase"/>. O(accounts × <see cref="PerAccount"/>) for
    /// instrument and group findings, O(<see cref="PerAccount"/>) for account findings. Allocates nothing.
    /// </summary>
    public ulong Related(Scope scope, int target, long timeNs, CorroborationBook votes, int groupKeyBase, int accountKeyBase)
    {
        ulong mask = 0;
        switch (scope)
        {
            case Scope.Instrument:
                mask |= votes.Recent(groupKeyBase + _groupOf[target], timeNs);
                for (int a = 0; a < _accounts; a++)
                    if (Trades(a, target, -1, timeNs)) mask |= votes.Recent(accountKeyBase + a, timeNs);
                break;
            case Scope.Group:
                for (int i = 0; i < _instruments; i++)
                    if (_groupOf[i] == target) mask |= votes.Recent(i, timeNs);
                for (int a = 0; a < _accounts; a++)
                    if (Trades(a, -1, target, timeNs)) mask |= votes.Recent(accountKeyBase + a, timeNs);
                break;
            case Scope.Account:
                int b = target * PerAccount;
                for (int k = b; k < b + PerAccount; k++)
                {
                    int i = _traded[k];
                    if (i < 0 || timeNs - _tradedNs[k] > _windowNs) continue;
                    mask |= votes.Recent(i, timeNs) | votes.Recent(groupKeyBase + _groupOf[i], timeNs);
                }
                break;
        }
        return mask;
    }
}
