namespace CircuitBreaker.Detectors;

/// <summary>
/// One episode gate: a finding when an episode starts, at most one escalation (Warning then Critical) within it, and
/// the episode ends only when the caller reports calm and the cool-down since the last finding has elapsed (event
/// time), so an episode that flaps inside the cool-down stays one episode.
/// </summary>
internal struct BehaviourEpisode
{
    private const long Never = long.MinValue / 4;

    /// <summary>True while an episode is open.</summary>
    public bool Active;
    /// <summary>Highest severity raised in the open episode, plus one (0: none).</summary>
    public byte Raised;
    /// <summary>Event time of the last finding.</summary>
    public long LastRaiseNs;
    /// <summary>Event time of the first anomalous event of the open episode.</summary>
    public long FirstAnomalousNs;

    /// <summary>A fresh gate (call once; <c>default</c> would read as raised at time 0).</summary>
    public static BehaviourEpisode Create() => new() { LastRaiseNs = Never, FirstAnomalousNs = -1 };

    /// <summary>Reports an anomalous event; returns true when a finding of <paramref name="severity"/> must be raised.</summary>
    public bool Anomalous(long nowNs, Severity severity)
    {
        byte level = (byte)((byte)severity + 1);
        if (!Active)
        {
            Active = true;
            Raised = 0;
            FirstAnomalousNs = nowNs;
        }
        if (level <= Raised) return false;
        Raised = level;
        LastRaiseNs = nowNs;
        return true;
    }

    /// <summary>Reports calm (below the release level); the episode closes once the cool-down has elapsed. While an episode
    /// is open <see cref="LastRaiseNs"/> is a real event time (opening raises), so the sentinel is never subtracted.</summary>
    public void Calm(long nowNs, long coolDownNs)
    {
        if (Active && nowNs - LastRaiseNs >= coolDownNs) { Active = false; Raised = 0; }
    }
}
