using System.Text;

namespace CircuitBreaker.Tests.Config;

/// <summary>The <c>closed_order_ids</c> section of the configuration file (issue 20): count and horizon, defaults when
/// absent, every bad value reported with its JSON path, and the written profile carrying it.</summary>
public class ClosedOrderIdConfigTests
{
    private const string Instruments = "\"instruments\":[{\"symbol\":\"X\",\"kind\":\"spot\",\"tick\":1,\"lot\":1}]";

    private static RiskConfigLoadResult Load(string json) => RiskConfigFile.Load(new MemoryStream(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Section_SetsCountAndHorizon_AbsentTakesTheDefaults()
    {
        var r = Load("{\"closed_order_ids\":{\"count\":1000,\"horizon_ms\":60000}," + Instruments + "}");
        Assert.True(r.Succeeded, string.Join("\n", r.Errors));
        Assert.Equal((1000, 60_000_000_000L), (r.Config.ClosedOrderIds, r.Config.ClosedOrderIdHorizonNs));
        var off = Load("{\"closed_order_ids\":{\"count\":0}," + Instruments + "}");
        Assert.True(off.Succeeded, string.Join("\n", off.Errors));
        Assert.Equal((0, 86_400_000_000_000L), (off.Config.ClosedOrderIds, off.Config.ClosedOrderIdHorizonNs));
        var none = Load("{" + Instruments + "}");
        Assert.True(none.Succeeded, string.Join("\n", none.Errors));
        Assert.Equal((0, 86_400_000_000_000L), (none.Config!.ClosedOrderIds, none.Config.ClosedOrderIdHorizonNs)); // off unless set
    }

    [Fact]
    public void BadValues_AreReportedTogether_WithTheirJsonPaths()
    {
        var r = Load("{\"closed_order_ids\":{\"count\":-1,\"horizon_ms\":0,\"size\":3}," + Instruments + "}");
        Assert.False(r.Succeeded);
        var paths = r.Errors.Select(e => e.Path).ToArray();
        Assert.Contains("$.closed_order_ids.count", paths);
        Assert.Contains("$.closed_order_ids.horizon_ms", paths);
        Assert.Contains("$.closed_order_ids.size", paths);
        var big = Load("{\"closed_order_ids\":{\"count\":1048577,\"horizon_ms\":\"1h\"}," + Instruments + "}");
        Assert.Equal(["$.closed_order_ids.count", "$.closed_order_ids.horizon_ms"], big.Errors.Select(e => e.Path).ToArray());
        var notObject = Load("{\"closed_order_ids\":5," + Instruments + "}");
        Assert.Equal("$.closed_order_ids", Assert.Single(notObject.Errors).Path);
    }

    [Fact]
    public void WrittenProfile_CarriesTheSection_AndLoadsBack()
    {
        var c = new CircuitBreakerBuilder().Instrument("X", InstrumentKind.Spot, 1, 1).ClosedOrderIds(500, TimeSpan.FromMinutes(5)).BuildConfig();
        var r = Load(RiskConfigFile.WriteToString(c));
        Assert.True(r.Succeeded, string.Join("\n", r.Errors));
        Assert.Equal((500, 300_000_000_000L), (r.Config.ClosedOrderIds, r.Config.ClosedOrderIdHorizonNs));
    }
}
