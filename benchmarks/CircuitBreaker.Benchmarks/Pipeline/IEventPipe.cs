namespace CircuitBreaker.Benchmarks.Pipeline;

/// <summary>Consumer-side callback: called on the pipe's consumer thread for every event, in publish order per producer.</summary>
internal interface IRiskEventHandler
{
    /// <summary>Handles one event.</summary>
    void OnEvent(in RiskEvent e);
}

/// <summary>
/// A transport from producer threads to one consumer, as the pipeline measurements drive it. The channel baseline and
/// our ring implement it the same way, so the measurements are shared. Calls go through this interface (one
/// interface dispatch per publish and per handled event for every implementation alike).
/// </summary>
internal interface IEventPipe : IDisposable
{
    /// <summary>Implementation name (<c>channel</c>, <c>ring</c>).</summary>
    string Impl { get; }
    /// <summary>Starts the consumer, which calls <paramref name="handler"/> for each event.</summary>
    void Start(IRiskEventHandler handler);
    /// <summary>Publishes one event; false when full (the caller spins and retries). Safe for the producer count the pipe was created for.</summary>
    bool TryPublish(in RiskEvent e);
    /// <summary>Signals that no more events come and returns once the consumer has handled every published one.</summary>
    void Complete();
}

/// <summary>Creates a fresh pipe for a run (warm-up and measurement each get their own).</summary>
internal delegate IEventPipe? EventPipeFactory(int producers, int capacity);
