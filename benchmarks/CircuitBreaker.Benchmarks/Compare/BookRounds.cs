using System.Diagnostics;
using CircuitBreaker.Benchmarks.Latency;

namespace CircuitBreaker.Benchmarks.Compare;

/// <summary>
/// <c>--book-rounds [seconds]</c>: every implementation of <c>pretrade_book</c> in one process, interleaved in rounds (each
/// round gives each a turn of 1,024 consecutive 32-order samples, the order rotating from round to round), so all of them see the same moments
/// of a noisy shared machine; the latency harness runs them one after another, minutes apart. Each implementation is
/// verified order by order against the in-house gate before timing and checks its decisions in every sample. Prints
/// each one's p50, p90 and mean per order and the ratios the issue-22 targets name.
/// </summary>
internal static class BookRounds
{
    private const int Batch = 32;
    /// <summary>Samples an implementation runs per turn (32,768 orders, a few milliseconds): each implementation's working
    /// set (stream, order table, book) is megabytes, which the others evict in their turns; shorter turns (64 samples)
    /// measured every implementation 2-3x slower than alone, i.e. refilling the caches. Turns stay short enough that
    /// every implementation meets the same seconds of the machine.</summary>
    private const int SamplesPerTurn = 1024;
    private static readonly string[] Impls = ["sw", "owned", "mt", "sw-65536", "inhouse", "inhouse-sm", "naive", "polly"];

    public static int Run(string[] args)
    {
        int at = Array.FindIndex(args, a => a == "--book-rounds");
        double seconds = args.Length > at + 1 ? double.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : 20;
        var runners = Impls.Select(i => CheckRunner.Create(i + ":book")).ToArray();
        long warmUntil = Stopwatch.GetTimestamp() + 2 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < warmUntil) foreach (var r in runners) r(Batch * 16);

        var histograms = runners.Select(_ => new LatencyHistogram()).ToArray();
        var totals = new long[runners.Length];
        long rounds = 0;
        long until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            for (int i = 0; i < 2; i++, rounds++)
                for (int k = 0; k < runners.Length; k++)
                {
                    int v = (int)((k + rounds) % runners.Length);
                    for (int s = 0; s < SamplesPerTurn; s++)
                    {
                        long ticks = runners[v](Batch);
                        totals[v] += ticks;
                        histograms[v].Record((long)Math.Round(ticks * 100.0 * 1e9 / Stopwatch.Frequency / Batch)); // 1/100 ns
                    }
                }
        }
        Console.WriteLine($"pretrade_book, {rounds:N0} rounds of {SamplesPerTurn} {Batch}-order samples per implementation (quotes between the orders included)");
        double P50(string impl) => histograms[Array.IndexOf(Impls, impl)].ValueAtPercentile(50) / 100.0;
        for (int v = 0; v < runners.Length; v++)
            Console.WriteLine($"  {Impls[v],-11} p50 {histograms[v].ValueAtPercentile(50) / 100.0,7:F1} ns, p90 {histograms[v].ValueAtPercentile(90) / 100.0,7:F1} ns, mean {totals[v] * 1e9 / Stopwatch.Frequency / (rounds * Batch * SamplesPerTurn),7:F1} ns");
        Console.WriteLine($"  single-writer / in-house with self-match: {P50("sw") / P50("inhouse-sm"):F2} (target <= 1.5, moonshot 1.2)");
        Console.WriteLine($"  naive / single-writer: {P50("naive") / P50("sw"):F2} (target >= 3); polly / single-writer: {P50("polly") / P50("sw"):F2} (target >= 5)");
        Console.WriteLine($"  polly / default (mt): {P50("polly") / P50("mt"):F2} (target >= 3); account-owned / single-writer: {P50("owned") / P50("sw"):F2}");
        Console.WriteLine($"  single-writer at the default order capacity (65,536) / at 16,384: {P50("sw-65536") / P50("sw"):F2}");
        return 0;
    }
}
