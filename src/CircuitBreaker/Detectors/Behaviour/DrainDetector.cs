namespace CircuitBreaker.Detectors;

/// <summary>
/// Drain: collateral leaving far faster than usual with no trading to explain it — a smart-contract exploit or a
/// compromised account emptying a protocol. <c>withdraw</c> and <c>transfer</c> chain events are keyed by account, or by
/// asset id when the event has no account. The sum over the window is compared with the key's typical window sum (an
/// average of the window sums seen at its earlier outflows, so a regular deposit/withdraw cycle is its own baseline):
/// <see cref="DrainOptions.Ratio"/> × is a Warning, <see cref="DrainOptions.CriticalRatio"/> × is Critical. An account
/// with a fill inside the window is trading, and its outflows are not judged (account-less keys have no trading to
/// match). The window sum must also be material (<see cref="Materiality"/>: a fraction of the account's daily-loss limit,
/// else of the key's learned daily range of window outflow). Every outflow that names a pool (<see cref="RiskEvent.Aux"/>) is also judged against the pool's own typical
/// outflow, whoever withdraws: a contract exploit empties a protocol through fresh addresses that have no baseline of
/// their own. Scope Account; for an asset or pool key Instrument (asset mapped as in <see cref="FlashLoanDetector"/>),
/// else Global with the asset id (asset key) or pool id (pool key) as target. One finding per episode plus at most one escalation. Construction allocates
/// O((accounts + assets + pools) × window); <see cref="Observe"/> is O(window) and allocates nothing.
/// </summary>
public sealed class DrainDetector : IDetector
{
    private struct Key
    {
        public long Bucket;
        public BehaviourEwma Outflow;
        public Materiality.Scale Scale; // slow scale of the window sum: the daily range of materiality
        public BehaviourEpisode Episode;
    }

    private readonly DrainOptions _o;
    // Durations of the options, converted once to event-time ns: the per-event code reads these fields.
    private readonly long _cooldownNs;
    private readonly BehaviourAssetMap _assets;
    private readonly int _accountCount, _instrumentCount;
    private readonly Key[] _keys;
    private readonly BucketRing _ring;
    private readonly double[] _ringSum;
    private readonly long[] _lastFillNs;
    private readonly Materiality _material;
    private BucketClock _clock; // buckets of BucketWidth, counted from the first event observed

    /// <summary>Creates the detector. Allocates; throws <see cref="ArgumentException"/> for invalid options.</summary>
    /// <param name="context">The registry and account capacity the detector sizes its state from (allocated here, once).</param>
    /// <param name="options">Thresholds, windows and warm-up (default: <see cref="DrainOptions"/> defaults; validated, every error in one message).</param>
    public DrainDetector(DetectorContext context, DrainOptions? options = null)
    {
        _o = DetectorSetup.Options(context, options);
        _clock = new BucketClock(_o.BucketWidth);
        _cooldownNs = EventTimeSpan.ToNs(_o.Cooldown);
        _assets = new BehaviourAssetMap(context.Registry, _o.AssetInstruments);
        _accountCount = context.AccountCapacity;
        _instrumentCount = context.Registry.InstrumentCount;
        _keys = new Key[_accountCount + _o.MaxAssets + _o.MaxPools];
        for (int k = 0; k < _keys.Length; k++) { _keys[k].Bucket = long.MinValue; _keys[k].Episode = BehaviourEpisode.Create(); }
        _ring = new BucketRing(_keys.Length, _o.WindowBuckets);
        _ringSum = new double[_ring.Length];
        _lastFillNs = new long[_accountCount];
        _material = new Materiality(context, _o.MaterialDailyLossFraction, _o.MaterialDailyRangeFraction, _o.BucketWidth * _o.WindowBuckets,
            Materiality.DefaultDay, warmup: _o.WarmupOutflows);
        Array.Fill(_lastFillNs, long.MinValue); // never filled: compared explicitly, never subtracted
    }

    /// <inheritdoc />
    public string Name => "drain";

