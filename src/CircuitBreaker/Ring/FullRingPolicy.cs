namespace CircuitBreaker.Ring;

/// <summary>
/// What a publish does when the ring is full (the consumer has not yet freed the slot a producer needs). Whatever the
/// policy, a producer never overwrites an unconsumed slot and every rejected publish increments
/// <see cref="RingBuffer{T}.FullCount"/>.
/// </summary>
public enum FullRingPolicy
{
    /// <summary>
    /// The default. The publish returns <see cref="PublishResult.Full"/> at once, the sticky
    /// <see cref="RingBuffer{T}.FailedClosed"/> flag is set and the <see cref="IRingFullObserver"/> registered at
    /// construction is called once for this full event, on the publishing thread, so the owner can trip a global halt:
    /// a risk pipeline that loses events must stop trading rather than trade blind.
    /// </summary>
    FailClosed = 0,

    /// <summary>
    /// The publish returns <see cref="PublishResult.Full"/> at once and <see cref="RingBuffer{T}.DroppedCount"/> is
    /// incremented; nobody is notified and the ring does not fail closed. For feeds where losing an event is acceptable
    /// (e.g. redundant market data) and the owner watches the counter.
    /// </summary>
    DropAndCount = 1,

    /// <summary>
    /// The publish spins (<see cref="SpinWait"/>, never sleeping) up to <see cref="RingBufferOptions.BlockSpinLimit"/>
    /// times waiting for the consumer to free space, then behaves exactly like <see cref="FailClosed"/>. Bounded, so a
    /// dead consumer costs the producer a bounded delay, never a hang. The only policy under which a publish can wait.
    /// </summary>
    Block = 2,
}
