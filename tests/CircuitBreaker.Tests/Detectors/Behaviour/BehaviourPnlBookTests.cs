namespace CircuitBreaker.Tests.Detectors;

/// <summary>The PnL book revalues only the accounts holding an instrument (issue 22): its holder lists must always be
/// exactly the accounts with a nonzero position, ascending (the order detectors judge them in), and its PnL must equal
/// the full revaluation of every account it replaced, to the bit.</summary>
public sealed class BehaviourPnlBookTests
{
    [Fact]
    public void SeededFillsAndPrices_HoldersAndPnlEqualAFullRevaluation()
    {
        var reg = new InstrumentRegistry();
        var ids = Enumerable.Range(0, 3).Select(k => reg.AddInstrument($"I{k}-PERP", InstrumentKind.Perpetual, 0.5, 1, multiplier: k + 1)).ToArray();
        const int accounts = 40;
        for (int seed = 0; seed < 20; seed++)
        {
            var book = new BehaviourPnlBook(new DetectorContext(reg, accounts));
            var r = new Random(seed);
            var position = new double[accounts, ids.Length];
            var mark = new double[ids.Length];
            Array.Fill(mark, double.NaN);
            var pnl = new double[accounts];
            int opened = 0, closed = 0;
            for (int step = 0; step < 2_000; step++)
            {
                int i = r.Next(ids.Length);
                double px = 100 + 0.5 * r.Next(-40, 41);
                if (r.Next(3) == 0)
                {
                    int a = r.Next(accounts);
                    // Often exactly the opposite of the position, so positions close to zero and holders leave.
                    double qty = position[a, i] != 0 && r.Next(2) == 0 ? Math.Abs(position[a, i]) : r.Next(1, 4);
                    var side = position[a, i] > 0 && qty == Math.Abs(position[a, i]) ? Side.Sell : position[a, i] < 0 && qty == Math.Abs(position[a, i]) ? Side.Buy : (r.Next(2) == 0 ? Side.Buy : Side.Sell);
                    Assert.True(book.OnFill(RiskEvent.Fill(step, ids[i], new AccountId(a), step, side, px, qty)));
                    double signed = side == Side.Buy ? qty : -qty;
                    if (double.IsNaN(mark[i])) mark[i] = px;
                    pnl[a] += signed * (mark[i] - px) * (i + 1);
                    double before = position[a, i];
                    position[a, i] += signed;
                    if (before == 0 && position[a, i] != 0) opened++;
                    if (before != 0 && position[a, i] == 0) closed++;
                }
                else
                {
                    bool changed = book.OnPrice(RiskEvent.Trade(step, ids[i], px, 1));
                    double old = mark[i];
                    mark[i] = px;
                    Assert.Equal(!(old == px), changed);
                    if (!double.IsNaN(old) && old != px)
                        for (int a = 0; a < accounts; a++) // the full revaluation the holder lists replaced
                            if (position[a, i] != 0) pnl[a] += position[a, i] * ((px - old) * (i + 1));
                }
                for (int k = 0; k < ids.Length; k++)
                    Assert.Equal(Enumerable.Range(0, accounts).Where(a => position[a, k] != 0).ToArray(), book.Holders(k).ToArray());
            }
            for (int a = 0; a < accounts; a++) Assert.Equal(pnl[a], book.AccountPnl(a)); // bit for bit
            Assert.True(opened > 50 && closed > 20, $"seed {seed}: positions must open ({opened}) and close ({closed})");
        }
    }
}
