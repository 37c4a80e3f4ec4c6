namespace CircuitBreaker.Detectors;

/// <summary>
/// Flash-loan price manipulation. (1) A <c>borrow</c> and a <c>repay</c> of the same asset (and the same account when
/// both carry one) in the same block — or within <see cref="FlashLoanOptions.SameBlockWindow"/> when a block is
/// unknown — with at least <see cref="FlashLoanOptions.MinSwaps"/> <c>swap</c> events in between, while the price of the
/// referenced instrument moved at least <see cref="FlashLoanOptions.MoveBps"/> from its price at the borrow: Critical,
/// scope Instrument. The referenced instrument is the borrow's (or first swap's) instrument field, else the asset mapped
/// by the rule of <see cref="FlashLoanOptions.AssetInstruments"/>. Prices come from trades, quote mids and oracle prices.
/// (2) A position opened from flat and closed to flat within <see cref="FlashLoanOptions.RoundTripWindow"/>, at least
/// <see cref="FlashLoanOptions.RoundTripSizeRatio"/> × the account's typical fill notional, while the mark moved
/// <see cref="FlashLoanOptions.MoveBps"/> during the hold: Critical, scope Account. Structural patterns need no baseline
/// except the typical fill size; the round trip's notional must also be material (<see cref="Materiality"/>: a fraction of
/// the account's daily-loss limit, else of its learned daily range of fill notional) (<see cref="FlashLoanOptions.WarmupFills"/>). One finding per target per cool-down.
/// Construction allocates; open loans are a fixed table; price updates are O(open loans + accounts);
/// <see cref="Observe"/> allocates nothing.
/// </summary>
public sealed class FlashLoanDetector : IDetector
{
    private struct Loan
    {
        public bool Open;
        public int Asset, Account, Instrument, Swaps;
        public long Block, StartNs;
        public double StartPrice, MaxMoveBps;
    }

    private readonly FlashLoanOptions _o;
    // Durations of the options, converted once to event-time ns: the per-event code reads these fields.
    private readonly long _sameBlockWindowNs, _roundTripWindowNs, _cooldownNs;
    private readonly BehaviourPnlBook _book;
    private readonly BehaviourAssetMap _assets;
    private readonly Loan[] _loans;
    /// <summary>"Never raised": compared explicitly, never subtracted (t − long.MinValue / 4 overflowed for t above ~6.9e18,
    /// and the detector stayed silent there).</summary>
    private const long NeverRaised = long.MinValue;
    private readonly long[] _instrumentLastRaise;
    private readonly long[] _accountLastRaise;
    private readonly BehaviourEwma[] _fillNotional;
    private readonly Materiality.Scale[] _fillScale; // per account: slow scale of the fill notional, the daily range of materiality
    private readonly Materiality _material;
    private readonly long[] _openNs;          // [account * instruments + instrument]
    private readonly double[] _openMark, _openTypical, _holdMoveBps, _holdNotional;
    private readonly int _instruments;

    /// <summary>Creates the detector. Allocates; throws <see cref="ArgumentException"/> for invalid options.</summary>
    /// <param name="context">The registry and account capacity the detector sizes its state from (allocated here, once).</param>
    /// <param name="options">Thresholds, windows and warm-up (default: <see cref="FlashLoanOptions"/> defaults; validated, every error in one message).</param>
    public FlashLoanDetector(DetectorContext context, FlashLoanOptions? options = null)
    {
        _o = DetectorSetup.Options(context, options);
        _sameBlockWindowNs = EventTimeSpan.ToNs(_o.SameBlockWindow);
        _roundTripWindowNs = EventTimeSpan.ToNs(_o.RoundTripWindow);
        _cooldownNs = EventTimeSpan.ToNs(_o.Cooldown);
        _book = new BehaviourPnlBook(context);
        _assets = new BehaviourAssetMap(context.Registry, _o.AssetInstruments);
        _instruments = _book.InstrumentCount;
        _loans = new Loan[_o.MaxOpenLoans];
        _instrumentLastRaise = new long[_instruments];
        _accountLastRaise = new long[context.AccountCapacity];
        Array.Fill(_instrumentLastRaise, NeverRaised);
        Array.Fill(_accountLastRaise, NeverRaised);
        _fillNotional = new BehaviourEwma[context.AccountCapacity];
        _fillScale = new Materiality.Scale[context.AccountCapacity];
        _material = new Materiality(context, _o.MaterialDailyLossFraction, _o.MaterialDailyRangeFraction, _o.RoundTripWindow,
            Materiality.DefaultDay, warmup: _o.WarmupFills);
        int n = context.AccountCapacity * _instruments;
        _openNs = new long[n]; _openMark = new double[n]; _openTypical = new double[n]; _holdMoveBps = new double[n]; _holdNotional = new double[n];
    }

