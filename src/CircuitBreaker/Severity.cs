namespace CircuitBreaker;

/// <summary>Severity of a finding or trip.</summary>
public enum Severity : byte
{
    /// <summary>For the record.</summary>
    Info = 0,
    /// <summary>Worth a look; soft signatures start here.</summary>
    Warning = 1,
    /// <summary>Acts alone: hard limits and confirmed attacks.</summary>
    Critical = 2,
}
