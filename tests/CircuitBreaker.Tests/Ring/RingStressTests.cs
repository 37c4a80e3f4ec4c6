using CircuitBreaker.Ring;

namespace CircuitBreaker.Tests.Ring;

public sealed class RingStressTests
{
    private static readonly int ProducerCount = Math.Max(4, Environment.ProcessorCount);

    [Theory]
    [InlineData(WaitStrategyKind.Blocking, 64)]
    [InlineData(WaitStrategyKind.Yielding, 1024)]
    [InlineData(WaitStrategyKind.Sleeping, 4096)]
    [InlineData(WaitStrategyKind.BusySpin, 256)]
    public void MultiProducer_ProducersPublishConcurrently_EachStreamContiguousNothingLostOrDuplicated(WaitStrategyKind wait, int capacity)
    {
        const int PerProducer = 50_000;
        var ring = new RingBuffer<Tick>(new RingBufferOptions
        {
            Capacity = capacity,
            ProducerMode = ProducerMode.Multi,
            FullRingPolicy = FullRingPolicy.DropAndCount,
            WaitStrategy = wait,
        });
        var checker = new StreamChecker(ProducerCount);
        using var processor = new EventProcessorThread<Tick, CheckingHandler>(ring, new CheckingHandler(checker));
        processor.Start();

        long[] retries = RunProducers(ring, ProducerCount, PerProducer);
        StopGuard.StopWithinBound(processor);

        Assert.True(checker.Violations == 0, checker.FirstViolation);
        Assert.Equal((long)ProducerCount * PerProducer, checker.Total);
        for (int p = 0; p < ProducerCount; p++)
        {
            Assert.Equal(PerProducer, checker.NextExpected(p));
        }

        Assert.Equal(checker.Total - 1, ring.ConsumerSequence);
        Assert.Equal(retries.Sum(), ring.DroppedCount); // every Full was a retry, none was lost silently
        Assert.Equal(0, processor.HandlerFaults);
    }

    [Fact]
    public void SingleProducer_PublishesWhileConsumerRuns_StreamContiguousAcrossManyLaps()
    {
        const int Total = 200_000;
        var ring = new RingBuffer<Tick>(new RingBufferOptions
        {
            Capacity = 128,
            ProducerMode = ProducerMode.Single,
            FullRingPolicy = FullRingPolicy.Block,
            BlockSpinLimit = 100,
        });
        var checker = new StreamChecker(1);
        using var processor = new EventProcessorThread<Tick, CheckingHandler>(ring, new CheckingHandler(checker));
        processor.Start();

        long[] retries = RunProducers(ring, 1, Total);
        StopGuard.StopWithinBound(processor);

        Assert.True(checker.Violations == 0, checker.FirstViolation);
        Assert.Equal(Total, checker.Total);
        Assert.Equal(Total, checker.NextExpected(0));
        Assert.Equal(retries[0], ring.FullCount);
    }

    [Fact]
    public void Stop_RacingConcurrentProducers_EveryPublishedEventIsHandled()
    {
        var ring = new RingBuffer<Tick>(new RingBufferOptions { Capacity = 256, FullRingPolicy = FullRingPolicy.DropAndCount });
        var checker = new StreamChecker(ProducerCount);
        var processor = new EventProcessorThread<Tick, CheckingHandler>(ring, new CheckingHandler(checker));
        processor.Start();
        var published = new int[ProducerCount];
        using var go = new ManualResetEventSlim();
        var threads = new Thread[ProducerCount];
        for (int p = 0; p < ProducerCount; p++)
        {
            int id = p;
            threads[p] = new Thread(() =>
            {
                go.Wait();
                int number = 0;
                while (true)
                {
                    PublishResult result = ring.TryPublish(new Tick(id, number));
                    if (result == PublishResult.Stopped)
                    {
                        return;
                    }

                    if (result == PublishResult.Published)
                    {
                        published[id] = ++number;
                    }
                }
            }) { IsBackground = true };
            threads[p].Start();
        }

        go.Set();
        Assert.True(SpinWait.SpinUntil(() => checker.Total >= 20_000, StopGuard.Bound));

        StopGuard.StopWithinBound(processor);
        foreach (Thread t in threads)
        {
            t.Join();
        }

        Assert.True(checker.Violations == 0, checker.FirstViolation);
        for (int p = 0; p < ProducerCount; p++)
        {
            // Published => handled. One more may be handled: a publish that raced Stop and returned Stopped.
            Assert.InRange(checker.NextExpected(p), published[p], published[p] + 1);
        }
    }

    private static long[] RunProducers(RingBuffer<Tick> ring, int producers, int perProducer)
    {
        var retries = new long[producers];
        using var go = new ManualResetEventSlim();
        var threads = new Thread[producers];
        for (int p = 0; p < producers; p++)
        {
            int id = p;
            threads[p] = new Thread(() =>
            {
                go.Wait();
                for (int number = 0; number < perProducer; number++)
                {
                    var tick = new Tick(id, number);
                    PublishResult result;
                    while ((result = ring.TryPublish(tick)) == PublishResult.Full)
                    {
                        retries[id]++;
                        Thread.Yield();
                    }

                    if (result != PublishResult.Published)
                    {
                        throw new InvalidOperationException($"unexpected {result}");
                    }
                }
            }) { Name = $"producer-{p}", IsBackground = true };
            threads[p].Start();
        }

        go.Set();
        foreach (Thread t in threads)
        {
            Assert.True(t.Join(StopGuard.Bound), "a producer never got room: the consumer is stuck");
        }

        return retries;
    }
}
