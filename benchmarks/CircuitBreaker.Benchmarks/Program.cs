using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Running;
using CircuitBreaker.Benchmarks.Latency;

namespace CircuitBreaker.Benchmarks;

/// <summary>
/// Entry point. <c>--latency [--quick] [--json &lt;file&gt;]</c> runs the side-by-side percentile harness
/// (<see cref="LatencyHarness"/>); anything else goes to BenchmarkDotNet's switcher with the memory diagnoser on.
/// </summary>
public static class Program
{
    /// <summary>Runs the latency harness or BenchmarkDotNet.</summary>
    public static int Main(string[] args)
    {
        if (args.Contains("--latency", StringComparer.OrdinalIgnoreCase))
            return LatencyHarness.Run(args);
        if (args.Contains("--book-rounds", StringComparer.OrdinalIgnoreCase))
            return Compare.BookRounds.Run(args);
        if (args.Contains("--detector-costs", StringComparer.OrdinalIgnoreCase))
            return Compare.DetectorCosts.Run(args);
        if (args.Contains("--compare", StringComparer.OrdinalIgnoreCase))
            return Compare.BuildComparison.Run(args);

        var config = DefaultConfig.Instance.AddDiagnoser(MemoryDiagnoser.Default);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config);
        return 0;
    }
}
