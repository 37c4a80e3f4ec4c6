namespace CircuitBreaker;

/// <summary>Receives findings on the evaluator thread. Implementations must not allocate.</summary>
public interface IFindingSink
{
    /// <summary>Reports a finding.</summary>
    /// <param name="finding">The finding, by reference (no copy, no allocation).</param>
    void Raise(in Finding finding);
}
