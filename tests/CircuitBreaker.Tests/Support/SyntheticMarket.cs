namespace CircuitBreaker.Tests.Support;

/// <summary>
/// Seeded synthetic tape for one instrument: every tick (~50 ms, jittered) a quote and a trade, and every second an
/// oracle price from two sources. The random draws are the same whatever the scenario, so a scenario and its benign
/// twin (same seed, attack removed) differ only by the attack.
/// </summary>
public sealed record SyntheticMarket
{
    public ulong Seed { get; init; } = 7;
    public double DurationS { get; init; } = 240;
    public double StartPrice { get; init; } = 64_000;
    public double VolPerTickBps { get; init; } = 1;
    public double SpreadBps { get; init; } = 2;
    public double Depth { get; init; } = 10;
    public double BasisBps { get; init; } = 5;

    // Macro release (benign): volume and volatility burst, spread widens a bit, depth dips and recovers.
    public double MacroAtS { get; init; } = double.NaN;
    public double MacroForS { get; init; } = 10;
    public double MacroVolumeFactor { get; init; } = 8;
    public double MacroVolFactor { get; init; } = 4;

    // Attacks.
    public double VolumeSpikeAtS { get; init; } = double.NaN;
    public double VolumeSpikeForS { get; init; } = 3;
    public double VolumeSpikeFactor { get; init; } = 60;
    public double CrashAtS { get; init; } = double.NaN;
    public double CrashForS { get; init; } = 3;
    public double CrashPct { get; init; } = 8;
    public double CollapseAtS { get; init; } = double.NaN;
    public double CollapseForS { get; init; } = 5;
    public double OracleJumpAtS { get; init; } = double.NaN;
    public double OracleJumpPct { get; init; } = 60;
    public double OracleFreezeAtS { get; init; } = double.NaN;

    public static (InstrumentRegistry Registry, DetectorContext Context, InstrumentId Instrument) Registry()
    {
        var reg = new InstrumentRegistry();
        var id = reg.AddInstrument("BTC-PERP", InstrumentKind.Perpetual, 0.1, 0.001, underlying: "BTC");
        return (reg, new DetectorContext(reg), id);
    }

    public SyntheticMarket Benign() => this with
    {
        VolumeSpikeAtS = double.NaN, CrashAtS = double.NaN, CollapseAtS = double.NaN,
        OracleJumpAtS = double.NaN, OracleFreezeAtS = double.NaN,
    };

    public RiskEvent[] Build()
    {
        var rng = new SplitMix64(Seed);
        var events = new List<RiskEvent>();
        var id = new InstrumentId(0);
        double logMid = Math.Log(StartPrice);
        long t = 1_000_000_000;
        long end = t + (long)(DurationS * 1e9);
        long nextOracle = t;
        double crashPerS = Math.Log(1 - CrashPct / 100) / CrashForS;
        while (t < end)
        {
            double s = (t - 1_000_000_000) / 1e9;
            double g1 = Gauss(ref rng), g2 = Gauss(ref rng), g3 = Gauss(ref rng), g4 = Gauss(ref rng);
            double u1 = rng.NextDouble(), u2 = rng.NextDouble(), u3 = rng.NextDouble();
            long dt = 30_000_000 + (long)(u3 * 40_000_000);

            bool macro = In(s, MacroAtS, MacroForS);
            bool collapse = In(s, CollapseAtS, CollapseForS);
            double vol = VolPerTickBps * (macro ? MacroVolFactor : 1);
            logMid += vol * 1e-4 * g1;
            if (In(s, CrashAtS, CrashForS)) logMid += crashPerS * dt / 1e9;
            double mid = Math.Exp(logMid);

            double spread = SpreadBps * (1 + 0.3 * u1) * (macro ? 2 : 1) * (collapse ? 60 : 1);
            double depthF = (macro ? 0.6 : 1) * (collapse ? 0.03 : 1);
            double bq = Depth * (0.7 + 0.6 * u2) * depthF, aq = Depth * (0.7 + 0.6 * (1 - u2)) * depthF;
            double half = mid * spread * 0.5e-4;
            events.Add(RiskEvent.Quote(t, id, mid - half, mid + half, bq, aq));

            double qty = Math.Exp(0.5 * g2) * (macro ? MacroVolumeFactor : 1) * (In(s, VolumeSpikeAtS, VolumeSpikeForS) ? VolumeSpikeFactor : 1);
            events.Add(RiskEvent.Trade(t + 1, id, mid + half * (g3 > 0 ? 1 : -1), qty));

            if (t >= nextOracle)
            {
                nextOracle += 1_000_000_000;
                bool frozen = !double.IsNaN(OracleFreezeAtS) && s >= OracleFreezeAtS;
                if (!frozen)
                {
                    double jump = In(s, OracleJumpAtS, 1) ? 1 - OracleJumpPct / 100 : 1;
                    events.Add(RiskEvent.Oracle(t + 2, id, mid * (1 + (BasisBps + 2 * g4) * 1e-4) * jump, source: 0));
                    events.Add(RiskEvent.Oracle(t + 3, id, mid * (1 + (BasisBps + 2 * g4 * 0.5) * 1e-4), source: 1));
                }
            }
            t += dt;
        }
        return events.ToArray();
    }

