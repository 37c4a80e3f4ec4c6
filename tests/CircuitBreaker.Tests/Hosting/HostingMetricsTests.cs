using System.Diagnostics.Metrics;
using CircuitBreaker.Extensions.Hosting;
using CircuitBreaker.Ring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CircuitBreaker.Tests.Hosting;

/// <summary>
/// <c>AddCircuitBreaker</c> publishes metrics by default (issue 21): a generic host with no metrics wiring of ours shows
/// the <c>CircuitBreaker</c> meter's instruments, created through the host's <see cref="IMeterFactory"/>; the opt-out
/// leaves the meter unpublished.
/// </summary>
public sealed class HostingMetricsTests
{
    private static IHost Host(Action<IServiceCollection>? more = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddCircuitBreaker(b => b.Instrument("X", InstrumentKind.Spot, 0.01, 1,
                limits: new InstrumentLimits { MaxOrderQuantity = 10, MissingReference = MissingReferencePolicy.Allow }).Account("a"),
            new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 1024, WaitStrategy = WaitStrategyKind.Blocking }, StallThreshold = TimeSpan.Zero },
            new SignatureSwitches { MlAnomaly = false });
        more?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>Listens to the instruments of meters the host's factory created (other tests' meters are ignored).</summary>
    private sealed class HostMeters : IDisposable
    {
        private readonly MeterListener _listener = new();
        public readonly List<Instrument> Published = [];
        public readonly Dictionary<string, double> Values = [];

        public HostMeters(IMeterFactory factory)
        {
            _listener.InstrumentPublished = (i, l) =>
            {
                if (!ReferenceEquals(i.Meter.Scope, factory) || i.Meter.Name != CircuitBreakerMetrics.MeterName) return;
                lock (Published) Published.Add(i);
                l.EnableMeasurementEvents(i);
            };
            _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
            _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
            _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
            _listener.Start();
        }

        private void Record(Instrument i, double v, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string key = i.Name;
            foreach (var t in tags) key += $"|{t.Key}={t.Value}";
            lock (Values) Values[key] = v;
        }

        public Dictionary<string, double> Collect()
        {
            _listener.RecordObservableInstruments();
            lock (Values) return new(Values);
        }

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public async Task AddCircuitBreaker_InAHost_PublishesMetricsWithNoWiring()
    {
        using var host = Host();
        var factory = host.Services.GetRequiredService<IMeterFactory>();
        using var meters = new HostMeters(factory);
        await host.StartAsync();
        var pipeline = host.Services.GetRequiredService<RiskPipeline>();
        var breaker = host.Services.GetRequiredService<Breaker>();
        breaker.Registry.TryGetInstrument("X", out var x);
        breaker.Registry.TryGetAccount("a", out var a);
        Assert.True(pipeline.CheckAndPublish(new OrderRequest(1, x, a, 1, Side.Buy, 100, 1)).IsAccepted);
        Assert.False(pipeline.CheckAndPublish(new OrderRequest(2, x, a, 2, Side.Buy, 100, 50)).IsAccepted);
        breaker.Halt(Scope.Instrument, x.Value, 3);
        await host.StopAsync(); // drains the pipeline

        var m = meters.Collect();
        Assert.Equal(2, m["circuit_breaker.checks"]);
        Assert.Equal(1, m["circuit_breaker.rejections|circuit_breaker.reason=MaxOrderQuantity"]);
        Assert.Equal(1, m["circuit_breaker.trips|circuit_breaker.scope=instrument|circuit_breaker.reason=Manual"]);
        Assert.Equal(2, m["circuit_breaker.events.evaluated"]);
        Assert.Equal(0, m["circuit_breaker.incidents.open"]);
        Assert.Contains(meters.Published, i => i.Name == CircuitBreakerMetrics.EvaluatorDurationName && i.Unit == "s");
        Assert.Same(host.Services.GetRequiredService<CircuitBreakerMetrics>().Meter.Scope, factory);
    }

    [Fact]
    public async Task AddCircuitBreaker_MetricsOptedOut_NothingPublished()
    {
        using var host = Host(s => s.Configure<CircuitBreakerTelemetryOptions>(o => o.Metrics = false));
        using var meters = new HostMeters(host.Services.GetRequiredService<IMeterFactory>());
        await host.StartAsync();
        var pipeline = host.Services.GetRequiredService<RiskPipeline>();
        var breaker = host.Services.GetRequiredService<Breaker>();
        breaker.Registry.TryGetInstrument("X", out var x);
        breaker.Registry.TryGetAccount("a", out var a);
        pipeline.CheckAndPublish(new OrderRequest(1, x, a, 1, Side.Buy, 100, 1));
        await host.StopAsync();

        Assert.Empty(meters.Published);
        Assert.Empty(meters.Collect());
    }
}
