using System.Diagnostics;
using System.Globalization;

namespace CircuitBreaker.Benchmarks.Compare;

/// <summary>
/// <c>--detector-costs &lt;dirA&gt; [dirB] [seconds]</c>: the per-detector cost table. For each build (one or two output
/// folders, each in its own load context as in <see cref="BuildComparison"/>) and each selection of
/// <see cref="Evaluation.DetectorSet"/> (limits-only, all-detectors, each default detector alone) it makes an
/// <c>evaluator:&lt;set&gt;</c> runner over the <see cref="Evaluation.EventMix"/> tape, and then times them all
/// round-robin, 256-event samples in a rotating order, so every cell sees the same moments of a noisy machine. Prints p50
/// ns/event per cell, the detector's own cost (p50 minus limits-only's p50 of the same build), the multiple of
/// limits-only, and with two builds B/A of the p50. Each runner checks at every call that the benign tape raised no
/// finding and tripped nothing.
/// </summary>
internal static class DetectorCosts
{
    private const int Batch = 256;

    public static int Run(string[] args)
    {
        int at = Array.FindIndex(args, a => a == "--detector-costs");
        var dirs = new List<string>();
        double seconds = 20;
        for (int i = at + 1; i < args.Length; i++)
        {
            if (double.TryParse(args[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double s)) seconds = s;
            else dirs.Add(args[i]);
        }
        if (dirs.Count is < 1 or > 2)
        {
            Console.Error.WriteLine("usage: --detector-costs <build dir A> [build dir B] [seconds]");
            return 2;
        }
        string[] sets = Evaluation.DetectorSet.All().Select(d => d.Name).ToArray();
        var runners = new Func<int, long>[dirs.Count, sets.Length];
        for (int b = 0; b < dirs.Count; b++)
            for (int s = 0; s < sets.Length; s++) runners[b, s] = BuildComparison.Load(dirs[b], "evaluator:" + sets[s]);
        int cells = runners.Length;
        Func<int, long> Cell(int c) => runners[c / sets.Length, c % sets.Length];

        long warmUntil = Stopwatch.GetTimestamp() + 3 * Stopwatch.Frequency;
        while (Stopwatch.GetTimestamp() < warmUntil) for (int c = 0; c < cells; c++) Cell(c)(Batch * 16);

        var histograms = new LatencyHistogram[cells];
        for (int c = 0; c < cells; c++) histograms[c] = new LatencyHistogram();
        long rounds = 0;
        long until = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < until)
        {
            for (int i = 0; i < cells; i++)
            {
                int c = (int)((i + rounds) % cells); // rotate which cell goes first
                long ticks = Cell(c)(Batch);
                histograms[c].Record((long)Math.Round(ticks * 100.0 * 1e9 / Stopwatch.Frequency / Batch)); // 1/100 ns
            }
            rounds++;
        }

        double P50(int b, int s) => histograms[b * sets.Length + s].ValueAtPercentile(50) / 100.0;
        Console.WriteLine($"detector costs: {rounds:N0} rounds of {Batch} events per cell, {seconds:0} s; cost = p50 - limits-only p50 of the same build");
        for (int b = 0; b < dirs.Count; b++) Console.WriteLine($"  build {(char)('A' + b)}: {dirs[b]}");
        Console.Write("| set |");
        for (int b = 0; b < dirs.Count; b++) Console.Write($" {(char)('A' + b)} p50 ns/event | {(char)('A' + b)} cost ns | {(char)('A' + b)} x limits-only |");
        Console.WriteLine(dirs.Count == 2 ? " B/A p50 |" : "");
        Console.Write("|---|");
        for (int b = 0; b < dirs.Count; b++) Console.Write("---:|---:|---:|");
        Console.WriteLine(dirs.Count == 2 ? "---:|" : "");
        for (int s = 0; s < sets.Length; s++)
        {
            Console.Write($"| {sets[s]} |");
            for (int b = 0; b < dirs.Count; b++)
                Console.Write(string.Create(CultureInfo.InvariantCulture, $" {P50(b, s):F1} | {P50(b, s) - P50(b, 0):F1} | {P50(b, s) / P50(b, 0):F2} |"));
            Console.WriteLine(dirs.Count == 2 ? string.Create(CultureInfo.InvariantCulture, $" {P50(1, s) / P50(0, s):F3} |") : "");
        }
        return 0;
    }
}
