using System.Diagnostics.Metrics;

namespace CircuitBreaker.Tests.Telemetry;

/// <summary>docs/metrics.md documents every instrument the meter publishes, with its kind and unit.</summary>
public sealed class MetricsDocTests
{
    [Fact]
    public void EveryInstrument_IsInTheTableWithItsUnit()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CircuitBreaker.sln"))) dir = dir.Parent;
        string doc = File.ReadAllText(Path.Combine(dir!.FullName, "docs", "metrics.md"));

        using var breaker = new Breaker(new CircuitBreakerBuilder().Instrument("X", InstrumentKind.Spot, 0.01, 1).BuildConfig());
        using var pipeline = new RiskPipeline(breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 64 }, StallThreshold = TimeSpan.Zero });
        using var metrics = new CircuitBreakerMetrics(breaker, pipeline, () => 0);
        var instruments = new List<Instrument>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, _) => { if (ReferenceEquals(i.Meter, metrics.Meter)) instruments.Add(i); };
        listener.Start();

        Assert.Equal(16, instruments.Count);
        foreach (var i in instruments)
        {
            string row = doc.Split('\n').SingleOrDefault(l => l.StartsWith($"| `{i.Name}` |", StringComparison.Ordinal))
                ?? throw new Xunit.Sdk.XunitException($"docs/metrics.md has no row for {i.Name}");
            Assert.Contains($"| `{i.Unit}` |", row);
            string kind = i.GetType().Name.Split('`')[0]; // ObservableCounter, ObservableGauge, Histogram
            Assert.Contains($"| {kind}&lt;", row);
        }
    }
}
