using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;

namespace CircuitBreaker.Benchmarks.Compare;

/// <summary>
/// <c>--compare &lt;dirA&gt; &lt;dirB&gt; [sw|owned|mt|modeA,modeB|mode@instruments|impl:book|evaluator:set] [seconds]</c>: times <c>Check</c> of two builds of CircuitBreaker in one
/// process, each loaded from its own output folder into its own <see cref="AssemblyLoadContext"/>, alternating
/// 32-check samples between them, so both see the same moments of a noisy shared machine (runs of separate processes
/// on this 2-core VM differ by up to 2x from minute to minute; interleaved samples cancel that out). Prints each
/// build's p50 and mean per check and their ratio. Samples are of the same 8-new-then-8-cancel stream as
/// <c>pretrade_check</c>, 16 new orders and 16 cancels each.
/// </summary>
internal static class BuildComparison
{
    private const int Batch = 32;

    public static int Run(string[] args)
    {
        int at = Array.FindIndex(args, a => a == "--compare");
        if (at < 0 || args.Length < at + 3)
        {
            Console.Error.WriteLine("usage: --compare <build dir A> <build dir B> [sw|owned|mt|modeA,modeB|mode@instruments|impl:book|evaluator:set] [seconds]");
            return 2;
        }
        string mode = args.Length > at + 3 ? args[at + 3] : "sw";
        double seconds = args.Length > at + 4 ? double.Parse(args[at + 4], System.Globalization.CultureInfo.InvariantCulture) : 10;
        // "a,b": build A in mode a, build B in mode b (e.g. one build twice, "sw,owned", to compare concurrency modes);
        // "mode@N": the scaling scenario's stream over N instruments instead of pretrade_check's (e.g. "mt@100000").
        string[] modes = mode.Split(',');
        var runners = new[] { Load(args[at + 1], modes[0]), Load(args[at + 2], modes[^1]) };

        // Warm up both (tiered JIT to optimised code) for at least 2 s, interleaved.
        long warmUntil = Stopwatch.GetTimestamp() + 2 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < warmUntil) foreach (var r in runners) r(Batch * 64);

        var histograms = new[] { new LatencyHistogram(), new LatencyHistogram() };
        var totals = new long[2];
        long samples = 0;
        long until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            for (int i = 0; i < 1024; i++)
            {
                int first = (int)(samples & 1); // alternate which build goes first
                for (int k = 0; k < 2; k++)
                {
                    int v = first ^ k;
                    long ticks = runners[v](Batch);
                    totals[v] += ticks;
                    histograms[v].Record((long)Math.Round(ticks * 100.0 * 1e9 / Stopwatch.Frequency / Batch)); // 1/100 ns
                }
                samples++;
            }
        }
        Console.WriteLine($"{mode}: {samples:N0} interleaved samples of {Batch} checks per build");
        string[] names = [args[at + 1], args[at + 2]];
        for (int v = 0; v < 2; v++)
            Console.WriteLine($"  {(v == 0 ? "A" : "B")} {names[v]}: p50 {histograms[v].ValueAtPercentile(50) / 100.0:F1} ns, p90 {histograms[v].ValueAtPercentile(90) / 100.0:F1} ns, mean {totals[v] * 1e9 / Stopwatch.Frequency / (samples * Batch):F1} ns");
        Console.WriteLine($"  B/A p50 {(double)histograms[1].ValueAtPercentile(50) / histograms[0].ValueAtPercentile(50):F3}");
        return 0;
    }

    internal static Func<int, long> Load(string dir, string mode)
    {
        string path = Path.GetFullPath(Path.Combine(dir, "CircuitBreaker.Benchmarks.dll"));
        var context = new BuildContext(path);
        var assembly = context.LoadFromAssemblyPath(path);
        var create = assembly.GetType("CircuitBreaker.Benchmarks.Compare.CheckRunner")?.GetMethod("Create", BindingFlags.Public | BindingFlags.Static)
            ?? throw new InvalidOperationException($"{path} has no CheckRunner.Create (a build from before --compare existed)");
        return (Func<int, long>)create.Invoke(null, [mode])!;
    }

    /// <summary>Resolves a build's own assemblies (CircuitBreaker.dll first) from its folder; framework ones are shared.</summary>
    private sealed class BuildContext(string mainPath) : AssemblyLoadContext(Path.GetFileName(Path.GetDirectoryName(mainPath)), isCollectible: false)
    {
        private readonly AssemblyDependencyResolver _resolver = new(mainPath);

        protected override Assembly? Load(AssemblyName name)
        {
            string? path = _resolver.ResolveAssemblyToPath(name);
            return path is null ? null : LoadFromAssemblyPath(path);
        }
    }
}
