using System.Runtime.InteropServices;
using System.Text.Json;

namespace CircuitBreaker.Benchmarks.Latency;

/// <summary>
/// Writes the JSON report: <c>{"machine": {"cores", "os", "cpu", "load_avg_1m" (at the start), "load_avg_1m_end"}, "runtime", "results": [{"name", "impl", "p50_ns",
/// "p99_ns", "p999_ns", "max_ns", "mean_ns", "ops_per_sec", "alloc_bytes_per_op", "gc_count"}, ...]}</c>.
/// </summary>
internal static class LatencyReport
{
    public static void Write(string path, IReadOnlyList<LatencyResult> results, double? loadAtStart)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        using var stream = File.Create(path);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteStartObject("machine");
        w.WriteNumber("cores", Environment.ProcessorCount);
        w.WriteString("os", RuntimeInformation.OSDescription);
        if (MachineInfo.CpuModel() is { } cpu) w.WriteString("cpu", cpu);
        if (loadAtStart is { } start) w.WriteNumber("load_avg_1m", start); // at the start of the run
        if (MachineInfo.LoadAverage() is { } end) w.WriteNumber("load_avg_1m_end", end);
        w.WriteEndObject();
        w.WriteString("runtime", RuntimeInformation.FrameworkDescription);
        w.WriteStartArray("results");
        foreach (var r in results)
        {
            w.WriteStartObject();
            w.WriteString("name", r.Name);
            w.WriteString("impl", r.Impl);
            w.WriteNumber("p50_ns", r.P50Ns);
            w.WriteNumber("p99_ns", r.P99Ns);
            w.WriteNumber("p999_ns", r.P999Ns);
            w.WriteNumber("max_ns", r.MaxNs);
            w.WriteNumber("mean_ns", Math.Round(r.MeanNs, 2));
            w.WriteNumber("ops_per_sec", Math.Round(r.OpsPerSec));
            w.WriteNumber("alloc_bytes_per_op", Math.Round(r.AllocBytesPerOp, 3));
            w.WriteNumber("gc_count", r.GcCount);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}

/// <summary>What the report says about the machine.</summary>
internal static class MachineInfo
{
    public static string Describe()
        => $"{CpuModel() ?? "unknown CPU"}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}";

    /// <summary>The 1-minute load average from /proc/loadavg on Linux; null elsewhere.</summary>
    public static double? LoadAverage()
    {
        try
        {
            if (!File.Exists("/proc/loadavg")) return null;
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.TryParse(first, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    /// <summary>The CPU model from /proc/cpuinfo on Linux; null elsewhere or when unreadable.</summary>
    public static string? CpuModel()
    {
        try
        {
            if (!File.Exists("/proc/cpuinfo")) return null;
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal) && line.IndexOf(':') is var i and >= 0)
                    return line[(i + 1)..].Trim();
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}
