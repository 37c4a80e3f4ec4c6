using System.Globalization;

namespace CircuitBreaker.Replay;

/// <summary>
/// Replays an event tape through a real <see cref="Breaker"/> and <see cref="Evaluator"/>, evaluated on the calling
/// thread in tape order, on event time only (never the wall clock): the same tape and configuration always give the
/// same report, byte for byte. The tape is read and parsed ahead on a second thread (<see cref="ReplayOptions.ReadAhead"/>,
/// default on); callbacks of the options run on the calling thread. <c>order</c> records go through <see cref="Breaker.Check"/> and their decision into the
/// evaluator; fills, cancels and replaces of orders the replay did not accept are suppressed (spec); every other record
/// becomes a <see cref="RiskEvent"/>. Trips are collected through a kill switch, findings from the evaluator.
/// Each <see cref="Run(TapeReader)"/> creates a new breaker and detectors (allocates at setup; per record it allocates a few small
/// objects at most — this is a review tool, not the hot path).
/// </summary>
public sealed class ReplayEngine
{
    private readonly RiskConfig _config;
    private readonly ReplayOptions _options;

    /// <summary>Creates an engine over a configuration that declares the tape's instruments (see <see cref="BuildConfigFromTape(string, Action{CircuitBreakerBuilder}?)"/>).</summary>
    /// <param name="config">Limits and instruments in force (the caller builds it, e.g. from a configuration file).</param>
    /// <param name="options">Detectors, responder and progress (default <see cref="ReplayOptions.Default"/>).</param>
    public ReplayEngine(RiskConfig config, ReplayOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _options = options ?? ReplayOptions.Default;
    }

    /// <summary>The configuration replayed against.</summary>
    public RiskConfig Config => _config;

    /// <summary>
    /// Builds a configuration whose instruments are the tape's <c>instrument</c> records (first pass over the file), with
    /// <paramref name="configure"/> applied first (limits, profile, accounts). Accounts are registered during the replay.
    /// </summary>
    /// <exception cref="TapeFormatException">The tape cannot be read or declares no instrument.</exception>
    /// <exception cref="RiskConfigException">The configuration is invalid.</exception>
    /// <param name="path">The tape (<c>.jsonl</c> or <c>.jsonl.gz</c>); read once to the end for its instruments.</param>
    /// <param name="configure">Adjusts the limits after the tape's instruments are declared (a profile such as <see cref="BreakerProfiles.Off"/>; default none).</param>
    /// <returns>The configuration.</returns>
    public static RiskConfig BuildConfigFromTape(string path, Action<CircuitBreakerBuilder>? configure = null)
    {
        using var reader = TapeReader.Open(path);
        var instruments = reader.ReadAll().Where(r => r.Type == TapeRecordType.Instrument).ToList();
        reader.ThrowIfNoGoodRecords();
        if (instruments.Count == 0) throw new TapeFormatException($"tape '{path}' declares no instrument");
        return BuildConfigFromTape(instruments, configure, out _);
    }

    /// <summary>Builds a configuration from the <c>instrument</c> records among <paramref name="records"/> (others are ignored).</summary>
    /// <exception cref="RiskConfigException">No instrument, or an invalid configuration.</exception>
    /// <param name="records">Tape records; the <c>instrument</c> ones are used.</param>
    /// <param name="configure">Adjusts the limits after the tape's instruments are declared (a profile such as <see cref="BreakerProfiles.Off"/>; default none).</param>
    /// <returns>The configuration.</returns>
    public static RiskConfig BuildConfigFromTape(IEnumerable<TapeRecord> records, Action<CircuitBreakerBuilder>? configure = null)
        => BuildConfigFromTape(records, configure, out _);

