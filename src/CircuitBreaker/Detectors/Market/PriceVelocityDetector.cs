namespace CircuitBreaker.Detectors;

/// <summary>
/// Price velocity in the spirit of CME velocity logic and LULD bands: the high–low range of the price over a short
/// look-back window (default 2 s), in bps of the window's mid-range, against a band that is the larger of a fixed floor
/// and a multiple of the learned RMS range. Three price sources per instrument are tracked separately (trades, quote
/// mids, oracle prices) and the instrument's score is the largest of them (another source's range as of its last price,
/// until a full window has passed), so a crash seen in trades and mids is one episode. The baseline is sampled once per bucket and frozen while an episode is open.
/// A second, longer window (<see cref="PriceVelocityOptions.LongWindow"/>, default 60 s) catches slow pumps made of
/// steps each below the short band (a thin market walked up to move an oracle): its band is the larger of its own floor
/// and the short window's band. The short band is not scaled up by √(long / short): on a thin, coarse-tick market the
/// learned short range is bid-ask and tick bounce, which does not grow with time, and such markets are the ones pumped.
/// Construction allocates per-instrument state; <see cref="Observe"/> allocates nothing.
/// Non-positive or non-finite prices, crossed quotes and unknown instruments are ignored.
/// The windows' buckets and the baselines' sample times are counted from the first event the detector observes
/// (<see cref="EventTimeAnchor"/>), so a stream shifted by any constant gives the same findings.
/// </summary>
public sealed class PriceVelocityDetector : IDetector
{
    private const int Tracks = 3;
    private readonly PriceVelocityOptions _o;
    // Durations of the options, converted once to event-time ns: the per-event code reads these fields.
    private readonly long _windowNs, _baselineHalfLifeNs, _warmupNs, _cooldownNs, _longWindowNs;
    private readonly EventTimeWindow[] _windows;   // [instrument * Tracks + track]
    private readonly EventTimeWindow?[] _longWindows; // [instrument * Tracks + track], null entries when the long window is off
    private readonly Ewma[] _baselines;            // [instrument * Tracks + track]
    private readonly EpisodeGate[] _gates;         // [instrument]
    private readonly long[] _firstPriceNs;         // [instrument]
    private readonly double[] _move;               // [instrument * Tracks + track]: range (bps) at the track's last price
    private readonly long[] _moveTimeNs;           // [instrument * Tracks + track]
    private EventTimeAnchor _anchor;

    /// <summary>Creates the detector with state for every instrument in the context. Throws on invalid options.</summary>
    /// <param name="context">The registry and account capacity the detector sizes its state from (allocated here, once).</param>
    /// <param name="options">Thresholds, windows and warm-up (default: <see cref="PriceVelocityOptions"/> defaults; validated, every error in one message).</param>
    public PriceVelocityDetector(DetectorContext context, PriceVelocityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        _o = options ?? new PriceVelocityOptions();
        _o.Validate();
        _windowNs = EventTimeSpan.ToNs(_o.Window);
        _baselineHalfLifeNs = EventTimeSpan.ToNs(_o.BaselineHalfLife);
        _warmupNs = EventTimeSpan.ToNs(_o.Warmup);
        _cooldownNs = EventTimeSpan.ToNs(_o.Cooldown);
        _longWindowNs = EventTimeSpan.ToNs(_o.LongWindow);
        int n = context.Registry.InstrumentCount;
        _windows = new EventTimeWindow[n * Tracks];
        _longWindows = new EventTimeWindow?[n * Tracks];
        _baselines = new Ewma[n * Tracks];
        _gates = new EpisodeGate[n];
        _firstPriceNs = new long[n];
        _move = new double[n * Tracks];
        _moveTimeNs = new long[n * Tracks];
        Array.Fill(_move, double.NaN);
        for (int k = 0; k < n * Tracks; k++)
        {
            _windows[k] = new EventTimeWindow(_windowNs, _o.Buckets);
            if (_longWindowNs > 0) _longWindows[k] = new EventTimeWindow(_longWindowNs, _o.LongBuckets);
            _baselines[k] = new Ewma(_baselineHalfLifeNs);
        }
        for (int i = 0; i < n; i++)
        {
            _gates[i] = new EpisodeGate(1.0, _o.RearmFraction, 0, 0, _cooldownNs);
            _firstPriceNs[i] = long.MinValue;
        }
    }

