using CircuitBreaker.Ring;

namespace CircuitBreaker.Tests.Ring;

public sealed class EventProcessorThreadTests
{
    [Theory]
    [InlineData(WaitStrategyKind.Blocking)]
    [InlineData(WaitStrategyKind.Sleeping)]
    public void Stop_EventsStillPending_DrainsEverythingPublishedBeforeReturning(WaitStrategyKind wait)
    {
        var ring = new RingBuffer<Tick>(new RingBufferOptions { Capacity = 8192, WaitStrategy = wait });
        var gate = new ManualResetEventSlim();
        var checker = new StreamChecker(1);
        var processor = new EventProcessorThread<Tick, GatedHandler>(ring, new GatedHandler(gate, checker));
        processor.Start();
        for (int i = 0; i < 5000; i++)
        {
            Assert.Equal(PublishResult.Published, ring.TryPublish(new Tick(0, i)));
        }

        gate.Set(); // the handler was held back, so nearly everything is still pending when Stop starts
        processor.Stop();

        Assert.Equal(5000, checker.Total);
        Assert.Equal(0, checker.Violations);
        Assert.False(processor.IsRunning);
        Assert.Equal(PublishResult.Stopped, ring.TryPublish(new Tick(0, 5000)));
    }

    [Fact]
    public void Stop_NeverStarted_DrainsOnTheCallingThread()
    {
        var ring = new RingBuffer<Tick>(16);
        for (int i = 0; i < 10; i++)
        {
            ring.TryPublish(new Tick(0, i));
        }

        var processor = new EventProcessorThread<Tick, SummingHandler>(ring, default);
        processor.Stop();

        Assert.Equal(10, processor.Handler.Count);
        Assert.Equal(9, processor.ProcessedSequence);
        Assert.True(ring.IsStopped);
        Assert.Throws<InvalidOperationException>(processor.Start);
    }

    [Fact]
    public void Stop_CalledTwiceAndDispose_IsIdempotent()
    {
        var ring = new RingBuffer<Tick>(16);
        var processor = new EventProcessorThread<Tick, SummingHandler>(ring, default);
        processor.Start();
        ring.TryPublish(new Tick(0, 1));

        processor.Stop();
        processor.Stop();
        processor.Dispose();

        Assert.Equal(1, processor.Handler.Count);
        Assert.True(processor.Batches >= 1);
    }

    [Fact]
    public void Start_CalledTwice_Throws()
    {
        using var processor = new EventProcessorThread<Tick, SummingHandler>(new RingBuffer<Tick>(16), default);
        processor.Start();

        Assert.Throws<InvalidOperationException>(processor.Start);
    }

    [Fact]
    public void Start_WithHookAndName_RunsHookOnTheNamedProcessorThread()
    {
        string? seenName = null;
        bool seenBackground = false;
        using var hookRan = new ManualResetEventSlim();
        var options = new EventProcessorOptions
        {
            ThreadName = "risk-evaluator",
            OnThreadStarted = t =>
            {
                seenName = Thread.CurrentThread == t ? t.Name : "wrong thread";
                seenBackground = t.IsBackground;
                hookRan.Set();
            },
        };
        using var processor = new EventProcessorThread<Tick, SummingHandler>(new RingBuffer<Tick>(16), default, options);

        processor.Start();
        hookRan.Wait();

        Assert.Equal("risk-evaluator", seenName);
        Assert.True(seenBackground);
    }

    [Fact]
    public void HandlerThrows_FaultIsCountedReportedAndProcessingContinues()
    {
        var ring = new RingBuffer<Tick>(64);
        var faults = new List<long>();
        var options = new EventProcessorOptions { OnHandlerFault = (_, sequence) => faults.Add(sequence) };
        var processor = new EventProcessorThread<Tick, ThrowEveryTenthHandler>(ring, default, options);
        processor.Start();

        for (int i = 0; i < 50; i++)
        {
            while (ring.TryPublish(new Tick(0, i)) == PublishResult.Full)
            {
                Thread.Yield();
            }
        }

        processor.Stop();

        Assert.Equal(5, processor.HandlerFaults); // numbers 0, 10, 20, 30, 40
        Assert.Equal(45, processor.Handler.Handled);
        Assert.Equal(49, processor.ProcessedSequence);
        Assert.IsType<InvalidOperationException>(processor.LastException);
        Assert.Equal(40, processor.LastFaultSequence);
        Assert.Equal([0L, 10, 20, 30, 40], faults);
    }

    [Fact]
    public void HandlerThrows_ThreadSurvivesAndHandlesLaterEvents()
    {
        var ring = new RingBuffer<Tick>(64);
        using var processor = new EventProcessorThread<Tick, ThrowEveryTenthHandler>(ring, default);
        processor.Start();
        ring.TryPublish(new Tick(0, 0)); // throws
        Assert.True(SpinWait.SpinUntil(() => processor.HandlerFaults == 1, TimeSpan.FromSeconds(30)));

        ring.TryPublish(new Tick(0, 1));
        Assert.True(SpinWait.SpinUntil(() => processor.ProcessedSequence == 1, TimeSpan.FromSeconds(30)));

        Assert.True(processor.IsRunning);
        processor.Stop();
        Assert.Equal(1, processor.Handler.Handled);
    }

    [Fact]
    public void Options_Invalid_AllProblemsReported()
    {
        var options = new EventProcessorOptions { ThreadName = " ", MaxBatch = 0 };

        var ex = Assert.Throws<ArgumentException>(() => new EventProcessorThread<Tick, SummingHandler>(new RingBuffer<Tick>(8), default, options));

        Assert.Contains("ThreadName", ex.Message);
        Assert.Contains("MaxBatch", ex.Message);
    }

    [Fact]
    public void Options_Defaults_AreTheDocumentedOnes()
    {
        var options = new EventProcessorOptions();

        Assert.Equal("CircuitBreaker.Ring", options.ThreadName);
        Assert.Equal(1024, options.MaxBatch);
        Assert.True(options.IsBackground);
        Assert.Null(options.OnThreadStarted);
        Assert.Null(options.OnHandlerFault);
    }

    private struct ThrowEveryTenthHandler : IEventHandler<Tick>
    {
        public int Handled;

        public void OnEvent(ref Tick e, long sequence, bool endOfBatch)
        {
            if (e.Number % 10 == 0)
            {
                throw new InvalidOperationException($"poisoned event {e.Number}");
            }

            Handled++;
        }
    }

    private readonly struct GatedHandler(ManualResetEventSlim gate, StreamChecker checker) : IEventHandler<Tick>
    {
        public void OnEvent(ref Tick e, long sequence, bool endOfBatch)
        {
            gate.Wait();
            checker.Observe(ref e, sequence);
        }
    }
}
