using System.Globalization;
using System.Text.RegularExpressions;

namespace CircuitBreaker.Replay;

/// <summary>
/// Reviews a journal written by a <see cref="RiskPipeline"/>: rebuilds the flow it recorded (orders from the order events,
/// whose payload keeps the original request; market data, fills, positions, chain events and operator commands from the
/// other events), replays it through the <see cref="ReplayEngine"/> machinery with a configuration of the caller's choice,
/// and compares the replay's decisions and transitions with those recorded live. The journal's dense ids are named
/// through its <see cref="JournalSessionNote"/>s, whose instruments are declared in the review configuration (after
/// <c>configure</c>, as a tape's instrument records are). Synchronous, event time only, deterministic. Allocates (review
/// tool, not the hot path).
/// <para>
/// Known limits: state changes made live by direct calls (<see cref="Breaker.Halt"/>, ...) rather than admin events are
/// recorded as trips but not replayed, and orders checked without publishing their decision are not in the journal; both
/// can show up as differences. Live decisions taken while the evaluator lagged behind the engine may differ from the
/// replay's, which always sees every earlier event first.
/// </para>
/// </summary>
public sealed partial class JournalReview
{
    private readonly ReplayOptions _options;
    private readonly Action<CircuitBreakerBuilder> _configure;

    /// <summary>Creates a review.</summary>
    /// <param name="options">Detectors and responder of the replay (default <see cref="ReplayOptions.Default"/>).</param>
    /// <param name="configure">Limits applied before the journal's instruments are declared (default
    /// <see cref="BreakerProfiles.Default"/>).</param>
    public JournalReview(ReplayOptions? options = null, Action<CircuitBreakerBuilder>? configure = null)
    {
        _options = options ?? ReplayOptions.Default;
        _configure = configure ?? BreakerProfiles.Default;
    }

    /// <summary>The journal base path for <paramref name="path"/>: the path itself, or, for one of its files
    /// (<c>&lt;base&gt;.000003.cbj</c>), the base.</summary>
    /// <param name="path">A journal base path or one of its files.</param>
    /// <returns>The base path.</returns>
    public static string BasePathOf(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var m = FileNamePattern().Match(path);
        return m.Success ? path[..m.Index] : path;
    }

    [GeneratedRegex(@"\.[0-9]{6,}\.cbj$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();

    /// <summary>Reviews the journal at <paramref name="journal"/> (base path or one of its files). Never throws on damaged
    /// data: a torn or corrupt tail is reported in <see cref="JournalReviewResult.Tail"/> and what was read before it is
    /// reviewed; no files or no session note are reported in <see cref="JournalReviewResult.Problem"/>.</summary>
    /// <exception cref="RiskConfigException">The review configuration is invalid.</exception>
    /// <param name="journal">A journal base path or one of its files.</param>
    /// <returns>What differs between the recorded session and the replay under this review's limits.</returns>
    public JournalReviewResult Run(string journal)
    {
        string basePath = BasePathOf(journal);
        var files = JournalReader.FindFiles(basePath);
        var result = new JournalReviewResult(basePath, files);
        if (files.Count == 0)
        {
            result.Tail = new JournalTail(TailStatus.Corrupt, JournalDefect.FileUnreadable, null, 0, 0, "No journal files.");
            result.Problem = $"no journal files '{Path.GetFileName(basePath)}.NNNNNN.cbj' at '{Path.GetDirectoryName(Path.GetFullPath(basePath))}'";
            return result;
        }

        // Pass 1: the session notes (names and specs of every id) and where the read stops.
        var sessions = new List<JournalSessionNote>();
        long readable;
        string? malformed = null;
        using (var reader = new JournalReader(files))
        {
            while (reader.TryRead(out var record))
            {
                if (record.Type == JournalRecordType.Gap && JournalGap.TryRead(record.Payload.Span, out var gap)) result.AddGap(in gap);
                if (record.Type != JournalRecordType.Note) continue;
                if (JournalSessionNote.TryParse(record.GetText(), out var note, out string? error)) sessions.Add(note!);
                else if (error is not null)
                    malformed ??= Invariant($"session note {record.Sequence} at {record.File}:{record.Offset} is malformed: {error}");
            }
            result.Tail = reader.Tail;
            readable = reader.Tail.RecordsRead;
        }
        if (malformed is not null)
        {
            // a CRC-valid note that names nothing usable: the ids of the records after it cannot be trusted to a name
            result.Problem = malformed;
            return result;
        }
        if (sessions.Count == 0)
        {
            var tail = result.Tail;
            result.Problem = tail.Status switch
            {
                TailStatus.Torn or TailStatus.Corrupt => Invariant(
                    $"the journal is damaged before its session note: {tail.Status.ToString().ToLowerInvariant()} ({tail.Defect}) at {tail.File}:{tail.Offset}: {tail.Message}"),
                TailStatus.Truncated when tail.Defect == JournalDefect.MissingSessionStart => Invariant(
                    $"the journal's first files are missing (it starts in the middle of a writer session at {tail.File}), so its session note is gone"),
                _ => "the journal has no session note (instrument and account definitions): it was not written by a RiskPipeline",
            };
            return result;
        }

        var config = BuildConfig(sessions, result);
        using var breaker = new Breaker(config);
        var session = ReplayEngine.OpenSession(breaker, _options, basePath, out var evaluator);
        var flow = new ReviewFlow(breaker.Registry, session, result);
        using (var reader = new JournalReader(files))
        {
            for (long n = 0; n < readable && reader.TryRead(out var record); n++) flow.Apply(in record);
        }
        session.Report.Events = result.Events;
        result.Replay = session.Finish(evaluator.Responder as IIncidentSource);
        flow.Complete(session.Trips);
        return result;
    }

    private RiskConfig BuildConfig(List<JournalSessionNote> sessions, JournalReviewResult result)
    {
        var builder = new CircuitBreakerBuilder();
        _configure(builder);
        var registry = builder.Registry;
        var instruments = new HashSet<string>(StringComparer.Ordinal);
        var accounts = new HashSet<string>(StringComparer.Ordinal);
        var groups = new HashSet<string>(StringComparer.Ordinal);
        foreach (var note in sessions)
        {
            foreach (var i in note.Instruments)
            {
                if (!instruments.Add(i.Symbol)) continue;
                if (registry.TryGetInstrument(i.Symbol, out var id))
                {
                    var s = registry[id];
                    if (s.Kind != i.Kind || s.Tick != i.Tick || s.Lot != i.Lot || s.Multiplier != i.Multiplier) result.InstrumentMismatches++;
                    continue;
                }
                builder.Instrument(i.Symbol, i.Kind, i.Tick, i.Lot, i.Multiplier, i.Underlying, i.Group, barrier: i.Barrier,
                    barrierKind: i.BarrierKind, strike: i.Strike);
            }
            foreach (var a in note.Accounts)
                if (accounts.Add(a.Name) && !registry.TryGetAccount(a.Name, out _)) builder.Account(a.Name);
            foreach (var g in note.Groups) groups.Add(g.Name);
        }
        result.SessionNotes = sessions.Count;
        result.Definitions = (instruments.Count, accounts.Count, groups.Count);
        return builder.BuildConfig();
    }

    internal static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
