namespace CircuitBreaker.Detectors;

/// <summary>
/// Runaway algorithm (Knight Capital, 2012): an account whose behaviour departs far from its own baseline. Five
/// signals per account, judged on every order decision and fill of that account:
/// <list type="number">
/// <item>rate: orders or fills in the current bucket ≥ <see cref="RunawayAlgorithmOptions.RateRatio"/> × baseline;</item>
/// <item>accumulation: net filled notional over the window ≥ <see cref="RunawayAlgorithmOptions.AccumulationRatio"/> × the
/// account's usual gross flow over the same span, consistently in one direction;</item>
/// <item>repeats: near-identical new orders in the bucket ≥ <see cref="RunawayAlgorithmOptions.RepeatRatio"/> × baseline;</item>
/// <item>crossing loss: most fills in the window bought at/above the ask or sold at/below the bid while the account's
/// mark-to-market PnL fell step after step;</item>
/// <item>quantity trip (Deribit market-maker protection): absolute or net filled quantity over the window beyond a limit;</item>
/// <item>off-market orders: at least <see cref="RunawayAlgorithmOptions.MinOffMarketOrders"/> new orders in the window priced
/// more than <see cref="RunawayAlgorithmOptions.OffMarketPct"/> % through the quote mid (a buy above it, a sell below it),
/// accepted or not — a broken pricer or a stolen key paying away value; structural, so it needs no warm-up.</item>
/// </list>
/// The money and size signals (accumulation, crossing loss) also need a material amount (<see cref="Materiality"/>: a
/// fraction of the account's daily-loss limit, else of its learned daily range of gross flow or PnL change).
/// Severity is Critical when two signals agree or the quantity trip fires, Warning otherwise; an episode raises one
/// finding and at most one escalation to Critical (scope Account). Baseline signals wait for
/// <see cref="RunawayAlgorithmOptions.WarmupBuckets"/> active buckets; the quantity trip is a hard limit and needs no warm-up.
/// Construction allocates O(accounts × (instruments + window)); <see cref="Observe"/> allocates nothing. Price updates
/// are O(accounts) (positions are revalued); account events are O(1), plus O(window) once per bucket per account.
/// </summary>
public sealed class RunawayAlgorithmDetector : IDetector
{
    private struct AccountState
    {
        public long Bucket;
        public int Orders, Fills, Repeats, ActiveBuckets;
        public double Gross;
        public bool SignalInBucket;
        public BehaviourEwma OrdersBase, FillsBase, RepeatsBase, GrossBase;
        public int LastInstrument;
        public Side LastSide;
        public double LastPrice, LastQuantity;
        public BehaviourEpisode Episode;
        public int Slot;
        // Aggregates of the window's closed buckets, computed once per bucket at the roll.
        public double ClosedNet, ClosedAbsQty, ClosedNetQty, ClosedFirstPnl, ClosedLastPnl;
        public int ClosedFills, ClosedCrossing, ClosedActive, ClosedPositive, ClosedSteps, ClosedLosses, ClosedOffMarket;
        public bool ClosedHavePnl;
        // Materiality scales: per active bucket, the PnL change (for the crossing loss) and the gross filled notional (for accumulation).
        public Materiality.Scale PnlScale, FlowScale;
        public double PrevClosePnl;
    }

    private readonly RunawayAlgorithmOptions _o;
    // Durations of the options, converted once to event-time ns: the per-event code reads these fields.
    private readonly long _cooldownNs;
    private readonly BehaviourPnlBook _book;
    private readonly AccountState[] _accounts;
    private readonly BucketRing _ring;
    private readonly double[] _ringNetNotional, _ringAbsQty, _ringNetQty, _ringPnl;
    private readonly int[] _ringFills, _ringCrossing, _ringOffMarket;
    private readonly double[] _tick; // [instrument]
    private readonly Materiality _material;
    private BucketClock _clock; // buckets of BucketWidth, counted from the first event observed

