using CircuitBreaker.Tests.Replay;

namespace CircuitBreaker.Tests.Positions;

/// <summary>The start-of-day admin event (<see cref="RiskEvent.StartDay(long)"/>, tape <c>action: start_day</c>).</summary>
public class StartDayTests
{
    private static GateFixture LosingDay(long origin)
    {
        var f = new GateFixture(account: new AccountLimits { MaxDailyLoss = 1_000 }, origin: origin);
        Assert.True(f.Send(Side.Buy, 64000.0, 1.0).IsAccepted);
        f.Fill(f.Mm, f.Btc, f.LastId, Side.Buy, 64000.0, 1.0);
        f.Trade(f.Btc, 63500.0, 0.1); // -500 today
        Assert.Equal(-500, f.Breaker.Positions.DailyPnl(f.Mm), 6);
        return f;
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-3_000_000_000L)]
    [InlineData(1_800_000_000_000_000_000L)]
    public void Apply_StartDayAllAccounts_DailyLossCountsFromNow_SoTheSameMoveNoLongerTrips(long origin)
    {
        var f = LosingDay(origin);
        f.Breaker.Apply(RiskEvent.StartDay(++f.Now));
        Assert.Equal(0, f.Breaker.Positions.DailyPnl(f.Mm), 6);

        f.Trade(f.Btc, 62900.0, 0.1); // -1,100 since the fill, -600 since the day started
        Assert.Equal(-600, f.Breaker.Positions.DailyPnl(f.Mm), 6);
        Assert.Equal(TradingState.Active, f.Breaker.Board.Get(Scope.Account, f.Mm.Value));
    }

    [Fact]
    public void Apply_WithoutStartDay_TheSameMoveTrips_Control()
    {
        var f = LosingDay(0);
        f.Trade(f.Btc, 62900.0, 0.1);
        Assert.Equal(TradingState.ReduceOnly, f.Breaker.Board.Get(Scope.Account, f.Mm.Value));
    }

    [Fact]
    public void Apply_StartDayOneAccount_LeavesTheOthers()
    {
        var f = LosingDay(0);
        f.Breaker.Apply(RiskEvent.StartDay(++f.Now, f.Other));
        Assert.Equal(-500, f.Breaker.Positions.DailyPnl(f.Mm), 6);
        f.Breaker.Apply(RiskEvent.StartDay(++f.Now, f.Mm));
        Assert.Equal(0, f.Breaker.Positions.DailyPnl(f.Mm), 6);
        f.Breaker.Apply(RiskEvent.StartDay(++f.Now, new AccountId(1 << 20))); // outside the configuration: ignored, never throws
        f.Breaker.Apply(RiskEvent.Admin(++f.Now, AdminAction.StartDay, Scope.Instrument, f.Btc.Value)); // no such day roll: ignored
    }

    [Fact]
    public void Pipeline_PublishedStartDay_RollsTheDayOnTheEvaluator()
    {
        var f = LosingDay(1_800_000_000_000_000_000);
        using var pipeline = new RiskPipeline(f.Breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 64 }, StallThreshold = TimeSpan.Zero });
        pipeline.Start();
        Assert.Equal(PublishResult.Published, pipeline.Publish(RiskEvent.StartDay(++f.Now)));
        pipeline.Stop();
        Assert.Equal(0, f.Breaker.Positions.DailyPnl(f.Mm), 6);
    }

    private const string Tape = """
        {"t":0,"type":"instrument","symbol":"BTC-PERP","kind":"perpetual","tick":0.1,"lot":0.001}
        {"t":1,"type":"trade","symbol":"BTC-PERP","px":64000.0,"qty":0.1}
        {"t":2,"type":"order","symbol":"BTC-PERP","id":1,"account":"mm-1","side":"buy","px":64000.0,"qty":1}
        {"t":3,"type":"fill","symbol":"BTC-PERP","order_id":1,"account":"mm-1","side":"buy","px":64000.0,"qty":1}
        {"t":4,"type":"trade","symbol":"BTC-PERP","px":63500.0,"qty":0.1}
        DAY
        {"t":6,"type":"trade","symbol":"BTC-PERP","px":62900.0,"qty":0.1}
        """;

    private static ReplayResult ReplayWithLossLimit(string day)
        => ReplayEngineTests.Replay(Tape.Replace("DAY", day), ReplayOptions.NoDetectors, b => b.DefaultAccountLimits(new AccountLimits { MaxDailyLoss = 1_000 }));

    [Fact]
    public void Replay_TapeStartDay_NoTrip_ControlWithoutItTrips()
    {
        var rolled = ReplayWithLossLimit("""{"t":5,"type":"admin","action":"start_day"}""");
        Assert.Equal(0, rolled.Report.BadRecords);
        Assert.Empty(rolled.Report.Trips);

        var control = ReplayWithLossLimit("""{"t":5,"type":"trade","symbol":"BTC-PERP","px":63500.0,"qty":0.1}""");
        Assert.NotEmpty(control.Report.Trips);
    }

    [Fact]
    public void Replay_TapeStartDayForOneAccount_Works_OnAnInstrumentIsABadRecord()
    {
        var one = ReplayWithLossLimit("""{"t":5,"type":"admin","action":"start_day","scope":"account","target":"mm-1"}""");
        Assert.Equal(0, one.Report.BadRecords);
        Assert.Empty(one.Report.Trips);

        var bad = ReplayWithLossLimit("""{"t":5,"type":"admin","action":"start_day","scope":"instrument","target":"BTC-PERP"}""");
        Assert.Equal(1, bad.Report.BadRecords);
        Assert.Contains("start_day", Assert.Single(bad.BadRecords).Reason);
    }
}
