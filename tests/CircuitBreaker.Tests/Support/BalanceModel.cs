namespace CircuitBreaker.Tests.Support;

/// <summary>
/// The independent balance reference for <c>BalancePropertyTests</c>: plain doubles and dictionaries, no fixed point, no
/// atomics. It follows docs/controls.md ("Cash and margin balances", "Post-trade limits") from the outside: the free
/// balance per account and settlement currency, what working orders hold, positions by the average-price method, the
/// instrument mark by the documented rule, fills, fees and balance events, and which orders reduce a position.
/// </summary>
internal sealed class BalanceModel
{
    public sealed class Live { public int Acc, Ins; public Side Side; public long Px, Lots; }

    public readonly int Instruments, Accounts;
    public readonly double[] Tick, Lot, Rate, Fee;
    public readonly int[] Currency;
    public readonly BalanceMode[] Mode;
    public readonly double[,] Balance;                 // [account, currency]
    public readonly long[,] Position;                  // lots, [account, instrument]
    public readonly double[,] Avg;                     // average price
    public readonly double[] Mark;                     // NaN until the first mark (the property trades every instrument first)
    private readonly bool[] _tradedOrQuoted;
    public readonly Dictionary<(int acc, long id), Live> Orders = new();

    public BalanceModel(double[] tick, double[] lot, double[] rate, double[] fee, int[] currency, BalanceMode[] mode, double[,] balance)
    {
        Instruments = tick.Length; Accounts = mode.Length;
        (Tick, Lot, Rate, Fee, Currency, Mode, Balance) = (tick, lot, rate, fee, currency, mode, balance);
        Position = new long[Accounts, Instruments];
        Avg = new double[Accounts, Instruments];
        Mark = Enumerable.Repeat(double.NaN, Instruments).ToArray();
        _tradedOrQuoted = new bool[Instruments];
    }

    /// <summary>The mark rule: trades and quotes mark; an oracle only while the instrument never traded or quoted.</summary>
    public void OnTrade(int ins, double px) { Mark[ins] = px; _tradedOrQuoted[ins] = true; }
    public void OnQuote(int ins, double mid) { Mark[ins] = mid; _tradedOrQuoted[ins] = true; }
    public void OnOracle(int ins, double px) { if (!_tradedOrQuoted[ins]) Mark[ins] = px; }

    public double Notional(int ins, long px, long lots) => Math.Abs(px * Tick[ins]) * lots * Lot[ins];

    /// <summary>What an order holds: cash, notional × (1 + fee); margin, notional × margin rate.</summary>
    public double Hold(int acc, int ins, long px, long lots)
        => Notional(ins, px, lots) * (Mode[acc] == BalanceMode.Cash ? 1 + Fee[ins] : Rate[ins]);

    public double Held(int acc, int cur) => Orders.Values.Where(o => o.Acc == acc && Currency[o.Ins] == cur).Sum(o => Hold(acc, o.Ins, o.Px, o.Lots));

    public int HeldOrders(int acc, int cur) => Orders.Values.Count(o => o.Acc == acc && Currency[o.Ins] == cur);

    /// <summary>Free before holds: cash, the balance; margin, balance + unrealised PnL − Σ |position notional at mark| × rate.</summary>
    public double Collateral(int acc, int cur)
    {
        double free = Balance[acc, cur];
        if (Mode[acc] != BalanceMode.Margin) return free;
        for (int i = 0; i < Instruments; i++)
        {
            if (Currency[i] != cur || Position[acc, i] == 0) continue;
            double qty = Position[acc, i] * Lot[i], mark = Mark[i];
            free += (mark - Avg[acc, i]) * qty - Math.Abs(qty * mark) * Rate[i];
        }
        return free;
    }

    public long Working(int acc, int ins, Side side) => Orders.Values.Where(o => o.Acc == acc && o.Ins == ins && o.Side == side).Sum(o => o.Lots);

    /// <summary>Position-reducing: opposite the position, and this side's working lots (with the order) at most close it.</summary>
    public bool Reducing(int acc, int ins, Side side, long newWorking)
    {
        long pos = Position[acc, ins];
        return side == Side.Buy ? pos < 0 && newWorking <= -pos : pos > 0 && newWorking <= pos;
    }

    /// <summary>A fill: position and average price, then the balance (cash pays or receives the notional, margin books the
    /// realised PnL; both pay the fee), and the order's remaining quantity.</summary>
    public void OnFill(int acc, int ins, long id, Side side, long px, long lots)
    {
        double price = px * Tick[ins];
        long pos = Position[acc, ins], signed = side == Side.Buy ? lots : -lots, after = pos + signed;
        double realised = 0;
        if (pos != 0 && Math.Sign(pos) != Math.Sign(signed))
        {
            long closing = Math.Min(Math.Abs(pos), lots);
            realised = (price - Avg[acc, ins]) * closing * Lot[ins] * Math.Sign(pos);
            if (after == 0) Avg[acc, ins] = 0;
            else if (Math.Sign(after) == Math.Sign(signed)) Avg[acc, ins] = price;
        }
        else Avg[acc, ins] = (Avg[acc, ins] * Math.Abs(pos) + price * lots) / Math.Abs(after);
        Position[acc, ins] = after;
        double notional = Math.Abs(price) * lots * Lot[ins];
        int cur = Currency[ins];
        if (Mode[acc] == BalanceMode.Cash) Balance[acc, cur] += side == Side.Buy ? -notional : notional;
        else Balance[acc, cur] += realised;
        Balance[acc, cur] -= notional * Fee[ins];
        if (Orders.TryGetValue((acc, id), out var o))
        {
            o.Lots -= Math.Min(o.Lots, lots);
            if (o.Lots == 0) Orders.Remove((acc, id));
        }
    }

    public void OnBalance(int acc, int cur, BalanceChange change, double amount)
    {
        ref double b = ref Balance[acc, cur];
        b = change switch
        {
            BalanceChange.Deposit => b + Math.Abs(amount),
            BalanceChange.Withdrawal => b - Math.Abs(amount),
            BalanceChange.Fee => b - amount,
            BalanceChange.Set => amount,
            _ => b + amount,
        };
    }
}
