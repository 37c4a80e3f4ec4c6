namespace CircuitBreaker.Tests.Config;

/// <summary>The order-list keys of the configuration file (issue 20): <c>max_list_orders</c> and <c>list_rate</c>, read,
/// defaulted, written back, and refused with their JSON path.</summary>
public class ListConfigFileTests
{
    private const string Instruments = """ "instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}]""";

    [Theory]
    [InlineData("""{"max_list_orders":0,""" + Instruments + "}", "$.max_list_orders: must be in 1..256 (was 0)")]
    [InlineData("""{"max_list_orders":257,""" + Instruments + "}", "$.max_list_orders: must be in 1..256 (was 257)")]
    [InlineData("""{"max_list_orders":"many",""" + Instruments + "}", "$.max_list_orders: must be")]
    [InlineData("""{"list_rate":"per_order",""" + Instruments + "}", "$.list_rate: unknown value 'per_order' (expected one of: per_list, per_child)")]
    public void BadListKeys_ReportTheirJsonPath(string json, string expected)
    {
        var r = RiskConfigFile.Parse(json);
        Assert.False(r.Succeeded);
        Assert.Contains(r.Errors, e => e.ToString().Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void BothBadKeys_AreReportedInOneResult()
    {
        var r = RiskConfigFile.Parse("""{"max_list_orders":0,"list_rate":1,""" + Instruments + "}");
        Assert.Equal(2, r.Errors.Count);
    }

    [Fact]
    public void ListKeys_ReadDefaultedAndWrittenBack()
    {
        var d = RiskConfigFile.Parse("{" + Instruments + "}");
        Assert.True(d.Succeeded, string.Join("; ", d.Errors));
        Assert.Equal((32, ListRateMode.PerList), (d.Config.MaxListOrders, d.Config.ListRate));
        var r = RiskConfigFile.Parse("""{"max_list_orders":256,"list_rate":"per_child",""" + Instruments + "}");
        Assert.True(r.Succeeded, string.Join("; ", r.Errors));
        Assert.Equal((256, ListRateMode.PerChild), (r.Config.MaxListOrders, r.Config.ListRate));
        var again = RiskConfigFile.Parse(RiskConfigFile.WriteToString(r.Config, r.PipelineOptions, r.Signatures));
        Assert.True(again.Succeeded, string.Join("; ", again.Errors));
        Assert.Equal((256, ListRateMode.PerChild), (again.Config.MaxListOrders, again.Config.ListRate));
        // A run-time limits swap keeps them.
        var swapped = r.Config.WithInstrumentLimits(new InstrumentId(0), new InstrumentLimits { CollarBps = 100 });
        Assert.Equal((256, ListRateMode.PerChild), (swapped.MaxListOrders, swapped.ListRate));
    }

    [Fact]
    public void Builder_RefusesAnOutOfRangeCap_AndAnUndefinedMode_Together()
    {
        var ex = Assert.Throws<RiskConfigException>(() => new CircuitBreakerBuilder().Instrument("X", InstrumentKind.Spot, 1, 1)
            .Lists(maxOrders: 0, rate: (ListRateMode)7).BuildConfig());
        Assert.Contains("max list orders must be between 1 and 256 (was 0)", ex.Errors);
        Assert.Contains("list rate mode 7 is not a defined ListRateMode", ex.Errors);
    }
}