    private static RiskConfig BuildConfigFromTape(IEnumerable<TapeRecord> records, Action<CircuitBreakerBuilder>? configure, out int declared)
    {
        ArgumentNullException.ThrowIfNull(records);
        var builder = new CircuitBreakerBuilder();
        configure?.Invoke(builder);
        declared = 0;
        foreach (var r in records)
        {
            if (r.Type != TapeRecordType.Instrument || r.Symbol is null || builder.Registry.TryGetInstrument(r.Symbol, out _)) continue;
            declared++;
            builder.Instrument(r.Symbol, r.InstrumentKind ?? InstrumentKind.Spot, r.Tick, r.Lot, double.IsNaN(r.Multiplier) ? 1 : r.Multiplier,
                r.Underlying, r.Group, barrier: r.Barrier, barrierKind: r.BarrierKind ?? BarrierKind.None, strike: r.Strike);
        }
        return builder.BuildConfig();
    }

    /// <summary>
    /// Replays the tape at <paramref name="path"/> (a file, <c>.jsonl.gz</c> included, a FIFO or <c>/dev/stdin</c>), reading
    /// it once: see <see cref="Replay(TapeReader, ReplayOptions?, Action{CircuitBreakerBuilder}?)"/>.
    /// </summary>
    /// <exception cref="TapeFormatException">The tape cannot be read, has no good record, or declares an instrument late
    /// in a source that cannot be read again.</exception>
    /// <param name="path">The tape file.</param>
    /// <param name="options">Detectors, desk and report options (default: every default detector, the default playbook).</param>
    /// <param name="configure">Adjusts the limits after the tape's instruments are declared (a profile such as <see cref="BreakerProfiles.Off"/>; default none).</param>
    /// <returns>The report and the bad records.</returns>
    public static ReplayResult ReplayFile(string path, ReplayOptions? options = null, Action<CircuitBreakerBuilder>? configure = null)
    {
        using var reader = TapeReader.Open(path);
        return Replay(reader, options, configure);
    }

    /// <summary>
    /// Replays <paramref name="reader"/> in one pass: the configuration is built (with <paramref name="configure"/> applied
    /// first) from the <c>instrument</c> records before the tape's first other record, then every record is replayed as it
    /// is read, so a tape from a pipe, a FIFO or standard input replays like a file. The spec lets a tape declare an
    /// instrument later, anywhere before its first use; such a tape is replayed in two passes when its source can be read
    /// again (<see cref="TapeReader.Rewindable"/>, a file opened by <see cref="TapeReader.Open"/>), and refused with a
    /// <see cref="TapeFormatException"/> naming the record otherwise.
    /// </summary>
    /// <exception cref="TapeFormatException">The tape cannot be read, has no good record, declares no instrument, or
    /// declares one late in a source that cannot be read again.</exception>
    /// <param name="reader">The tape, read to the end.</param>
    /// <param name="options">Detectors, desk and report options (default: the defaults).</param>
    /// <param name="configure">Adjusts the limits after the tape's instruments are declared (a profile such as <see cref="BreakerProfiles.Off"/>; default none).</param>
    /// <returns>The report and the bad records.</returns>
    public static ReplayResult Replay(TapeReader reader, ReplayOptions? options = null, Action<CircuitBreakerBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var head = new List<TapeRecord>();
        TapeRecord? first = null;
        while (reader.TryRead(out var r))
        {
            if (r.Type != TapeRecordType.Instrument) { first = r; break; }
            head.Add(r);
        }
        if (first is null) reader.ThrowIfNoGoodRecords();
        long lateLine = first?.LineNumber ?? 0;
        if (head.Count > 0)
        {
            var engine = new ReplayEngine(BuildConfigFromTape(head, configure), options);
            if (engine.Run(reader, head, first, stopAtUndeclaredInstrument: true, out lateLine) is { } result) return result;
        }
        // An instrument declared after other records: the configuration built from the head does not cover it.
        if (!reader.Rewindable || !File.Exists(reader.Name))
        {
            throw new TapeFormatException((head.Count == 0
                ? $"tape '{reader.Name}' declares no instrument before its first other record (line {lateLine})"
                : $"tape '{reader.Name}' declares an instrument on line {lateLine}, after its first other record") +
                "; a tape read once (a pipe, a FIFO, standard input) must declare its instruments before anything else: replay it from a file");
        }
        var config = BuildConfigFromTape(reader.Name, configure);
        using var again = TapeReader.Open(reader.Name);
        return new ReplayEngine(config, options).Run(again);
    }

