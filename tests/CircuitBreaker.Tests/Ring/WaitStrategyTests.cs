using CircuitBreaker.Ring;

namespace CircuitBreaker.Tests.Ring;

public sealed class WaitStrategyTests
{
    private const int PastSpinPhase = 1_000;

    [Theory]
    [InlineData(ProducerMode.Single)]
    [InlineData(ProducerMode.Multi)]
    public void Idle_BlockingConsumerAsleep_IsWokenByAPublish(ProducerMode mode)
    {
        var ring = new RingBuffer<Tick>(new RingBufferOptions { Capacity = 8, ProducerMode = mode, WaitStrategy = WaitStrategyKind.Blocking });
        for (int round = 0; round < 200; round++) // many rounds to hit the publish/fall-asleep race from both sides
        {
            var consumer = new BackgroundCall<long>(() =>
            {
                int idle = PastSpinPhase;
                ring.Idle(ref idle);
                return ring.Cursor;
            });

            Assert.Equal(PublishResult.Published, ring.TryPublish(new Tick(0, round)));

            Assert.Equal(round, consumer.Result);
            var handler = new SummingHandler();
            Assert.Equal(1, ring.Poll(ref handler, 8));
        }
    }

    [Fact]
    public void Idle_BlockingConsumerAsleep_IsWokenByStop()
    {
        var ring = new RingBuffer<Tick>(8);
        var consumer = new BackgroundCall<bool>(() =>
        {
            int idle = PastSpinPhase;
            ring.Idle(ref idle);
            return ring.IsStopped;
        });

        ring.Stop();

        Assert.True(consumer.Result);
    }

    [Theory]
    [InlineData(WaitStrategyKind.BusySpin)]
    [InlineData(WaitStrategyKind.Yielding)]
    [InlineData(WaitStrategyKind.Sleeping)]
    [InlineData(WaitStrategyKind.Blocking)]
    public void Idle_EachStrategy_CountsIdleStepsAndReturnsWhenEventAlreadyPublished(WaitStrategyKind wait)
    {
        var ring = new RingBuffer<Tick>(new RingBufferOptions { Capacity = 8, WaitStrategy = wait });
        ring.TryPublish(new Tick(0, 0));
        int idle = 0;

        for (int i = 0; i < 300; i++)
        {
            ring.Idle(ref idle);
        }

        Assert.Equal(300, idle);
        Assert.Equal(wait, ring.WaitStrategy);
    }
}
