namespace CircuitBreaker.Ring;

/// <summary>How many threads may publish into a <see cref="RingBuffer{T}"/>.</summary>
public enum ProducerMode
{
    /// <summary>
    /// Many threads may publish concurrently (the default). Claiming a slot is one compare-and-swap on the shared
    /// cursor; publishing marks the slot's round in an availability buffer so the consumer can see which slots of the
    /// claimed range are already written.
    /// </summary>
    Multi = 0,

    /// <summary>
    /// Exactly one thread publishes (at a time, with a happens-before between hand-overs). Claiming is a plain
    /// increment and publishing one release store of the cursor: the cheapest mode, undefined behaviour if two
    /// threads publish concurrently.
    /// </summary>
    Single = 1,
}
