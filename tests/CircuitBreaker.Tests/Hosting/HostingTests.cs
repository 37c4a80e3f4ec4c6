using System.Text;
using CircuitBreaker.Extensions.Hosting;
using CircuitBreaker.Ring;
using CircuitBreaker.Tests.Config;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CircuitBreaker.Tests.Hosting;

public class HostingTests
{
    private static IConfiguration Section(string json, string key = "CircuitBreaker")
        => new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes($"{{\"{key}\": {json}}}"))).Build().GetSection(key);

    private static ServiceProvider Provider(Action<IServiceCollection> add, ListLogger? logger = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(new ListLoggerFactory(logger ?? new ListLogger()));
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        add(services);
        return services.BuildServiceProvider();
    }

    [Fact]
    public void AddCircuitBreaker_JsonSection_BindsTheSameLimitsAsTheFile()
    {
        using var sp = Provider(s => s.AddCircuitBreaker(Section(ConfigSamples.Valid)));
        var settings = sp.GetRequiredService<CircuitBreakerSettings>();
        var c = settings.Config;
        Assert.Equal(7, c.Version);
        Assert.Equal(250_000_000, c.RateWindowNs);
        Assert.True(c.Registry.TryGetInstrument("BTC-PERP", out var btc));
        Assert.Equal(5, c.InstrumentLimits[btc.Value].MaxOrderQuantity);
        Assert.Equal(150, c.InstrumentLimits[btc.Value].CollarBps);
        Assert.Equal(ReferencePriceSource.Oracle, c.InstrumentLimits[btc.Value].ReferenceSource);
        Assert.Equal(TimeSpan.FromSeconds(2), c.InstrumentLimits[btc.Value].ReferenceStaleAfter);
        Assert.True(c.Registry.TryGetInstrument("BTC-UO", out var uo));
        Assert.Equal(BarrierKind.UpAndOut, c.Registry[uo].BarrierKind);
        Assert.True(c.Registry.TryGetAccount("alpha", out var alpha));
        Assert.Equal(2_000_000, c.AccountLimits[alpha.Value].MaxGrossExposure);
        Assert.Equal(FullRingPolicy.DropAndCount, settings.Pipeline.Ring.FullRingPolicy);
        Assert.False(settings.Signatures.MlAnomaly);
        Assert.Equal("halt", settings.Playbooks!.Value.GetProperty("rules")[0].GetProperty("actions")[0].GetProperty("action").GetString());
        var pipeline = sp.GetRequiredService<RiskPipeline>();
        Assert.Same(sp.GetRequiredService<Breaker>(), pipeline.Breaker);
        Assert.Equal(SignatureSwitches.Keys.Count - 2, pipeline.Evaluator.Detectors.Count); // ml_anomaly and oracle switched off
    }

    [Fact]
    public async Task AddCircuitBreaker_JournalInConfiguration_PipelineJournalsEveryEventToThatPath()
    {
        string dir = Path.Combine(Path.GetTempPath(), "cb-journal-" + Guid.NewGuid().ToString("N"));
        string json = $$"""
        { "instruments": [ { "symbol": "X", "kind": "spot", "tick": 0.01, "lot": 1 } ],
          "pipeline": { "capacity": 1024, "wait_strategy": "blocking", "stall_threshold_ms": 0,
                        "journal": { "base_path": "{{dir.Replace("\\", "/")}}/2024", "buffer_bytes": 65536, "flush_to_disk": true } } }
        """;
        try
        {
            using var sp = Provider(s => s.AddCircuitBreaker(Section(json)));
            var settings = sp.GetRequiredService<CircuitBreakerSettings>();
            Assert.Equal(dir.Replace("\\", "/") + "/2024", settings.Pipeline.Journal!.BasePath); // a path of digits stays a string
            Assert.Equal(65536, settings.Pipeline.Journal.BufferBytes);
            Assert.True(settings.Pipeline.Journal.FlushToDisk);
            var hosted = sp.GetRequiredService<CircuitBreakerHostedService>();
            var pipeline = sp.GetRequiredService<RiskPipeline>();
            sp.GetRequiredService<Breaker>().Registry.TryGetInstrument("X", out var x);

            await hosted.StartAsync(CancellationToken.None);
            for (int i = 1; i <= 100; i++) Assert.Equal(PublishResult.Published, pipeline.Publish(RiskEvent.Trade(i * 1_000_000L, x, 100, 1)));
            await hosted.StopAsync(CancellationToken.None);

            var status = pipeline.JournalStatus;
            Assert.NotNull(status);
            Assert.True(status.Value.Written >= 100, $"written {status.Value.Written}");
            Assert.Equal(0, status.Value.Lost);
            Assert.NotEmpty(Directory.GetFiles(dir, "2024.*.cbj"));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public async Task Start_BrokenSection_FailsWithEveryErrorListed()
    {
        const string broken = """
        { "rate_window_ms": "soon",
          "instruments": [ { "symbol": "X", "kind": "spott", "tick": -1, "lot": 1 } ],
          "pipeline": { "capacity": 1000 } }
        """;
        using var sp = Provider(s => s.AddCircuitBreaker(Section(broken)));
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            foreach (var hosted in sp.GetServices<IHostedService>()) await hosted.StartAsync(CancellationToken.None);
        });
        Assert.Equal(
        new[]
        {
            "$.rate_window_ms: must be a number (was a string)",
            "$.instruments[0].kind: unknown value 'spott' (expected one of: spot, perpetual, future, option, barrier_option, swap)",
            "$.instruments[0].tick: must be > 0 (was -1)",
            "$.pipeline.capacity: must be a power of two >= 2 (was 1000)",
        }.Order(StringComparer.Ordinal).ToArray(), ex.Failures.Order(StringComparer.Ordinal).ToArray()); // configuration orders keys by name, so compare sorted
    }

    [Fact]
    public void AddCircuitBreaker_Section_SetsTheListAndClosedIdSettings_AsTheFileDoes()
    {
        const string json = """
            {
              "closed_order_ids": { "count": 1024, "horizon_ms": 60000 },
              "max_list_orders": 3,
              "list_rate": "per_child",
              "instruments": [ { "symbol": "BTC-PERP", "kind": "perpetual", "underlying": "BTC", "tick": 0.1, "lot": 0.001 } ],
              "accounts": [ { "name": "mm-1" } ]
            }
            """;
        using var sp = Provider(s => s.AddCircuitBreaker(Section(json)));
        var c = sp.GetRequiredService<CircuitBreakerSettings>().Config;
        Assert.Equal((1024, 60_000_000_000L, 3, ListRateMode.PerChild), (c.ClosedOrderIds, c.ClosedOrderIdHorizonNs, c.MaxListOrders, c.ListRate));
        // And they take effect: a fourth child is too many; a cancelled id may not come back within the horizon.
        var breaker = sp.GetRequiredService<Breaker>();
        Assert.True(breaker.Registry.TryGetInstrument("BTC-PERP", out var btc) & breaker.Registry.TryGetAccount("mm-1", out var mm));
        long t = 1_764_979_200_000_000_000;
        breaker.Apply(RiskEvent.Trade(t, btc, 64000.0, 1));
        var d = new Decision[4];
        var four = Enumerable.Range(1, 4).Select(i => new OrderRequest(t + 1, btc, mm, i, Side.Buy, 64000.0 - i, 0.01)).ToArray();
        Assert.Equal(RejectReason.ListTooLarge, breaker.CheckList(four, d).Reason);
        Assert.True(breaker.CheckList(four.AsSpan(0, 3), d).IsAccepted);
        var cancel = OrderRequest.Cancel(t + 2, btc, mm, 1);
        Assert.True(breaker.Check(in cancel).IsAccepted);
        var again = new OrderRequest(t + 3, btc, mm, 1, Side.Buy, 63999.0, 0.01);
        Assert.Equal(RejectReason.DuplicateOrderId, breaker.Check(in again).Reason);
    }

    [Fact]
    public void AddCircuitBreaker_BrokenBuilder_ListsEveryError()
    {
        using var sp = Provider(s => s.AddCircuitBreaker(b => b.Instrument("X", InstrumentKind.Spot, 0, -1)));
        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<Breaker>());
        Assert.Contains(ex.Failures, f => f.Contains("tick must be finite and > 0"));
        Assert.Contains(ex.Failures, f => f.Contains("lot must be finite and > 0"));
    }

    [Fact]
    public async Task HostedService_StartPublishStop_DrainsEveryEventAndLogsTrips()
    {
        var log = new ListLogger();
        using var sp = Provider(s => s.AddCircuitBreaker(b => b.Instrument("X", InstrumentKind.Spot, 0.01, 1).Account("a"),
            new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 1024, WaitStrategy = WaitStrategyKind.Blocking }, StallThreshold = TimeSpan.Zero },
            new SignatureSwitches { MlAnomaly = false }), log);
        var hosted = sp.GetRequiredService<CircuitBreakerHostedService>();
        var pipeline = sp.GetRequiredService<RiskPipeline>();
        var breaker = sp.GetRequiredService<Breaker>();
        breaker.Registry.TryGetInstrument("X", out var x);

        await hosted.StartAsync(CancellationToken.None);
        Assert.True(pipeline.IsRunning);
        for (int i = 1; i <= 500; i++) Assert.Equal(PublishResult.Published, pipeline.Publish(RiskEvent.Trade(i * 1_000_000L, x, 100, 1)));
        pipeline.Publish(RiskEvent.Admin(600_000_000L, AdminAction.Halt, Scope.Instrument, x.Value));
        await hosted.StopAsync(CancellationToken.None);

        Assert.False(pipeline.IsRunning);
        Assert.Equal(501, pipeline.Evaluator.Processed);
        Assert.Equal(0, pipeline.Lag);
        Assert.Equal(TradingState.Halted, breaker.Board.Get(Scope.Instrument, x.Value));
        Assert.Contains(log.Lines, l => l.StartsWith("Critical: Trip: Instrument X Active -> Halted (Manual, Manual)", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.Contains("501 events evaluated"));
        Assert.Equal(PublishResult.Stopped, pipeline.Publish(RiskEvent.Trade(1, x, 100, 1)));
    }

    [Fact]
    public void ConfigurationJson_NumberDetection_MatchesJsonGrammar()
    {
        Assert.True(ConfigurationJson.IsJsonNumber("0.5"));
        Assert.True(ConfigurationJson.IsJsonNumber("-1e400"));
        Assert.False(ConfigurationJson.IsJsonNumber("0x10"));
        Assert.False(ConfigurationJson.IsJsonNumber("1 2"));
        Assert.False(ConfigurationJson.IsJsonNumber("NaN"));
        Assert.False(ConfigurationJson.IsJsonNumber(""));
    }

    internal sealed class ListLogger : ILogger
    {
        public List<string> Lines { get; } = new();
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Lines) Lines.Add($"{logLevel}: {formatter(state, exception)}");
        }
    }

    private sealed class ListLoggerFactory(ListLogger logger) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider provider) { }
        public ILogger CreateLogger(string categoryName) => logger;
        public void Dispose() { }
    }
}
