using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace CircuitBreaker.Ring;

// Consumer side of the ring: one thread only.
public sealed partial class RingBuffer<T>
{
    private const int SpinsBeforeYield = 100;
    private const int YieldsBeforeSleep = 100;

    /// <summary>Highest sequence published with every earlier sequence published too (what a consumer could read up
    /// to); -1 before the first publish. In <see cref="ProducerMode.Multi"/> this scans the availability of the
    /// unconsumed range, so it costs O(<see cref="Lag"/>); meant for monitoring, not for the hot path.</summary>
    public long Cursor => _multi ? HighestPublished(_consumer.Value + 1, long.MaxValue) : _published.Value;

    /// <summary>Events published and not yet consumed (<see cref="Cursor"/> minus <see cref="ConsumerSequence"/>).
    /// Costs what <see cref="Cursor"/> costs.</summary>
    public long Lag
    {
        get
        {
            long consumer = _consumer.Value;
            long cursor = _multi ? HighestPublished(consumer + 1, long.MaxValue) : _published.Value;
            return Math.Max(0, cursor - consumer);
        }
    }

    /// <summary>Events claimed and not yet consumed (<see cref="ClaimedSequence"/> minus <see cref="ConsumerSequence"/>),
    /// an O(1) read a watchdog can poll from any thread; includes claims still being written.</summary>
    public long Pending => Math.Max(0, _claimed.Value - _consumer.Value);

    /// <summary>
    /// Hands every published event after <see cref="ConsumerSequence"/>, up to <paramref name="maxBatch"/> of them, to
    /// <paramref name="handler"/> in sequence order, then releases them all with one release store of the consumer
    /// sequence. Never waits. Call from one consumer thread only. Allocates nothing.
    /// </summary>
    /// <remarks>If the handler throws on sequence <c>s</c>, the events up to and including <c>s</c> count as consumed
    /// (the faulty event is skipped, not retried forever) and the exception propagates to the caller.</remarks>
    /// <typeparam name="THandler">A struct handler, so the call is devirtualised.</typeparam>
    /// <param name="handler">The handler, by reference (its state changes are kept).</param>
    /// <param name="maxBatch">Most events to handle in this call; at least 1.</param>
    /// <returns>Number of events handled (0 when nothing was published).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatch"/> is less than 1.</exception>
    public int Poll<THandler>(ref THandler handler, int maxBatch)
        where THandler : struct, IEventHandler<T>
    {
        if (maxBatch < 1)
        {
            ThrowBatchOutOfRange(maxBatch);
        }

        long current = _consumer.ValueUnordered;
        long next = current + 1;
        long available = HighestPublished(next, current + maxBatch);
        if (available < next)
        {
            return 0;
        }

        long sequence = next;
        try
        {
            for (; sequence < available; sequence++)
            {
                handler.OnEvent(ref this[sequence], sequence, false);
            }

            handler.OnEvent(ref this[available], available, true);
        }
        catch
        {
            _consumer.SetVolatile(sequence);
            throw;
        }

        _consumer.SetVolatile(available);
        return (int)(available - current);
    }

    /// <summary>
    /// One idle step of the consumer after <see cref="Poll{THandler}"/> returned 0, per the <see cref="WaitStrategy"/>:
    /// spin, yield, sleep, or block until an event is published or the ring is stopped (once stopped, a blocking
    /// consumer sleeps 1 ms per idle step instead, as nothing will signal it). Pass the same counter on each
    /// consecutive idle step and reset it to 0 after a poll that handled events. Call from the consumer thread only.
    /// </summary>
    /// <param name="idleSteps">Consecutive idle steps so far; incremented.</param>
    public void Idle(ref int idleSteps)
    {
        int step = idleSteps;
        if (step < int.MaxValue)
        {
            idleSteps = step + 1;
        }

        switch (_waitStrategy)
        {
            case WaitStrategyKind.BusySpin:
                Thread.SpinWait(1);
                break;
            case WaitStrategyKind.Yielding:
                if (step < SpinsBeforeYield) Thread.SpinWait(10); else Thread.Yield();
                break;
            case WaitStrategyKind.Sleeping:
                if (step < SpinsBeforeYield) Thread.SpinWait(10);
                else if (step < SpinsBeforeYield + YieldsBeforeSleep) Thread.Yield();
                else Thread.Sleep(1);
                break;
            default:
                if (step < SpinsBeforeYield) Thread.SpinWait(10); else BlockUntilPublished();
                break;
        }
    }

    /// <summary>Wakes the consumer if it is blocked in <see cref="Idle"/> (e.g. so it can notice a stop request of its owner).</summary>
    public void WakeConsumer()
    {
        lock (_consumerGate)
        {
            Monitor.PulseAll(_consumerGate);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long HighestPublished(long next, long limit)
    {
        if (!_multi)
        {
            return Math.Min(_published.Value, limit);
        }

        long high = Math.Min(_claimed.Value, limit);
        for (long sequence = next; sequence <= high; sequence++)
        {
            if (Volatile.Read(ref AvailableRound(sequence)) != (int)(sequence >> _indexShift))
            {
                return sequence - 1;
            }
        }

        return high;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void BlockUntilPublished()
    {
        if (_stopped != 0)
        {
            // Nothing will signal a stopped ring; a consumer still idling on it (draining a claim being written, or
            // an owner that stopped the ring but not its processor) naps instead of burning a core.
            Thread.Sleep(1);
            return;
        }

        long next = _consumer.ValueUnordered + 1;
        lock (_consumerGate)
        {
            _consumerWaiting = 1;
            // Pairs with the plain "publish, then read _consumerWaiting" of producers (asymmetric Dekker): either the
            // producer sees the flag and pulses, or its publish is visible to the check below. Producers pay nothing.
            Interlocked.MemoryBarrierProcessWide();
            while (_stopped == 0 && HighestPublished(next, next) < next)
            {
                Monitor.Wait(_consumerGate);
            }

            _consumerWaiting = 0;
        }
    }

    [DoesNotReturn]
    private static void ThrowBatchOutOfRange(int maxBatch) =>
        throw new ArgumentOutOfRangeException(nameof(maxBatch), maxBatch, "The batch size must be at least 1.");
}
