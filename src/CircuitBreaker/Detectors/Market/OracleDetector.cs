namespace CircuitBreaker.Detectors;

/// <summary>
/// Oracle checks per instrument, in the spirit of Liquity's price feed:
/// <list type="bullet">
/// <item><see cref="Signature.OracleJump"/>: move between two updates of one source (Critical at 50 %).</item>
/// <item><see cref="Signature.OracleCrossSource"/>: disagreement between fresh sources, told apart by <see cref="RiskEvent.Aux"/> (Critical at 5 %).</item>
/// <item><see cref="Signature.OracleDeviation"/>: oracle vs the venue mark (quote mid), beyond the learned basis; checked on oracle and quote events.</item>
/// <item><see cref="Signature.OracleStale"/>: age of the freshest update, checked as trades and quotes for the instrument arrive; ends at the next update.</item>
/// </list>
/// Each check has its own episode gate, so each yields one finding per episode (plus at most one escalation).
/// Instruments that never received an oracle price are never stale. Construction allocates per-instrument state;
/// <see cref="Observe"/> allocates nothing. Non-positive prices, unknown sources and instruments are ignored.
/// </summary>
public sealed class OracleDetector : IDetector
{
    private readonly OracleOptions _o;
    // Durations of the options, converted once to event-time ns: the per-event code reads these fields.
    private readonly long _basisHalfLifeNs, _markMaxAgeNs, _staleAfterNs, _warmupNs, _cooldownNs;
    private readonly State[] _state;
    private readonly double[] _sourcePrice;   // [instrument * MaxSources + source]
    private readonly long[] _sourceTimeNs;    // [instrument * MaxSources + source]
    private readonly int _sources;

    private struct State
    {
        public double Mark;
        public long MarkTimeNs;
        public long FirstUpdateNs;
        public long LastUpdateNs;
        public double LastOracle;
        public long Updates;
        public Ewma Basis;
        public EpisodeGate Jump;
        public EpisodeGate Cross;
        public EpisodeGate Deviation;
        public EpisodeGate Stale;
    }

    /// <summary>Creates the detector with state for every instrument in the context. Throws on invalid options.</summary>
    /// <param name="context">The registry and account capacity the detector sizes its state from (allocated here, once).</param>
    /// <param name="options">Thresholds, windows and warm-up (default: <see cref="OracleOptions"/> defaults; validated, every error in one message).</param>
    public OracleDetector(DetectorContext context, OracleOptions? options = null)
    {
        _o = DetectorSetup.Options(context, options);
        _basisHalfLifeNs = EventTimeSpan.ToNs(_o.BasisHalfLife);
        _markMaxAgeNs = EventTimeSpan.ToNs(_o.MarkMaxAge);
        _staleAfterNs = EventTimeSpan.ToNs(_o.StaleAfter);
        _warmupNs = EventTimeSpan.ToNs(_o.Warmup);
        _cooldownNs = EventTimeSpan.ToNs(_o.Cooldown);
        int n = context.Registry.InstrumentCount;
        _sources = _o.MaxSources;
        _state = new State[n];
        _sourcePrice = new double[n * _sources];
        _sourceTimeNs = new long[n * _sources];
        Array.Fill(_sourcePrice, double.NaN);
        Array.Fill(_sourceTimeNs, long.MinValue);
        for (int i = 0; i < n; i++)
        {
            ref State s = ref _state[i];
            s.Mark = double.NaN; s.MarkTimeNs = long.MinValue; s.FirstUpdateNs = long.MinValue; s.LastUpdateNs = long.MinValue;
            s.LastOracle = double.NaN;
            s.Basis = new Ewma(_basisHalfLifeNs);
            s.Jump = new EpisodeGate(_o.JumpWarningPct, _o.JumpWarningPct * _o.RearmFraction, 0, 0, _cooldownNs);
            s.Cross = new EpisodeGate(_o.CrossSourceWarningPct, _o.CrossSourceWarningPct * _o.RearmFraction, 0, 0, _cooldownNs);
            s.Deviation = new EpisodeGate(1.0, _o.RearmFraction, 0, 0, _cooldownNs);
            s.Stale = new EpisodeGate(1.0, 1.0, 0, 0, _cooldownNs);
        }
    }

    /// <inheritdoc />
    public string Name => "oracle";
    /// <summary>The options in force.</summary>
    public OracleOptions Options => _o;
    /// <summary>Events ignored as bad input (unknown instrument or source, bad price).</summary>
    public long IgnoredEvents { get; private set; }