    /// <summary>Creates the detector; sizes all state from <paramref name="context"/>. Allocates; throws <see cref="ArgumentException"/> for invalid options.</summary>
    /// <param name="context">The registry and account capacity the detector sizes its state from (allocated here, once).</param>
    /// <param name="options">Thresholds, windows and warm-up (default: <see cref="RunawayAlgorithmOptions"/> defaults; validated, every error in one message).</param>
    public RunawayAlgorithmDetector(DetectorContext context, RunawayAlgorithmOptions? options = null)
    {
        _o = DetectorSetup.Options(context, options);
        _clock = new BucketClock(_o.BucketWidth);
        _cooldownNs = EventTimeSpan.ToNs(_o.Cooldown);
        _book = new BehaviourPnlBook(context);
        _accounts = new AccountState[context.AccountCapacity];
        for (int a = 0; a < _accounts.Length; a++)
        {
            _accounts[a].Bucket = long.MinValue;
            _accounts[a].LastInstrument = -1;
            _accounts[a].Episode = BehaviourEpisode.Create();
        }
        _ring = new BucketRing(_accounts.Length, _o.WindowBuckets);
        int n = _ring.Length;
        _ringNetNotional = new double[n]; _ringAbsQty = new double[n]; _ringNetQty = new double[n]; _ringPnl = new double[n];
        _ringFills = new int[n]; _ringCrossing = new int[n]; _ringOffMarket = new int[n];
        _material = new Materiality(context, _o.MaterialDailyLossFraction, _o.MaterialDailyRangeFraction, _o.BucketWidth, Materiality.DefaultDay);
        _tick = new double[_book.InstrumentCount];
        for (int i = 0; i < context.Registry.InstrumentCount; i++) _tick[i] = context.Registry.Instruments[i].Tick;
    }

    /// <inheritdoc />
    public string Name => "runaway-algorithm";

    /// <summary>The options in force.</summary>
    public RunawayAlgorithmOptions Options => _o;

    /// <inheritdoc />
    public void Observe(in RiskEvent e, IFindingSink sink)
    {
        if (!_clock.Admit(e.TimeNs)) return;
        if (BehaviourPnlBook.IsPrice(e.Kind)) _book.OnPrice(in e);
        else if (e.Kind == RiskEventKind.Order) OnOrder(in e, sink);
        else if (e.Kind == RiskEventKind.Fill) OnFill(in e, sink);
    }

    private void OnOrder(in RiskEvent e, IFindingSink sink)
    {
        int a = e.Account;
        if ((uint)a >= (uint)_accounts.Length) return;
        ref var st = ref _accounts[a];
        int slot = Roll(ref st, a, e.TimeNs);
        st.Orders++;
        if (e.SubKind == (byte)OrderAction.New)
        {
            double px = e.OrderData.Price, qty = e.OrderData.Quantity;
            if (st.LastInstrument == e.Instrument && st.LastSide == e.Side && qty == st.LastQuantity
                && Math.Abs(px - st.LastPrice) <= _o.RepeatPriceTolerance * Math.Abs(st.LastPrice))
                st.Repeats++;
            st.LastInstrument = e.Instrument; st.LastSide = e.Side; st.LastPrice = px; st.LastQuantity = qty;
            if (OffMarket(e.Instrument, e.Side, px)) _ringOffMarket[slot]++;
        }
        _ringPnl[slot] = _book.AccountPnl(a);
        Evaluate(ref st, a, e.TimeNs, sink);
    }

    private void OnFill(in RiskEvent e, IFindingSink sink)
    {
        int a = e.Account, i = e.Instrument;
        if ((uint)a >= (uint)_accounts.Length || (uint)i >= (uint)_book.InstrumentCount) return;
        double bid = _book.Bid(i), ask = _book.Ask(i);
        if (!_book.OnFill(in e)) return;
        ref var st = ref _accounts[a];
        int slot = Roll(ref st, a, e.TimeNs);
        double px = e.FillData.Price, qty = e.FillData.Quantity;
        double signed = e.Side == Side.Buy ? qty : -qty;
        double notional = Math.Abs(_book.Notional(i, px, qty));
        st.Fills++;
        st.Gross += notional;
        _ringNetNotional[slot] += e.Side == Side.Buy ? notional : -notional;
        _ringAbsQty[slot] += qty;
        _ringNetQty[slot] += signed;
        _ringFills[slot]++;
        if ((e.Side == Side.Buy && px >= ask) || (e.Side == Side.Sell && px <= bid)) _ringCrossing[slot]++;
        _ringPnl[slot] = _book.AccountPnl(a);
        Evaluate(ref st, a, e.TimeNs, sink);
    }

