using System.Text;

namespace CircuitBreaker.Tests.Replay;

public class ReplayEngineTests
{
    internal const string SpecExample = TapeText.Example;

    internal static ReplayResult Replay(string tape, ReplayOptions? options = null, Action<CircuitBreakerBuilder>? configure = null)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(tape);
        RiskConfig config;
        using (var first = new TapeReader(new MemoryStream(bytes), "t")) config = ReplayEngine.BuildConfigFromTape(first.ReadAll(), configure);
        using var reader = new TapeReader(new MemoryStream(bytes), "t");
        return new ReplayEngine(config, options).Run(reader);
    }

    [Fact]
    public void Run_SpecExample_RejectsFatFingerOrderWithReasonInReport()
    {
        var r = Replay(SpecExample).Report;
        Assert.Equal(5, r.Events);
        Assert.Equal(1, r.Orders.Checked);
        Assert.Equal(1, r.Orders.Rejected);
        Assert.Equal(1, r.Orders.RejectedByReason["MaxOrderQuantity"]);
        Assert.Contains("\"MaxOrderQuantity\": 1", r.ToJson());
    }

    [Fact]
    public void Run_BreakerOffProfile_AcceptsFatFingerOrder()
    {
        var r = Replay(SpecExample, ReplayOptions.NoDetectors, BreakerProfiles.Off).Report;
        Assert.Equal(1, r.Orders.Accepted);
        Assert.Equal(0, r.Orders.Rejected);
    }

    [Fact]
    public void Run_SameTapeTwice_ByteIdenticalJson()
    {
        var tape = CircuitBreaker.Drills.Drill.Find("flash-loan")!.Generate(3);
        string Json()
        {
            var config = ReplayEngine.BuildConfigFromTape(new TapeReader(new MemoryStream(tape)).ReadAll());
            using var reader = new TapeReader(new MemoryStream(tape), "flash-loan");
            return new ReplayEngine(config).Run(reader).Report.ToJson();
        }
        string a = Json(), b = Json();
        Assert.Equal(a, b);
        Assert.Contains("\"trips\"", a);
    }

    [Fact]
    public void Run_FillOfRejectedOrder_IsSuppressedAndBuildsNoPosition()
    {
        string tape = SpecExample + "\n" + """
            {"t":60000001000,"type":"fill","symbol":"BTC-PERP","order_id":1,"account":"mm-1","side":"buy","px":64000.0,"qty":500}
            {"t":60000002000,"type":"order","symbol":"BTC-PERP","id":1,"account":"mm-1","action":"cancel"}
            {"t":60000003000,"type":"fill","symbol":"BTC-PERP","order_id":99,"account":"mm-1","side":"buy","px":64000.0,"qty":1}
            """;
        var result = Replay(tape);
        Assert.Equal(3, result.Report.SuppressedFills);
        Assert.Equal(0, result.Account("mm-1")!.Fills);
        Assert.Equal(0, result.Account("mm-1")!.GrossExposure);
    }

    [Fact]
    public void Run_AcceptedOrderFill_BuildsPositionAndPnl()
    {
        string tape = """
            {"t":0,"type":"instrument","symbol":"X","kind":"spot","tick":1,"lot":1}
            {"t":1,"type":"trade","symbol":"X","px":100,"qty":10}
            {"t":2,"type":"order","symbol":"X","id":7,"account":"a","side":"buy","px":100,"qty":10}
            {"t":3,"type":"fill","symbol":"X","order_id":7,"account":"a","side":"buy","px":100,"qty":10}
            {"t":4,"type":"trade","symbol":"X","px":97,"qty":1}
            {"t":5,"type":"position","symbol":"X","account":"a","qty":3}
            """;
        var result = Replay(tape);
        Assert.Equal(0, result.Report.SuppressedFills);
        Assert.Equal(-30, result.Account("a")!.Pnl, 6);
        Assert.Equal(1, result.PositionDisagreements);
    }

    [Fact]
    public void Run_AdminHalt_ListsTripWithNamesAndRejectsLaterOrders()
    {
        string tape = """
            {"t":0,"type":"instrument","symbol":"X","kind":"spot","tick":1,"lot":1}
            {"t":1,"type":"trade","symbol":"X","px":100,"qty":10}
            {"t":2,"type":"admin","action":"halt","scope":"instrument","target":"X","reason":"drill"}
            {"t":3,"type":"order","symbol":"X","id":7,"account":"a","side":"buy","px":100,"qty":1}
            """;
        var r = Replay(tape).Report;
        var trip = Assert.Single(r.Trips);
        Assert.Equal("X", trip.Target);
        Assert.Equal(TradingState.Halted, trip.State);
        Assert.Equal("halt", trip.Reason);
        Assert.Equal("drill", trip.Detail);
        Assert.Equal(1, r.Orders.RejectedByReason["Halted"]);
    }

    [Fact]
    public void Run_NoGoodRecord_Throws()
    {
        using var reader = new TapeReader(new MemoryStream(Encoding.UTF8.GetBytes("not json\n")), "bad");
        var config = new CircuitBreakerBuilder().Instrument("X", InstrumentKind.Spot, 1, 1).BuildConfig();
        Assert.Throws<TapeFormatException>(() => new ReplayEngine(config).Run(reader));
    }
}
