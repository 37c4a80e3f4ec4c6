using CircuitBreaker;

namespace SampleEngine;

/// <summary>Where the engine sends a strategy's orders (through the pre-trade gate first).</summary>
public interface IOrderRouter
{
    /// <summary>Sends a new order; returns its id while it works at the venue (accepted and resting), null when the gate
    /// rejected it or it filled at once.</summary>
    long? Send(Side side, double price, double quantity);
    /// <summary>Cancels a working order.</summary>
    void Cancel(long orderId);
}

/// <summary>What the strategy is doing.</summary>
public enum StrategyMode
{
    /// <summary>Two-sided quotes around the mid, refreshed every second, skewed by inventory.</summary>
    Quoting,
    /// <summary>The broken build: buys at the ask, many times every tick, whatever the market does (Knight Capital, 2012).</summary>
    Runaway,
}

/// <summary>
/// A small market maker. Quoting: every second it cancels its quotes and quotes a bid and an ask of
/// <see cref="BaseSize"/> × the desk's limits scale, skewed against its inventory; beyond twice
/// <see cref="MaxInventory"/> it unwinds with a crossing order instead. Runaway: <see cref="RunawayOrdersPerTick"/>
/// buys at the ask every tick.
/// </summary>
public sealed class MarketMakerStrategy
{
    private readonly List<long> _working = [];

    /// <summary>Current mode (the sample's script flips it).</summary>
    public StrategyMode Mode { get; set; } = StrategyMode.Quoting;
    /// <summary>Quote size at a limits scale of 1 (default 1.0).</summary>
    public double BaseSize { get; init; } = 1.0;
    /// <summary>Inventory beyond which the side that adds to it is not quoted (default 5).</summary>
    public double MaxInventory { get; init; } = 5;
    /// <summary>Distance of each quote from the mid (default 0.6).</summary>
    public double HalfSpread { get; init; } = 0.6;
    /// <summary>Buys per tick when runaway (default 10).</summary>
    public int RunawayOrdersPerTick { get; init; } = 10;
    /// <summary>Size of the last quote sent.</summary>
    public double LastQuoteSize { get; private set; }

    /// <summary>Called every tick (100 ms of event time).</summary>
    public void OnTick(long tick, IOrderRouter router, RandomWalkMarket market, double position, double limitsScale)
    {
        if (Mode == StrategyMode.Runaway)
        {
            for (int k = 0; k < RunawayOrdersPerTick; k++) router.Send(Side.Buy, market.Ask, 1.0);
            return;
        }
        if (tick % 10 != 0) return;
        foreach (long id in _working) router.Cancel(id);
        _working.Clear();
        double size = Math.Max(0.01, Math.Round(BaseSize * limitsScale, 2));
        if (Math.Abs(position) > 2 * MaxInventory)
        {
            // Unwind: cross the spread towards flat, at most 5 at a time.
            double qty = Math.Round(Math.Min(Math.Abs(position) - MaxInventory, 5 * limitsScale), 2);
            if (position > 0) router.Send(Side.Sell, market.Bid, qty);
            else router.Send(Side.Buy, market.Ask, qty);
            return;
        }
        double skew = position * 0.05;
        LastQuoteSize = size;
        if (position < MaxInventory && router.Send(Side.Buy, market.Round(market.Mid - HalfSpread - skew), size) is long bid) _working.Add(bid);
        if (position > -MaxInventory && router.Send(Side.Sell, market.Round(market.Mid + HalfSpread - skew), size) is long ask) _working.Add(ask);
    }

    /// <summary>An order of the strategy filled in full or was cancelled by someone else: it no longer works.</summary>
    public void OnDone(long orderId) => _working.Remove(orderId);
}
