using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CircuitBreaker.Ring;

/// <summary>
/// A preallocated, sequenced ring of unmanaged events in the style of the LMAX Disruptor: producers claim a sequence,
/// write the slot in place and publish it; one consumer reads published slots in batches (<see cref="Poll{THandler}"/>)
/// and releases them by advancing its sequence. Producers are gated on that sequence, so an unconsumed slot is never
/// overwritten; what a publish does on a full ring is the <see cref="FullRingPolicy"/>.
/// </summary>
/// <remarks>
/// Thread model: any number of producer threads (<see cref="ProducerMode.Multi"/>) or exactly one
/// (<see cref="ProducerMode.Single"/>); exactly one consumer thread. Hot paths (<see cref="TryPublish"/>,
/// <see cref="TryClaim(out long)"/>, <see cref="Publish(long)"/>, <see cref="Poll{THandler}"/>) take no lock and
/// allocate nothing; the constructor allocates the slots. Every shared sequence sits on its own padded cache lines
/// (<see cref="PaddedSequence"/>), and the slot array is padded at both ends so neighbouring objects never share a
/// line with the first or last slot.
/// </remarks>
/// <typeparam name="T">Event type, stored by value.</typeparam>
public sealed partial class RingBuffer<T> where T : unmanaged
{
    // Slots of padding before the first and after the last slot: enough to cover PaddingBytes.
    private static readonly int s_slotPad = (PaddedSequence.PaddingBytes + Unsafe.SizeOf<T>() - 1) / Unsafe.SizeOf<T>();

    private readonly T[] _slots;
    private readonly int[]? _availableRound; // Multi only: round number (sequence >> indexShift) last published per slot.
    private readonly long _mask;
    private readonly int _indexShift;
    private readonly int _capacity;
    private readonly bool _multi;
    private readonly FullRingPolicy _policy;
    private readonly int _blockSpinLimit;
    private readonly WaitStrategyKind _waitStrategy;
    private readonly IRingFullObserver? _fullObserver;
    private readonly object _consumerGate = new();

    // Highest sequence claimed. Multi: the shared claim cursor (CAS). Single: written only by the producer, with
    // release, so Stop can see claims in flight.
    private PaddedSequence _claimed = new(-1);
    // Single only: highest sequence published.
    private PaddedSequence _published = new(-1);
    // Producers' cached copy of _consumer, refreshed only when the cache says the ring may be full.
    private PaddedSequence _gatingCache = new(-1);
    // Highest sequence the consumer has finished with (released).
    private PaddedSequence _consumer = new(-1);
    private PaddedSequence _fullCount;
    private PaddedSequence _droppedCount;
    private PaddedSequence _observerFaults;
    private volatile int _stopped;
    private volatile int _failedClosed;
    private volatile int _consumerWaiting;

    /// <summary>Creates a ring with <paramref name="capacity"/> slots and otherwise default options.</summary>
    /// <param name="capacity">Slots, a power of two between 1 and <see cref="RingBufferOptions.MaxCapacity"/>.</param>
    /// <param name="producerMode">Single or multiple producers. Default <see cref="ProducerMode.Multi"/>.</param>
    /// <exception cref="ArgumentException"><paramref name="capacity"/> is not a power of two in range.</exception>
    public RingBuffer(int capacity, ProducerMode producerMode = ProducerMode.Multi)
        : this(new RingBufferOptions { Capacity = capacity, ProducerMode = producerMode })
    {
    }

    /// <summary>Creates a ring from validated <paramref name="options"/>. Allocates the slots (and, for
    /// <see cref="ProducerMode.Multi"/>, one <see cref="int"/> per slot); nothing is allocated afterwards.</summary>
    /// <param name="options">Options; <see cref="RingBufferOptions.Validate"/> is called.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid (all problems are listed in the message).</exception>
    public RingBuffer(RingBufferOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _capacity = options.Capacity;
        _mask = _capacity - 1;
        _indexShift = System.Numerics.BitOperations.Log2((uint)_capacity);
        _multi = options.ProducerMode == ProducerMode.Multi;
        _policy = options.FullRingPolicy;
        _blockSpinLimit = options.BlockSpinLimit;
        _waitStrategy = options.WaitStrategy;
        _fullObserver = options.FullObserver;
        _slots = new T[_capacity + (2 * s_slotPad)];
        if (_multi)
        {
            _availableRound = new int[_capacity];
            _availableRound.AsSpan().Fill(-1);
        }
    }

    /// <summary>Number of slots (a power of two).</summary>
    public int Capacity => _capacity;

    /// <summary>Producer mode chosen at construction.</summary>
    public ProducerMode ProducerMode => _multi ? ProducerMode.Multi : ProducerMode.Single;

