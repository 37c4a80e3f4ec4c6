using CircuitBreaker.Drills;

namespace CircuitBreaker.Tests.Drills;

/// <summary>
/// Issue 16 item 1: every drill scenario, its tape shifted to each origin of <see cref="TimeOrigins"/> exactly (0,
/// present-day Unix ns, 2^62 − 123,456,789, and long.MaxValue minus the tape's span, so its last record sits at
/// long.MaxValue), and by random offsets in [0, 2^62], replayed through the default profile with every detector and the
/// incident desk: the report (orders, rejections by reason, suppressed fills, trips, findings, incidents) and the
/// accounts' outcomes are those of origin 0, times shifted. The shifts are not whole buckets: every bucket grid (the
/// gate's rate windows, the detectors' buckets, windows and sample intervals) is anchored at the first event it sees
/// (docs/concepts.md, "Event time"). Until 2026-12 the detectors counted their buckets from t = 0 and 8 of the 12
/// drills gave other findings at 2^62 − 123,456,789.
/// </summary>
public class DrillTimeOriginTests
{
    public static TheoryData<string> Names() => [.. Drill.All.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void Replay_TapeShiftedToEveryOrigin_SameReportTimesShifted(string name)
    {
        var scenario = Drill.Find(name)!;
        byte[] tape = scenario.Generate(1);
        var records = Read(tape);
        long span = records.Max(r => Math.Max(r.T, r.ExpiryT ?? 0));
        string baseline = Replay(tape, 0, out string baseOutcome);
        Assert.Contains("\"trips\"", baseline);
        foreach (long origin in TimeOrigins.For(span).Skip(1))
        {
            string shifted = Replay(Shift(records, origin), origin, out string outcome);
            Assert.True(baseline == shifted, $"{name} at origin {origin}: {FirstDifference(baseline, shifted)}");
            Assert.True(baseOutcome == outcome, $"{name} at origin {origin}: accounts {baseOutcome} vs {outcome}");
        }
    }

    /// <summary>Property: each drill shifted by random offsets in [0, 2^62] (seeded per drill, so a failure names a
    /// reproducible offset) gives the report of origin 0, times shifted.</summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void Replay_TapeShiftedByRandomOffsets_SameReportTimesShifted(string name)
    {
        var scenario = Drill.Find(name)!;
        byte[] tape = scenario.Generate(1);
        var records = Read(tape);
        string baseline = Replay(tape, 0, out string baseOutcome);
        var random = new Random(StableSeed(name));
        for (int k = 0; k < 2; k++)
        {
            long origin = random.NextInt64(0, (1L << 62) + 1);
            string shifted = Replay(Shift(records, origin), origin, out string outcome);
            Assert.True(baseline == shifted, $"{name} at random origin {origin}: {FirstDifference(baseline, shifted)}");
            Assert.True(baseOutcome == outcome, $"{name} at random origin {origin}: accounts {baseOutcome} vs {outcome}");
        }
    }

    private static int StableSeed(string name)
    {
        int h = 17;
        foreach (char c in name) h = unchecked(h * 31 + c);
        return h;
    }

    internal static List<TapeRecord> Read(byte[] tape)
    {
        using var reader = new TapeReader(new MemoryStream(tape), "origin");
        return reader.ReadAll().ToList();
    }

    internal static byte[] Shift(List<TapeRecord> records, long origin)
    {
        using var stream = new MemoryStream();
        using (var writer = new TapeWriter(stream, leaveOpen: true))
            foreach (var r in records) writer.Write(r with { T = r.T + origin, ExpiryT = r.ExpiryT is { } x ? x + origin : null });
        return stream.ToArray();
    }

    /// <summary>Replays a tape and returns its report with every event time moved back by <paramref name="origin"/>.</summary>
    internal static string Replay(byte[] tape, long origin, out string outcome)
    {
        RiskConfig config;
        using (var first = new TapeReader(new MemoryStream(tape), "origin")) config = ReplayEngine.BuildConfigFromTape(first.ReadAll(), BreakerProfiles.Default);
        using var reader = new TapeReader(new MemoryStream(tape), "origin");
        var result = new ReplayEngine(config, ReplayOptions.Default).Run(reader);
        var report = result.Report;
        foreach (var t in report.Trips) t.T -= origin;
        foreach (var f in report.Findings) f.T -= origin;
        foreach (var i in report.Incidents)
        {
            i.OpenedT -= origin;
            if (i.ContainedT is { } c) i.ContainedT = c - origin;
            if (i.ClosedT is { } z) i.ClosedT = z - origin;
        }
        outcome = string.Join("; ", result.Accounts.Select(a => $"{a.Name} {a.Pnl:R} {a.GrossExposure:R} {a.Fills}"))
            + $"; skipped {result.SkippedRecords}, disagreements {result.PositionDisagreements}, last {result.LastEventTimeNs - origin}";
        return report.ToJson();
    }

    private static string FirstDifference(string a, string b)
    {
        int i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i]) i++;
        int from = Math.Max(0, i - 300);
        return $"first difference at char {i}:{Environment.NewLine}origin 0: ...{a[from..Math.Min(a.Length, i + 200)]}{Environment.NewLine}shifted:  ...{b[from..Math.Min(b.Length, i + 200)]}";
    }
}
