using CircuitBreaker.Extensions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CircuitBreaker.Tests.Hosting;

/// <summary>A hosted breaker reads its limits through the configuration file's schema (<see cref="CircuitBreakerSettings.FromConfiguration"/>
/// turns the section into the file's JSON), so the list settings (<c>max_list_orders</c>, <c>list_rate</c>) and the
/// closed-order-id memory (<c>closed_order_ids</c>, off by default) are configured the same way as in the file, in either
/// spelling, validated with the file's paths; these tests prove they take effect in the breaker the host builds.</summary>
public class HostingListSettingsTests
{
    private static Dictionary<string, string?> Base() => new()
    {
        ["CircuitBreaker:instruments:0:symbol"] = "X", ["CircuitBreaker:instruments:0:kind"] = "spot",
        ["CircuitBreaker:instruments:0:tick"] = "0.01", ["CircuitBreaker:instruments:0:lot"] = "1",
        ["CircuitBreaker:accounts:0:name"] = "a",
    };

    private static ServiceProvider Host(Dictionary<string, string?> values)
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("CircuitBreaker");
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddCircuitBreaker(section);
        return services.BuildServiceProvider();
    }

    [Theory]
    [InlineData("max_list_orders", "list_rate", "closed_order_ids:count", "closed_order_ids:horizon_ms")]
    [InlineData("MaxListOrders", "ListRate", "ClosedOrderIds:Count", "ClosedOrderIds:HorizonMs")]
    public void ListSettingsAndClosedOrderIds_FromTheHostConfiguration_TakeEffectInTheBreaker(string maxKey, string rateKey, string countKey, string horizonKey)
    {
        var values = Base();
        values["CircuitBreaker:" + maxKey] = "3";
        values["CircuitBreaker:" + rateKey] = "per_child";
        values["CircuitBreaker:" + countKey] = "100";
        values["CircuitBreaker:" + horizonKey] = "60000";
        using var sp = Host(values);
        var c = sp.GetRequiredService<CircuitBreakerSettings>().Config;
        Assert.Equal((3, ListRateMode.PerChild, 100, 60_000_000_000L), (c.MaxListOrders, c.ListRate, c.ClosedOrderIds, c.ClosedOrderIdHorizonNs));

        var b = sp.GetRequiredService<Breaker>();
        Assert.True(b.Registry.TryGetInstrument("X", out var x));
        Assert.True(b.Registry.TryGetAccount("a", out var a));
        long t = 1_000_000_000;
        b.Apply(RiskEvent.Trade(t, x, 10.0, 1));
        var d = new Decision[4];
        var four = Enumerable.Range(1, 4).Select(i => new OrderRequest(t, x, a, i, Side.Buy, 10.0, 1)).ToArray();
        Assert.Equal(RejectReason.ListTooLarge, b.CheckList(four, d).Reason); // one over the configured cap
        Assert.True(b.CheckList(four.AsSpan(0, 3), d).IsAccepted);          // at the cap
        // Closed-order-id memory on: a cancelled id resent is a duplicate (off by default: see the next test).
        Assert.True(b.Check(OrderRequest.Cancel(t, x, a, 1)).IsAccepted);
        Assert.Equal(RejectReason.DuplicateOrderId, b.Check(new OrderRequest(t, x, a, 1, Side.Buy, 10.0, 1)).Reason);
    }

    [Fact]
    public void NotConfigured_TheFileDefaults_CapOf32PerListAndNoClosedIdMemory()
    {
        using var sp = Host(Base());
        var b = sp.GetRequiredService<Breaker>();
        Assert.Equal((RiskDefaults.MaxListOrders, ListRateMode.PerList, 0), (b.Config.MaxListOrders, b.Config.ListRate, b.Config.ClosedOrderIds));
        Assert.True(b.Registry.TryGetInstrument("X", out var x));
        Assert.True(b.Registry.TryGetAccount("a", out var a));
        long t = 1_000_000_000;
        b.Apply(RiskEvent.Trade(t, x, 10.0, 1));
        Assert.True(b.Check(new OrderRequest(t, x, a, 1, Side.Buy, 10.0, 1)).IsAccepted);
        Assert.True(b.Check(OrderRequest.Cancel(t, x, a, 1)).IsAccepted);
        Assert.True(b.Check(new OrderRequest(t, x, a, 1, Side.Buy, 10.0, 1)).IsAccepted); // memory off: the id is reusable
    }

    [Theory]
    [InlineData("max_list_orders", "0", "$.max_list_orders")]
    [InlineData("list_rate", "per_week", "$.list_rate")]
    [InlineData("closed_order_ids:count", "-1", "$.closed_order_ids.count")]
    [InlineData("closed_order_ids:horizon_ms", "0", "$.closed_order_ids.horizon_ms")]
    public void BadValues_AreRefusedAtStart_NamingTheFilePath(string key, string value, string path)
    {
        var values = Base();
        values["CircuitBreaker:" + key] = value;
        var section = new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("CircuitBreaker");
        var ex = Assert.Throws<OptionsValidationException>(() => CircuitBreakerSettings.FromConfiguration(section));
        Assert.Contains(ex.Failures, f => f.StartsWith(path, StringComparison.Ordinal));
    }
}
