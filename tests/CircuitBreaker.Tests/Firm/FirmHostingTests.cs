using System.Diagnostics.Metrics;
using CircuitBreaker.Extensions.Hosting;
using CircuitBreaker.Nats;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CircuitBreaker.Tests.Firm;

/// <summary><c>AddCircuitBreaker(...).AddFirmLink(section)</c> in a generic host, against a real server.</summary>
[Collection(nameof(FirmCollection))]
public class FirmHostingTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private static IHost Host(Dictionary<string, string?> firm)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(firm.ToDictionary(kv => "FirmLink:" + kv.Key, kv => kv.Value));
        builder.Services.AddCircuitBreaker(b => b.Instrument("BTC-PERP", InstrumentKind.Perpetual, 0.1, 0.001, underlying: "BTC", group: "BTC").Account("mm-1"),
                new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 1024 }, StallThreshold = TimeSpan.Zero })
            .AddFirmLink(builder.Configuration.GetSection("FirmLink"));
        return builder.Build();
    }

    private static async Task<HealthReportEntry> Health(IHost host)
        => (await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["firm_link"];

    [Fact]
    public async Task AddFirmLink_BoundFromConfiguration_AppliesFirmCommands_HealthDegradedWhileDisconnected_Metrics()
    {
        using var server = new NatsServer();
        using var host = Host(new() { ["Url"] = server.Url, ["Name"] = "hosted-1", ["Grace"] = "00:00:01", ["HeartbeatInterval"] = "00:00:00.100" });
        var seen = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Meter.Name == FirmLinkMetrics.MeterName) l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<int>((i, v, _, _) => { lock (seen) seen[i.Name] = v; });
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => { lock (seen) seen[i.Name] = v; });
        listener.Start();
        await host.StartAsync();
        var link = host.Services.GetRequiredService<FirmLink>();
        var breaker = host.Services.GetRequiredService<Breaker>();
        var bound = host.Services.GetRequiredService<IOptions<FirmLinkOptions>>().Value;
        Assert.Equal((TimeSpan.FromSeconds(1), "hosted-1", server.Url), (bound.Grace, bound.Name, bound.Url));
        Eventually.True(() => !link.IsSafe && link.IsConnected, Wait, () => "link ready");
        Assert.Equal(HealthStatus.Healthy, (await Health(host)).Status);

        await using (var op = await FirmOperator.ConnectAsync(Eventually.Operator(server.Url)))
        {
            var r = await op.CommandAsync(Scope.Account, "mm-1", TradingState.Halted, "hosted test", TimeSpan.FromSeconds(10));
            Assert.True(r.AllAcked, string.Join(", ", r.Engines));
            Assert.Equal("hosted-1", Assert.Single(r.Engines).Engine);
        }
        Assert.Equal(TradingState.Halted, breaker.Board.GetFirm(Scope.Account, 0));
        listener.RecordObservableInstruments();
        lock (seen)
        {
            Assert.Equal(1, seen["circuit_breaker.firm.connected"]);
            Assert.Equal(0, seen["circuit_breaker.firm.safe"]);
            Assert.True(seen["circuit_breaker.firm.applied"] >= 1);
        }

        server.Kill();
        Eventually.True(() => Health(host).Result.Status == HealthStatus.Degraded && link.IsSafe, Wait, () => "degraded and safe after the grace");
        var degraded = await Health(host);
        Assert.Contains("out of contact with the firm plane", degraded.Description);
        Assert.Equal(false, degraded.Data["connected"]);
        Assert.Equal(TradingState.ReduceOnly, breaker.Board.GetFirm(Scope.Global, 0));
        listener.RecordObservableInstruments();
        lock (seen) Assert.Equal(0, seen["circuit_breaker.firm.connected"]);

        server.Restart();
        Eventually.True(() => Health(host).Result.Status == HealthStatus.Healthy, Wait, () => "healthy again after reconnecting and re-reading");
        Assert.Equal(TradingState.Halted, breaker.Board.GetFirm(Scope.Account, 0)); // the firm state survived (file storage) and was re-read
        await host.StopAsync();
    }

    [Fact]
    public async Task AddFirmLink_InvalidSection_FailsTheHostStart_WithEveryError()
    {
        using var host = Host(new() { ["Url"] = "nats://127.0.0.1:1", ["Name"] = "no spaces allowed", ["Grace"] = "00:00:00.100", ["Replicas"] = "9" });
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(ex.Failures, f => f.StartsWith("FirmLink Name: 'no spaces allowed'", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("FirmLink Grace:", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.StartsWith("FirmLink Replicas: 9", StringComparison.Ordinal));
    }
}
