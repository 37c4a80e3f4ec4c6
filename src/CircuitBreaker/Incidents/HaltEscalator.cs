namespace CircuitBreaker.Incidents;

/// <summary>
/// The <see cref="Escalation"/> policy's memory: recent instrument halts per group and the latest halt per account, in
/// event time. It says when halts widen (a group after N instrument halts in it within a window; global after M accounts
/// halted within a window); the <see cref="IncidentDesk"/> applies the wider halt. Preallocated; evaluator thread only.
/// </summary>
internal sealed class HaltEscalator
{
    private readonly int _instrumentHalts, _accountHalts;
    private readonly long[] _groupHalts;
    private readonly int[] _groupHaltInstrument;
    private readonly long[] _groupHaltCount;
    private readonly long[] _accountHaltNs;
    private readonly long _groupWindow, _globalWindow;

    /// <summary>Allocates the halt history for <paramref name="groups"/> groups and <paramref name="accounts"/> accounts.</summary>
    public HaltEscalator(Escalation options, int groups, int accounts)
    {
        _instrumentHalts = options.InstrumentHalts;
        _accountHalts = options.AccountHalts;
        int n = Math.Max(1, _instrumentHalts);
        _groupHalts = new long[groups * n];
        _groupHaltInstrument = new int[groups * n];
        _groupHaltCount = new long[groups];
        _accountHaltNs = new long[accounts];
        Array.Fill(_accountHaltNs, long.MinValue);
        _groupWindow = options.GroupWindow.Ticks * 100;
        _globalWindow = options.GlobalWindow.Ticks * 100;
    }

    /// <summary>Instrument halts in one group that halt the group (0: never).</summary>
    public int InstrumentHalts => _instrumentHalts;

    /// <summary>
    /// Records a halt of <paramref name="instrument"/> in <paramref name="group"/> at <paramref name="t"/>; true when it is
    /// the N-th within the group window and those halts hit at least 2 distinct instruments (group-level evidence: one
    /// instrument halted again and again is not a group problem), so the group should be halted. Always false when
    /// instrument escalation is off.
    /// </summary>
    public bool OnInstrumentHalt(int group, int instrument, long t)
    {
        int n = _instrumentHalts;
        if (n <= 0) return false;
        long c = _groupHaltCount[group]++;
        _groupHalts[group * n + (int)(c % n)] = t;
        _groupHaltInstrument[group * n + (int)(c % n)] = instrument;
        if (c + 1 < n || t - _groupHalts[group * n + (int)((c + 1) % n)] > _groupWindow) return false;
        for (int k = 0; k < n; k++)
            if (_groupHaltInstrument[group * n + k] != instrument) return true;
        return false;
    }

    /// <summary>
    /// Records a halt of <paramref name="account"/> at <paramref name="t"/>; returns how many accounts were halted within
    /// the global window when that reaches the threshold (global should be halted), else 0. Always 0 when account
    /// escalation is off.
    /// </summary>
    public int OnAccountHalt(int account, long t)
    {
        if (_accountHalts <= 0) return 0;
        _accountHaltNs[account] = t;
        int halted = 0;
        for (int a = 0; a < _accountHaltNs.Length; a++)
            if (_accountHaltNs[a] != long.MinValue && t - _accountHaltNs[a] <= _globalWindow) halted++;
        return halted >= _accountHalts ? halted : 0;
    }
}
