namespace CircuitBreaker.Drills;

/// <summary>A simulated trader on one instrument: its account, order size, position cap and the position its fills built.</summary>
internal abstract class SimTrader(SimInstrument ins, string account, double size, double maxPosition)
{
    public SimInstrument Instrument => ins;
    public string Account => account;
    public double Size = size;
    public double MaxPosition = maxPosition;
    public double Position { get; private set; }

    /// <summary>Adds a fill of <paramref name="qty"/> on <paramref name="side"/> to the position.</summary>
    protected void Book(Side side, double qty) => Position += side == Side.Buy ? qty : -qty;
}

/// <summary>
/// A market maker on one simulated instrument: every <see cref="RequoteTicks"/> ticks it cancels its resting quotes and
/// quotes both sides at the touch (only the reducing side beyond <see cref="SimTrader.MaxPosition"/>); each tick a resting quote is
/// lifted with probability <see cref="FillChance"/> at its (possibly stale) price, printed as a public trade. So it
/// earns the spread and pays for adverse moves, as a real maker does. Deterministic through the simulator's RNG.
/// </summary>
internal sealed class SimMaker(SimInstrument ins, string account, double size, double maxPosition)
    : SimTrader(ins, account, size, maxPosition)
{
    private long _bidId, _askId;
    private double _bidPx, _askPx;

    public int RequoteTicks = 10;
    public double FillChance = 0.04;
    /// <summary>Quote this many ticks away from the touch (0 = at the touch).</summary>
    public double OffsetTicks;

    public void Step(MarketSim s)
    {
        if (Instrument.Quiet) return;
        if ((s.TickStart / MarketSim.TickNs) % RequoteTicks == 0) Requote(s);
        if (_bidId != 0 && s.Rng.NextDouble() < FillChance) { Fill(s, Side.Buy, _bidId, _bidPx); _bidId = 0; }
        if (_askId != 0 && s.Rng.NextDouble() < FillChance) { Fill(s, Side.Sell, _askId, _askPx); _askId = 0; }
    }

    /// <summary>A price gap lifts the resting quote on <paramref name="side"/> (Buy: the bid) at its stale price, if there is one.</summary>
    public void PickOff(MarketSim s, Side side)
    {
        if (side == Side.Buy && _bidId != 0) { Fill(s, Side.Buy, _bidId, _bidPx); _bidId = 0; }
        else if (side == Side.Sell && _askId != 0) { Fill(s, Side.Sell, _askId, _askPx); _askId = 0; }
    }

    private void Requote(MarketSim s)
    {
        if (_bidId != 0) s.Cancel(Instrument, Account, _bidId);
        if (_askId != 0) s.Cancel(Instrument, Account, _askId);
        _bidId = _askId = 0;
        if (Position < MaxPosition) { _bidPx = Instrument.Bid - OffsetTicks * Instrument.Tick; _bidId = s.Order(Instrument, Account, Side.Buy, _bidPx, Size); }
        if (Position > -MaxPosition) { _askPx = Instrument.Ask + OffsetTicks * Instrument.Tick; _askId = s.Order(Instrument, Account, Side.Sell, _askPx, Size); }
    }

    private void Fill(MarketSim s, Side side, long id, double px)
    {
        s.Fill(Instrument, Account, id, side, px, Size);
        s.Trade(Instrument, px, Size, side == Side.Buy ? Side.Sell : Side.Buy);
        Book(side, Size);
    }
}

/// <summary>
/// A taker on one simulated instrument: on average every <see cref="MeanGapSeconds"/> it crosses the spread for
/// <see cref="SimTrader.Size"/> (±50 %), in the direction of <see cref="Bias"/> (the chance of buying) and flattening when its
/// position passes <see cref="SimTrader.MaxPosition"/>. Deterministic through the simulator's RNG.
/// </summary>
internal sealed class SimTaker(SimInstrument ins, string account, double size, double maxPosition)
    : SimTrader(ins, account, size, maxPosition)
{
    public double MeanGapSeconds = 8;
    public double Bias = 0.5;

    public void Step(MarketSim s)
    {
        if (Instrument.Quiet || s.Rng.NextDouble() >= MarketSim.TickNs / (MeanGapSeconds * MarketSim.Second)) return;
        bool buy = s.Rng.NextDouble() < Bias;
        if (Position >= MaxPosition) buy = false;
        else if (Position <= -MaxPosition) buy = true;
        double qty = Instrument.Qty(Size * (0.5 + s.Rng.NextDouble()));
        Trade(s, buy ? Side.Buy : Side.Sell, qty);
    }

    /// <summary>Crosses the spread now for <paramref name="qty"/>.</summary>
    public void Trade(MarketSim s, Side side, double qty)
    {
        s.Execute(Instrument, Account, side, side == Side.Buy ? Instrument.Ask : Instrument.Bid, qty);
        Book(side, qty);
    }
}
