namespace CircuitBreaker.Replay;

/// <summary>
/// How a <see cref="ReplayEngine"/> evaluates a tape: which detectors run, which responder (playbook) turns findings
/// into actions, and how often progress is reported. Immutable; the factories are called once per replay (allocates at
/// setup only).
/// </summary>
public sealed class ReplayOptions
{
    /// <summary>Default profile: <see cref="DefaultDetectors"/> and an <see cref="IncidentDesk"/> with the default playbook.</summary>
    public static ReplayOptions Default { get; } = new();

    /// <summary>The breaker "off" for detection: no detectors; pair it with <see cref="BreakerProfiles.Off"/> limits.</summary>
    public static ReplayOptions NoDetectors { get; } = new() { Detectors = static _ => [] };

    /// <summary>Creates the detectors for a replay. Default: <see cref="DefaultDetectors.Create"/>.</summary>
    public Func<DetectorContext, IEnumerable<IDetector>> Detectors { get; init; } = DefaultDetectors.Create;

    /// <summary>
    /// Creates the responder (playbook) that receives every finding, given the replay's breaker. Default: an
    /// <see cref="IncidentDesk"/> with <see cref="Playbook.Default"/>. A responder that also implements
    /// <see cref="IIncidentSource"/> has its incidents written to the report.
    /// </summary>
    public Func<Breaker, IFindingSink>? Responder { get; init; }

    /// <summary>Findings listed in the report before the rest are only counted (default 10,000, the spec's cap).</summary>
    public int MaxFindings { get; init; } = ReportBuilder.DefaultMaxFindings;

    /// <summary>Record a <see cref="ReplayTimeline"/> (rejections and daily PnL over time, for a chart) in
    /// <see cref="ReplayResult.Timeline"/>. Default false: nothing is recorded and the replay pays nothing for it.</summary>
    public bool RecordTimeline { get; init; }

    /// <summary>Called with the number of records replayed so far every <see cref="ProgressEvery"/> records (default none).</summary>
    public Action<long>? Progress { get; init; }

    /// <summary>Called with each record's event time (ns) just before it is replayed (default none): a live drill paces the
    /// replay here (e.g. <c>circuit-breaker firm engine --tape --speed</c>). Runs on the replaying thread.</summary>
    public Action<long>? BeforeRecord { get; init; }

    /// <summary>Called once on the replaying thread after the last record has been replayed and before the report is built,
    /// while the replay's breaker is still live (default none): a live drill holds the breaker attached here.</summary>
    public Action? AfterLastRecord { get; init; }

    /// <summary>Read and parse the tape on a second thread while the calling thread evaluates (default true: parsing and
    /// evaluation each take about half of a replay). The report is the same either way; false keeps the replay on one thread.</summary>
    public bool ReadAhead { get; init; } = true;

    /// <summary>Records between two <see cref="Progress"/> calls (default 1,000,000).</summary>
    public long ProgressEvery { get; init; } = 1_000_000;
}
