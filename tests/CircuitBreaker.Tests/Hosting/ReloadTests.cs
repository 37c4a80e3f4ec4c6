using CircuitBreaker.Extensions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CircuitBreaker.Tests.Hosting;

/// <summary>Options conventions of <c>AddCircuitBreaker(IConfiguration)</c> in a generic host: binder-style keys,
/// <c>ValidateOnStart</c>, and reload of limits while the host runs.</summary>
public class ReloadTests
{
    private const string Prefix = "CircuitBreaker:";

    private static Dictionary<string, string?> Limits(string maxOrderQuantity) => new()
    {
        [Prefix + "instruments:0:symbol"] = "BTC-PERP",
        [Prefix + "instruments:0:kind"] = "perpetual",
        [Prefix + "instruments:0:tick"] = "0.1",
        [Prefix + "instruments:0:lot"] = "0.001",
        [Prefix + "instruments:0:limits:max_order_quantity"] = maxOrderQuantity,
        [Prefix + "instruments:0:limits:missing_reference"] = "allow",
        [Prefix + "accounts:0:name"] = "mm-1",
        [Prefix + "pipeline:capacity"] = "1024",
        [Prefix + "pipeline:stall_threshold_ms"] = "0",
    };

    private static (IHost Host, IConfigurationRoot Config, HostingTests.ListLogger Log) NewHost(Dictionary<string, string?> values)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(values);
        var log = new HostingTests.ListLogger();
        builder.Logging.AddProvider(new ListLoggerProvider(log));
        builder.Services.AddCircuitBreaker(builder.Configuration.GetSection("CircuitBreaker"));
        return (builder.Build(), builder.Configuration, log);
    }

    private static Decision Order(Breaker breaker, long orderId, double quantity)
    {
        Assert.True(breaker.Registry.TryGetInstrument("BTC-PERP", out var btc));
        Assert.True(breaker.Registry.TryGetAccount("mm-1", out var mm));
        return breaker.Check(new OrderRequest(orderId, btc, mm, orderId, Side.Buy, 64_000.0, quantity));
    }

    [Fact]
    public async Task Reload_ChangedLimit_SwappedIntoTheRunningGate_LoggedAndCounted()
    {
        var (host, config, log) = NewHost(Limits("5"));
        using var _ = host;
        await host.StartAsync();
        var breaker = host.Services.GetRequiredService<Breaker>();
        var status = host.Services.GetRequiredService<CircuitBreakerReloadStatus>();
        Assert.True(Order(breaker, 1, 4).IsAccepted);

        config[Prefix + "instruments:0:limits:max_order_quantity"] = "3";
        config.Reload();

        Assert.Equal(RejectReason.MaxOrderQuantity, Order(breaker, 2, 4).Reason);
        Assert.True(Order(breaker, 3, 3).IsAccepted);
        Assert.Equal(1, status.Applied);
        Assert.Equal(0, status.Refused);
        Assert.Contains(log.Lines, l => l.StartsWith("Warning: Configuration reloaded", StringComparison.Ordinal));
        Assert.Same(breaker.Registry, breaker.Config.Registry);
        await host.StopAsync();
    }

    [Fact]
    public async Task Reload_InvalidChange_Refused_RunningLimitsStay_ErrorsLogged()
    {
        var (host, config, log) = NewHost(Limits("5"));
        using var _ = host;
        await host.StartAsync();
        var breaker = host.Services.GetRequiredService<Breaker>();
        var status = host.Services.GetRequiredService<CircuitBreakerReloadStatus>();
        var before = breaker.Config;

        config[Prefix + "instruments:0:limits:max_order_quantity"] = "-1";
        config.Reload();

        Assert.Same(before, breaker.Config);
        Assert.True(Order(breaker, 1, 4).IsAccepted);
        Assert.Equal(0, status.Applied);
        Assert.Equal(1, status.Refused);
        Assert.Contains(status.LastRefusal, e => e.Contains("max_order_quantity", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.StartsWith("Error: Configuration reload refused", StringComparison.Ordinal) && l.Contains("max_order_quantity"));

        // Valid again, but adding an instrument cannot happen at run time: refused with the reason.
        config[Prefix + "instruments:0:limits:max_order_quantity"] = "5";
        config[Prefix + "instruments:1:symbol"] = "ETH-PERP";
        config[Prefix + "instruments:1:kind"] = "perpetual";
        config[Prefix + "instruments:1:tick"] = "0.01";
        config[Prefix + "instruments:1:lot"] = "0.01";
        config.Reload();
        Assert.Same(before, breaker.Config);
        Assert.Equal(2, status.Refused);
        Assert.Contains(status.LastRefusal, e => e.Contains("instruments cannot be added or removed", StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public async Task Reload_OtherSectionChanged_DoesNothing()
    {
        var values = Limits("5");
        values["Logging:LogLevel:Default"] = "Information";
        var (host, config, _) = NewHost(values);
        using var __ = host;
        await host.StartAsync();
        var breaker = host.Services.GetRequiredService<Breaker>();
        var before = breaker.Config;
        config["Logging:LogLevel:Default"] = "Debug";
        config.Reload();
        Assert.Same(before, breaker.Config);
        Assert.Equal(0, host.Services.GetRequiredService<CircuitBreakerReloadStatus>().Applied);
        await host.StopAsync();
    }

    [Fact]
    public async Task Start_InvalidSection_ValidateOnStart_FailsBeforeAnyHostedServiceRuns()
    {
        var values = Limits("-1");
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(values);
        var started = new StartProbe();
        builder.Services.AddSingleton<IHostedService>(started); // registered first: it would start first
        builder.Services.AddCircuitBreaker(builder.Configuration.GetSection("CircuitBreaker"));
        using var host = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(ex.Failures, f => f.StartsWith("$.instruments[0].limits.max_order_quantity: must be > 0", StringComparison.Ordinal));
        Assert.False(started.Started);
    }

    [Fact]
    public void Settings_AreAnOptionsType_ResolvedOnce()
    {
        var (host, _, _) = NewHost(Limits("5"));
        using var _h = host;
        var settings = host.Services.GetRequiredService<CircuitBreakerSettings>();
        Assert.Same(settings, host.Services.GetRequiredService<IOptionsMonitor<CircuitBreakerSettings>>().CurrentValue);
        Assert.Same(settings.Config, host.Services.GetRequiredService<Breaker>().Config);
    }

    [Theory]
    [InlineData("CircuitBreaker:RateWindowMs", "250")]
    [InlineData("CircuitBreaker:RATE_WINDOW_MS", "250")]
    [InlineData("CircuitBreaker:rate_window_ms", "250")]
    [InlineData("circuitbreaker:rateWindowMs", "250")]
    public void Keys_FollowTheBinderConventions_AnyCaseAndPascalCase(string key, string value)
    {
        var values = new Dictionary<string, string?>
        {
            ["CircuitBreaker:Instruments:0:Symbol"] = "X",
            ["CircuitBreaker:Instruments:0:Kind"] = "Spot",
            ["CircuitBreaker:Instruments:0:Tick"] = "0.01",
            ["CircuitBreaker:Instruments:0:Lot"] = "1",
            ["CircuitBreaker:Instruments:0:Limits:MaxOrderQuantity"] = "7",
            ["CircuitBreaker:Concurrency"] = "single_writer",
            ["CircuitBreaker:Pipeline:FullRingPolicy"] = "drop_and_count",
            ["CircuitBreaker:Signatures:MlAnomaly"] = "false",
            [key] = value,
        };
        var section = new ConfigurationBuilder().AddInMemoryCollection(values).Build().GetSection("CircuitBreaker");
        var settings = CircuitBreakerSettings.FromConfiguration(section);
        Assert.Equal(250_000_000, settings.Config.RateWindowNs);
        Assert.Equal(7, settings.Config.InstrumentLimits[0].MaxOrderQuantity);
        Assert.Equal(GateConcurrency.SingleWriter, settings.Config.Concurrency);
        Assert.Equal(FullRingPolicy.DropAndCount, settings.Pipeline.Ring.FullRingPolicy);
        Assert.False(settings.Signatures.MlAnomaly);
    }

    [Fact]
    public void Keys_EnvironmentVariables_DoubleUnderscore_OverrideTheFile()
    {
        string name = "CBTEST" + Guid.NewGuid().ToString("N")[..8] + "_";
        Environment.SetEnvironmentVariable(name + "CircuitBreaker__Instruments__0__Limits__MaxOrderQuantity", "9");
        try
        {
            var config = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["CircuitBreaker:instruments:0:symbol"] = "X", ["CircuitBreaker:instruments:0:kind"] = "spot",
                    ["CircuitBreaker:instruments:0:tick"] = "0.01", ["CircuitBreaker:instruments:0:lot"] = "1",
                })
                .AddEnvironmentVariables(name)
                .Build();
            var settings = CircuitBreakerSettings.FromConfiguration(config.GetSection("CircuitBreaker"));
            Assert.Equal(9, settings.Config.InstrumentLimits[0].MaxOrderQuantity);
        }
        finally { Environment.SetEnvironmentVariable(name + "CircuitBreaker__Instruments__0__Limits__MaxOrderQuantity", null); }
    }

    [Fact]
    public void Keys_OneKeySpeltTwoWays_IsAnError_NamingBoth()
    {
        var section = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CircuitBreaker:instruments:0:symbol"] = "X", ["CircuitBreaker:instruments:0:kind"] = "spot",
            ["CircuitBreaker:instruments:0:tick"] = "0.01", ["CircuitBreaker:instruments:0:lot"] = "1",
            ["CircuitBreaker:rate_window_ms"] = "100", ["CircuitBreaker:RateWindowMs"] = "200",
        }).Build().GetSection("CircuitBreaker");
        var ex = Assert.Throws<OptionsValidationException>(() => CircuitBreakerSettings.FromConfiguration(section));
        Assert.Contains(ex.Failures, f => f.StartsWith("$.rate_window_ms: configured twice", StringComparison.Ordinal)
            && f.Contains("'RateWindowMs'") && f.Contains("'rate_window_ms'"));
    }

    [Theory]
    [InlineData("RateWindowMs", "rate_window_ms")]
    [InlineData("MaxOpenOrdersPerAccount", "max_open_orders_per_account")]
    [InlineData("max_daily_loss", "max_daily_loss")]
    [InlineData("MAX_DAILY_LOSS", "max_daily_loss")]
    [InlineData("$schema", "$schema")]
    [InlineData("MlAnomaly", "ml_anomaly")]
    [InlineData("Concurrency", "concurrency")]
    public void SnakeKey_MapsBinderSpellingsToTheFileKey(string key, string expected)
        => Assert.Equal(expected, ConfigurationJson.SnakeKey(key));

    private sealed class StartProbe : IHostedService
    {
        public bool Started { get; private set; }
        public Task StartAsync(CancellationToken cancellationToken) { Started = true; return Task.CompletedTask; }
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class ListLoggerProvider(HostingTests.ListLogger logger) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => logger;
        public void Dispose() { }
    }
}