    /// <summary>Replays every record of <paramref name="reader"/> and builds the report (reads to the end).</summary>
    /// <exception cref="TapeFormatException">The tape had no good record, or its stream failed.</exception>
    /// <param name="reader">The tape, read to the end.</param>
    /// <returns>The report and the bad records.</returns>
    public ReplayResult Run(TapeReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        return Run(reader, [], null, stopAtUndeclaredInstrument: false, out _)!;
    }

    /// <summary>One pass: replays <paramref name="head"/> and <paramref name="first"/> (records already read), then the rest
    /// of the reader. With <paramref name="stopAtUndeclaredInstrument"/>, an instrument record this configuration does not
    /// declare stops it: null, and its line (otherwise the session counts it as undeclared).</summary>
    private ReplayResult? Run(TapeReader reader, List<TapeRecord> head, TapeRecord? first, bool stopAtUndeclaredInstrument, out long lateInstrumentLine)
    {
        lateInstrumentLine = 0;
        using var breaker = new Breaker(_config);
        var session = OpenSession(breaker, _options, reader.Name, out var evaluator);
        var registry = _config.Registry;

        long n = 0, every = Math.Max(1, _options.ProgressEvery);
        var progress = _options.Progress;
        int h = 0;
        using (var source = new RecordSource(reader, _options.ReadAhead))
        {
            while (true)
            {
                TapeRecord record;
                if (h < head.Count) record = head[h++];
                else if (first is not null) { record = first; first = null; }
                else if (!source.TryRead(out record)) break;
                if (stopAtUndeclaredInstrument && record.Type == TapeRecordType.Instrument && !registry.TryGetInstrument(record.Symbol!, out _))
                {
                    lateInstrumentLine = record.LineNumber;
                    return null;
                }
                _options.BeforeRecord?.Invoke(record.T);
                session.Apply(record);
                if (progress is not null && ++n % every == 0) progress(n);
            }
        }
        session.FlushList(); // a list still being collected when the records end
        _options.AfterLastRecord?.Invoke();
        reader.ThrowIfNoGoodRecords();
        return session.Finish(reader, evaluator.Responder as IIncidentSource);
    }

    /// <summary>Wires a replay over <paramref name="breaker"/>: the options' detectors and responder, an evaluator, and a
    /// session collecting trips through a kill switch. Shared by tape replays and journal reviews.</summary>
    internal static ReplaySession OpenSession(Breaker breaker, ReplayOptions options, string name, out Evaluator evaluator)
    {
        var config = breaker.Config;
        // Detectors keep state per account and instrument: bound the product as the tape reader bounds instruments.
        const long MaxCells = (long)TapeReader.MaxInstruments * 256;
        if ((long)config.Registry.InstrumentCount * config.AccountCapacity > MaxCells)
        {
            throw new TapeFormatException(
                $"'{name}': {config.Registry.InstrumentCount:N0} instruments × an account capacity of {config.AccountCapacity:N0} exceeds what a replay " +
                $"holds ({MaxCells:N0} instrument-account pairs, e.g. {TapeReader.MaxInstruments:N0} instruments × 256 accounts): lower the account capacity or split the tape");
        }
        var context = new DetectorContext(config.Registry, config.AccountCapacity) { Limits = config };
        evaluator = new Evaluator(breaker, options.Detectors(context), responder: null, maxFindingsKept: options.MaxFindings);
        if (options.Responder is { } responderFactory) evaluator.Responder = responderFactory(breaker);
        var session = new ReplaySession(breaker, evaluator, new ReportBuilder(name, options.MaxFindings), options.RecordTimeline);
        breaker.OnTrip(session.OnTrip);
        return session;
    }

    internal static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>The records after the head: from a <see cref="TapeReadAhead"/> or straight from the reader.</summary>
    private readonly struct RecordSource(TapeReader reader, bool readAhead) : IDisposable
    {
        private readonly TapeReadAhead? _ahead = readAhead ? new TapeReadAhead(reader) : null;

        public bool TryRead(out TapeRecord record) => _ahead is { } a ? a.TryRead(out record) : reader.TryRead(out record);

        public void Dispose() => _ahead?.Dispose();
    }
}
