using CircuitBreaker.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CircuitBreaker.Tests.Hosting;

/// <summary><see cref="CircuitBreakerHealthCheck"/> through the health-check service, as an endpoint would run it.</summary>
public class HealthCheckTests
{
    private static ServiceProvider Provider(long? lagThreshold = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddCircuitBreaker(b => b.Instrument("X", InstrumentKind.Spot, 0.01, 1).Account("a"),
            new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 64 }, StallThreshold = TimeSpan.Zero });
        services.AddHealthChecks().AddCircuitBreaker(lagThreshold: lagThreshold);
        return services.BuildServiceProvider();
    }

    private static async Task<HealthReportEntry> Check(ServiceProvider sp)
        => (await sp.GetRequiredService<HealthCheckService>().CheckHealthAsync()).Entries["circuit_breaker"];

    [Fact]
    public async Task Check_ReportsHealthyThenDegradedThenUnhealthy_AsScopesAreRestricted()
    {
        using var sp = Provider();
        var breaker = sp.GetRequiredService<Breaker>();
        const long t = 1_800_000_000_000_000_000;

        var healthy = await Check(sp);
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal(0, healthy.Data["restricted_scopes"]);

        breaker.ReduceOnly(Scope.Account, 0, t);
        var degraded = await Check(sp);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Equal(1, degraded.Data["restricted_scopes"]);
        Assert.Contains("1 scope(s) restricted", degraded.Description);

        breaker.Halt(Scope.Global, -1, t + 1);
        var unhealthy = await Check(sp);
        Assert.Equal(HealthStatus.Unhealthy, unhealthy.Status);
        Assert.Equal("Halted", unhealthy.Data["global_state"]);

        breaker.Resume(Scope.Global, -1, t + 2);
        breaker.Resume(Scope.Account, 0, t + 3);
        Assert.Equal(HealthStatus.Healthy, (await Check(sp)).Status);
    }

    [Fact]
    public async Task Check_EvaluatorLagging_IsDegraded()
    {
        using var sp = Provider(lagThreshold: 3);
        var pipeline = sp.GetRequiredService<RiskPipeline>(); // not started: published events wait on the ring
        var breaker = sp.GetRequiredService<Breaker>();
        breaker.Registry.TryGetInstrument("X", out var x);
        for (int i = 0; i < 2; i++) Assert.Equal(PublishResult.Published, pipeline.Publish(RiskEvent.Trade(i, x, 100, 1)));
        Assert.Equal(HealthStatus.Healthy, (await Check(sp)).Status);

        Assert.Equal(PublishResult.Published, pipeline.Publish(RiskEvent.Trade(3, x, 100, 1)));
        var lagging = await Check(sp);
        Assert.Equal(HealthStatus.Degraded, lagging.Status);
        Assert.Equal(3L, lagging.Data["lag"]);
        Assert.Contains("evaluator lags by 3 events", lagging.Description);
    }

    [Fact]
    public void AddCircuitBreaker_LagThresholdBelowOne_Throws()
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentOutOfRangeException>(() => services.AddHealthChecks().AddCircuitBreaker(lagThreshold: 0));
    }
}
