namespace CircuitBreaker.Ring;

/// <summary>
/// Told when a publish is rejected because the ring is full under <see cref="FullRingPolicy.FailClosed"/> (or
/// <see cref="FullRingPolicy.Block"/> after its spin bound). Registered at construction, called on the publishing
/// thread once per rejected publish. It must not allocate or block: typically it flips a global halt word. An
/// exception it throws is caught and counted in <see cref="RingBuffer{T}.ObserverFaults"/>; the publish still returns
/// <see cref="PublishResult.Full"/>.
/// </summary>
public interface IRingFullObserver
{
    /// <summary>Called once per full event.</summary>
    /// <param name="e">What the ring looked like when the publish was rejected.</param>
    void OnRingFull(in RingFullEvent e);
}

/// <summary>Arguments of <see cref="IRingFullObserver.OnRingFull"/>.</summary>
/// <param name="Capacity">Ring capacity in slots.</param>
/// <param name="ClaimedSequence">Highest sequence claimed by producers when the publish was rejected.</param>
/// <param name="ConsumerSequence">Highest sequence the consumer had finished.</param>
/// <param name="FullCount">Total full events so far, including this one.</param>
/// <param name="Policy">Policy in force.</param>
public readonly record struct RingFullEvent(int Capacity, long ClaimedSequence, long ConsumerSequence, long FullCount, FullRingPolicy Policy);
