namespace CircuitBreaker;

/// <summary>Receives findings on the evaluator thread. Implementations must not allocate.</summary>
public interface IFindingSink
{
    /// <summary>Reports a finding.</summary>
    void Raise(in Finding finding);
}
