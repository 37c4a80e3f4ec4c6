namespace CircuitBreaker.Detectors;

/// <summary>
/// Mark-to-market PnL per account and per group from fills, marked at the last trade, quote mid or oracle price of
/// each instrument. Preallocated at construction (accounts × instruments positions, and the same number of ints for the
/// holder lists); a fill is O(1) (O(holders) when it opens or closes a position), a price update O(holders): only the
/// accounts holding the instrument are revalued, from a list per instrument in ascending account order (until issue 22 a
/// price update read every account's position, 256 strided loads with the default capacity: the replay's top cost).
/// A fill before any price marks the instrument at the fill price.
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
    private readonly int[] _holders;        // [instrument * accounts + n]: accounts with a nonzero position, ascending
    private readonly int[] _holderCount;    // per instrument

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
        _holders = new int[_instrumentCount * _accountCount];
        _holderCount = new int[_instrumentCount];
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

    /// <summary>The accounts holding a nonzero position in <paramref name="instrument"/>, in ascending order (valid until
    /// the next fill).</summary>
    public ReadOnlySpan<int> Holders(int instrument) => new(_holders, instrument * _accountCount, _holderCount[instrument]);

    /// <summary>True for the kinds that mark the book: trade, quote and oracle prices.</summary>
    public static bool IsPrice(RiskEventKind kind) => kind is RiskEventKind.Trade or RiskEventKind.Quote or RiskEventKind.Oracle;

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
        foreach (int a in Holders(i)) _accountPnl[a] += _position[a * _instrumentCount + i] * dm;
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
        int k = a * _instrumentCount + i;
        double before = _position[k], after = before + signed;
        _position[k] = after;
        if (before == 0 && after != 0) AddHolder(i, a);
        else if (before != 0 && after == 0) RemoveHolder(i, a);
        _netPosition[i] += signed;
        return true;
    }

    private void AddHolder(int instrument, int account)
    {
        int b = instrument * _accountCount, n = _holderCount[instrument]++;
        while (n > 0 && _holders[b + n - 1] > account) { _holders[b + n] = _holders[b + n - 1]; n--; }
        _holders[b + n] = account;
    }

    private void RemoveHolder(int instrument, int account)
    {
        int b = instrument * _accountCount, n = --_holderCount[instrument];
        int at = Array.IndexOf(_holders, account, b, n + 1) - b;
        for (; at < n; at++) _holders[b + at] = _holders[b + at + 1];
    }

    /// <summary>Notional of a quantity at a price.</summary>
    public double Notional(int instrument, double price, double quantity) => price * quantity * _multiplier[instrument];
}