    private static bool In(double s, double at, double forS) => !double.IsNaN(at) && s >= at && s < at + forS;

    private static double Gauss(ref SplitMix64 rng)
    {
        double u = 1.0 - rng.NextDouble(), v = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u)) * Math.Cos(2 * Math.PI * v);
    }
}

/// <summary>Records findings (allocates as the list grows).</summary>
internal sealed class FindingRecorder : IFindingSink
{
    public List<Finding> Findings { get; } = new();
    public void Raise(in Finding finding) => Findings.Add(finding);
}

/// <summary>Counts findings without allocating.</summary>
internal sealed class FindingCounter : IFindingSink
{
    public int Count;
    public int Critical;
    public void Raise(in Finding finding) { Count++; if (finding.Severity == Severity.Critical) Critical++; }
}

/// <summary>Control sink: renders every finding's text, which allocates.</summary>
internal sealed class FormattingSink : IFindingSink
{
    public int Chars;
    public void Raise(in Finding finding) => Chars += finding.FormatDetail().Length;
}

internal static class DetectorReplay
{
    public static List<Finding> Run(IDetector d, RiskEvent[] events)
    {
        var rec = new FindingRecorder();
        foreach (ref readonly var e in events.AsSpan()) d.Observe(in e, rec);
        return rec.Findings;
    }

    /// <summary>Bytes allocated on this thread while observing events[from..] after observing events[..from] unmeasured.</summary>
    public static long AllocatedAfterWarmup(IDetector d, RiskEvent[] events, int from, IFindingSink sink)
    {
        var span = events.AsSpan();
        for (int k = 0; k < from; k++) d.Observe(in span[k], sink);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = from; k < span.Length; k++) d.Observe(in span[k], sink);
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>
    /// Fewest bytes allocated by <see cref="AllocatedAfterWarmup"/> over a few fresh detectors. Allocation by the
    /// detector happens on every replay of the same tape; tiering/JIT work that the runtime does on the calling thread
    /// happens once, so the minimum separates the two.
    /// </summary>
    public static long MinAllocatedAfterWarmup(Func<IDetector> create, RiskEvent[] events, int from, Func<IFindingSink> sink, int attempts = 4)
    {
        long min = long.MaxValue;
        for (int a = 0; a < attempts && min > 0; a++)
            min = Math.Min(min, AllocatedAfterWarmup(create(), events, from, sink()));
        return min;
    }

    public static string Describe(IEnumerable<Finding> fs)
        => string.Join("; ", fs.Select(f => $"{f.Signature}/{f.Severity}@{f.TimeNs / 1e9:0.000}s {f.FormatDetail()}"));
}
