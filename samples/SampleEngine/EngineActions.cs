using System.Collections.Concurrent;
using CircuitBreaker;
using CircuitBreaker.Incidents;

namespace SampleEngine;

/// <summary>
/// The engine's hands for the incident desk (<see cref="IIncidentActions"/>). The desk calls them on the evaluator
/// thread, so they only enqueue (as the interface asks: short, never blocking); the engine thread carries each one out
/// against the venue at the next step.
/// </summary>
public sealed class EngineActions : IIncidentActions
{
    private readonly ConcurrentQueue<IncidentActionArgs> _requests = new();

    /// <summary>Takes the next request, oldest first.</summary>
    public bool TryTake(out IncidentActionArgs args) => _requests.TryDequeue(out args);

    /// <inheritdoc />
    public void Alert(in IncidentActionArgs args) => _requests.Enqueue(args);
    /// <inheritdoc />
    public void Throttle(in IncidentActionArgs args) => _requests.Enqueue(args);
    /// <inheritdoc />
    public void CancelAll(in IncidentActionArgs args) => _requests.Enqueue(args);
    /// <inheritdoc />
    public void Flatten(in IncidentActionArgs args) => _requests.Enqueue(args);
    /// <inheritdoc />
    public void IsolateSession(in IncidentActionArgs args) => _requests.Enqueue(args);
    /// <inheritdoc />
    public void NotifyExchange(in IncidentActionArgs args) => _requests.Enqueue(args);
    /// <inheritdoc />
    public void NotifyRegulator(in IncidentActionArgs args) => _requests.Enqueue(args);
}
