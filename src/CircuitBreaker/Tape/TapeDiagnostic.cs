namespace CircuitBreaker.Tape;

/// <summary>A bad tape record: the 1-based line it was on and why it was skipped.</summary>
/// <param name="Line">1-based line number in the tape.</param>
/// <param name="Reason">Why the record is bad, e.g. <c>missing required field 'px'</c>.</param>
public readonly record struct TapeDiagnostic(long Line, string Reason)
{
    /// <summary>Renders <c>line N: reason</c>. Allocates.</summary>
    public override string ToString() => $"line {Line}: {Reason}";
}
