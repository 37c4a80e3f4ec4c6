namespace CircuitBreaker.Detectors;

/// <summary>
/// Product risk of derivatives books. (1) Greeks: delta, gamma and vega from <c>position</c> events, kept per account ×
/// instrument and summed per risk group; a linear position (spot, perpetual, future) with no delta counts quantity ×
/// multiplier as delta, missing gamma/vega count 0; swaps are excluded from greeks. ≥
/// <see cref="ProductRiskOptions.WarningFraction"/> of a limit is a Warning, ≥ the limit Critical (scope Group).
/// (2) Barrier options: spot for an underlying is the last trade or quote mid of a spot, perpetual or future on it, or
/// any oracle price on an instrument of it; as spot nears a barrier option's barrier the finding escalates — Warning
/// within <see cref="ProductRiskOptions.BarrierWarningPct"/> % or <see cref="ProductRiskOptions.BarrierWarningTicks"/>
/// ticks, Critical within <see cref="ProductRiskOptions.BarrierCriticalPct"/> % or
/// <see cref="ProductRiskOptions.BarrierCriticalTicks"/> ticks or once crossed (scope Instrument, the barrier option;
/// score = distance in %). (3) Swaps: exposure = notional × sensitivity (the position's delta, 1 when missing; notional
/// from the event, else quantity × multiplier × last price) summed per group against
/// <see cref="ProductRiskOptions.MaxSwapExposure"/> (scope Group). Limits need no warm-up. One finding per episode plus
/// at most one escalation. Construction allocates O(accounts × instruments); <see cref="Observe"/> is O(1) for positions,
/// O(barrier options on the underlying) for prices, and allocates nothing.
/// </summary>
public sealed class ProductRiskDetector : IDetector
{
    private readonly ProductRiskOptions _o;
    // Durations of the options, converted once to event-time ns: the per-event code reads these fields.
    private readonly long _cooldownNs;
    private readonly int _instruments, _accounts;
    private readonly InstrumentKind[] _kind;
    private readonly double[] _multiplier, _tick, _barrier, _lastPrice;
    private readonly BarrierKind[] _barrierKind;
    private readonly int[] _groupOf;
    private readonly int[] _barrierStart, _barrierList; // barrier options per instrument's underlying (CSR)
    private readonly double[] _delta, _gamma, _vega, _swapExposure; // [account * instruments + instrument]
    private readonly double[] _groupDelta, _groupGamma, _groupVega, _groupSwap;
    private readonly BehaviourEpisode[] _greeksEpisode, _swapEpisode, _barrierEpisode;

