using CircuitBreaker.Tests.Support;
using CircuitBreaker.Ring;

namespace CircuitBreaker.Tests.Ring;

public sealed class RingAllocationTests
{
    private const int Rounds = 10_000;

    [Theory]
    [InlineData(ProducerMode.Single, FullRingPolicy.FailClosed)]
    [InlineData(ProducerMode.Multi, FullRingPolicy.FailClosed)]
    [InlineData(ProducerMode.Multi, FullRingPolicy.DropAndCount)]
    [InlineData(ProducerMode.Single, FullRingPolicy.Block)]
    public void TryPublishAndPoll_AfterWarmUp_AllocateNothing(ProducerMode mode, FullRingPolicy policy)
    {
        var ring = new RingBuffer<Tick>(new RingBufferOptions
        {
            Capacity = 64,
            ProducerMode = mode,
            FullRingPolicy = policy,
            BlockSpinLimit = 2,
            FullObserver = new RecordingFullObserver(),
        });
        var handler = new SummingHandler();
        PublishAndPoll(ring, ref handler); // warm-up (JIT, tiering)

        int measured = 0;
        long allocated = AllocationProbe.MinAllocated(() => { measured++; PublishAndPoll(ring, ref handler); });

        Assert.Equal(0, allocated);
        Assert.Equal((1L + measured) * Rounds * 8, handler.Count);
        Assert.True(ring.FullCount > 0, "the full path must have been exercised");
    }

    [Fact]
    public void Poll_AllocatingHandler_IsDetected()
    {
        // Control: proves the measurement can fail.
        var ring = new RingBuffer<Tick>(64);
        var handler = new AllocatingHandler();
        ring.TryPublish(new Tick(0, 0));
        ring.Poll(ref handler, 10);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            ring.TryPublish(new Tick(0, i));
            ring.Poll(ref handler, 10);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated >= 100 * 24, $"allocated {allocated} bytes");
        Assert.Equal(101, handler.Kept!.Count);
    }

    private static void PublishAndPoll(RingBuffer<Tick> ring, ref SummingHandler handler)
    {
        var tick = new Tick(1, 2);
        for (int round = 0; round < Rounds; round++)
        {
            for (int i = 0; i < 8; i++)
            {
                ring.TryPublish(in tick);
            }

            ring.Poll(ref handler, 64);
        }

        // The full path (counting, observer, Block spin) must be allocation-free too.
        while (ring.TryPublish(in tick) == PublishResult.Published)
        {
        }

        ring.Poll(ref handler, int.MaxValue);
        handler.Count -= 64; // keep the per-run count exact: the fill above is not part of it
    }

    private struct AllocatingHandler : IEventHandler<Tick>
    {
        public List<object>? Kept;

        public void OnEvent(ref Tick e, long sequence, bool endOfBatch)
        {
            Kept ??= new List<object>();
            Kept.Add(e); // boxes
        }
    }
}
