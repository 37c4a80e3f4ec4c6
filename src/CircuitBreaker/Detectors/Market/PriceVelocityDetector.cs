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
/// Options (<see cref="InstrumentKind.Option"/>) are judged by what matters to their risk, not by premium percentage: a
/// premium's range is measured in bps of the underlying's last price (the first spot, perpetual or future with the same
/// underlying; else the strike), so a short-dated premium doubling on a 0.2 % move of the underlying is a 0.2 %-class move
/// (|Δpremium| ≤ |Δunderlying| for a vanilla option), while a premium jump that the underlying does not explain still
/// scores. Barrier options keep premium percentage (their premium collapsing near the barrier is the risk watched).
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
    private readonly int[] _underlyingOf;          // [instrument]: index of the underlying's instrument, or -1
    private readonly double[] _strike;             // [instrument]: option strike, NaN otherwise
    private readonly bool[] _isOption;             // [instrument]
    private readonly double[] _lastPrice;          // [instrument]: last good price of any source
    private EventTimeAnchor _anchor;

    /// <summary>Creates the detector with state for every instrument in the context. Throws on invalid options.</summary>
    /// <param name="context">The registry and account capacity the detector sizes its state from (allocated here, once).</param>
    /// <param name="options">Thresholds, windows and warm-up (default: <see cref="PriceVelocityOptions"/> defaults; validated, every error in one message).</param>
    public PriceVelocityDetector(DetectorContext context, PriceVelocityOptions? options = null)
    {
        _o = DetectorSetup.Options(context, options);
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
        _underlyingOf = new int[n];
        _strike = new double[n];
        _isOption = new bool[n];
        _lastPrice = new double[n];
        Array.Fill(_lastPrice, double.NaN);
        var specs = context.Registry.Instruments;
        for (int i = 0; i < n; i++)
        {
            var spec = specs[i];
            _isOption[i] = spec.Kind == InstrumentKind.Option && _o.OptionsByUnderlying;
            _strike[i] = spec.Strike > 0 ? spec.Strike : double.NaN;
            _underlyingOf[i] = -1;
            if (!_isOption[i]) continue;
            for (int j = 0; j < n; j++)
            {
                if (specs[j].Kind is InstrumentKind.Spot or InstrumentKind.Perpetual or InstrumentKind.Future
                    && string.Equals(specs[j].Underlying, spec.Underlying, StringComparison.Ordinal))
                {
                    _underlyingOf[i] = j;
                    break;
                }
            }
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
        _lastPrice[i] = price;
        if (_firstPriceNs[i] == long.MinValue) _firstPriceNs[i] = t;
        double scale = Scale(i); // NaN: bps of the window's own mid-range
        ref EpisodeGate gate = ref _gates[i];

        int k = i * Tracks + track;
        var w = _windows[k];
        long since = _anchor.Since(t); // windows and baselines run on time since the anchor
        long head = w.HeadBucket;
        if (head != long.MinValue && w.BucketOf(since) > head && !gate.InEpisode)
        {
            double sampled = RangeBps(w, scale);
            if (!double.IsNaN(sampled)) _baselines[k].Update((head + 1) * w.BucketNs, sampled);
        }
        w.Add(since, price);
        _longWindows[k]?.Add(since, price);
        _move[k] = RangeBps(w, scale);
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
            double longMove = RangeBps(lw, scale);
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

    /// <summary>The price that moves are measured against: for an option, its underlying's last price (else its strike); NaN otherwise.</summary>
    private double Scale(int i)
    {
        if (!_isOption[i]) return double.NaN;
        int u = _underlyingOf[i];
        double px = u >= 0 ? _lastPrice[u] : double.NaN;
        return px > 0 ? px : _strike[i];
    }

    private static double RangeBps(EventTimeWindow w, double scale)
    {
        if (w.Count == 0) return double.NaN;
        double lo = w.Min(), hi = w.Max();
        return (hi - lo) / (scale > 0 ? scale : 0.5 * (hi + lo)) * 1e4;
    }
}
