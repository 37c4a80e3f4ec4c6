namespace CircuitBreaker.Detectors;

/// <summary>
/// Mark-to-market PnL per account and per group from fills, marked at the last trade, quote mid or oracle price of
/// each instrument. Preallocated at construction (accounts × instruments positions); a fill is O(1), a price update
/// is O(accounts) (every holder is revalued). A fill before any price marks the instrument at the fill price.
/// </summary>
internal sealed class BehaviourPnlBook
{
    private readonly int _instrumentCount;
    private readonly int _accountCount;
    private readonly double[] _position;   // [account * instruments + instrument], signed quantity
    private readonly double[] _netPosition; // per instrument, all accounts
    private readonly double[] _mark;
    private readonly double[] _bid;
    private readonly double[] _ask;
    private readonly double[] _multiplier;
    private readonly int[] _groupOf;
    private readonly double[] _accountPnl;
    private readonly double[] _groupPnl;

    public BehaviourPnlBook(DetectorContext context)
    {
        var reg = context.Registry;
        _instrumentCount = Math.Max(1, reg.InstrumentCount);
        _accountCount = context.AccountCapacity;
        _position = new double[_instrumentCount * _accountCount];
        _netPosition = new double[_instrumentCount];
        _mark = new double[_instrumentCount];
        _bid = new double[_instrumentCount];
        _ask = new double[_instrumentCount];
        _multiplier = new double[_instrumentCount];
        _groupOf = new int[_instrumentCount];
        Array.Fill(_mark, double.NaN);
        Array.Fill(_bid, double.NaN);
        Array.Fill(_ask, double.NaN);
        Array.Fill(_multiplier, 1.0);
        for (int i = 0; i < reg.InstrumentCount; i++)
        {
            var spec = reg.Instruments[i];
            _multiplier[i] = spec.Multiplier;
            _groupOf[i] = spec.Group.Value;
        }
        _accountPnl = new double[_accountCount];
        _groupPnl = new double[Math.Max(1, reg.GroupCount)];
    }

    public int InstrumentCount => _instrumentCount;
    public int AccountCount => _accountCount;
    public int GroupOf(int instrument) => _groupOf[instrument];
    public double AccountPnl(int account) => _accountPnl[account];
    public double GroupPnl(int group) => _groupPnl[group];
    public double Mark(int instrument) => _mark[instrument];
    public double Bid(int instrument) => _bid[instrument];
    public double Ask(int instrument) => _ask[instrument];
    public double Position(int account, int instrument) => _position[account * _instrumentCount + instrument];

    /// <summary>Applies a trade, quote or oracle price; returns true when the instrument's mark changed.</summary>
    public bool OnPrice(in RiskEvent e)
    {
        int i = e.Instrument;
        if ((uint)i >= (uint)_instrumentCount) return false;
        double px;
        switch (e.Kind)
        {
            case RiskEventKind.Trade: px = e.TradeData.Price; break;
            case RiskEventKind.Oracle: px = e.OracleData.Price; break;
            case RiskEventKind.Quote:
                double b = e.QuoteData.Bid, a = e.QuoteData.Ask;
                if (!double.IsFinite(b) || !double.IsFinite(a) || a < b) return false;
                _bid[i] = b; _ask[i] = a;
                px = 0.5 * (a + b);
                break;
            default: return false;
        }
        if (!double.IsFinite(px)) return false;
        double old = _mark[i];
        _mark[i] = px;
        if (double.IsNaN(old)) return true;
        if (old == px) return false;
        double dm = (px - old) * _multiplier[i];
        if (_netPosition[i] != 0) _groupPnl[_groupOf[i]] += _netPosition[i] * dm;
        for (int a = 0, k = i; a < _accountCount; a++, k += _instrumentCount)
        {
            double q = _position[k];
            if (q != 0) _accountPnl[a] += q * dm;
        }
        return true;
    }

    /// <summary>Applies a fill of a known account; returns false when the fill is malformed or out of range.</summary>
    public bool OnFill(in RiskEvent e)
    {
        int i = e.Instrument, a = e.Account;
        if ((uint)i >= (uint)_instrumentCount || (uint)a >= (uint)_accountCount) return false;
        double px = e.FillData.Price, qty = e.FillData.Quantity;
        if (!double.IsFinite(px) || !double.IsFinite(qty) || qty <= 0) return false;
        double signed = e.Side == Side.Buy ? qty : -qty;
        if (double.IsNaN(_mark[i])) _mark[i] = px;
        double dPnl = signed * (_mark[i] - px) * _multiplier[i];
        _accountPnl[a] += dPnl;
        _groupPnl[_groupOf[i]] += dPnl;
        _position[a * _instrumentCount + i] += signed;
        _netPosition[i] += signed;
        return true;
    }

    /// <summary>Notional of a quantity at a price.</summary>
    public double Notional(int instrument, double price, double quantity) => price * quantity * _multiplier[instrument];
}
