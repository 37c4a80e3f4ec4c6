using CircuitBreaker.Ring;

namespace CircuitBreaker.Tests.Ring;

public sealed class RingBufferTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(-8)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(1000)]
    [InlineData(RingBufferOptions.MaxCapacity + 1)]
    [InlineData(int.MinValue)]
    public void Constructor_CapacityNotPowerOfTwoInRange_ThrowsArgumentExceptionNamingCapacity(int capacity)
    {
        var ex = Assert.Throws<ArgumentException>(() => new RingBuffer<Tick>(capacity));

        Assert.Contains("Capacity must be a power of two", ex.Message);
        Assert.Contains(capacity.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1024)]
    public void Constructor_PowerOfTwoCapacity_IsAccepted(int capacity)
    {
        var ring = new RingBuffer<Tick>(capacity, ProducerMode.Single);

        Assert.Equal(capacity, ring.Capacity);
        Assert.Equal(-1, ring.Cursor);
        Assert.Equal(-1, ring.ConsumerSequence);
        Assert.Equal(0, ring.Lag);
    }

    [Fact]
    public void Options_Defaults_AreTheDocumentedOnes()
    {
        var options = new RingBufferOptions();

        Assert.Equal(4096, options.Capacity);
        Assert.Equal(ProducerMode.Multi, options.ProducerMode);
        Assert.Equal(FullRingPolicy.FailClosed, options.FullRingPolicy);
        Assert.Equal(1000, options.BlockSpinLimit);
        Assert.Equal(WaitStrategyKind.Blocking, options.WaitStrategy);
        Assert.Null(options.FullObserver);
    }

    [Fact]
    public void Options_SeveralInvalid_AreAllReportedInOneMessage()
    {
        var options = new RingBufferOptions
        {
            Capacity = 12,
            BlockSpinLimit = 0,
            ProducerMode = (ProducerMode)7,
            FullRingPolicy = (FullRingPolicy)9,
            WaitStrategy = (WaitStrategyKind)42,
        };

        var ex = Assert.Throws<ArgumentException>(() => new RingBuffer<Tick>(options));

        Assert.Contains("Capacity", ex.Message);
        Assert.Contains("BlockSpinLimit", ex.Message);
        Assert.Contains("ProducerMode", ex.Message);
        Assert.Contains("FullRingPolicy", ex.Message);
        Assert.Contains("WaitStrategy", ex.Message);
    }

    [Theory]
    [InlineData(ProducerMode.Single)]
    [InlineData(ProducerMode.Multi)]
    public void TryPublishAndPoll_ManyLapsAroundSmallRing_DeliverEveryEventInOrder(ProducerMode mode)
    {
        const int Capacity = 8;
        const int Laps = 500;
        var ring = new RingBuffer<Tick>(Capacity, mode);
        var checker = new StreamChecker(1);
        var handler = new CheckingHandler(checker);
        int number = 0;

        for (int lap = 0; lap < Laps; lap++)
        {
            int burst = 1 + (lap % Capacity); // varying fill levels so slot and lap boundaries move
            for (int i = 0; i < burst; i++)
            {
                Assert.Equal(PublishResult.Published, ring.TryPublish(new Tick(0, number++)));
            }

            Assert.Equal(burst, ring.Poll(ref handler, int.MaxValue));
        }

        Assert.Equal(0, checker.Violations);
        Assert.Equal(number, checker.Total);
        Assert.Equal(number - 1, ring.ConsumerSequence);
        Assert.Equal(number - 1, ring.Cursor);
        Assert.True(number > Capacity * 100, "the test must wrap the ring many times");
    }

    [Fact]
    public void Indexer_SequencesOneCapacityApart_ShareASlot()
    {
        var ring = new RingBuffer<Tick>(16, ProducerMode.Single);

        ring[3].Number = 77;

        Assert.Equal(77, ring[3 + 16].Number);
        Assert.Equal(77, ring[3 + (16 * 1000)].Number);
        Assert.NotEqual(77, ring[4].Number);
    }

    [Theory]
    [InlineData(ProducerMode.Single)]
    [InlineData(ProducerMode.Multi)]
    public void TryClaimAndPublish_InPlaceWrites_AreVisibleToThePollOnlyAfterPublish(ProducerMode mode)
    {
        var ring = new RingBuffer<Tick>(8, mode);
        var handler = new SummingHandler();

        Assert.True(ring.TryClaim(out long sequence));
        ring[sequence] = new Tick(0, 5);
        Assert.Equal(0, ring.Poll(ref handler, 10));

        ring.Publish(sequence);

        Assert.Equal(1, ring.Poll(ref handler, 10));
        Assert.Equal(new Tick(0, 5).Payload, handler.Sum);
    }

    [Theory]
    [InlineData(ProducerMode.Single)]
    [InlineData(ProducerMode.Multi)]
    public void TryClaimBatch_RangeThenPublishRange_DeliversAllInOneBatch(ProducerMode mode)
    {
        var ring = new RingBuffer<Tick>(8, mode);
        var handler = new SummingHandler();

        Assert.True(ring.TryClaim(5, out long high));
        for (long s = high - 4; s <= high; s++)
        {
            ring[s] = new Tick(0, (int)s);
        }

        Assert.False(ring.TryClaim(4, out _)); // 5 + 4 > 8 slots
        ring.Publish(high - 4, high);

        Assert.Equal(5, ring.Poll(ref handler, 100));
        Assert.Equal(1, handler.BatchEnds);
        Assert.Equal(4, high);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(9)]
    public void TryClaimBatch_CountOutOfRange_Throws(int count)
    {
        var ring = new RingBuffer<Tick>(8);

        Assert.Throws<ArgumentOutOfRangeException>(() => ring.TryClaim(count, out _));
    }

    [Fact]
    public void Poll_MaxBatchSmallerThanAvailable_HandlesOnlyMaxBatchAndMarksEndOfBatch()
    {
        var ring = new RingBuffer<Tick>(16);
        var handler = new SummingHandler();
        for (int i = 0; i < 10; i++)
        {
            ring.TryPublish(new Tick(0, i));
        }

        Assert.Equal(4, ring.Poll(ref handler, 4));
        Assert.Equal(3, ring.ConsumerSequence);
        Assert.Equal(6, ring.Lag);
        Assert.Equal(6, ring.Pending);
        Assert.Equal(6, ring.Poll(ref handler, 100));
        Assert.Equal(2, handler.BatchEnds);
        Assert.Equal(10, handler.Count);
        Assert.Equal(0, ring.Poll(ref handler, 100));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Poll_MaxBatchBelowOne_Throws(int maxBatch)
    {
        var ring = new RingBuffer<Tick>(8);
        var handler = new SummingHandler();

        Assert.Throws<ArgumentOutOfRangeException>(() => ring.Poll(ref handler, maxBatch));
    }

    [Fact]
    public void Poll_MultiProducerGapInPublishedRange_StopsBeforeTheGap()
    {
        var ring = new RingBuffer<Tick>(8, ProducerMode.Multi);
        var handler = new SummingHandler();
        Assert.True(ring.TryClaim(out long first));
        Assert.True(ring.TryClaim(out long second));
        ring[second] = new Tick(0, 1);
        ring.Publish(second);

        Assert.Equal(0, ring.Poll(ref handler, 10));
        Assert.Equal(-1, ring.Cursor);
        Assert.Equal(1, ring.ClaimedSequence);

        ring[first] = new Tick(0, 0);
        ring.Publish(first);

        Assert.Equal(2, ring.Poll(ref handler, 10));
        Assert.Equal(1, ring.Cursor);
    }

    [Fact]
    public void Poll_HandlerThrows_SkipsFaultyEventAndPropagates()
    {
        var ring = new RingBuffer<Tick>(8);
        for (int i = 0; i < 5; i++)
        {
            ring.TryPublish(new Tick(0, i));
        }

        var handler = new ThrowOnNumberHandler { ThrowOn = 2 };
        Assert.Throws<InvalidOperationException>(() => ring.Poll(ref handler, 10));

        Assert.Equal(2, ring.ConsumerSequence);
        Assert.Equal(2, handler.Handled);
        Assert.Equal(2, ring.Poll(ref handler, 10));
        Assert.Equal(4, handler.Handled);
    }

    [Fact]
    public void TryPublish_AfterStop_ReturnsStoppedAndClaimFails()
    {
        var ring = new RingBuffer<Tick>(8);
        ring.TryPublish(new Tick(0, 0));

        long drainTarget = ring.Stop();

        Assert.Equal(0, drainTarget);
        Assert.True(ring.IsStopped);
        Assert.Equal(PublishResult.Stopped, ring.TryPublish(new Tick(0, 1)));
        Assert.False(ring.TryClaim(out _));
        Assert.Equal(0, ring.ClaimedSequence);
        Assert.Equal(0, ring.FullCount);
    }

    private struct ThrowOnNumberHandler : IEventHandler<Tick>
    {
        public int ThrowOn;
        public int Handled;

        public void OnEvent(ref Tick e, long sequence, bool endOfBatch)
        {
            if (e.Number == ThrowOn)
            {
                throw new InvalidOperationException("bad event");
            }

            Handled++;
        }
    }
}
