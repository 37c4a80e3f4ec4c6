namespace CircuitBreaker.Detectors;

/// <summary>
/// Loss velocity: how fast an account (and a risk group) loses money. PnL is rebuilt from fills and marked to market at
/// the last trade, quote mid or oracle price; the drawdown is the drop from the running peak within the window. It is
/// judged as a speed against the track's own typical swing (the RMS of its bucket-to-bucket PnL change): the score is the
/// largest drop from any bucket's best PnL in the window divided by swing × √(buckets since then), so a fast drop
/// scores higher than the same drop spread over the window.
/// <see cref="LossVelocityOptions.SwingRatio"/> × is a Warning, <see cref="LossVelocityOptions.CriticalSwingRatio"/> × or the absolute
/// <see cref="LossVelocityOptions.CriticalDrawdown"/> is Critical. A track whose typical swing is still 0 gets no ratio
/// verdict. One finding per episode plus at most one escalation; scope Account or Group.
/// Construction allocates O(accounts × instruments + (accounts + groups) × window); a fill is O(1) and a price update
/// O(accounts), plus O(window) once per bucket per track and when a drawdown is large enough to score;
/// <see cref="Observe"/> allocates nothing.
/// </summary>
public sealed class LossVelocityDetector : IDetector
{
    private struct Track
    {
        public long Bucket;
        public int ActiveBuckets;
        public double LastPnl, PrevClose, ClosedPeak;
        public int Slot;
        public bool SignalInBucket;
        public BehaviourEwma SwingBase;
        public Materiality.Scale Scale; // slow scale of the per-bucket PnL change: the daily range of materiality
        public BehaviourEpisode Episode;
    }

    private readonly LossVelocityOptions _o;
    // Durations of the options, converted once to event-time ns: the per-event code reads these fields.
    private readonly long _cooldownNs;
    private readonly BehaviourPnlBook _book;
    private readonly Track[] _tracks; // accounts first, then groups
    private readonly int _groupBase;
    private readonly BucketRing _ring;
    private readonly double[] _ringMax;
    private readonly Materiality _material;
    private BucketClock _clock; // buckets of BucketWidth, counted from the first event observed

    /// <summary>Creates the detector. Allocates; throws <see cref="ArgumentException"/> for invalid options.</summary>
    /// <param name="context">The registry and account capacity the detector sizes its state from (allocated here, once).</param>
    /// <param name="options">Thresholds, windows and warm-up (default: <see cref="LossVelocityOptions"/> defaults; validated, every error in one message).</param>
    public LossVelocityDetector(DetectorContext context, LossVelocityOptions? options = null)
    {
        _o = DetectorSetup.Options(context, options);
        _clock = new BucketClock(_o.BucketWidth);
        _cooldownNs = EventTimeSpan.ToNs(_o.Cooldown);
        _book = new BehaviourPnlBook(context);
        _groupBase = context.AccountCapacity;
        _tracks = new Track[_groupBase + Math.Max(1, context.Registry.GroupCount)];
        for (int t = 0; t < _tracks.Length; t++)
        {
            _tracks[t].Bucket = long.MinValue;
            _tracks[t].Episode = BehaviourEpisode.Create();
        }
        _ring = new BucketRing(_tracks.Length, _o.WindowBuckets);
        _ringMax = new double[_ring.Length];
        _material = new Materiality(context, _o.MaterialDailyLossFraction, _o.MaterialDailyRangeFraction, _o.BucketWidth, _o.Day,
            _o.ScaleAlpha, _o.WarmupBuckets);
    }

    /// <inheritdoc />
    public string Name => "loss-velocity";

    /// <summary>The options in force.</summary>
    public LossVelocityOptions Options => _o;

    /// <inheritdoc />
    public void Observe(in RiskEvent e, IFindingSink sink)
    {
        if (!_clock.Admit(e.TimeNs)) return;
        if (e.Kind == RiskEventKind.Fill)
        {
            if (!_book.OnFill(in e)) return;
            Judge(e.Account, _book.AccountPnl(e.Account), e.TimeNs, sink);
            if (_o.PerGroup) JudgeGroup(_book.GroupOf(e.Instrument), e.TimeNs, sink);
        }
        else if (BehaviourPnlBook.IsPrice(e.Kind) && _book.OnPrice(in e))
        {
            int i = e.Instrument;
            foreach (int a in _book.Holders(i)) Judge(a, _book.AccountPnl(a), e.TimeNs, sink); // ascending account order
            if (_o.PerGroup) JudgeGroup(_book.GroupOf(i), e.TimeNs, sink);
        }
    }

    private void JudgeGroup(int group, long timeNs, IFindingSink sink)
    {
        if ((uint)(_groupBase + group) < (uint)_tracks.Length) Judge(_groupBase + group, _book.GroupPnl(group), timeNs, sink);
    }