    /// <summary>Full-ring policy chosen at construction.</summary>
    public FullRingPolicy FullRingPolicy => _policy;

    /// <summary>Consumer wait strategy chosen at construction.</summary>
    public WaitStrategyKind WaitStrategy => _waitStrategy;

    /// <summary>Highest sequence claimed by producers (published or still being written); -1 before the first claim.</summary>
    public long ClaimedSequence => _claimed.Value;

    /// <summary>Highest sequence the consumer has finished with; -1 before the first event is consumed.</summary>
    public long ConsumerSequence => _consumer.Value;

    /// <summary>Rejected publishes because the ring was full, under every policy (including the drops of
    /// <see cref="FullRingPolicy.DropAndCount"/>).</summary>
    public long FullCount => _fullCount.Value;

    /// <summary>Events dropped under <see cref="FullRingPolicy.DropAndCount"/>.</summary>
    public long DroppedCount => _droppedCount.Value;

    /// <summary>Exceptions thrown by the <see cref="IRingFullObserver"/> (caught, never propagated to the producer).</summary>
    public long ObserverFaults => _observerFaults.Value;

    /// <summary>Sticky: <see langword="true"/> once a publish has been rejected under <see cref="FullRingPolicy.FailClosed"/>
    /// (or <see cref="FullRingPolicy.Block"/> after its bound). Cleared only by <see cref="ResetFailedClosed"/>.</summary>
    public bool FailedClosed => _failedClosed != 0;

    /// <summary><see langword="true"/> once <see cref="Stop"/> has been called.</summary>
    public bool IsStopped => _stopped != 0;

