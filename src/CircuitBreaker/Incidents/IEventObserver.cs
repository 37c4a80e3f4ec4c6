namespace CircuitBreaker.Incidents;

/// <summary>A responder that also sees every event (flight recorder, recovery timers, acknowledgements).</summary>
public interface IEventObserver
{
    /// <summary>Called on the evaluator thread for every event, after book-keeping and before the detectors. Must not allocate.</summary>
    /// <param name="e">The event, by reference.</param>
    void OnEvent(in RiskEvent e);
}