    /// <inheritdoc />
    public string Name => "price-velocity";
    /// <summary>The options in force.</summary>
    public PriceVelocityOptions Options => _o;
    /// <summary>Events ignored as bad input (unknown instrument, bad price, crossed quote).</summary>
    public long IgnoredEvents { get; private set; }

    /// <inheritdoc />
    public void Observe(in RiskEvent e, IFindingSink sink)
    {
        _anchor.Observe(e.TimeNs);
        int track;
        double price;
        switch (e.Kind)
        {
            case RiskEventKind.Trade when _o.UseTrades:
                track = 0; price = e.TradeData.Price; break;
            case RiskEventKind.Quote when _o.UseQuoteMids:
                track = 1;
                double bid = e.QuoteData.Bid, ask = e.QuoteData.Ask;
                price = bid > 0 && ask >= bid ? 0.5 * (bid + ask) : double.NaN;
                break;
            case RiskEventKind.Oracle when _o.UseOracle:
                track = 2; price = e.OracleData.Price; break;
            default:
                return;
        }
        int i = e.Instrument;
        if ((uint)i >= (uint)_gates.Length || !double.IsFinite(price) || price <= 0) { IgnoredEvents++; return; }
        long t = e.TimeNs;
        if (_firstPriceNs[i] == long.MinValue) _firstPriceNs[i] = t;
        ref EpisodeGate gate = ref _gates[i];

        int k = i * Tracks + track;
        var w = _windows[k];
        long since = _anchor.Since(t); // windows and baselines run on time since the anchor
        long head = w.HeadBucket;
        if (head != long.MinValue && w.BucketOf(since) > head && !gate.InEpisode)
        {
            double sampled = RangeBps(w);
            if (!double.IsNaN(sampled)) _baselines[k].Update((head + 1) * w.BucketNs, sampled);
        }
        w.Add(since, price);
        _longWindows[k]?.Add(since, price);
        _move[k] = RangeBps(w);
        _moveTimeNs[k] = t;

        bool warm = t - _firstPriceNs[i] >= _warmupNs;
        double bestScore = 0, bestMove = 0, bestBand = _o.WarningBandBps;
        bool severe = false;
        for (int j = 0; j < Tracks; j++)
        {
            int kj = i * Tracks + j;
            ref Ewma b = ref _baselines[kj];
            if (!warm || b.Count < _o.WarmupSamples) continue;
            // Another source's range counts until its window has fully passed since its last price.
            double move = _move[kj];
            if (double.IsNaN(move) || t - _moveTimeNs[kj] >= _windowNs) continue;
            double rms = b.Rms;
            double warnBand = Math.Max(_o.WarningBandBps, _o.WarningSigmas * rms);
            double critBand = Math.Max(_o.CriticalBandBps, _o.CriticalSigmas * rms);
            double score = move / warnBand;
            if (score > bestScore) { bestScore = score; bestMove = move; bestBand = warnBand; }
            if (move >= critBand) severe = true;
            var lw = _longWindows[kj];
            if (lw is null) continue;
            // Long window: same source; a slow move must beat its own floor and the short window's band.
            double longMove = RangeBps(lw);
            if (double.IsNaN(longMove)) continue;
            double longWarn = Math.Max(_o.LongWarningBandBps, warnBand);
            double longCrit = Math.Max(_o.LongCriticalBandBps, critBand);
            double longScore = longMove / longWarn;
            if (longScore > bestScore) { bestScore = longScore; bestMove = longMove; bestBand = longWarn; }
            if (longMove >= longCrit) severe = true;
        }

        var step = gate.Step(t, bestScore, severe);
        if (step is EpisodeStep.Opened or EpisodeStep.Escalated)
        {
            var f = new Finding(t, Signature.PriceVelocity, Scope.Instrument, i, severe ? Severity.Critical : Severity.Warning,
                bestScore, FindingDetail.MoveBps, bestMove, bestBand, gate.EpisodeStartNs);
            sink.Raise(in f);
        }
    }

    private static double RangeBps(EventTimeWindow w)
    {
        if (w.Count == 0) return double.NaN;
        double lo = w.Min(), hi = w.Max();
        return (hi - lo) / (0.5 * (hi + lo)) * 1e4;
    }
}
