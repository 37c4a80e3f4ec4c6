namespace CircuitBreaker;

/// <summary>Which layer of the state board a change of trading state came from (see <see cref="StateBoard.TrySetFirm"/>).</summary>
public enum TripOrigin : byte
{
    /// <summary>This process: an operator call, a limit, a detector, the pipeline or staged recovery.</summary>
    Local = 0,
    /// <summary>The firm plane: a firm-wide command or another engine's trip raised to the firm.</summary>
    Firm = 1,
}
