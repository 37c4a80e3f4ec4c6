using System.Diagnostics;
using System.Globalization;
using CircuitBreaker.Benchmarks.Latency;

namespace CircuitBreaker.Benchmarks.Replay;

/// <summary>
/// <c>replay_throughput</c>, impl <c>circuitbreaker</c>: <see cref="ReplayEngine.ReplayFile"/> (every default detector, the
/// default playbook) over a generated 1,000,000-record tape of the shape <c>scripts/gen-tape.py</c> writes (2 perps; 40 %
/// quotes, 30 % trades, 10 % oracle prices, 10 % orders, 10 % fills; 10,000 records per second of event time, stamped
/// from a present-day Unix-nanosecond origin). One untimed replay warms the JIT and the page cache; then
/// <see cref="TimedReplays"/> replays are timed. Each sample is one chunk of <see cref="ChunkRecords"/> records (timed from
/// the replay's progress callback) recorded as ns per record; ops/s is records per second over the timed replays. Replay
/// is a tool path, not the hot path: its allocations are reported, not required to be zero; the note gives the peak heap.
/// </summary>
internal sealed class ReplayThroughputMeasurement : ILatencyMeasurement
{
    /// <summary>Records in the generated tape.</summary>
    public const int Records = 1_000_000;
    /// <summary>Records per timed sample.</summary>
    public const int ChunkRecords = 50_000;
    /// <summary>Timed replays of the whole tape.</summary>
    public const int TimedReplays = 2;

    public string Name => "replay_throughput";
    public string Impl => "circuitbreaker";
    public bool IsOurs => true;

    public LatencyResult Run(HarnessSettings settings)
    {
        string path = Path.Combine(Path.GetTempPath(), $"cb-replay-{Environment.ProcessId}.jsonl");
        try
        {
            WriteTape(path, Records);
            Replay(path, null); // warm-up: JIT, page cache

            var histogram = new LatencyHistogram();
            long last = 0;
            var options = new ReplayOptions
            {
                ProgressEvery = ChunkRecords,
                Progress = _ =>
                {
                    long now = Stopwatch.GetTimestamp();
                    histogram.Record((long)Math.Round(Clock.ToNs(now - last) / ChunkRecords));
                    last = now;
                },
            };
            long gcBefore = Clock.GcCount();
            long allocBefore = GC.GetTotalAllocatedBytes(precise: true); // parsing allocates on the read-ahead thread
            long start = Stopwatch.GetTimestamp();
            long replayed = 0;
            for (int i = 0; i < TimedReplays; i++)
            {
                last = Stopwatch.GetTimestamp();
                replayed += Replay(path, options);
            }
            long end = Stopwatch.GetTimestamp();
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocBefore;
            long gcs = Clock.GcCount() - gcBefore;
            long peakMb = Process.GetCurrentProcess().PeakWorkingSet64 >> 20;
            return LatencyResult.From(this, histogram, replayed, Clock.Seconds(start, end), allocated, gcs,
                $"{Records:N0}-record tape, {TimedReplays} timed replays, all default detectors; ns per record per {ChunkRecords:N0}-record chunk; peak working set {peakMb} MB");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static long Replay(string path, ReplayOptions? options)
    {
        var result = ReplayEngine.ReplayFile(path, options);
        if (result.BadRecords.Count != 0)
            throw new InvalidOperationException($"replay_throughput: the generated tape had {result.BadRecords.Count} bad record(s); the figure would not be of a clean replay");
        return Records;
    }

    /// <summary>Writes the tape (the same shape and seed rule as scripts/gen-tape.py, from a Unix-ns origin).</summary>
    private static void WriteTape(string path, int records)
    {
        var random = new Random(7);
        var inv = CultureInfo.InvariantCulture;
        using var w = new StreamWriter(path, false, new System.Text.UTF8Encoding(false), 1 << 16);
        w.Write("{\"t\":1764892800000000000,\"type\":\"instrument\",\"symbol\":\"BTC-PERP\",\"kind\":\"perpetual\",\"underlying\":\"BTC\",\"tick\":0.1,\"lot\":0.001}\n");
        w.Write("{\"t\":1764892800000000000,\"type\":\"instrument\",\"symbol\":\"ETH-PERP\",\"kind\":\"perpetual\",\"underlying\":\"ETH\",\"tick\":0.01,\"lot\":0.01}\n");
        double[] px = [64000.0, 3000.0];
        double[] tick = [0.1, 0.01];
        string[] sym = ["ETH-PERP", "BTC-PERP"];
        long t = 1_764_892_800_000_000_000;
        long oid = 0;
        for (int i = 0; i < records - 2; i++)
        {
            t += 100_000; // 10,000 records per second of event time
            int s = i & 1; // odd: BTC (index 1 in sym), even: ETH
            int si = s == 1 ? 0 : 1; // index into px/tick: BTC 0, ETH 1
            string symbol = sym[s];
            int k = i % 10;
            double step = tick[si];
            double p = px[si] = Math.Round(Math.Max(step, px[si] + (random.Next(3) - 1) * step) / step) * step;
            string P(double v) => v.ToString("F2", inv);
            if (k < 4)
                w.Write($"{{\"t\":{t},\"type\":\"quote\",\"symbol\":\"{symbol}\",\"bid\":{P(p - step)},\"ask\":{P(p + step)},\"bid_qty\":3,\"ask_qty\":3}}\n");
            else if (k < 7)
                w.Write($"{{\"t\":{t},\"type\":\"trade\",\"symbol\":\"{symbol}\",\"px\":{P(p)},\"qty\":0.1,\"aggressor\":\"buy\"}}\n");
            else if (k == 7)
                w.Write($"{{\"t\":{t},\"type\":\"oracle\",\"symbol\":\"{symbol[..3]}\",\"px\":{P(p)}}}\n");
            else if (k == 8)
            {
                oid++;
                w.Write($"{{\"t\":{t},\"type\":\"order\",\"symbol\":\"{symbol}\",\"id\":{oid},\"account\":\"acct-{oid % 4}\",\"side\":\"buy\",\"px\":{P(p - 5 * step)},\"qty\":0.1}}\n");
            }
            else
                w.Write($"{{\"t\":{t},\"type\":\"fill\",\"symbol\":\"{symbol}\",\"order_id\":{oid},\"account\":\"acct-{oid % 4}\",\"side\":\"buy\",\"px\":{P(p)},\"qty\":0.1}}\n");
        }
    }
}