    private int Roll(ref AccountState st, int a, long timeNs)
    {
        long b = _clock.Bucket(timeNs);
        if (st.Bucket != long.MinValue && b <= st.Bucket) return st.Slot;
        if (st.Bucket != long.MinValue)
        {
            if (st.Orders + st.Fills > 0)
            {
                double alpha = st.Episode.Active ? _o.BaselineAlpha * 0.1 : _o.BaselineAlpha;
                st.OrdersBase.Add(st.Orders, alpha);
                st.FillsBase.Add(st.Fills, alpha);
                st.RepeatsBase.Add(st.Repeats, alpha);
                st.GrossBase.Add(st.Gross, alpha);
                double pnl = _ringPnl[st.Slot];
                _material.Learn(ref st.PnlScale, pnl - st.PrevClosePnl, st.Episode.Active);
                _material.Learn(ref st.FlowScale, st.Gross, st.Episode.Active);
                st.PrevClosePnl = pnl;
                st.ActiveBuckets++;
            }
            if (!st.SignalInBucket) st.Episode.Calm(timeNs, _cooldownNs);
        }
        st.Orders = st.Fills = st.Repeats = 0;
        st.Gross = 0;
        st.SignalInBucket = false;
        st.Bucket = b;
        int slot = _ring.Open(a, b);
        _ringNetNotional[slot] = _ringAbsQty[slot] = _ringNetQty[slot] = 0;
        _ringFills[slot] = _ringCrossing[slot] = _ringOffMarket[slot] = 0;
        _ringPnl[slot] = _book.AccountPnl(a);
        st.Slot = slot;
        CloseWindow(ref st, a);
        return slot;
    }

    /// <summary>Aggregates the window's closed buckets, oldest first (once per bucket, so each event is O(1)).</summary>
    private void CloseWindow(ref AccountState st, int a)
    {
        st.ClosedNet = st.ClosedAbsQty = st.ClosedNetQty = st.ClosedFirstPnl = st.ClosedLastPnl = 0;
        st.ClosedFills = st.ClosedCrossing = st.ClosedActive = st.ClosedPositive = st.ClosedSteps = st.ClosedLosses = st.ClosedOffMarket = 0;
        st.ClosedHavePnl = false;
        for (long bb = _ring.Oldest(st.Bucket); bb < st.Bucket; bb++)
        {
            int s = _ring.Find(a, bb);
            if (s < 0) continue;
            st.ClosedNet += _ringNetNotional[s]; st.ClosedAbsQty += _ringAbsQty[s]; st.ClosedNetQty += _ringNetQty[s];
            st.ClosedFills += _ringFills[s]; st.ClosedCrossing += _ringCrossing[s]; st.ClosedOffMarket += _ringOffMarket[s];
            if (_ringNetNotional[s] != 0) { st.ClosedActive++; if (_ringNetNotional[s] > 0) st.ClosedPositive++; }
            double p = _ringPnl[s];
            if (st.ClosedHavePnl) { st.ClosedSteps++; if (p < st.ClosedLastPnl) st.ClosedLosses++; }
            else { st.ClosedFirstPnl = p; st.ClosedHavePnl = true; }
            st.ClosedLastPnl = p;
        }
    }

