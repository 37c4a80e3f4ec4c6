namespace CircuitBreaker.Detectors;

/// <summary>
/// Streaming ML detector: every <see cref="MlAnomalyOptions.SampleInterval"/> of event time per instrument it
/// builds a feature vector of the interval — |return| (bps), log(1 + traded volume), spread (bps), |oracle − mid| (bps),
/// log(1 + quote count) — normalises each feature against the instrument's own event-time EWMA (z-score squashed into
/// [0, 1] by a logistic), and scores it with one shared <see cref="HalfSpaceTrees"/> model. An episode opens when the
/// anomaly score is <see cref="MlAnomalyOptions.ThresholdSigmas"/> above its own baseline (and at least
/// <see cref="MlAnomalyOptions.MinAnomalyScore"/>). Findings are <see cref="Signature.MlAnomaly"/> and always
/// <see cref="Severity.Warning"/>: the model alone never acts as Critical. Normalisers, score baseline and model are not
/// trained while the instrument is in an episode. An interval is closed by the instrument's first event after it ends,
/// so a silent instrument is not sampled. Intervals are counted from the first event the detector observes
/// (<see cref="EventTimeAnchor"/>), so a stream shifted by any constant is sampled at the same points.
/// Construction allocates everything; <see cref="Observe"/> allocates nothing.
/// </summary>
public sealed class MlAnomalyDetector : IDetector
{
    /// <summary>Number of features per sample.</summary>
    public const int FeatureCount = 5;
    private readonly MlAnomalyOptions _o;
    // Durations of the options, converted once to event-time ns: the per-event code reads these fields.
    private readonly long _sampleIntervalNs, _normalisationHalfLifeNs, _cooldownNs;
    private readonly HalfSpaceTrees _model;
    private readonly State[] _state;
    private readonly Ewma[] _norm;        // [instrument * FeatureCount + feature]
    private readonly double[] _raw = new double[FeatureCount];
    private readonly double[] _point = new double[FeatureCount];
    private EventTimeAnchor _anchor;

    private struct State
    {
        public long NextSampleNs; // time since the anchor at which the current interval ends
        public long Samples;
        public double Price, PriceAtSample, Volume, Quotes, SpreadBps, Mid, Oracle;
        public Ewma ScoreBaseline;
        public EpisodeGate Gate;
    }

    /// <summary>Creates the detector and its model with state for every instrument in the context. Throws on invalid options.</summary>
    /// <param name="context">The registry and account capacity the detector sizes its state from (allocated here, once).</param>
    /// <param name="options">Thresholds, windows and warm-up (default: <see cref="MlAnomalyOptions"/> defaults; validated, every error in one message).</param>
    public MlAnomalyDetector(DetectorContext context, MlAnomalyOptions? options = null)
    {
        _o = DetectorSetup.Options(context, options);
        _sampleIntervalNs = EventTimeSpan.ToNs(_o.SampleInterval);
        _normalisationHalfLifeNs = EventTimeSpan.ToNs(_o.NormalisationHalfLife);
        _cooldownNs = EventTimeSpan.ToNs(_o.Cooldown);
        _model = new HalfSpaceTrees(_o.ModelOptions());
        int n = context.Registry.InstrumentCount;
        _state = new State[n];
        _norm = new Ewma[n * FeatureCount];
        for (int k = 0; k < _norm.Length; k++) _norm[k] = new Ewma(_normalisationHalfLifeNs);
        for (int i = 0; i < n; i++)
        {
            ref State s = ref _state[i];
            s.NextSampleNs = long.MinValue;
            s.Price = s.PriceAtSample = s.SpreadBps = s.Mid = s.Oracle = double.NaN;
            s.ScoreBaseline = new Ewma(_normalisationHalfLifeNs);
            s.Gate = new EpisodeGate(_o.ThresholdSigmas, _o.RearmSigmas, 0, 0, _cooldownNs);
        }
    }

    /// <inheritdoc />
    public string Name => "ml-anomaly";
    /// <summary>The options in force.</summary>
    public MlAnomalyOptions Options => _o;
    /// <summary>The shared model (read it for diagnostics; do not update it from another thread).</summary>
    public HalfSpaceTrees Model => _model;
    /// <summary>Events ignored as bad input (unknown instrument).</summary>
    public long IgnoredEvents { get; private set; }

