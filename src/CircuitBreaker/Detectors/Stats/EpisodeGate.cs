namespace CircuitBreaker.Detectors;

/// <summary>
/// Turns a stream of anomaly scores into episodes so one episode yields one finding, not thousands.
/// <list type="bullet">
/// <item>Warm-up: no episode opens before <c>warmupObservations</c> scores and <c>warmupNs</c> of event time since the first.</item>
/// <item>Hysteresis: an episode opens when the score reaches the arm threshold and closes only when it falls below the
/// (lower or equal) re-arm threshold.</item>
/// <item>Cool-down: a new episode cannot open until <c>cooldownNs</c> of event time after the last finding.</item>
/// <item>Escalation: an episode reports at most once more, when the caller first marks a score as severe.</item>
/// </list>
/// A mutable value type meant to live in preallocated per-target arrays and be stepped through a <c>ref</c>;
/// nothing allocates. A NaN score carries no information: it neither opens nor closes an episode.
/// </summary>
public struct EpisodeGate
{
    private readonly double _arm;
    private readonly double _rearm;
    private readonly long _warmupObservations;
    private readonly long _warmupNs;
    private readonly long _cooldownNs;
    private long _observations;
    private long _firstTimeNs;
    private long _lastFindingNs;
    private long _runStartNs;
    private bool _inEpisode;
    private bool _escalated;

    /// <summary>Creates a gate. Throws <see cref="ArgumentException"/> listing every bad argument.</summary>
    /// <param name="armThreshold">Score at or above which an episode opens (finite).</param>
    /// <param name="rearmThreshold">Score below which an open episode closes (finite, ≤ arm).</param>
    /// <param name="warmupObservations">Scores to see before any verdict (≥ 0).</param>
    /// <param name="warmupNs">Event time since the first score before any verdict (≥ 0).</param>
    /// <param name="cooldownNs">Minimum event time between the last finding and a new episode (≥ 0).</param>
    public EpisodeGate(double armThreshold, double rearmThreshold, long warmupObservations, long warmupNs, long cooldownNs)
    {
        var errors = new OptionErrors("episode gate");
        errors.Finite(armThreshold, nameof(armThreshold));
        errors.Finite(rearmThreshold, nameof(rearmThreshold));
        errors.Check(!(rearmThreshold > armThreshold), $"rearmThreshold ({rearmThreshold}) must be ≤ armThreshold ({armThreshold})");
        errors.NotNegative(warmupObservations, nameof(warmupObservations));
        errors.NotNegative(warmupNs, nameof(warmupNs));
        errors.NotNegative(cooldownNs, nameof(cooldownNs));
        errors.ThrowIfAny();
        _arm = armThreshold; _rearm = rearmThreshold;
        _warmupObservations = warmupObservations; _warmupNs = warmupNs; _cooldownNs = cooldownNs;
        _observations = 0; _firstTimeNs = 0; _lastFindingNs = long.MinValue; _runStartNs = -1;
        _inEpisode = false; _escalated = false;
    }

    /// <summary>Scores seen so far.</summary>
    public readonly long Observations => _observations;
    /// <summary>True while an episode is open.</summary>
    public readonly bool InEpisode => _inEpisode;
    /// <summary>True once the open episode has escalated (or opened severe).</summary>
    public readonly bool Escalated => _escalated;
    /// <summary>Event time of the first score at or above the re-arm threshold in the run that opened the current episode; -1 when none.</summary>
    public readonly long EpisodeStartNs => _runStartNs;

    /// <summary>True once warm-up is over at <paramref name="timeNs"/>.</summary>
    /// <param name="timeNs">Event time now, ns.</param>
    /// <returns>True once the warm-up has passed.</returns>
    public readonly bool IsWarm(long timeNs)
        => _observations >= _warmupObservations && _observations > 0 && timeNs - _firstTimeNs >= _warmupNs;

    /// <summary>Feeds one score. Report a finding when the result is <see cref="EpisodeStep.Opened"/> or <see cref="EpisodeStep.Escalated"/>.</summary>
    /// <param name="timeNs">Event time of the score.</param>
    /// <param name="score">The score (compared with the thresholds).</param>
    /// <param name="severe">The caller's judgement that this score alone deserves the higher severity.</param>
    public EpisodeStep Step(long timeNs, double score, bool severe = false)
    {
        if (_observations == 0) _firstTimeNs = timeNs;
        _observations++;
        if (double.IsNaN(score)) return _inEpisode ? EpisodeStep.Ongoing : (IsWarm(timeNs) ? EpisodeStep.Quiet : EpisodeStep.WarmingUp);
        if (!_inEpisode)
        {
            if (score >= _rearm) { if (_runStartNs < 0) _runStartNs = timeNs; }
            else _runStartNs = -1;
        }
        if (!IsWarm(timeNs)) return EpisodeStep.WarmingUp;
        if (_inEpisode)
        {
            if (score < _rearm)
            {
                _inEpisode = false; _escalated = false; _runStartNs = -1;
                return EpisodeStep.Closed;
            }
            if (severe && !_escalated)
            {
                _escalated = true; _lastFindingNs = timeNs;
                return EpisodeStep.Escalated;
            }
            return EpisodeStep.Ongoing;
        }
        if (score >= _arm && (_lastFindingNs == long.MinValue || timeNs - _lastFindingNs >= _cooldownNs))
        {
            _inEpisode = true; _escalated = severe; _lastFindingNs = timeNs;
            if (_runStartNs < 0) _runStartNs = timeNs;
            return EpisodeStep.Opened;
        }
        return EpisodeStep.Quiet;
    }
}

/// <summary>What one <see cref="EpisodeGate.Step"/> did.</summary>
public enum EpisodeStep : byte
{
    /// <summary>Still warming up: no verdict.</summary>
    WarmingUp,
    /// <summary>No episode.</summary>
    Quiet,
    /// <summary>An episode opened: report a finding.</summary>
    Opened,
    /// <summary>The open episode turned severe: report one more finding at the higher severity.</summary>
    Escalated,
    /// <summary>The open episode continues: report nothing.</summary>
    Ongoing,
    /// <summary>The open episode ended.</summary>
    Closed,
}