    /// <inheritdoc />
    public string Name => "flash-loan";

    /// <summary>The options in force.</summary>
    public FlashLoanOptions Options => _o;

    /// <inheritdoc />
    public void Observe(in RiskEvent e, IFindingSink sink)
    {
        if (e.TimeNs < 0) return; // event time starts at 0; a negative time is a bad record
        if (BehaviourPnlBook.IsPrice(e.Kind)) { if (_book.OnPrice(in e)) OnMark(e.Instrument); }
        else if (e.Kind == RiskEventKind.Fill) OnFill(in e, sink);
        else if (e.Kind == RiskEventKind.Chain) OnChain(in e, sink);
    }

    private void OnMark(int i)
    {
        double px = _book.Mark(i);
        for (int k = 0; k < _loans.Length; k++)
        {
            ref var loan = ref _loans[k];
            if (!loan.Open || loan.Instrument != i) continue;
            if (double.IsNaN(loan.StartPrice)) { loan.StartPrice = px; continue; }
            double move = MoveBps(loan.StartPrice, px);
            if (move > loan.MaxMoveBps) loan.MaxMoveBps = move;
        }
        foreach (int a in _book.Holders(i)) // accounts with a nonzero position; flat ones never move their marks
        {
            if (IsFlat(_book.Position(a, i))) continue;
            int s = a * _instruments + i;
            double move = MoveBps(_openMark[s], px);
            if (move > _holdMoveBps[s]) _holdMoveBps[s] = move;
        }
    }

    private static bool IsFlat(double quantity) => Math.Abs(quantity) < 1e-9;

    private static double MoveBps(double from, double to)
        => from != 0 && double.IsFinite(from) ? Math.Abs(to - from) / Math.Abs(from) * 1e4 : 0;