    private void Judge(int track, double pnl, long timeNs, IFindingSink sink)
    {
        ref var st = ref _tracks[track];
        long b = _clock.Bucket(timeNs);
        if (st.Bucket == long.MinValue || b > st.Bucket)
        {
            if (st.Bucket != long.MinValue)
            {
                double step = st.LastPnl - st.PrevClose;
                if (st.ActiveBuckets >= _o.WarmupBuckets)
                {
                    // Winsorised at 4 × the swing once warm: a loss spread over several buckets must not raise its own bar.
                    double cap = 4 * Math.Sqrt(st.SwingBase.Variance + st.SwingBase.Mean * st.SwingBase.Mean);
                    step = Math.Clamp(step, -cap, cap);
                }
                st.SwingBase.Add(step, st.Episode.Active ? _o.BaselineAlpha * 0.1 : _o.BaselineAlpha);
                _material.Learn(ref st.Scale, st.LastPnl - st.PrevClose, st.Episode.Active);
                st.PrevClose = st.LastPnl;
                st.ActiveBuckets++;
                if (!st.SignalInBucket) st.Episode.Calm(timeNs, _cooldownNs);
            }
            else st.LastPnl = st.PrevClose = pnl;
            int s = _ring.Open(track, b);
            _ringMax[s] = st.LastPnl; // PnL was constant since the last look, so it was the value at the bucket's start
            st.Bucket = b;
            st.Slot = s;
            st.SignalInBucket = false;
            st.ClosedPeak = double.NegativeInfinity; // best PnL of the window's closed buckets, once per bucket
            for (long bb = _ring.Oldest(b); bb < b; bb++)
            {
                int c = _ring.Find(track, bb);
                if (c >= 0 && _ringMax[c] > st.ClosedPeak) st.ClosedPeak = _ringMax[c];
            }
        }
        int cur = st.Slot;
        if (pnl > _ringMax[cur]) _ringMax[cur] = pnl;
        st.LastPnl = pnl;

        // Typical swing: RMS of the bucket-to-bucket PnL change. A drop from the best PnL of bucket bb is judged against
        // swing × √(buckets since bb), the drop a random walk of that swing typically makes in that time; the score is
        // the fastest such drop in the window (a speed, not a level), the drawdown the drop from the window's peak.
        double swing = Math.Sqrt(st.SwingBase.Variance + st.SwingBase.Mean * st.SwingBase.Mean);
        bool warm = st.ActiveBuckets >= _o.WarmupBuckets && swing > 0;
        double drawdown = Math.Max(st.ClosedPeak, _ringMax[cur]) - pnl;
        if (drawdown <= 0 || drawdown < _o.MinDrawdown) return;
        bool isGroup = track >= _groupBase;
        // Materiality (one rule for every money detector): a fraction of the account's daily-loss limit, else of the
        // track's learned daily range (the fast swing is left out: it learns the very loss being judged within a bucket or two).
        if (drawdown < _o.CriticalDrawdown && !_material.IsMaterial(drawdown, isGroup ? -1 : track, in st.Scale)) return;
        // Every score is at most drawdown / swing (√n ≥ 1): scan the window only when a signal is possible.
        if ((!warm || drawdown < _o.SwingRatio * swing) && drawdown < _o.CriticalDrawdown) return;
        double ratio = 0;
        if (warm)
        {
            for (long bb = _ring.Oldest(st.Bucket); bb <= st.Bucket; bb++)
            {
                int s = _ring.Find(track, bb);
                if (s < 0) continue;
                double drop = _ringMax[s] - pnl;
                if (drop <= 0) continue;
                double z = drop / (swing * Math.Sqrt(st.Bucket - bb + 1));
                if (z > ratio) ratio = z;
            }
        }

        bool absolute = drawdown >= _o.CriticalDrawdown;
        if (!absolute && ratio < _o.SwingRatio) return;
        st.SignalInBucket = true;
        var severity = absolute || ratio >= _o.CriticalSwingRatio ? Severity.Critical : Severity.Warning;
        // Group-level evidence: a group's Critical needs several of its accounts losing fast, not one account's loss.
        if (isGroup && severity == Severity.Critical && !absolute && AccountsInEpisode(track - _groupBase, timeNs) < _o.GroupMinAccounts)
            severity = Severity.Warning;
        if (!st.Episode.Anomalous(timeNs, severity)) return;
        var scope = isGroup ? Scope.Group : Scope.Account;
        int target = isGroup ? track - _groupBase : track;
        var f = absolute && ratio < _o.CriticalSwingRatio
            ? new Finding(timeNs, Signature.LossVelocity, scope, target, severity, drawdown / _o.CriticalDrawdown,
                FindingDetail.ValueOverLimit, drawdown, _o.CriticalDrawdown, st.Episode.FirstAnomalousNs)
            : new Finding(timeNs, Signature.LossVelocity, scope, target, severity, ratio,
                FindingDetail.RatioToBaseline, ratio, swing, st.Episode.FirstAnomalousNs);
        sink.Raise(in f);
    }

    /// <summary>Accounts holding an instrument of <paramref name="group"/> whose own loss episode is open. O(accounts × instruments), only when a group signal is Critical.</summary>
    private int AccountsInEpisode(int group, long timeNs)
    {
        int n = 0;
        for (int a = 0; a < _groupBase; a++)
        {
            if (!_tracks[a].Episode.Active || timeNs - _tracks[a].Episode.LastRaiseNs > _cooldownNs) continue;
            for (int i = 0; i < _book.InstrumentCount; i++)
                if (_book.GroupOf(i) == group && _book.Position(a, i) != 0) { n++; break; }
        }
        return n;
    }
}
