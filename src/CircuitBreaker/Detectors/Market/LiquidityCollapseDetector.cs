namespace CircuitBreaker.Detectors;

/// <summary>
/// Flash-crash liquidity signature per instrument from top-of-book quotes: the spread (bps of mid) against its
/// learned baseline and the displayed depth (bid + ask quantity) against its baseline. A Warning opens when the
/// spread is <see cref="LiquidityCollapseOptions.SpreadWarningRatio"/>× wider and depth has dropped
/// <see cref="LiquidityCollapseOptions.DepthWarningDrop"/>×, or the spread alone is
/// <see cref="LiquidityCollapseOptions.SpreadOnlyWarningRatio"/>× wider. It is Critical only when both critical
/// conditions have held for <see cref="LiquidityCollapseOptions.CriticalPersist"/> of event time, so a book that
/// recovers (a macro release) stays below Critical. Baselines are frozen while an episode is open.
/// Construction allocates per-instrument state; <see cref="Observe"/> allocates nothing. Crossed or non-positive
/// quotes and unknown instruments are ignored; quotes without quantities use the spread-only rule.
/// </summary>
public sealed class LiquidityCollapseDetector : IDetector
{
    private readonly LiquidityCollapseOptions _o;
    // Durations of the options, converted once to event-time ns: the per-event code reads these fields.
    private readonly long _baselineHalfLifeNs, _criticalPersistNs, _warmupNs, _cooldownNs;
    private readonly State[] _state;

    private struct State
    {
        public Ewma Spread;
        public Ewma Depth;
        public EpisodeGate Gate;
        public long Quotes;
        public long FirstQuoteNs;
        public long SevereSinceNs;
    }

    private readonly double[] _tick; // [instrument]

    /// <summary>Creates the detector with state for every instrument in the context. Throws on invalid options.</summary>
    /// <param name="context">The registry and account capacity the detector sizes its state from (allocated here, once).</param>
    /// <param name="options">Thresholds, windows and warm-up (default: <see cref="LiquidityCollapseOptions"/> defaults; validated, every error in one message).</param>
    public LiquidityCollapseDetector(DetectorContext context, LiquidityCollapseOptions? options = null)
    {
        _o = DetectorSetup.Options(context, options);
        _baselineHalfLifeNs = EventTimeSpan.ToNs(_o.BaselineHalfLife);
        _criticalPersistNs = EventTimeSpan.ToNs(_o.CriticalPersist);
        _warmupNs = EventTimeSpan.ToNs(_o.Warmup);
        _cooldownNs = EventTimeSpan.ToNs(_o.Cooldown);
        int n = context.Registry.InstrumentCount;
        _state = new State[n];
        _tick = new double[n];
        for (int i = 0; i < n; i++) _tick[i] = context.Registry.Instruments[i].Tick;
        for (int i = 0; i < n; i++)
        {
            ref State s = ref _state[i];
            s.Spread = new Ewma(_baselineHalfLifeNs);
            s.Depth = new Ewma(_baselineHalfLifeNs);
            s.Gate = new EpisodeGate(1.0, _o.RearmFraction, 0, 0, _cooldownNs);
            s.SevereSinceNs = -1;
        }
    }

    /// <inheritdoc />
    public string Name => "liquidity-collapse";
    /// <summary>The options in force.</summary>
    public LiquidityCollapseOptions Options => _o;
    /// <summary>Events ignored as bad input (unknown instrument, crossed or non-positive quote).</summary>
    public long IgnoredEvents { get; private set; }

    /// <inheritdoc />
    public void Observe(in RiskEvent e, IFindingSink sink)
    {
        if (e.Kind != RiskEventKind.Quote) return;
        int i = e.Instrument;
        double bid = e.QuoteData.Bid, ask = e.QuoteData.Ask;
        if ((uint)i >= (uint)_state.Length || !(bid > 0) || !(ask >= bid) || !double.IsFinite(ask)) { IgnoredEvents++; return; }
        ref State s = ref _state[i];
        long t = e.TimeNs;
        if (s.Quotes == 0) s.FirstQuoteNs = t;
        s.Quotes++;

        double mid = 0.5 * (bid + ask);
        double spreadBps = (ask - bid) / mid * 1e4;
        double depth = e.QuoteData.BidQuantity + e.QuoteData.AskQuantity;
        bool hasDepth = double.IsFinite(depth) && depth >= 0;

        bool warm = s.Quotes > _o.WarmupQuotes && t - s.FirstQuoteNs >= _warmupNs;
        double score = 0, spreadRatio = 0, depthDrop = 0;
        bool severe = false;
        if (warm)
        {
            // The floor is judged in ticks as well as bps: on a sub-bps book (BTC at one 0.1 tick) a 1-bps floor would make a
            // ×30 widening count as ×5, so the floor is the smaller of MinBaselineSpreadBps and MinBaselineSpreadTicks ticks.
            double floor = Math.Min(_o.MinBaselineSpreadBps, _o.MinBaselineSpreadTicks * _tick[i] / mid * 1e4);
            spreadRatio = spreadBps / Math.Max(s.Spread.Mean, floor);
            score = spreadRatio / _o.SpreadOnlyWarningRatio;
            bool severeNow;
            if (hasDepth && s.Depth.Count > 0 && s.Depth.Mean > 0)
            {
                depthDrop = depth > 0 ? s.Depth.Mean / depth : double.PositiveInfinity;
                double both = Math.Min(spreadRatio / _o.SpreadWarningRatio, depthDrop / _o.DepthWarningDrop);
                if (both > score) score = both;
                severeNow = spreadRatio >= _o.SpreadCriticalRatio && depthDrop >= _o.DepthCriticalDrop;
            }
            else
            {
                severeNow = spreadRatio >= _o.SpreadOnlyWarningRatio * _o.SpreadCriticalRatio / _o.SpreadWarningRatio;
            }
            if (severeNow) { if (s.SevereSinceNs < 0) s.SevereSinceNs = t; }
            else s.SevereSinceNs = -1;
            severe = s.SevereSinceNs >= 0 && t - s.SevereSinceNs >= _criticalPersistNs;
        }

        var step = s.Gate.Step(t, score, severe);
        if (step is EpisodeStep.Opened or EpisodeStep.Escalated)
        {
            var f = new Finding(t, Signature.LiquidityCollapse, Scope.Instrument, i, severe ? Severity.Critical : Severity.Warning,
                score, FindingDetail.RatioToBaseline, spreadRatio, s.Spread.Mean, s.Gate.EpisodeStartNs);
            sink.Raise(in f);
        }
        if (!s.Gate.InEpisode)
        {
            s.Spread.Update(t, spreadBps);
            if (hasDepth) s.Depth.Update(t, depth);
        }
    }
}
