namespace CircuitBreaker.Incidents;

/// <summary>
/// When a finding is allowed to act. Hard limits (post-trade limit findings, <see cref="Signature"/> 100 and up) act
/// alone. A soft signature acts when it is <see cref="Severity.Critical"/>, or when <see cref="DistinctSignatures"/>
/// distinct signatures agree within <see cref="Window"/> on one episode (one target, or related ones: an instrument, its
/// group and the accounts trading it within <see cref="EpisodeTradingWindow"/>), or when one signature persists
/// (<see cref="PersistenceCount"/> findings within <see cref="PersistenceWindow"/>). <see cref="Signature.MlAnomaly"/>
/// never acts alone: it counts as one vote toward agreement but needs another signature. A finding that acts is
/// treated as Critical by the playbook; one that does not is matched at its own severity (at most Warning for ML),
/// which the default playbook turns into an alert.
/// </summary>
public sealed class Corroboration
{
    /// <summary>Distinct signatures on one target that must agree (default 2; at least 2).</summary>
    public int DistinctSignatures { get; init; } = 2;
    /// <summary>Window in event time for agreement (default 5 s).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>Findings of one signature on one target that make it persistent (default 3; at least 2; 0 disables).</summary>
    public int PersistenceCount { get; init; } = 3;
    /// <summary>Window in event time for persistence (default 30 s).</summary>
    public TimeSpan PersistenceWindow { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Recent findings kept per target (default 16; 4..256). Bounds how many votes are counted.</summary>
    public int HistoryPerTarget { get; init; } = 16;
    /// <summary>An account belongs to an instrument's episode (and its group's) while it has sent an order, had a fill or
    /// reported a position on that instrument within this window of event time (default 60 s).</summary>
    public TimeSpan EpisodeTradingWindow { get; init; } = TimeSpan.FromSeconds(60);

    internal void Validate(List<string> errors)
    {
        if (DistinctSignatures < 2) errors.Add($"corroboration.distinct_signatures must be >= 2 (was {DistinctSignatures})");
        if (Window <= TimeSpan.Zero) errors.Add($"corroboration.window must be > 0 (was {Window})");
        if (PersistenceCount != 0 && PersistenceCount < 2) errors.Add($"corroboration.persistence_count must be 0 or >= 2 (was {PersistenceCount})");
        if (PersistenceWindow <= TimeSpan.Zero) errors.Add($"corroboration.persistence_window must be > 0 (was {PersistenceWindow})");
        if (EpisodeTradingWindow <= TimeSpan.Zero) errors.Add($"corroboration.episode_trading_window must be > 0 (was {EpisodeTradingWindow})");
        if (HistoryPerTarget is < 4 or > 256) errors.Add($"corroboration.history_per_target must be in 4..256 (was {HistoryPerTarget})");
        if (HistoryPerTarget < DistinctSignatures || HistoryPerTarget < PersistenceCount)
            errors.Add("corroboration.history_per_target must be >= distinct_signatures and persistence_count");
    }
}

/// <summary>
/// Widening halts that pile up: <see cref="InstrumentHalts"/> instrument halts in one group within
/// <see cref="GroupWindow"/> halt the group (default 3 in 60 s); halts of <see cref="AccountHalts"/> distinct accounts
/// within <see cref="GlobalWindow"/> halt everything (default 3 in 60 s). A count of 0 disables the rule. Only halts
/// count (reduce-only does not).
/// </summary>
public sealed class Escalation
{
    /// <summary>Instrument halts in one group that halt the group (default 3; 0 disables).</summary>
    public int InstrumentHalts { get; init; } = 3;
    /// <summary>Window in event time for <see cref="InstrumentHalts"/> (default 60 s).</summary>
    public TimeSpan GroupWindow { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Distinct halted accounts that halt everything (default 3; 0 disables).</summary>
    public int AccountHalts { get; init; } = 3;
    /// <summary>Window in event time for <see cref="AccountHalts"/> (default 60 s).</summary>
    public TimeSpan GlobalWindow { get; init; } = TimeSpan.FromSeconds(60);

    internal void Validate(List<string> errors)
    {
        if (InstrumentHalts is < 0 or > 64) errors.Add($"escalation.instrument_halts must be in 0..64 (was {InstrumentHalts})");
        if (AccountHalts is < 0 or > 64) errors.Add($"escalation.account_halts must be in 0..64 (was {AccountHalts})");
        if (GroupWindow <= TimeSpan.Zero) errors.Add($"escalation.group_window must be > 0 (was {GroupWindow})");
        if (GlobalWindow <= TimeSpan.Zero) errors.Add($"escalation.global_window must be > 0 (was {GlobalWindow})");
    }
}

/// <summary>
/// Staged recovery, all in event time: <see cref="Cooldown"/> after the last finding (default 60 s), then an
/// acknowledgement for incidents that reached <see cref="AckSeverity"/> (default Critical), then reduce-only
/// <see cref="Probation"/> (default 60 s), then limits scaled by <see cref="ReducedLimitsScale"/> (default 0.5) for
/// <see cref="ReducedLimitsPeriod"/> (default 60 s), then normal.
/// </summary>
public sealed class RecoveryOptions
{
    /// <summary>Quiet time since the incident's last finding before recovery may start (default 60 s).</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Incidents whose worst finding reached this severity need an acknowledgement (default Critical).</summary>
    public Severity AckSeverity { get; init; } = Severity.Critical;
    /// <summary>Reduce-only probation (default 60 s).</summary>
    public TimeSpan Probation { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Limits scale during the reduced-limits period (default 0.5; in (0, 1]).</summary>
    public double ReducedLimitsScale { get; init; } = 0.5;
    /// <summary>Reduced-limits period (default 60 s).</summary>
    public TimeSpan ReducedLimitsPeriod { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>An incident with alerts only closes after this long without findings (default 60 s).</summary>
    public TimeSpan DetectedExpiry { get; init; } = TimeSpan.FromSeconds(60);

    internal void Validate(List<string> errors)
    {
        if (Cooldown < TimeSpan.Zero) errors.Add($"recovery.cooldown must be >= 0 (was {Cooldown})");
        if (Probation < TimeSpan.Zero) errors.Add($"recovery.probation must be >= 0 (was {Probation})");
        if (ReducedLimitsPeriod < TimeSpan.Zero) errors.Add($"recovery.reduced_limits_period must be >= 0 (was {ReducedLimitsPeriod})");
        if (DetectedExpiry <= TimeSpan.Zero) errors.Add($"recovery.detected_expiry must be > 0 (was {DetectedExpiry})");
        if (!(ReducedLimitsScale > 0 && ReducedLimitsScale <= 1)) errors.Add($"recovery.reduced_limits_scale must be in (0, 1] (was {ReducedLimitsScale})");
    }
}
