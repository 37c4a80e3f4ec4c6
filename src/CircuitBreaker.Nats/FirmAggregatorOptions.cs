namespace CircuitBreaker.Nats;

/// <summary>
/// The firm aggregator's settings: its connection and name, the firm limits per account and group, and the lease that
/// keeps exactly one aggregator active. Validated up front by <see cref="Validate"/> (every error in one message).
/// </summary>
public sealed class FirmAggregatorOptions
{
    /// <summary>Server, credentials and name (default name "aggregator"; give each instance its own name).</summary>
    public FirmLinkOptions Link { get; set; } = new() { Name = "aggregator" };
    /// <summary>Firm limits per account name (default none).</summary>
    public IDictionary<string, FirmLimit> Accounts { get; set; } = new Dictionary<string, FirmLimit>(StringComparer.Ordinal);
    /// <summary>Firm limits per risk-group name (gross and net only; default none).</summary>
    public IDictionary<string, FirmLimit> Groups { get; set; } = new Dictionary<string, FirmLimit>(StringComparer.Ordinal);
    /// <summary>How often the active aggregator sums the exposures and renews its lease (default 100 ms).</summary>
    public TimeSpan EvaluateInterval { get; set; } = TimeSpan.FromMilliseconds(100);
    /// <summary>A lease not renewed for this long (as the standby measures it on its own clock) is taken over; an active
    /// aggregator that could not renew for this long stops acting (default 2 s; at least 4 × <see cref="EvaluateInterval"/>).</summary>
    public TimeSpan LeaseTimeout { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>The firm state written when a gross or net exposure limit is exceeded (default ReduceOnly).</summary>
    public TradingState ExposureState { get; set; } = TradingState.ReduceOnly;
    /// <summary>The firm state written when an account's daily loss limit is reached (default Halted; latched until an
    /// operator resumes the account).</summary>
    public TradingState LossState { get; set; } = TradingState.Halted;
    /// <summary>An exposure restriction the aggregator wrote is lifted once gross and net are both back below this fraction
    /// of their limits (default 0.9: hysteresis, so a total hovering at the limit does not flap).</summary>
    public double ReleaseFraction { get; set; } = 0.9;

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid setting; returns normally when all are valid.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (Link is null) errors.Add("Link: required");
        else
        {
            try { Link.Validate(); }
            catch (ArgumentException ex) { errors.Add("Link: " + ex.Message.Replace("invalid firm link options: ", "", StringComparison.Ordinal)); }
        }
        if (Accounts is null) errors.Add("Accounts: required (may be empty)");
        if (Groups is null) errors.Add("Groups: required (may be empty)");
        if (Accounts is not null)
            foreach (var (name, limit) in Accounts)
            {
                if (string.IsNullOrEmpty(name)) errors.Add("Accounts: an empty account name");
                if (limit is null) errors.Add($"Accounts[{name}]: null");
                else limit.Validate($"Accounts[{name}]", isGroup: false, errors);
            }
        if (Groups is not null)
            foreach (var (name, limit) in Groups)
            {
                if (string.IsNullOrEmpty(name)) errors.Add("Groups: an empty group name");
                if (limit is null) errors.Add($"Groups[{name}]: null");
                else limit.Validate($"Groups[{name}]", isGroup: true, errors);
            }
        if (EvaluateInterval <= TimeSpan.Zero) errors.Add($"EvaluateInterval: {EvaluateInterval} must be positive");
        if (LeaseTimeout < EvaluateInterval * 4) errors.Add($"LeaseTimeout: {LeaseTimeout} must be at least 4 × EvaluateInterval ({EvaluateInterval})");
        if (ExposureState is not (TradingState.ReduceOnly or TradingState.Halted)) errors.Add($"ExposureState: {ExposureState} must be ReduceOnly or Halted");
        if (LossState is not (TradingState.ReduceOnly or TradingState.Halted)) errors.Add($"LossState: {LossState} must be ReduceOnly or Halted");
        if (!(ReleaseFraction is > 0 and <= 1)) errors.Add($"ReleaseFraction: {ReleaseFraction} must be in (0, 1]");
        if (errors.Count > 0) throw new ArgumentException("invalid firm aggregator options: " + string.Join("; ", errors));
    }
}