    /// <summary>The options in force.</summary>
    public DrainOptions Options => _o;

    /// <inheritdoc />
    public void Observe(in RiskEvent e, IFindingSink sink)
    {
        if (!_clock.Admit(e.TimeNs)) return;
        if (e.Kind == RiskEventKind.Fill)
        {
            if ((uint)e.Account < (uint)_accountCount) _lastFillNs[e.Account] = e.TimeNs;
            return;
        }
        if (e.Kind != RiskEventKind.Chain) return;
        var kind = (ChainEventKind)e.SubKind;
        if (kind != ChainEventKind.Withdraw && kind != ChainEventKind.Transfer) return;
        double amount = e.ChainData.Amount;
        if (!double.IsFinite(amount) || amount <= 0) return;
        if (e.Account >= 0) { if (e.Account < _accountCount) Judge(e.Account, KeyKind.Account, in e, amount, sink); }
        else if ((uint)e.ChainData.Asset < (uint)_o.MaxAssets) Judge(_accountCount + e.ChainData.Asset, KeyKind.Asset, in e, amount, sink);
        // The pool is judged on its own total outflow too: an exploit drains a protocol through fresh addresses that
        // have no history of their own, so only the pool's baseline can see it.
        if ((uint)e.Aux < (uint)_o.MaxPools) Judge(_accountCount + _o.MaxAssets + e.Aux, KeyKind.Pool, in e, amount, sink);
    }

    private enum KeyKind { Account, Asset, Pool }

    private void Judge(int key, KeyKind kind, in RiskEvent e, double amount, IFindingSink sink)
    {
        bool byAccount = kind == KeyKind.Account;
        long t = e.TimeNs, b = _clock.Bucket(t);
        ref var st = ref _keys[key];
        if (st.Bucket == long.MinValue || b > st.Bucket)
        {
            _ringSum[_ring.Open(key, b)] = 0;
            st.Bucket = b;
        }
        _ringSum[_ring.Slot(key, st.Bucket)] += amount;
        double sum = 0;
        for (long bb = _ring.Oldest(st.Bucket); bb <= st.Bucket; bb++)
        {
            int s = _ring.Find(key, bb);
            if (s >= 0) sum += _ringSum[s];
        }

        double typical = st.Outflow.Mean;
        bool warm = st.Outflow.Count >= _o.WarmupOutflows && typical > 0;
        double ratio = warm ? sum / typical : 0;
        bool trading = byAccount && _lastFillNs[key] != long.MinValue && t - _lastFillNs[key] <= _clock.WidthNs * _ring.Buckets;
        if (warm && !trading && ratio >= _o.Ratio && _material.IsMaterial(sum, byAccount ? key : -1, in st.Scale))
        {
            var severity = ratio >= _o.CriticalRatio ? Severity.Critical : Severity.Warning;
            if (st.Episode.Anomalous(t, severity))
            {
                Scope scope = Scope.Account;
                int target = key;
                if (!byAccount)
                {
                    int i = _assets.Resolve(in e, _instrumentCount);
                    scope = i >= 0 ? Scope.Instrument : Scope.Global;
                    target = i >= 0 ? i : kind == KeyKind.Pool ? e.Aux : e.ChainData.Asset;
                }
                var f = new Finding(t, Signature.Drain, scope, target, severity, ratio, FindingDetail.RatioToBaseline, ratio, typical,
                    st.Episode.FirstAnomalousNs);
                sink.Raise(in f);
            }
        }
        else if (ratio < 0.5 * _o.Ratio) st.Episode.Calm(t, _cooldownNs);
        // Learn, but winsorised at twice the typical once warm: a drain that ramps up must not teach itself as normal.
        st.Outflow.Add(warm ? Math.Min(sum, 2 * typical) : sum, st.Episode.Active ? _o.BaselineAlpha * 0.1 : _o.BaselineAlpha);
        _material.Learn(ref st.Scale, sum, st.Episode.Active);
    }
}