    /// <inheritdoc />
    public void Observe(in RiskEvent e, IFindingSink sink)
    {
        _anchor.Observe(e.TimeNs);
        var kind = e.Kind;
        if (kind is not (RiskEventKind.Trade or RiskEventKind.Quote or RiskEventKind.Oracle)) return;
        int i = e.Instrument;
        if ((uint)i >= (uint)_state.Length) { IgnoredEvents++; return; }
        ref State s = ref _state[i];
        long t = e.TimeNs;
        long interval = _sampleIntervalNs;
        long since = _anchor.Since(t);
        if (s.NextSampleNs == long.MinValue) s.NextSampleNs = (since / interval + 1) * interval;
        else if (since >= s.NextSampleNs)
        {
            Sample(ref s, i, t, sink);
            s.NextSampleNs = (since / interval + 1) * interval;
        }

        switch (kind)
        {
            case RiskEventKind.Trade:
                double p = e.TradeData.Price, q = e.TradeData.Quantity;
                if (double.IsFinite(p) && p > 0) s.Price = p;
                if (double.IsFinite(q) && q > 0) s.Volume += q;
                break;
            case RiskEventKind.Quote:
                double bid = e.QuoteData.Bid, ask = e.QuoteData.Ask;
                s.Quotes++;
                if (bid > 0 && ask >= bid && double.IsFinite(ask))
                {
                    s.Mid = 0.5 * (bid + ask);
                    s.SpreadBps = (ask - bid) / s.Mid * 1e4;
                    s.Price = s.Mid;
                }
                break;
            default:
                double o = e.OracleData.Price;
                if (double.IsFinite(o) && o > 0) s.Oracle = o;
                break;
        }
    }

    private void Sample(ref State s, int i, long t, IFindingSink sink)
    {
        Span<double> raw = _raw;
        raw[0] = double.IsFinite(s.Price) && double.IsFinite(s.PriceAtSample) ? Math.Abs(Math.Log(s.Price / s.PriceAtSample)) * 1e4 : 0;
        raw[1] = Math.Log(1 + s.Volume);
        raw[2] = double.IsFinite(s.SpreadBps) ? s.SpreadBps : 0;
        raw[3] = double.IsFinite(s.Oracle) && double.IsFinite(s.Mid) ? Math.Abs(s.Oracle - s.Mid) / s.Mid * 1e4 : 0;
        raw[4] = Math.Log(1 + s.Quotes);
        s.PriceAtSample = s.Price;
        s.Volume = 0;
        s.Quotes = 0;
        s.Samples++;

        int row = i * FeatureCount;
        Span<double> x = _point;
        for (int j = 0; j < FeatureCount; j++)
        {
            ref Ewma n = ref _norm[row + j];
            double z = n.ZScore(raw[j], 1e-9 + _o.MinRelativeStdDev * Math.Abs(n.Mean));
            x[j] = 1.0 / (1.0 + Math.Exp(-z / _o.SquashScale));
        }
        bool normalised = _norm[row].Count >= _o.NormalisationWarmupSamples;

        double a = double.NaN;
        if (normalised && _model.IsReady && s.Samples > _o.WarmupSamples)
        {
            a = _model.AnomalyScoreRecordingLeaves(x); // the update below reuses the leaves: one walk of the trees, not two
            if (s.ScoreBaseline.Count >= _o.NormalisationWarmupSamples)
            {
                double z = s.ScoreBaseline.ZScore(a, _o.MinScoreStdDev);
                double score = a >= _o.MinAnomalyScore ? z : Math.Min(z, _o.RearmSigmas);
                if (s.Gate.Step(t, score) == EpisodeStep.Opened)
                {
                    double threshold = s.ScoreBaseline.Mean + _o.ThresholdSigmas * Math.Max(s.ScoreBaseline.StdDev, _o.MinScoreStdDev);
                    var f = new Finding(t, Signature.MlAnomaly, Scope.Instrument, i, Severity.Warning, z, FindingDetail.Score, a, threshold, s.Gate.EpisodeStartNs);
                    sink.Raise(in f);
                }
            }
        }

        if (s.Gate.InEpisode) return;
        if (normalised)
        {
            if (!double.IsNaN(a)) _model.UpdateRecorded();
            else _model.Update(x);
        }
        if (!double.IsNaN(a)) s.ScoreBaseline.Update(t, a);
        for (int j = 0; j < FeatureCount; j++) _norm[row + j].Update(t, raw[j]);
    }
}
