namespace CircuitBreaker.Extensions.Hosting;

/// <summary>
/// What configuration reloads did (registered by <c>AddCircuitBreaker(IConfiguration)</c>; resolve it to show or alert
/// on it). Reloads change limits only: a change that fails validation, or that touches what cannot change at run time
/// (instruments, accounts, groups, capacities, rate window, concurrency), is refused and the running limits stay.
/// Changes to <c>pipeline</c>, <c>signatures</c> or <c>playbooks</c> take effect at the next start. Thread-safe.
/// </summary>
public sealed class CircuitBreakerReloadStatus
{
    private long _applied;
    private long _refused;
    private IReadOnlyList<string> _lastRefusal = [];

    internal CircuitBreakerReloadStatus() { }

    /// <summary>Reloads whose limits were swapped in.</summary>
    public long Applied => Interlocked.Read(ref _applied);
    /// <summary>Reloads refused (invalid, or changing what cannot change at run time).</summary>
    public long Refused => Interlocked.Read(ref _refused);
    /// <summary>The errors of the last refused reload (<c>path: message</c>); empty when none was refused.</summary>
    public IReadOnlyList<string> LastRefusal => Volatile.Read(ref _lastRefusal);

    internal void RecordApplied() => Interlocked.Increment(ref _applied);

    internal void RecordRefused(IReadOnlyList<string> errors)
    {
        Volatile.Write(ref _lastRefusal, errors);
        Interlocked.Increment(ref _refused);
    }
}
