using System.Globalization;

namespace CircuitBreaker;

/// <summary>
/// Replays an event tape through a real <see cref="Breaker"/> and <see cref="Evaluator"/>, synchronously on the calling
/// thread, in tape order, on event time only (never the wall clock): the same tape and configuration always give the
/// same report, byte for byte. <c>order</c> records go through <see cref="Breaker.Check"/> and their decision into the
/// evaluator; fills, cancels and replaces of orders the replay did not accept are suppressed (spec); every other record
/// becomes a <see cref="RiskEvent"/>. Trips are collected through a kill switch, findings from the evaluator.
/// Each <see cref="Run"/> creates a new breaker and detectors (allocates at setup; per record it allocates a few small
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
        return builder.Build();
    }

    /// <summary>
    /// Replays the tape at <paramref name="path"/> in two passes: the first builds the configuration from its instrument
    /// records (with <paramref name="configure"/> applied), the second replays it.
    /// </summary>
    /// <exception cref="TapeFormatException">The tape cannot be read or has no good record.</exception>
    public static ReplayResult ReplayFile(string path, ReplayOptions? options = null, Action<CircuitBreakerBuilder>? configure = null)
    {
        var config = BuildConfigFromTape(path, configure);
        using var reader = TapeReader.Open(path);
        return new ReplayEngine(config, options).Run(reader);
    }

    /// <summary>Replays every record of <paramref name="reader"/> and builds the report (reads to the end).</summary>
    /// <exception cref="TapeFormatException">The tape had no good record, or its stream failed.</exception>
    public ReplayResult Run(TapeReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        using var breaker = new Breaker(_config);
        var session = OpenSession(breaker, _options, reader.Name, out var evaluator);

        long n = 0, every = Math.Max(1, _options.ProgressEvery);
        var progress = _options.Progress;
        while (reader.TryRead(out var record))
        {
            session.Apply(record);
            if (progress is not null && ++n % every == 0) progress(n);
        }
        reader.ThrowIfNoGoodRecords();
        return session.Finish(reader, evaluator.Responder as IIncidentSource);
    }

    /// <summary>Wires a replay over <paramref name="breaker"/>: the options' detectors and responder, an evaluator, and a
    /// session collecting trips through a kill switch. Shared by tape replays and journal reviews.</summary>
    internal static ReplaySession OpenSession(Breaker breaker, ReplayOptions options, string name, out Evaluator evaluator)
    {
        var config = breaker.Config;
        var context = new DetectorContext(config.Registry, config.AccountCapacity);
        evaluator = new Evaluator(breaker, options.Detectors(context), responder: null, maxFindingsKept: options.MaxFindings);
        if (options.Responder is { } responderFactory) evaluator.Responder = responderFactory(breaker);
        var session = new ReplaySession(breaker, evaluator, new ReportBuilder(name, options.MaxFindings));
        breaker.OnTrip(session.OnTrip);
        return session;
    }

    internal static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