    /// <summary>Creates the detector. Allocates; throws <see cref="ArgumentException"/> for invalid options.</summary>
    /// <param name="context">The registry and account capacity the detector sizes its state from (allocated here, once).</param>
    /// <param name="options">Thresholds, windows and warm-up (default: <see cref="ProductRiskOptions"/> defaults; validated, every error in one message).</param>
    public ProductRiskDetector(DetectorContext context, ProductRiskOptions? options = null)
    {
        _o = DetectorSetup.Options(context, options);
        _cooldownNs = EventTimeSpan.ToNs(_o.Cooldown);
        var reg = context.Registry;
        _instruments = reg.InstrumentCount;
        _accounts = context.AccountCapacity;
        _kind = new InstrumentKind[_instruments];
        _multiplier = new double[_instruments]; _tick = new double[_instruments]; _barrier = new double[_instruments];
        _lastPrice = new double[_instruments];
        Array.Fill(_lastPrice, double.NaN);
        _barrierKind = new BarrierKind[_instruments];
        _groupOf = new int[_instruments];
        var barriersByUnderlying = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < _instruments; i++)
        {
            var s = reg.Instruments[i];
            _kind[i] = s.Kind; _multiplier[i] = s.Multiplier; _tick[i] = s.Tick; _barrier[i] = s.Barrier;
            _barrierKind[i] = s.BarrierKind; _groupOf[i] = s.Group.Value;
            if (!barriersByUnderlying.TryGetValue(s.Underlying, out var list)) barriersByUnderlying[s.Underlying] = list = new List<int>();
            if (s.Kind == InstrumentKind.BarrierOption) list.Add(i);
        }
        _barrierStart = new int[_instruments + 1];
        var flat = new List<int>();
        for (int i = 0; i < _instruments; i++)
        {
            _barrierStart[i] = flat.Count;
            flat.AddRange(barriersByUnderlying[reg.Instruments[i].Underlying]);
        }
        _barrierStart[_instruments] = flat.Count;
        _barrierList = flat.ToArray();
        int n = _instruments * _accounts;
        _delta = new double[n]; _gamma = new double[n]; _vega = new double[n]; _swapExposure = new double[n];
        int groups = Math.Max(1, reg.GroupCount);
        _groupDelta = new double[groups]; _groupGamma = new double[groups]; _groupVega = new double[groups]; _groupSwap = new double[groups];
        _greeksEpisode = NewEpisodes(groups);
        _swapEpisode = NewEpisodes(groups);
        _barrierEpisode = NewEpisodes(Math.Max(1, _instruments));
    }

    private static BehaviourEpisode[] NewEpisodes(int n)
    {
        var a = new BehaviourEpisode[n];
        for (int i = 0; i < n; i++) a[i] = BehaviourEpisode.Create();
        return a;
    }

    /// <inheritdoc />
    public string Name => "product-risk";

    /// <summary>The options in force.</summary>
    public ProductRiskOptions Options => _o;

    /// <summary>Current |Σ delta|, |Σ gamma|, |Σ vega| of a group, for inspection (0 for an unknown group).</summary>
    /// <param name="group">A risk group.</param>
    public (double Delta, double Gamma, double Vega) GroupGreeks(GroupId group)
        => (uint)group.Value < (uint)_groupDelta.Length ? (_groupDelta[group.Value], _groupGamma[group.Value], _groupVega[group.Value]) : (0, 0, 0);

    /// <inheritdoc />
    public void Observe(in RiskEvent e, IFindingSink sink)
    {
        if (e.TimeNs < 0) return; // event time starts at 0; a negative time is a bad record
        switch (e.Kind)
        {
            case RiskEventKind.Position: OnPosition(in e, sink); return;
            case RiskEventKind.Trade: OnSpot(e.Instrument, e.TradeData.Price, false, e.TimeNs, sink); return;
            case RiskEventKind.Quote:
                double b = e.QuoteData.Bid, a = e.QuoteData.Ask;
                if (double.IsFinite(b) && double.IsFinite(a) && a >= b) OnSpot(e.Instrument, 0.5 * (a + b), false, e.TimeNs, sink);
                return;
            case RiskEventKind.Oracle: OnSpot(e.Instrument, e.OracleData.Price, true, e.TimeNs, sink); return;
        }
    }

    private void OnPosition(in RiskEvent e, IFindingSink sink)
    {
        int i = e.Instrument, a = e.Account;
        if ((uint)i >= (uint)_instruments || (uint)a >= (uint)_accounts) return;
        ref readonly var p = ref e.PositionData;
        if (!double.IsFinite(p.Quantity)) return;
        int s = a * _instruments + i, g = _groupOf[i];
        var kind = _kind[i];
        if (kind == InstrumentKind.Swap)
        {
            double notional = double.IsFinite(p.Notional) ? p.Notional
                : p.Quantity * _multiplier[i] * (double.IsFinite(_lastPrice[i]) ? Math.Abs(_lastPrice[i]) : 1.0);
            double exposure = notional * (double.IsFinite(p.Delta) ? p.Delta : 1.0);
            _groupSwap[g] += exposure - _swapExposure[s];
            _swapExposure[s] = exposure;
            double level = Math.Abs(_groupSwap[g]) / _o.MaxSwapExposure;
            Judge(ref _swapEpisode[g], level, Signature.SwapExposure, g, e.TimeNs, Math.Abs(_groupSwap[g]), _o.MaxSwapExposure, sink);
            return;
        }
        bool linear = kind is InstrumentKind.Spot or InstrumentKind.Perpetual or InstrumentKind.Future;
        double delta = double.IsFinite(p.Delta) ? p.Delta : linear ? p.Quantity * _multiplier[i] : 0;
        double gamma = float.IsFinite(p.Gamma) ? p.Gamma : 0;
        double vega = float.IsFinite(p.Vega) ? p.Vega : 0;
        _groupDelta[g] += delta - _delta[s]; _delta[s] = delta;
        _groupGamma[g] += gamma - _gamma[s]; _gamma[s] = gamma;
        _groupVega[g] += vega - _vega[s]; _vega[s] = vega;

        double dl = Math.Abs(_groupDelta[g]) / _o.MaxAbsDelta, gl = Math.Abs(_groupGamma[g]) / _o.MaxAbsGamma, vl = Math.Abs(_groupVega[g]) / _o.MaxAbsVega;
        double worst = dl, value = Math.Abs(_groupDelta[g]), limit = _o.MaxAbsDelta;
        if (gl > worst) { worst = gl; value = Math.Abs(_groupGamma[g]); limit = _o.MaxAbsGamma; }
        if (vl > worst) { worst = vl; value = Math.Abs(_groupVega[g]); limit = _o.MaxAbsVega; }
        Judge(ref _greeksEpisode[g], worst, Signature.GreeksLimit, g, e.TimeNs, value, limit, sink);
    }

    private void Judge(ref BehaviourEpisode ep, double level, Signature signature, int group, long t, double value, double limit, IFindingSink sink)
    {
        if (level < _o.ReleaseFraction) { ep.Calm(t, _cooldownNs); return; }
        if (level < _o.WarningFraction) return;
        var severity = level >= 1 ? Severity.Critical : Severity.Warning;
        if (!ep.Anomalous(t, severity)) return;
        var f = new Finding(t, signature, Scope.Group, group, severity, level, FindingDetail.ValueOverLimit, value, limit, ep.FirstAnomalousNs);
        sink.Raise(in f);
    }

    private void OnSpot(int j, double spot, bool oracle, long t, IFindingSink sink)
    {
        if ((uint)j >= (uint)_instruments || !double.IsFinite(spot)) return;
        _lastPrice[j] = spot;
        var kind = _kind[j];
        if (!oracle && kind is InstrumentKind.Option or InstrumentKind.BarrierOption or InstrumentKind.Swap) return;
        for (int k = _barrierStart[j]; k < _barrierStart[j + 1]; k++)
        {
            int bo = _barrierList[k];
            double barrier = _barrier[bo];
            bool crossed = _barrierKind[bo] is BarrierKind.UpAndOut or BarrierKind.UpAndIn ? spot >= barrier : spot <= barrier;
            double gap = crossed ? 0 : Math.Abs(spot - barrier);
            double pct = gap / barrier * 100, ticks = gap / _tick[j];
            ref var ep = ref _barrierEpisode[bo];
            Severity severity;
            if (pct <= _o.BarrierCriticalPct || ticks <= _o.BarrierCriticalTicks) severity = Severity.Critical;
            else if (pct <= _o.BarrierWarningPct || ticks <= _o.BarrierWarningTicks) severity = Severity.Warning;
            else
            {
                if (pct > _o.BarrierReleasePct) ep.Calm(t, _cooldownNs);
                continue;
            }
            if (!ep.Anomalous(t, severity)) continue;
            double threshold = severity == Severity.Critical ? _o.BarrierCriticalPct : _o.BarrierWarningPct;
            var f = new Finding(t, Signature.BarrierProximity, Scope.Instrument, bo, severity, pct, FindingDetail.DistancePct, pct, threshold, ep.FirstAnomalousNs);
            sink.Raise(in f);
        }
    }
}
