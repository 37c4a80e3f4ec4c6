using CircuitBreaker;

namespace SampleEngine;

/// <summary>A fill the venue sent back.</summary>
public readonly record struct VenueFill(long OrderId, Side Side, double Price, double Quantity);

/// <summary>
/// The simulated exchange: an order that crosses the market's touch fills at once at the touch; one that does not rests
/// and fills at its price when the market later trades through it. Cancels remove resting orders.
/// </summary>
public sealed class SimulatedVenue
{
    private readonly List<(long Id, Side Side, double Price, double Quantity)> _resting = [];

    /// <summary>Orders resting at the venue.</summary>
    public int RestingCount => _resting.Count;

    /// <summary>Takes an order the gate accepted; returns its immediate fill, if it crossed the touch.</summary>
    public VenueFill? Submit(long orderId, Side side, double price, double quantity, RandomWalkMarket market)
    {
        if (side == Side.Buy && price >= market.Ask) return new VenueFill(orderId, side, market.Ask, quantity);
        if (side == Side.Sell && price <= market.Bid) return new VenueFill(orderId, side, market.Bid, quantity);
        _resting.Add((orderId, side, price, quantity));
        return null;
    }

    /// <summary>Fills every resting order the market has traded through (buys when the ask fell to them, sells when the bid rose to them).</summary>
    public List<VenueFill> Match(RandomWalkMarket market)
    {
        var fills = new List<VenueFill>();
        for (int k = _resting.Count - 1; k >= 0; k--)
        {
            var o = _resting[k];
            bool crossed = o.Side == Side.Buy ? market.Ask <= o.Price : market.Bid >= o.Price;
            if (!crossed) continue;
            fills.Add(new VenueFill(o.Id, o.Side, o.Price, o.Quantity));
            _resting.RemoveAt(k);
        }
        fills.Reverse();
        return fills;
    }

    /// <summary>Cancels a resting order; false when it is not resting (already filled).</summary>
    public bool Cancel(long orderId) => _resting.RemoveAll(o => o.Id == orderId) > 0;

    /// <summary>Ids of every resting order, oldest first.</summary>
    public long[] RestingIds() => _resting.Select(o => o.Id).ToArray();
}
