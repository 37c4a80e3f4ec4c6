using System.Diagnostics;
using CircuitBreaker.Benchmarks.Evaluation;
using CircuitBreaker.Benchmarks.Pipeline;
using CircuitBreaker.Benchmarks.PreTrade;

namespace CircuitBreaker.Benchmarks.Latency;

/// <summary>
/// The side-by-side percentile harness: <c>--latency [--quick] [--json &lt;file&gt;] [--only &lt;workload/impl substring&gt;]</c>. Runs every measurement of
/// <see cref="Catalog"/> in order, prints ratios against our implementation then the absolute figures, and writes the
/// JSON report when asked.
/// </summary>
internal static class LatencyHarness
{
    public static int Run(string[] args)
    {
        bool quick = args.Contains("--quick", StringComparer.OrdinalIgnoreCase);
        int jsonIndex = Array.FindIndex(args, a => string.Equals(a, "--json", StringComparison.OrdinalIgnoreCase));
        string? jsonPath = null;
        if (jsonIndex >= 0)
        {
            if (jsonIndex + 1 >= args.Length || args[jsonIndex + 1].StartsWith("--", StringComparison.Ordinal))
            {
                Console.Error.WriteLine("--json needs a file path");
                return 2;
            }
            jsonPath = args[jsonIndex + 1];
        }

        int onlyIndex = Array.FindIndex(args, a => string.Equals(a, "--only", StringComparison.OrdinalIgnoreCase));
        string? only = onlyIndex >= 0 && onlyIndex + 1 < args.Length ? args[onlyIndex + 1] : null;

        var settings = quick ? HarnessSettings.Quick : HarnessSettings.Full;
        var (measurements, notWired) = Catalog();
        if (only is not null) measurements.RemoveAll(m => !$"{m.Name}/{m.Impl}".Contains(only, StringComparison.OrdinalIgnoreCase));
        Console.WriteLine($"CircuitBreaker latency harness ({(quick ? "quick" : "full")}) on {MachineInfo.Describe()}");
        double? loadAtStart = MachineInfo.LoadAverage();
        if (loadAtStart is { } load) Console.WriteLine($"load average (1 min) at start: {load:0.00}; figures from a loaded machine are noisy");
        Console.WriteLine($"Stopwatch resolution {1e9 / Stopwatch.Frequency:0.##} ns; histogram relative error <= {new LatencyHistogram().MaxRelativeError:P2}");
        foreach (var n in notWired) Console.WriteLine($"  not wired yet: {n}");

        var total = Stopwatch.StartNew();
        var results = new List<LatencyResult>();
        foreach (var m in measurements)
        {
            Console.Write($"  running {m.Name,-22} {m.Impl,-21}");
            var sw = Stopwatch.StartNew();
            var r = m.Run(settings);
            results.Add(r);
            Console.WriteLine($" {sw.Elapsed.TotalSeconds,6:0.0} s  p50 {r.P50Ns} ns, p99 {r.P99Ns} ns, {r.OpsPerSec / 1e6:0.00} M ops/s");
        }

        LatencyTable.Print(Console.Out, results);
        Console.WriteLine($"total {total.Elapsed.TotalSeconds:0.0} s");
        if (jsonPath is not null)
        {
            LatencyReport.Write(jsonPath, results, loadAtStart);
            Console.WriteLine($"wrote {jsonPath}");
        }
        return 0;
    }

