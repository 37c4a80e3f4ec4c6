using CircuitBreaker.Ring;

namespace CircuitBreaker.Tests.Ring;

public sealed class WatchdogTests
{
    private static readonly TimeSpan Threshold = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(10);

    private sealed class Probe
    {
        public long Progress;
        public long Pending;
        public readonly List<StallReport> Stalls = new();
    }

    private static (Watchdog Dog, Probe Probe, FakeTimeProvider Time) Create()
    {
        var time = new FakeTimeProvider();
        var probe = new Probe();
        var dog = new Watchdog(time, Threshold, () => probe.Progress, () => probe.Pending, probe.Stalls.Add, Interval);
        return (dog, probe, time);
    }

    [Fact]
    public void Check_PendingWithoutProgressForThreshold_FiresOnceWithReport()
    {
        var (dog, probe, time) = Create();
        probe.Progress = 7;
        probe.Pending = 3;
        time.Advance(Interval); // check at t=10 ms: first sight of progress 7, stall clock starts

        time.Advance(Threshold - Interval); // last check at t=100 ms: stalled for 90 ms, under the threshold
        Assert.Empty(probe.Stalls);

        time.Advance(Interval); // check at t=110 ms: stalled for exactly the threshold
        Assert.Single(probe.Stalls);
        Assert.Equal(7, probe.Stalls[0].Progress);
        Assert.Equal(3, probe.Stalls[0].Pending);
        Assert.Equal(Threshold, probe.Stalls[0].StalledFor);

        time.Advance(Threshold * 10);
        Assert.Single(probe.Stalls); // once per episode
        Assert.Equal(1, dog.Stalls);
    }

    [Fact]
    public void Check_ProgressEveryInterval_NeverFires()
    {
        var (dog, probe, time) = Create();
        probe.Pending = 1000;

        for (int i = 0; i < 100; i++)
        {
            probe.Progress++;
            time.Advance(Interval);
        }

        Assert.Empty(probe.Stalls);
        Assert.Equal(0, dog.Stalls);
    }

    [Fact]
    public void Check_NothingPending_NeverFiresHoweverLongIdle()
    {
        var (_, probe, time) = Create();
        probe.Pending = 0;

        time.Advance(Threshold * 50);

        Assert.Empty(probe.Stalls);
    }

    [Fact]
    public void Check_ProgressResumesThenStallsAgain_FiresForEachEpisode()
    {
        var (dog, probe, time) = Create();
        probe.Pending = 5;
        time.Advance(Threshold * 2);
        Assert.Single(probe.Stalls);

        probe.Progress = 1; // the consumer recovers
        time.Advance(Interval);
        time.Advance(Threshold * 2); // and stalls again with events pending

        Assert.Equal(2, probe.Stalls.Count);
        Assert.Equal(2, dog.Stalls);
        Assert.Equal(1, probe.Stalls[1].Progress);
    }

    [Fact]
    public void Check_OnStallThrows_FaultCountedAndWatchdogKeepsRunning()
    {
        var time = new FakeTimeProvider();
        long pending = 1;
        long progress = 0;
        int calls = 0;
        using var dog = new Watchdog(time, Threshold, () => progress, () => pending, _ => { calls++; throw new InvalidOperationException(); }, Interval);

        // FakeTimeProvider moves the clock to the end of an Advance before it fires the timers due within it, so
        // advance one check interval at a time: the second stall must be measured from the progress, not from the jump.
        for (int i = 0; i < 20; i++) time.Advance(Interval);
        progress++;
        for (int i = 0; i < 20; i++) time.Advance(Interval);

        Assert.Equal(2, calls);
        Assert.Equal(2, dog.Faults);
    }

    [Fact]
    public void Dispose_StopsTheTimer()
    {
        var (dog, probe, time) = Create();
        probe.Pending = 1;

        dog.Dispose();
        time.Advance(Threshold * 5);

        Assert.Empty(probe.Stalls);
    }

    [Fact]
    public void Constructor_NonPositiveThresholdOrInterval_Throws()
    {
        var time = new FakeTimeProvider();

        Assert.Throws<ArgumentOutOfRangeException>(() => new Watchdog(time, TimeSpan.Zero, () => 0, () => 0, _ => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Watchdog(time, Threshold, () => 0, () => 0, _ => { }, TimeSpan.FromTicks(-1)));
        Assert.Throws<ArgumentNullException>(() => new Watchdog(null!, Threshold, () => 0, () => 0, _ => { }));
    }

    [Fact]
    public void For_ProcessorStuckInHandler_FiresThenRearmsWhenItRecovers()
    {
        var time = new FakeTimeProvider();
        var ring = new RingBuffer<Tick>(64);
        using var release = new ManualResetEventSlim();
        using var entered = new ManualResetEventSlim();
        var processor = new EventProcessorThread<Tick, StuckHandler>(ring, new StuckHandler(entered, release));
        var stalls = new List<StallReport>();
        using var dog = Watchdog.For(processor, time, Threshold, stalls.Add, Interval);
        processor.Start();

        ring.TryPublish(new Tick(0, 0));
        ring.TryPublish(new Tick(0, 1));
        entered.Wait(); // the handler is now stuck on event 0 with event 1 pending
        time.Advance(Threshold * 2);

        Assert.Single(stalls);
        Assert.Equal(-1, stalls[0].Progress);
        Assert.Equal(2, stalls[0].Pending);

        release.Set();
        processor.Stop();
        time.Advance(Threshold * 2); // drained: nothing pending, no new stall
        Assert.Single(stalls);
        Assert.Equal(1, processor.ProcessedSequence);
    }

    private readonly struct StuckHandler(ManualResetEventSlim entered, ManualResetEventSlim release) : IEventHandler<Tick>
    {
        public void OnEvent(ref Tick e, long sequence, bool endOfBatch)
        {
            entered.Set();
            release.Wait();
        }
    }
}