    private void Evaluate(ref AccountState st, int a, long timeNs, IFindingSink sink)
    {
        // Window = the closed buckets' aggregates + the current bucket.
        int c = st.Slot;
        double net = st.ClosedNet + _ringNetNotional[c], absQty = st.ClosedAbsQty + _ringAbsQty[c];
        double netQty = st.ClosedNetQty + _ringNetQty[c], lastPnl = _ringPnl[c];
        int fills = st.ClosedFills + _ringFills[c], crossing = st.ClosedCrossing + _ringCrossing[c];
        int offMarket = st.ClosedOffMarket + _ringOffMarket[c];
        int active = st.ClosedActive, positive = st.ClosedPositive;
        if (_ringNetNotional[c] != 0) { active++; if (_ringNetNotional[c] > 0) positive++; }
        double firstPnl = lastPnl;
        int steps = 0, losses = 0;
        if (st.ClosedHavePnl)
        {
            firstPnl = st.ClosedFirstPnl;
            steps = st.ClosedSteps + 1;
            losses = st.ClosedLosses + (lastPnl < st.ClosedLastPnl ? 1 : 0);
        }

        bool trip = absQty >= _o.QuantityLimit || Math.Abs(netQty) >= _o.DeltaLimit;
        int signals = 0;
        double bestRatio = 0, bestBaseline = 0;
        if (st.ActiveBuckets >= _o.WarmupBuckets)
        {
            // Orders and fills: one rate signal between them (an aggressive account's orders are its fills).
            int rates = 0;
            Rate(st.Orders, st.OrdersBase.Mean, ref rates, ref bestRatio, ref bestBaseline);
            Rate(st.Fills, st.FillsBase.Mean, ref rates, ref bestRatio, ref bestBaseline);
            if (rates > 0) signals++;
            Rate(st.Repeats, st.RepeatsBase.Mean, ref signals, ref bestRatio, ref bestBaseline, _o.RepeatRatio);
            double usualFlow = st.GrossBase.Mean * _ring.Buckets;
            if (usualFlow > 0 && active > 0)
            {
                double ratio = Math.Abs(net) / usualFlow;
                int dominant = net > 0 ? positive : active - positive;
                if (ratio >= _o.AccumulationRatio && dominant >= _o.AccumulationConsistency * active
                    && _material.IsMaterial(Math.Abs(net), a, in st.FlowScale))
                {
                    signals++;
                    if (ratio > bestRatio) { bestRatio = ratio; bestBaseline = usualFlow; }
                }
            }
            if (fills >= _o.MinCrossingFills && crossing >= _o.CrossingShare * fills
                && steps >= 4 && losses >= _o.LossStepShare * steps && lastPnl < firstPnl
                && _material.IsMaterial(firstPnl - lastPnl, a, in st.PnlScale))
                signals++;
        }
        bool offMarketSignal = offMarket >= _o.MinOffMarketOrders;
        if (offMarketSignal) signals++; // structural: judged from the first order, like the quantity trip
        if (signals == 0 && !trip) return;

        st.SignalInBucket = true;
        var severity = trip || signals >= 2 ? Severity.Critical : Severity.Warning;
        if (!st.Episode.Anomalous(timeNs, severity)) return;
        Finding f;
        if (trip)
        {
            bool qtyTrip = absQty >= _o.QuantityLimit;
            double value = qtyTrip ? absQty : Math.Abs(netQty), limit = qtyTrip ? _o.QuantityLimit : _o.DeltaLimit;
            f = new Finding(timeNs, Signature.RunawayAlgorithm, Scope.Account, a, severity, value / limit,
                FindingDetail.ValueOverLimit, value, limit, st.Episode.FirstAnomalousNs);
        }
        else if (bestRatio == 0 && offMarketSignal)
            f = new Finding(timeNs, Signature.RunawayAlgorithm, Scope.Account, a, severity, offMarket / (double)_o.MinOffMarketOrders,
                FindingDetail.ValueOverLimit, offMarket, _o.MinOffMarketOrders, st.Episode.FirstAnomalousNs);
        else if (bestRatio > 0)
            f = new Finding(timeNs, Signature.RunawayAlgorithm, Scope.Account, a, severity, bestRatio,
                FindingDetail.RatioToBaseline, bestRatio, bestBaseline, st.Episode.FirstAnomalousNs);
        else
            f = new Finding(timeNs, Signature.RunawayAlgorithm, Scope.Account, a, severity, (double)crossing / fills,
                FindingDetail.None, (double)crossing / fills, lastPnl - firstPnl, st.Episode.FirstAnomalousNs);
        sink.Raise(in f);
    }

    /// <summary>True when a new order is priced more than <see cref="RunawayAlgorithmOptions.OffMarketPct"/> % through the last quote mid.</summary>
    private bool OffMarket(int instrument, Side side, double price)
    {
        if ((uint)instrument >= (uint)_book.InstrumentCount || !double.IsFinite(price) || price <= 0) return false;
        double bid = _book.Bid(instrument), ask = _book.Ask(instrument);
        if (!(bid > 0) || !(ask >= bid)) return false; // no quote yet: nothing to judge against
        double mid = 0.5 * (bid + ask), through = side == Side.Buy ? price - mid : mid - price;
        return through > _o.OffMarketPct / 100 * mid && through > _o.OffMarketMinTicks * _tick[instrument];
    }

    private void Rate(int count, double baseline, ref int signals, ref double bestRatio, ref double bestBaseline, double threshold = 0)
    {
        double floor = Math.Max(baseline, _o.MinBaselineRate);
        double ratio = count / floor;
        if (count >= _o.MinEventsPerBucket && ratio >= (threshold > 0 ? threshold : _o.RateRatio))
        {
            signals++;
            if (ratio > bestRatio) { bestRatio = ratio; bestBaseline = floor; }
        }
    }
}