    /// <summary>Every measurement, ours first within each workload when wired; plus the names not wired yet.</summary>
    public static (List<ILatencyMeasurement> Measurements, List<string> NotWired) Catalog()
    {
        var list = new List<ILatencyMeasurement>();
        var notWired = new List<string>();

        var scenario = new PreTradeScenario();
        Add(OursWiring.CreateCircuitBreakerCheck(scenario), "pretrade_check/circuitbreaker");
        Add(OursWiring.CreateSingleWriterCheck(scenario), "pretrade_check/circuitbreaker-sw");
        Add(OursWiring.CreateAccountOwnedCheck(scenario), "pretrade_check/circuitbreaker-owned");
        Add(OursWiring.CreateSingleWriterWithMetricsCheck(scenario), "pretrade_check/circuitbreaker-sw-metrics");
        Add(OursWiring.CreateMarginCheck(scenario), "pretrade_check/circuitbreaker-margin");
        // The scenario is immutable once built and shared; every implementation gets its own gate state.
        list.Add(new PreTradeCheckMeasurement<NaiveCheck>("naive", false, scenario, new NaiveCheck(new NaivePreTradeGate(scenario))));
        list.Add(new PreTradeCheckMeasurement<PollyCheck>("polly", false, scenario, PollyCheck.Create(new NaivePreTradeGate(scenario))));
        list.Add(new PreTradeCheckMeasurement<StreamOnlyCheck>("stream-only", false, scenario, default, verify: false));

        // The realistic book: ~4,100 working orders, quotes interleaved; every implementation verified order by order
        // against the in-house gate first.
        var book = new BookScenario();
        list.Add(new BookCheckMeasurement<OursBookCheck>("circuitbreaker", true, book, new OursBookCheck(OursWiring.CreateBookGate(book, GateConcurrency.MultiThreaded))));
        list.Add(new BookCheckMeasurement<OursBookCheck>("circuitbreaker-sw", true, book, new OursBookCheck(OursWiring.CreateBookGate(book, GateConcurrency.SingleWriter))));
        list.Add(new BookCheckMeasurement<OursBookCheck>("circuitbreaker-owned", true, book, new OursBookCheck(OursWiring.CreateBookGate(book, GateConcurrency.AccountOwned))));
        list.Add(new BookCheckMeasurement<OursBookCheck>("circuitbreaker-sw-65536", false, book, new OursBookCheck(OursWiring.CreateBookGate(book, GateConcurrency.SingleWriter, orderCapacity: 65_536))));
        list.Add(new BookCheckMeasurement<InHouseCheck>("inhouse", false, book, new InHouseCheck(new InHouseGate(book, selfMatch: false))));
        list.Add(new BookCheckMeasurement<InHouseCheck>("inhouse-selfmatch", false, book, new InHouseCheck(new InHouseGate(book, selfMatch: true))));
        list.Add(new BookCheckMeasurement<NaiveBookCheck>("naive", false, book, new NaiveBookCheck(new NaivePreTradeGate(book))));
        var pollyGate = new NaivePreTradeGate(book);
        list.Add(new BookCheckMeasurement<PollyBookCheck>("polly", false, book, PollyBookCheck.Create(pollyGate)));

        // Scaling: the same gate over 10 and 100,000 instruments (each gate is built when its measurement runs).
        list.Add(new ScalingCheckMeasurement(10));
        list.Add(new ScalingCheckMeasurement(100_000));

        bool ringWired = OursWiring.CreateRingPipe(1, 1024) is { } probe && Dispose(probe);
        EventPipeFactory ring = OursWiring.CreateRingPipe;
        EventPipeFactory channel = ChannelEventPipe.Create;
        foreach (var (name, producers) in new[] { ("ring_1p1c", 1), ("ring_2p1c", 2), ("ring_4p1c", 4) })
        {
            if (ringWired) list.Add(new PipeThroughputMeasurement(name, "ring", true, producers, ring));
            else notWired.Add($"{name}/ring");
            list.Add(new PipeThroughputMeasurement(name, "channel", false, producers, channel));
        }
        if (ringWired)
        {
            list.Add(new PublishToTripMeasurement("ring", true, ring)); // yielding, the pipeline's default
            // The same ring per wait strategy (issue 22: publish->trip is stated per strategy); busy-spin needs a core of its own.
            list.Add(new PublishToTripMeasurement("ring-busyspin", true, RingEventPipe.For(Ring.WaitStrategyKind.BusySpin)));
            list.Add(new PublishToTripMeasurement("ring-sleeping", true, RingEventPipe.For(Ring.WaitStrategyKind.Sleeping)));
            list.Add(new PublishToTripMeasurement("ring-blocking", true, RingEventPipe.For(Ring.WaitStrategyKind.Blocking)));
        }
        else notWired.Add("publish_to_trip/ring");
        list.Add(new PublishToTripMeasurement("channel", false, channel));

        list.Add(new EvaluatorThroughputMeasurement(DetectorSet.LimitsOnly));
        list.Add(new EvaluatorThroughputMeasurement(DetectorSet.AllDetectors));
        list.Add(new Replay.ReplayThroughputMeasurement());
        // Firm plane: needs nats-server (apt-get install -y nats-server); listed as not wired without it.
        if (File.Exists("/usr/sbin/nats-server") || File.Exists("/usr/bin/nats-server") || File.Exists("/usr/local/bin/nats-server"))
            list.Add(new CircuitBreaker.Benchmarks.Firm.FirmPropagationMeasurement());
        else notWired.Add("firm_propagation/nats (nats-server not installed)");
        return (list, notWired);

        void Add(ILatencyMeasurement? m, string label)
        {
            if (m is null) notWired.Add(label); else list.Add(m);
        }

        static bool Dispose(IEventPipe pipe) { pipe.Dispose(); return true; }
    }
}