    /// <summary>The slot of <paramref name="sequence"/> (sequence modulo capacity), by reference. Write only slots you
    /// claimed and have not yet published; read only published slots not yet consumed.</summary>
    /// <param name="sequence">A sequence number.</param>
    public ref T this[long sequence]
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_slots), s_slotPad + (int)(sequence & _mask));
    }

    /// <summary>Claims, fills and publishes one event: the usual way to publish. Never blocks unless the policy is
    /// <see cref="FullRingPolicy.Block"/> (bounded spin). Allocates nothing.</summary>
    /// <param name="value">The event, copied into the ring.</param>
    /// <returns><see cref="PublishResult.Published"/>, <see cref="PublishResult.Full"/> (handled per policy) or
    /// <see cref="PublishResult.Stopped"/>. <see cref="PublishResult.Published"/> guarantees a draining
    /// <see cref="Stop"/> delivers the event, even if the stop raced this call.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PublishResult TryPublish(in T value)
    {
        PublishResult claim = Claim(1, out long sequence);
        if (claim != PublishResult.Published)
        {
            return claim;
        }

        // Read after the claim is visible: either Stop's drain target includes this sequence or we see the stop.
        bool stopping = _stopped != 0;
        this[sequence] = value;
        Publish(sequence);
        return stopping ? PublishResult.Stopped : PublishResult.Published;
    }

    /// <summary>Claims the next slot for writing in place (through <see cref="this[long]"/>), applying the full-ring
    /// policy. On success the caller MUST <see cref="Publish(long)"/> the sequence, even when abandoning the event:
    /// an unpublished claim stalls the consumer. Allocates nothing.</summary>
    /// <param name="sequence">The claimed sequence; meaningless when the result is <see langword="false"/>.</param>
    /// <returns><see langword="false"/> when the ring is full (counted per policy) or stopped (<see cref="IsStopped"/>).</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryClaim(out long sequence) => Claim(1, out sequence) == PublishResult.Published;

    /// <summary>Claims <paramref name="count"/> consecutive slots, ending at <paramref name="highSequence"/>; the first
    /// is <c>highSequence - count + 1</c>. Publish them with <see cref="Publish(long, long)"/>. Allocates nothing.</summary>
    /// <param name="count">Slots to claim, between 1 and <see cref="Capacity"/>.</param>
    /// <param name="highSequence">Highest claimed sequence; meaningless when the result is <see langword="false"/>.</param>
    /// <returns><see langword="false"/> when there is no room for all of them (counted per policy) or the ring is stopped.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is out of range.</exception>
    public bool TryClaim(int count, out long highSequence)
    {
        if ((uint)(count - 1) >= (uint)_capacity)
        {
            ThrowCountOutOfRange(count);
        }

        return Claim(count, out highSequence) == PublishResult.Published;
    }

    /// <summary>Publishes a claimed sequence (release semantics), making it visible to the consumer; wakes a blocked
    /// consumer if one is waiting. Publishing a sequence that was not claimed corrupts the ring. Allocates nothing.</summary>
    /// <param name="sequence">A sequence returned by <see cref="TryClaim(out long)"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Publish(long sequence)
    {
        if (_multi)
        {
            Volatile.Write(ref AvailableRound(sequence), (int)(sequence >> _indexShift));
        }
        else
        {
            _published.SetVolatile(sequence);
        }

        if (_consumerWaiting != 0)
        {
            WakeConsumer();
        }
    }

    /// <summary>Publishes the claimed range <paramref name="lowSequence"/>..<paramref name="highSequence"/>, inclusive.</summary>
    /// <param name="lowSequence">First sequence of the range.</param>
    /// <param name="highSequence">Last sequence of the range.</param>
    public void Publish(long lowSequence, long highSequence)
    {
        if (_multi)
        {
            for (long s = lowSequence; s < highSequence; s++)
            {
                Volatile.Write(ref AvailableRound(s), (int)(s >> _indexShift));
            }
        }

        Publish(highSequence);
    }

    /// <summary>Stops the ring: every later publish returns <see cref="PublishResult.Stopped"/> and a blocked consumer
    /// is woken. Idempotent; callable from any thread; not on the hot path (it issues a process-wide memory barrier).</summary>
    /// <returns>The drain target: the highest sequence claimed before the stop took effect. A consumer that processes
    /// up to it has seen every event whose publish returned <see cref="PublishResult.Published"/>.</returns>
    public long Stop()
    {
        Interlocked.Exchange(ref _stopped, 1);
        // Pairs with the plain "claim, then read _stopped" of producers (asymmetric Dekker): either the producer sees
        // the stop, or its claim is visible to the read below.
        Interlocked.MemoryBarrierProcessWide();
        long target = _claimed.Value;
        WakeConsumer();
        return target;
    }

    /// <summary>Clears the sticky <see cref="FailedClosed"/> flag (an operator action after the owner has recovered).</summary>
    public void ResetFailedClosed() => _failedClosed = 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref int AvailableRound(long sequence) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_availableRound!), (int)(sequence & _mask));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private PublishResult Claim(int count, out long highSequence)
    {
        if (_stopped != 0)
        {
            highSequence = 0;
            return PublishResult.Stopped;
        }

        return TryClaimSlots(count, out highSequence) ? PublishResult.Published : ClaimWhenFull(count, out highSequence);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryClaimSlots(int count, out long highSequence)
    {
        if (_multi)
        {
            long current;
            long next;
            do
            {
                current = _claimed.Value;
                next = current + count;
                long wrapPoint = next - _capacity;
                long cachedGating = _gatingCache.Value;
                if (wrapPoint > cachedGating || cachedGating > current)
                {
                    long gating = _consumer.Value;
                    if (wrapPoint > gating)
                    {
                        highSequence = 0;
                        return false;
                    }

                    _gatingCache.SetVolatile(gating);
                }
            }
            while (!_claimed.CompareAndSet(current, next));

            highSequence = next;
            return true;
        }

        long claimed = _claimed.ValueUnordered;
        long wanted = claimed + count;
        long wrap = wanted - _capacity;
        long cached = _gatingCache.ValueUnordered;
        if (wrap > cached || cached > claimed)
        {
            long gating = _consumer.Value;
            _gatingCache.SetVolatile(gating);
            if (wrap > gating)
            {
                highSequence = 0;
                return false;
            }
        }

        _claimed.SetVolatile(wanted);
        highSequence = wanted;
        return true;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private PublishResult ClaimWhenFull(int count, out long highSequence)
    {
        if (_policy == FullRingPolicy.Block)
        {
            SpinWait spin = default;
            for (int i = 0; i < _blockSpinLimit; i++)
            {
                spin.SpinOnce(sleep1Threshold: -1);
                if (_stopped != 0)
                {
                    highSequence = 0;
                    return PublishResult.Stopped;
                }

                if (TryClaimSlots(count, out highSequence))
                {
                    return PublishResult.Published;
                }
            }
        }

        RecordFull();
        highSequence = 0;
        return PublishResult.Full;
    }

    private void RecordFull()
    {
        long fullCount = _fullCount.Increment();
        if (_policy == FullRingPolicy.DropAndCount)
        {
            _droppedCount.Increment();
            return;
        }

        _failedClosed = 1;
        IRingFullObserver? observer = _fullObserver;
        if (observer is null)
        {
            return;
        }

        try
        {
            observer.OnRingFull(new RingFullEvent(_capacity, _claimed.Value, _consumer.Value, fullCount, _policy));
        }
        catch (Exception)
        {
            _observerFaults.Increment();
        }
    }

    [DoesNotReturn]
    private static void ThrowCountOutOfRange(int count) =>
        throw new ArgumentOutOfRangeException(nameof(count), count, "The claim count must be between 1 and the ring capacity.");
}