    /// <inheritdoc />
    public void Observe(in RiskEvent e, IFindingSink sink)
    {
        var kind = e.Kind;
        if (kind is not (RiskEventKind.Oracle or RiskEventKind.Quote or RiskEventKind.Trade)) return;
        int i = e.Instrument;
        if ((uint)i >= (uint)_state.Length) { IgnoredEvents++; return; }
        ref State s = ref _state[i];
        long t = e.TimeNs;
        if (kind == RiskEventKind.Oracle) { OnOracle(ref s, in e, sink); return; }

        if (kind == RiskEventKind.Quote)
        {
            double bid = e.QuoteData.Bid, ask = e.QuoteData.Ask;
            if (bid > 0 && ask >= bid && double.IsFinite(ask)) { s.Mark = 0.5 * (bid + ask); s.MarkTimeNs = t; }
            // A stale oracle is still compared with the market: stale *and* far from it is the dangerous case (protocols
            // still price off it), Critical as soon as the gap passes the Warning band, whatever the oracle's age.
            if (Warm(ref s, t) && (t - s.LastUpdateNs <= _staleAfterNs || _o.StaleDivergentCritical))
                CheckDeviation(ref s, i, t, s.LastOracle, updateBasis: false, sink, stale: t - s.LastUpdateNs > _staleAfterNs);
        }
        if (s.Updates == 0 || !Warm(ref s, t)) return;
        double age = t - s.LastUpdateNs;
        double score = age / _staleAfterNs;
        bool severe = score >= _o.StaleCriticalFactor;
        Report(ref s.Stale, s.Stale.Step(t, score, severe), Signature.OracleStale, i, t, severe, score, FindingDetail.StaleNs, age, _staleAfterNs, sink);
    }

    private void OnOracle(ref State s, in RiskEvent e, IFindingSink sink)
    {
        double p = e.OracleData.Price;
        int src = e.Aux < 0 ? 0 : e.Aux;
        int i = e.Instrument;
        if (!double.IsFinite(p) || p <= 0 || src >= _sources) { IgnoredEvents++; return; }
        long t = e.TimeNs;
        if (s.Updates == 0) s.FirstUpdateNs = t;
        s.Updates++;
        int k = i * _sources + src;
        double prev = _sourcePrice[k];
        _sourcePrice[k] = p;
        _sourceTimeNs[k] = t;
        s.LastUpdateNs = t;
        s.LastOracle = p;
        bool warm = Warm(ref s, t);

        // Staleness ends with any fresh update.
        if (s.Stale.InEpisode) s.Stale.Step(t, 0);

        if (warm && double.IsFinite(prev))
        {
            double jump = Math.Abs(p / prev - 1) * 100;
            bool severe = jump >= _o.JumpCriticalPct;
            Report(ref s.Jump, s.Jump.Step(t, jump, severe), Signature.OracleJump, i, t, severe, jump, FindingDetail.DeviationBps, jump * 100, _o.JumpWarningPct * 100, sink);
        }

        if (warm && _sources > 1)
        {
            double worst = double.NaN;
            int row = i * _sources;
            for (int j = 0; j < _sources; j++)
            {
                if (j == src || _sourceTimeNs[row + j] == long.MinValue || t - _sourceTimeNs[row + j] > _staleAfterNs) continue;
                double d = Math.Abs(p / _sourcePrice[row + j] - 1) * 100;
                if (!(d <= worst)) worst = d;
            }
            bool severe = worst >= _o.CrossSourceCriticalPct;
            Report(ref s.Cross, s.Cross.Step(t, worst, severe), Signature.OracleCrossSource, i, t, severe, worst, FindingDetail.DeviationBps, worst * 100, _o.CrossSourceWarningPct * 100, sink);
        }

        CheckDeviation(ref s, i, t, p, updateBasis: true, sink);
    }

    private void CheckDeviation(ref State s, int i, long t, double oracle, bool updateBasis, IFindingSink sink, bool stale = false)
    {
        if (!double.IsFinite(oracle) || !double.IsFinite(s.Mark) || t - s.MarkTimeNs > _markMaxAgeNs) return;
        double dev = (oracle - s.Mark) / s.Mark * 1e4;
        if (Warm(ref s, t) && s.Basis.Count >= _o.BasisWarmupSamples)
        {
            double excess = Math.Abs(dev - s.Basis.Mean);
            double sd = s.Basis.StdDev;
            double warnBand = Math.Max(_o.DeviationWarningBps, _o.DeviationWarningSigmas * sd);
            double critBand = Math.Max(_o.DeviationCriticalBps, _o.DeviationCriticalSigmas * sd);
            bool severe = excess >= critBand || (stale && excess >= warnBand);
            double score = excess / warnBand;
            Report(ref s.Deviation, s.Deviation.Step(t, score, severe), Signature.OracleDeviation, i, t, severe, score, FindingDetail.DeviationBps, excess, warnBand, sink);
        }
        if (updateBasis && !s.Deviation.InEpisode) s.Basis.Update(t, dev);
    }

    private bool Warm(ref State s, long t) => s.Updates >= _o.WarmupUpdates && s.Updates > 0 && t - s.FirstUpdateNs >= _warmupNs;

    private static void Report(ref EpisodeGate gate, EpisodeStep step, Signature sig, int i, long t, bool severe, double score,
        FindingDetail detail, double v1, double v2, IFindingSink sink)
    {
        if (step is not (EpisodeStep.Opened or EpisodeStep.Escalated)) return;
        var f = new Finding(t, sig, Scope.Instrument, i, severe ? Severity.Critical : Severity.Warning, score, detail, v1, v2, gate.EpisodeStartNs);
        sink.Raise(in f);
    }
}
