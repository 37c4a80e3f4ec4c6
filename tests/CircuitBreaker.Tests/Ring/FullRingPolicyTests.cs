using CircuitBreaker.Ring;

namespace CircuitBreaker.Tests.Ring;

public sealed class FullRingPolicyTests
{
    private const int Capacity = 4;

    private static RingBuffer<Tick> Filled(FullRingPolicy policy, ProducerMode mode, IRingFullObserver? observer = null, int blockSpinLimit = 1000)
    {
        var ring = new RingBuffer<Tick>(new RingBufferOptions
        {
            Capacity = Capacity,
            ProducerMode = mode,
            FullRingPolicy = policy,
            FullObserver = observer,
            BlockSpinLimit = blockSpinLimit,
        });
        for (int i = 0; i < Capacity; i++)
        {
            Assert.Equal(PublishResult.Published, ring.TryPublish(new Tick(0, i)));
        }

        return ring;
    }

    [Theory]
    [InlineData(ProducerMode.Single)]
    [InlineData(ProducerMode.Multi)]
    public void FailClosed_FullRing_ReturnsFullCountsFlagsAndNotifiesOncePerFullEvent(ProducerMode mode)
    {
        var observer = new RecordingFullObserver();
        var ring = Filled(FullRingPolicy.FailClosed, mode, observer);
        Assert.False(ring.FailedClosed);

        Assert.Equal(PublishResult.Full, ring.TryPublish(new Tick(0, 99)));
        Assert.Equal(1, observer.Calls);
        Assert.Equal(PublishResult.Full, ring.TryPublish(new Tick(0, 100)));

        Assert.Equal(2, observer.Calls);
        Assert.Equal(2, ring.FullCount);
        Assert.Equal(0, ring.DroppedCount);
        Assert.True(ring.FailedClosed);
        Assert.Equal(new RingFullEvent(Capacity, Capacity - 1, -1, 2, FullRingPolicy.FailClosed), observer.Last);
    }

    [Fact]
    public void FailClosed_FullRing_NeverOverwritesUnconsumedEvents()
    {
        var ring = Filled(FullRingPolicy.FailClosed, ProducerMode.Multi);
        ring.TryPublish(new Tick(0, 99));
        var checker = new StreamChecker(1);
        var handler = new CheckingHandler(checker);

        Assert.Equal(Capacity, ring.Poll(ref handler, 100));

        Assert.Equal(0, checker.Violations);
        Assert.Equal(Capacity, checker.NextExpected(0));
    }

    [Fact]
    public void FailClosed_AfterConsumerFreesSpace_PublishesAgainButFlagStaysUntilReset()
    {
        var ring = Filled(FullRingPolicy.FailClosed, ProducerMode.Single);
        ring.TryPublish(new Tick(0, 99));
        var handler = new SummingHandler();
        ring.Poll(ref handler, 1);

        Assert.Equal(PublishResult.Published, ring.TryPublish(new Tick(0, 4)));
        Assert.True(ring.FailedClosed);

        ring.ResetFailedClosed();
        Assert.False(ring.FailedClosed);
    }

    [Fact]
    public void FailClosed_ThrowingObserver_IsCountedAndPublishStillReturnsFull()
    {
        var observer = new RecordingFullObserver { Throw = true };
        var ring = Filled(FullRingPolicy.FailClosed, ProducerMode.Multi, observer);

        Assert.Equal(PublishResult.Full, ring.TryPublish(new Tick(0, 99)));

        Assert.Equal(1, observer.Calls);
        Assert.Equal(1, ring.ObserverFaults);
        Assert.True(ring.FailedClosed);
    }

    [Theory]
    [InlineData(ProducerMode.Single)]
    [InlineData(ProducerMode.Multi)]
    public void DropAndCount_FullRing_ReturnsFullAndCountsWithoutNotifyingOrFailingClosed(ProducerMode mode)
    {
        var observer = new RecordingFullObserver();
        var ring = Filled(FullRingPolicy.DropAndCount, mode, observer);

        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(PublishResult.Full, ring.TryPublish(new Tick(0, 99)));
        }

        Assert.Equal(3, ring.DroppedCount);
        Assert.Equal(3, ring.FullCount);
        Assert.Equal(0, observer.Calls);
        Assert.False(ring.FailedClosed);
    }

    [Fact]
    public void TryClaim_FullRing_AppliesThePolicyToo()
    {
        var ring = Filled(FullRingPolicy.DropAndCount, ProducerMode.Single);

        Assert.False(ring.TryClaim(out _));
        Assert.Equal(1, ring.DroppedCount);
    }

    [Theory]
    [InlineData(ProducerMode.Single)]
    [InlineData(ProducerMode.Multi)]
    public void Block_ConsumerNeverFreesSpace_GivesUpAfterSpinBoundAndFailsClosed(ProducerMode mode)
    {
        var observer = new RecordingFullObserver();
        var ring = Filled(FullRingPolicy.Block, mode, observer, blockSpinLimit: 50);

        Assert.Equal(PublishResult.Full, ring.TryPublish(new Tick(0, 99)));

        Assert.Equal(1, ring.FullCount);
        Assert.Equal(1, observer.Calls);
        Assert.Equal(FullRingPolicy.Block, observer.Last.Policy);
        Assert.True(ring.FailedClosed);
    }

    [Theory]
    [InlineData(ProducerMode.Single)]
    [InlineData(ProducerMode.Multi)]
    public void Block_ConsumerFreesSpaceWhileProducerSpins_Succeeds(ProducerMode mode)
    {
        var observer = new RecordingFullObserver();
        var ring = Filled(FullRingPolicy.Block, mode, observer, blockSpinLimit: int.MaxValue);
        var producer = new BackgroundCall<PublishResult>(() => ring.TryPublish(new Tick(0, Capacity)));
        Thread.Sleep(20); // not an assertion: only makes it likely the producer is already spinning
        Assert.False(producer.IsCompleted, "the producer must be waiting for space");

        var checker = new StreamChecker(1);
        var handler = new CheckingHandler(checker);
        Assert.Equal(1, ring.Poll(ref handler, 1));

        Assert.Equal(PublishResult.Published, producer.Result);
        Assert.Equal(0, ring.FullCount);
        Assert.Equal(0, observer.Calls);
        Assert.False(ring.FailedClosed);
        Assert.Equal(Capacity, ring.Poll(ref handler, 100));
        Assert.Equal(0, checker.Violations);
        Assert.Equal(Capacity + 1, checker.Total);
    }

    [Fact]
    public void Block_RingStoppedWhileProducerSpins_ReturnsStopped()
    {
        var ring = Filled(FullRingPolicy.Block, ProducerMode.Multi, blockSpinLimit: 5_000_000);
        var producer = new BackgroundCall<PublishResult>(() => ring.TryPublish(new Tick(0, Capacity)));

        ring.Stop();

        Assert.Equal(PublishResult.Stopped, producer.Result);
        Assert.Equal(0, ring.FullCount);
    }
}
