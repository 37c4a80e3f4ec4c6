namespace CircuitBreaker.Tests.Gate;

/// <summary>
/// Issue 19 item 2: the price collar of options is sane for short-dated premiums: 50 % of the premium, never within
/// 10 ticks of the reference, against the quote mid (not a premium trade up to 30 s old). Spot-like kinds keep 5 % of the
/// last trade (the control).
/// </summary>
public class OptionCollarTests
{
    private static (GateFixture F, InstrumentId Call, InstrumentId Perp) Fixture()
    {
        var f = new GateFixture(more: b => b
            .Instrument("ETH-3050-C", InstrumentKind.Option, tick: 0.1, lot: 0.1, underlying: "ETH", strike: 3050)
            .Instrument("ETH-PERP", InstrumentKind.Perpetual, tick: 0.1, lot: 0.1, underlying: "ETH"));
        Assert.True(f.Breaker.Registry.TryGetInstrument("ETH-3050-C", out var call));
        Assert.True(f.Breaker.Registry.TryGetInstrument("ETH-PERP", out var perp));
        return (f, call, perp);
    }

    [Fact]
    public void CheapPremium_FewTicksAway_Accepted_PerpAtSamePricesRejected()
    {
        var (f, call, perp) = Fixture();
        f.Trade(call, 0.3, 1); f.Quote(call, 0.2, 0.4);
        f.Trade(perp, 0.3, 1); f.Quote(perp, 0.2, 0.4);
        Assert.True(f.Send(Side.Buy, 0.5, 1, instrument: call).IsAccepted);  // +67 %, 2 ticks
        Assert.Equal(RejectReason.PriceCollar, f.Send(Side.Buy, 0.5, 1, instrument: perp).Reason);
    }

    [Fact]
    public void Premium_AgainstQuoteMidNotOldTrade_HalfThePremiumBand()
    {
        var (f, call, _) = Fixture();
        f.Trade(call, 20.0, 1);          // an old premium trade
        f.Quote(call, 39.9, 40.1);       // the premium has doubled since: the mid is the reference
        Assert.True(f.Send(Side.Buy, 45.0, 1, instrument: call).IsAccepted);
        Assert.True(f.Send(Side.Sell, 25.0, 1, account: f.Other, instrument: call).IsAccepted);   // −37.5 %: inside 50 %
        Assert.Equal(RejectReason.PriceCollar, f.Send(Side.Buy, 400.0, 1, instrument: call).Reason); // a wrong digit
        Assert.Equal(RejectReason.PriceCollar, f.Send(Side.Sell, 15.0, 1, account: f.Other, instrument: call).Reason);  // −62.5 %
    }

    [Fact]
    public void ExplicitCollar_OnOption_Honoured_TickFloorStays()
    {
        var f = new GateFixture(more: b => b.Instrument("ETH-3050-C", InstrumentKind.Option, tick: 0.1, lot: 0.1, underlying: "ETH", strike: 3050,
            limits: new InstrumentLimits { CollarBps = 500 }));
        Assert.True(f.Breaker.Registry.TryGetInstrument("ETH-3050-C", out var call));
        f.Quote(call, 39.9, 40.1);
        Assert.Equal(RejectReason.PriceCollar, f.Send(Side.Buy, 45.0, 1, instrument: call).Reason); // 12.5 % > 5 %, 50 ticks
        Assert.True(f.Send(Side.Buy, 41.0, 1, instrument: call).IsAccepted);                       // 10 ticks: within the floor
    }
}
