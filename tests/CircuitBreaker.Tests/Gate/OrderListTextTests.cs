using CircuitBreaker.Gate;

namespace CircuitBreaker.Tests.Gate;

/// <summary>How <see cref="DecisionText.Format"/> renders the list and batch reasons (issue 20): the size cap with its
/// figures, and ListRejected / BatchRejected / InvalidList with what they mean, taken from real gate decisions in all three
/// concurrency modes, at the cap (passes) and one child over (refused).</summary>
public class OrderListTextTests
{
    public static TheoryData<GateConcurrency> Modes => new() { GateConcurrency.MultiThreaded, GateConcurrency.SingleWriter, GateConcurrency.AccountOwned };

    private static GateFixture Fixture(GateConcurrency mode, int maxOrders = 32)
        => new(new InstrumentLimits { FatFingerMultiple = 1e9, MaxLongPosition = 1.0 }, new AccountLimits { PreventSelfMatch = false },
            b => b.Lists(maxOrders: maxOrders), concurrency: mode);

    private static OrderRequest[] Buys(GateFixture f, int n, long firstId, double qty, long t)
        => Enumerable.Range(0, n).Select(i => new OrderRequest(t, f.Btc, f.Mm, firstId + i, Side.Buy, 64000.0, qty)).ToArray();

    [Theory, MemberData(nameof(Modes))]
    public void ListTooLarge_SaysHowManyOrdersAgainstTheCap(GateConcurrency mode)
    {
        var f = Fixture(mode);
        long t = f.Now + 1;
        var d = new Decision[40];
        var big = f.Breaker.CheckList(Buys(f, 40, 1, 0.001, t), d);
        Assert.Equal("ListTooLarge (Account): list of 40 orders > max 32", DecisionText.Format(in big));
        Assert.Equal("ListTooLarge (Account): list of 40 orders > max 32", DecisionText.Format(in d[39]));
        var atCap = f.Breaker.CheckList(Buys(f, 32, 100, 0.001, t), d); // the boundary: 32 pass
        Assert.Equal("Accepted", DecisionText.Format(in atCap));
    }

    [Theory, MemberData(nameof(Modes))]
    public void ListRejected_SaysTheChildWasRefusedWithItsList_TheCulpritKeepsItsFigures(GateConcurrency mode)
    {
        var f = Fixture(mode);
        long t = f.Now + 1;
        var d = new Decision[2];
        OrderRequest[] over = [new(t, f.Btc, f.Mm, 1, Side.Buy, 64000.0, 0.5), new(t, f.Btc, f.Mm, 2, Side.Buy, 64000.0, 0.501)];
        Assert.False(f.Breaker.CheckList(over, d).IsAccepted);
        Assert.Equal("ListRejected (Instrument): passed its own checks, refused with its list (another child was refused; nothing of the list was kept)", DecisionText.Format(in d[0]));
        Assert.Equal("MaxPosition (Instrument): position with working orders 1.001 > max 1", DecisionText.Format(in d[1]));
    }

    [Theory, MemberData(nameof(Modes))]
    public void BatchRejectedAndInvalidList_SayWhy(GateConcurrency mode)
    {
        var f = Fixture(mode);
        long t = f.Now + 1;
        var d = new Decision[2];
        Assert.True(f.Breaker.CheckList(Buys(f, 2, 1, 0.25, t), d).IsAccepted);
        OrderRequest[] batch = [new(t, f.Btc, f.Mm, 1, Side.Buy, 64000.0, 0.5, OrderAction.Replace), new(t, f.Btc, f.Mm, 2, Side.Buy, 64000.0, 0.501, OrderAction.Replace)];
        Assert.False(f.Breaker.CheckBatch(batch, d).IsAccepted);
        Assert.Equal("BatchRejected (Instrument): passed its own checks, refused with its batch (another amendment was refused; every order kept as it was)", DecisionText.Format(in d[0]));
        Assert.Equal(RejectReason.MaxPosition, d[1].Reason);
        OrderRequest[] twice = [batch[0], batch[0]];
        var invalid = f.Breaker.CheckBatch(twice, d);
        Assert.Equal("InvalidList (Account): malformed list or batch (empty, decisions span too short, mixed accounts or actions, or an order id amended twice)", DecisionText.Format(in invalid));
    }
}
