using CircuitBreaker;
using CircuitBreaker.Pipeline;

namespace SampleEngine;

/// <summary>
/// The simulated market of one instrument: a seeded random-walk mid, a quoted spread with depth, and a few public
/// trades per tick. Everything it says goes to the risk pipeline as quotes and trades (the breaker's reference prices).
/// </summary>
public sealed class RandomWalkMarket
{
    private readonly Random _rng;

    /// <summary>Creates the market around <paramref name="mid"/>; the same seed gives the same prices.</summary>
    public RandomWalkMarket(int seed, double mid, double tick, double spread = 0.40, double volBps = 2.5)
    {
        _rng = new Random(seed);
        Mid = mid;
        Tick = tick;
        Spread = spread;
        VolBps = volBps;
    }

    /// <summary>Mid price now.</summary>
    public double Mid { get; private set; }
    /// <summary>Price increment.</summary>
    public double Tick { get; }
    /// <summary>Quoted spread (ask minus bid).</summary>
    public double Spread { get; }
    /// <summary>Standard move per tick, in basis points.</summary>
    public double VolBps { get; }
    /// <summary>Drift per tick in basis points (negative: a falling market).</summary>
    public double DriftBps { get; set; }
    /// <summary>Best bid now.</summary>
    public double Bid => Round(Mid - Spread / 2);
    /// <summary>Best ask now.</summary>
    public double Ask => Round(Mid + Spread / 2);

    /// <summary>Rounds a price to the tick.</summary>
    public double Round(double price) => Math.Round(price / Tick) * Tick;

    /// <summary>Moves the mid one tick of time and publishes a quote and one or two public trades at <paramref name="timeNs"/>.</summary>
    public void Step(long timeNs, InstrumentId instrument, RiskPipeline pipeline)
    {
        double shock = (_rng.NextDouble() + _rng.NextDouble() + _rng.NextDouble() - 1.5) * 2 * VolBps / 1e4;
        Mid *= 1 + shock + DriftBps / 1e4;
        double depth = Math.Round(20 + 20 * _rng.NextDouble(), 2);
        var quote = RiskEvent.Quote(timeNs, instrument, Bid, Ask, depth, depth);
        pipeline.Publish(in quote);
        int trades = 1 + (_rng.NextDouble() < 0.5 ? 1 : 0);
        for (int k = 0; k < trades; k++)
        {
            bool buy = _rng.NextDouble() < 0.5;
            double qty = Math.Round(0.5 + 2.5 * _rng.NextDouble(), 2);
            var trade = RiskEvent.Trade(timeNs, instrument, buy ? Ask : Bid, qty, buy ? Side.Buy : Side.Sell);
            pipeline.Publish(in trade);
        }
    }
}
