namespace CircuitBreaker;

/// <summary>How an order list or amendment batch counts in the order, message and modify rate windows
/// (<see cref="RiskConfig.ListRate"/>; config file <c>list_rate</c>).</summary>
public enum ListRateMode
{
    /// <summary>Default: one unit in each window the list touches (its account's, and each of its instruments' and groups'
    /// once), as NautilusTrader's risk engine throttles a submitted order list as one command.</summary>
    PerList = 0,
    /// <summary>One unit per child, as if each were sent alone.</summary>
    PerChild = 1,
}