    private void OnChain(in RiskEvent e, IFindingSink sink)
    {
        var kind = (ChainEventKind)e.SubKind;
        long t = e.TimeNs, block = e.ChainData.Block;
        switch (kind)
        {
            case ChainEventKind.Borrow:
            {
                int slot = 0;
                long oldest = long.MaxValue;
                for (int k = 0; k < _loans.Length; k++)
                {
                    ref var l = ref _loans[k];
                    if (l.Open && !Stale(in l, t, block)) { if (l.StartNs < oldest) { oldest = l.StartNs; slot = k; } continue; }
                    slot = k; oldest = long.MinValue;
                    break;
                }
                int i = _assets.Resolve(in e, _instruments);
                _loans[slot] = new Loan
                {
                    Open = true, Asset = e.ChainData.Asset, Account = e.Account, Instrument = i, Swaps = 0,
                    Block = block, StartNs = t, StartPrice = i >= 0 ? _book.Mark(i) : double.NaN, MaxMoveBps = 0,
                };
                return;
            }
            case ChainEventKind.Swap:
                for (int k = 0; k < _loans.Length; k++)
                {
                    ref var l = ref _loans[k];
                    if (!l.Open || !SameBlock(in l, t, block)) continue;
                    l.Swaps++;
                    if (l.Instrument < 0)
                    {
                        l.Instrument = _assets.Resolve(in e, _instruments);
                        l.StartPrice = l.Instrument >= 0 ? _book.Mark(l.Instrument) : double.NaN;
                    }
                }
                return;
            case ChainEventKind.Repay:
                for (int k = 0; k < _loans.Length; k++)
                {
                    ref var l = ref _loans[k];
                    if (!l.Open || l.Asset != e.ChainData.Asset || !SameBlock(in l, t, block)) continue;
                    if (l.Account >= 0 && e.Account >= 0 && l.Account != e.Account) continue;
                    l.Open = false;
                    int i = l.Instrument;
                    if (i < 0 || l.Swaps < _o.MinSwaps) return;
                    double move = Math.Max(l.MaxMoveBps, MoveBps(l.StartPrice, _book.Mark(i)));
                    if (move < _o.MoveBps || !CooledDown(t, _instrumentLastRaise[i])) return;
                    _instrumentLastRaise[i] = t;
                    var f = new Finding(t, Signature.FlashLoan, Scope.Instrument, i, Severity.Critical, move / _o.MoveBps,
                        FindingDetail.MoveBps, move, _o.MoveBps, l.StartNs);
                    sink.Raise(in f);
                    return;
                }
                return;
        }
    }

    private bool SameBlock(in Loan l, long t, long block)
        => l.Block >= 0 && block >= 0 ? l.Block == block : t - l.StartNs <= _sameBlockWindowNs && t >= l.StartNs;

    private bool Stale(in Loan l, long t, long block)
        => l.Block >= 0 && block >= 0 ? block > l.Block : t - l.StartNs > _sameBlockWindowNs;

    private void OnFill(in RiskEvent e, IFindingSink sink)
    {
        int a = e.Account, i = e.Instrument;
        if ((uint)a >= (uint)_accountLastRaise.Length || (uint)i >= (uint)_instruments) return;
        double before = _book.Position(a, i);
        if (!_book.OnFill(in e)) return;
        double after = _book.Position(a, i);
        int s = a * _instruments + i;
        double notional = Math.Abs(_book.Notional(i, e.FillData.Price, e.FillData.Quantity));
        ref var typical = ref _fillNotional[a];
        double held = Math.Abs(_book.Notional(i, e.FillData.Price, after));
        long t = e.TimeNs;
        if (IsFlat(before) && !IsFlat(after))
        {
            _openNs[s] = t; _openMark[s] = _book.Mark(i); _holdMoveBps[s] = 0; _holdNotional[s] = held;
            _openTypical[s] = typical.Count >= _o.WarmupFills ? typical.Mean : 0; // judged against the size known before the trip
        }
        else if (!IsFlat(after) && held > _holdNotional[s]) _holdNotional[s] = held;
        else if (IsFlat(after) && !IsFlat(before)
            && _openTypical[s] > 0
            && t - _openNs[s] <= _roundTripWindowNs
            && _holdMoveBps[s] >= _o.MoveBps
            && _holdNotional[s] >= _o.RoundTripSizeRatio * _openTypical[s]
            && _material.IsMaterial(_holdNotional[s], a, in _fillScale[a])
            && CooledDown(t, _accountLastRaise[a]))
        {
            _accountLastRaise[a] = t;
            double ratio = _holdNotional[s] / _openTypical[s];
            var f = new Finding(t, Signature.FlashLoan, Scope.Account, a, Severity.Critical, ratio,
                FindingDetail.MoveBps, _holdMoveBps[s], _o.MoveBps, _openNs[s]);
            sink.Raise(in f);
        }
        typical.Add(notional, 0.05);
        _material.Learn(ref _fillScale[a], notional, false);
    }

    private bool CooledDown(long t, long lastRaise) => lastRaise == NeverRaised || t - lastRaise >= _cooldownNs;
}
