namespace CircuitBreaker.Benchmarks.Latency;

/// <summary>Prints results: ratios against our implementation per workload, then absolute figures.</summary>
internal static class LatencyTable
{
    public static void Print(TextWriter o, IReadOnlyList<LatencyResult> results)
    {
        o.WriteLine();
        o.WriteLine("Ratios (implementation / reference; > 1 means the reference is faster, for ops/s reference / implementation):");
        o.WriteLine($"  {"workload",-22} {"impl",-21} {"reference",-21} {"p50",7} {"p99",7} {"p99.9",7} {"mean",7} {"ops/s",7}");
        foreach (var group in results.GroupBy(r => r.Name))
        {
            var reference = group.FirstOrDefault(r => r.IsOurs) ?? group.First();
            string refLabel = reference.IsOurs ? reference.Impl : reference.Impl + "*";
            foreach (var r in group.Where(r => r != reference))
                o.WriteLine($"  {r.Name,-22} {r.Impl,-21} {refLabel,-21} {Ratio(r.P50Ns, reference.P50Ns),7} {Ratio(r.P99Ns, reference.P99Ns),7} " +
                            $"{Ratio(r.P999Ns, reference.P999Ns),7} {Ratio(r.MeanNs, reference.MeanNs),7} {Ratio(reference.OpsPerSec, r.OpsPerSec),7}");
            if (!group.Any(r => r != reference))
                o.WriteLine($"  {group.Key,-22} (one implementation only)");
        }
        o.WriteLine("  * ours not wired yet: reference is the first baseline");
        o.WriteLine();
        o.WriteLine("Absolute figures (ns; B/op and GCs over the timed part, all threads for the pipe workloads):");
        o.WriteLine($"  {"workload",-22} {"impl",-21} {"mean",9} {"p50",8} {"p90",8} {"p99",8} {"p99.9",8} {"p99.99",9} {"max",10} {"M ops/s",8} {"B/op",7} {"GCs",4}  note");
        foreach (var r in results)
            o.WriteLine($"  {r.Name,-22} {r.Impl,-21} {r.MeanNs,9:0.0} {r.P50Ns,8} {r.P90Ns,8} {r.P99Ns,8} {r.P999Ns,8} {r.P9999Ns,9} {r.MaxNs,10} " +
                        $"{r.OpsPerSec / 1e6,8:0.00} {r.AllocBytesPerOp,7:0.##} {r.GcCount,4}  {r.Note}");
    }

    private static string Ratio(double value, double reference)
        => reference <= 0 ? "n/a" : (value / reference).ToString("0.00");
}
