namespace CircuitBreaker.Detectors;

/// <summary>
/// Quote stuffing: an account's order-message rate (new, replace, cancel) and cancel ratio against its own baseline.
/// A rate of <see cref="QuoteStuffingOptions.RateRatio"/> × baseline is a Warning, of
/// <see cref="QuoteStuffingOptions.CriticalRateRatio"/> × a Critical; a cancel ratio
/// <see cref="QuoteStuffingOptions.CancelRatioJump"/> above the baseline ratio together with a raised rate is a Warning,
/// Critical when it agrees with the rate signal. One finding per episode plus at most one escalation (scope Account).
/// Construction allocates O(accounts); <see cref="Observe"/> is O(1) and allocates nothing.
/// </summary>
public sealed class QuoteStuffingDetector : IDetector
{
    private struct AccountState
    {
        public long Bucket;
        public int Messages, Cancels, ActiveBuckets;
        public bool SignalInBucket;
        public BehaviourEwma RateBase, CancelRatioBase;
        public BehaviourEpisode Episode;
    }

    private readonly QuoteStuffingOptions _o;
    // Durations of the options, converted once to event-time ns: the per-event code reads these fields.
    private readonly long _cooldownNs;
    private readonly AccountState[] _accounts;
    private BucketClock _clock; // buckets of BucketWidth, counted from the first event observed

    /// <summary>Creates the detector. Allocates; throws <see cref="ArgumentException"/> for invalid options.</summary>
    /// <param name="context">The registry and account capacity the detector sizes its state from (allocated here, once).</param>
    /// <param name="options">Thresholds, windows and warm-up (default: <see cref="QuoteStuffingOptions"/> defaults; validated, every error in one message).</param>
    public QuoteStuffingDetector(DetectorContext context, QuoteStuffingOptions? options = null)
    {
        _o = DetectorSetup.Options(context, options);
        _clock = new BucketClock(_o.BucketWidth);
        _cooldownNs = EventTimeSpan.ToNs(_o.Cooldown);
        _accounts = new AccountState[context.AccountCapacity];
        for (int a = 0; a < _accounts.Length; a++)
        {
            _accounts[a].Bucket = long.MinValue;
            _accounts[a].Episode = BehaviourEpisode.Create();
        }
    }

    /// <inheritdoc />
    public string Name => "quote-stuffing";

    /// <summary>The options in force.</summary>
    public QuoteStuffingOptions Options => _o;

    /// <inheritdoc />
    public void Observe(in RiskEvent e, IFindingSink sink)
    {
        if (!_clock.Admit(e.TimeNs)) return;
        if (e.Kind != RiskEventKind.Order) return;
        int a = e.Account;
        if ((uint)a >= (uint)_accounts.Length) return;
        ref var st = ref _accounts[a];
        long t = e.TimeNs;
        long b = _clock.Bucket(t);
        if (st.Bucket == long.MinValue) st.Bucket = b;
        else if (b > st.Bucket)
        {
            if (st.Messages > 0)
            {
                double alpha = st.Episode.Active ? _o.BaselineAlpha * 0.1 : _o.BaselineAlpha;
                st.RateBase.Add(st.Messages, alpha);
                st.CancelRatioBase.Add((double)st.Cancels / st.Messages, alpha);
                st.ActiveBuckets++;
            }
            if (!st.SignalInBucket) st.Episode.Calm(t, _cooldownNs);
            st.Messages = st.Cancels = 0;
            st.SignalInBucket = false;
            st.Bucket = b;
        }
        st.Messages++;
        if (e.SubKind == (byte)OrderAction.Cancel) st.Cancels++;

        if (st.ActiveBuckets < _o.WarmupBuckets || st.Messages < _o.MinMessagesPerBucket) return;
        double baseline = Math.Max(st.RateBase.Mean, _o.MinBaselineRate);
        double ratio = st.Messages / baseline;
        double cancelRatio = (double)st.Cancels / st.Messages;
        bool rate = ratio >= _o.RateRatio;
        bool cancel = ratio >= _o.CancelRateRatio && cancelRatio - st.CancelRatioBase.Mean >= _o.CancelRatioJump;
        if (!rate && !cancel) return;
        st.SignalInBucket = true;
        var severity = ratio >= _o.CriticalRateRatio || (rate && cancel) ? Severity.Critical : Severity.Warning;
        if (!st.Episode.Anomalous(t, severity)) return;
        var f = rate
            ? new Finding(t, Signature.QuoteStuffing, Scope.Account, a, severity, ratio, FindingDetail.RatioToBaseline, ratio, baseline, st.Episode.FirstAnomalousNs)
            : new Finding(t, Signature.QuoteStuffing, Scope.Account, a, severity, cancelRatio, FindingDetail.ValueOverLimit,
                cancelRatio, st.CancelRatioBase.Mean + _o.CancelRatioJump, st.Episode.FirstAnomalousNs);
        sink.Raise(in f);
    }
}
