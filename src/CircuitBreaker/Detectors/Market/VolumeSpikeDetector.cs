namespace CircuitBreaker.Detectors;

/// <summary>
/// Traded volume in a short sliding window (default 1 s) against an event-time EWMA baseline of that window's volume,
/// per instrument. Opens a Warning episode when the ratio reaches <see cref="VolumeSpikeOptions.WarningRatio"/> with
/// a z-score of at least <see cref="VolumeSpikeOptions.MinZScore"/>; Critical only at
/// <see cref="VolumeSpikeOptions.CriticalRatio"/>. The baseline is sampled once per bucket end and frozen while an
/// episode is open. Construction allocates per-instrument state; <see cref="Observe"/> allocates nothing.
/// Trades with a non-finite or non-positive quantity, and events for unknown instruments, are ignored.
/// The window's buckets are counted from the first event the detector observes (<see cref="EventTimeAnchor"/>), so a
/// stream shifted by any constant gives the same findings.
/// </summary>
public sealed class VolumeSpikeDetector : IDetector
{
    private readonly VolumeSpikeOptions _o;
    // Durations of the options, converted once to event-time ns: the per-event code reads these fields.
    private readonly long _windowNs, _baselineHalfLifeNs, _warmupNs, _cooldownNs;
    private readonly EventTimeWindow[] _windows;
    private readonly State[] _state;
    private EventTimeAnchor _anchor;

    private struct State
    {
        public Ewma Baseline;
        public EpisodeGate Gate;
    }

    /// <summary>Creates the detector with state for every instrument in the context. Throws on invalid options.</summary>
    /// <param name="context">The registry and account capacity the detector sizes its state from (allocated here, once).</param>
    /// <param name="options">Thresholds, windows and warm-up (default: <see cref="VolumeSpikeOptions"/> defaults; validated, every error in one message).</param>
    public VolumeSpikeDetector(DetectorContext context, VolumeSpikeOptions? options = null)
    {
        _o = DetectorSetup.Options(context, options);
        _windowNs = EventTimeSpan.ToNs(_o.Window);
        _baselineHalfLifeNs = EventTimeSpan.ToNs(_o.BaselineHalfLife);
        _warmupNs = EventTimeSpan.ToNs(_o.Warmup);
        _cooldownNs = EventTimeSpan.ToNs(_o.Cooldown);
        int n = context.Registry.InstrumentCount;
        _windows = new EventTimeWindow[n];
        _state = new State[n];
        for (int i = 0; i < n; i++)
        {
            _windows[i] = new EventTimeWindow(_windowNs, _o.Buckets);
            _state[i].Baseline = new Ewma(_baselineHalfLifeNs);
            _state[i].Gate = new EpisodeGate(_o.WarningRatio, _o.RearmRatio, 0, _warmupNs, _cooldownNs);
        }
    }

    /// <inheritdoc />
    public string Name => "volume-spike";
    /// <summary>The options in force.</summary>
    public VolumeSpikeOptions Options => _o;
    /// <summary>Events ignored as bad input (unknown instrument, bad quantity).</summary>
    public long IgnoredEvents { get; private set; }

    /// <inheritdoc />
    public void Observe(in RiskEvent e, IFindingSink sink)
    {
        _anchor.Observe(e.TimeNs);
        if (e.Kind != RiskEventKind.Trade) return;
        int i = e.Instrument;
        double qty = e.TradeData.Quantity;
        if ((uint)i >= (uint)_state.Length || !double.IsFinite(qty) || qty <= 0) { IgnoredEvents++; return; }

        ref State s = ref _state[i];
        var w = _windows[i];
        long t = e.TimeNs;
        long since = _anchor.Since(t); // the window and its baseline run on time since the anchor
        long head = w.HeadBucket;
        long bucket = w.BucketOf(since);
        if (head != long.MinValue && bucket > head && !s.Gate.InEpisode)
        {
            // The window as it stood at the end of the previous bucket is one baseline sample.
            long endOfHead = (head + 1) * w.BucketNs;
            s.Baseline.Update(endOfHead, w.Sum);
            if (bucket - head > w.Buckets) s.Baseline.Update(since, 0); // a whole window went by without trades
        }
        w.Add(since, qty);

        double sum = w.Sum;
        double mean = s.Baseline.Mean;
        double ratio = 0, z = 0;
        if (s.Baseline.Count >= _o.WarmupSamples && mean > 0)
        {
            ratio = sum / mean;
            z = s.Baseline.ZScore(sum, mean * _o.MinRelativeStdDev);
        }
        bool zOk = z >= _o.MinZScore;
        double score = zOk ? ratio : Math.Min(ratio, _o.RearmRatio);
        bool severe = zOk && ratio >= _o.CriticalRatio;
        var step = s.Gate.Step(t, score, severe);
        if (step is EpisodeStep.Opened or EpisodeStep.Escalated)
        {
            var f = new Finding(t, Signature.VolumeSpike, Scope.Instrument, i, severe ? Severity.Critical : Severity.Warning,
                ratio, FindingDetail.RatioToBaseline, ratio, mean, s.Gate.EpisodeStartNs);
            sink.Raise(in f);
        }
    }
}
