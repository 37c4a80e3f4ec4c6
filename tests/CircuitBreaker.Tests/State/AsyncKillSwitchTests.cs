namespace CircuitBreaker.Tests.State;

/// <summary><see cref="Breaker.OnTrip(Func{TripContext, CancellationToken, ValueTask}, TimeSpan, TimeProvider?)"/>.</summary>
public class AsyncKillSwitchTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private static Breaker NewBreaker() => new CircuitBreakerBuilder()
        .Instrument("X", InstrumentKind.Spot, 0.01, 1).Account("a").BuildBreaker();

    [Theory]
    [InlineData(0L)]
    [InlineData(-5_000_000_000L)]
    [InlineData(1_800_000_000_000_000_000L)]
    public void OnTrip_Async_DeliversEveryTransitionOnce_InOrder_OffTheTrippingThread(long origin)
    {
        using var breaker = NewBreaker();
        var seen = new List<(long Sequence, long TimeNs)>();
        int trippingThread = Environment.CurrentManagedThreadId;
        int handlerThread = trippingThread;
        using var registration = breaker.OnTrip(async (t, ct) =>
        {
            handlerThread = Environment.CurrentManagedThreadId;
            await Task.Yield();
            lock (seen) seen.Add((t.Sequence, t.TimeNs));
        }, TimeSpan.FromSeconds(5));

        Assert.True(breaker.Halt(Scope.Instrument, 0, origin));
        Assert.True(breaker.Resume(Scope.Instrument, 0, origin + 1));
        Assert.True(breaker.Halt(Scope.Global, -1, origin + 2));

        Assert.True(registration.Drain(Wait));
        Assert.Equal([(1L, origin), (2L, origin + 1), (3L, origin + 2)], seen);
        Assert.Equal(3, registration.Completed);
        Assert.Equal(0, registration.Faults + registration.TimedOut);
        Assert.NotEqual(trippingThread, handlerThread);
    }

    [Fact]
    public void OnTrip_Async_ThrowingHandler_IsIsolatedAndCounted_LaterTransitionsStillRun()
    {
        using var breaker = NewBreaker();
        var faults = new List<KillSwitchFault>();
        breaker.Board.FaultObserver = f => { lock (faults) faults.Add(f); };
        int calls = 0;
        using var registration = breaker.OnTrip((t, ct) =>
        {
            if (Interlocked.Increment(ref calls) == 1) throw new InvalidOperationException("venue gateway down");
            return ValueTask.CompletedTask;
        }, TimeSpan.FromSeconds(5));

        Assert.True(breaker.Halt(Scope.Global, -1, 1));
        Assert.True(breaker.Resume(Scope.Global, -1, 2));
        Assert.True(registration.Drain(Wait));

        Assert.Equal(2, calls);
        Assert.Equal(1, registration.Faults);
        Assert.Equal(1, registration.Completed);
        Assert.Equal(1, breaker.Board.Faults);
        Assert.IsType<InvalidOperationException>(registration.LastFault);
        Assert.Equal(1L, Assert.Single(faults).TransitionSequence);
        Assert.Equal(TradingState.Active, breaker.Board.Global); // the fault changed no state
    }

    [Fact]
    public async Task OnTrip_Async_HandlerPastItsTimeout_IsAbandoned_TokenCancelled_NextTransitionDelivered()
    {
        using var breaker = NewBreaker();
        var time = new FakeTimeProvider();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var never = new TaskCompletionSource(); // the first call ignores its token and never finishes
        var second = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = breaker.OnTrip(async (t, ct) =>
        {
            if (t.Sequence == 1)
            {
                ct.Register(() => cancelled.TrySetResult());
                started.TrySetResult();
                await never.Task;
            }
            else second.TrySetResult(t.Sequence);
        }, TimeSpan.FromSeconds(2), time);

        Assert.True(breaker.Halt(Scope.Global, -1, 10));
        Assert.True(breaker.Resume(Scope.Global, -1, 11));
        await started.Task.WaitAsync(Wait);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(second.Task.IsCompleted); // within its timeout the first call still holds the queue
        Assert.Equal(0, registration.TimedOut);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2L, await second.Task.WaitAsync(Wait));
        await cancelled.Task.WaitAsync(Wait);
        Assert.True(registration.Drain(Wait));
        Assert.Equal(1, registration.TimedOut);
        Assert.Equal(1, registration.Completed);
        Assert.Equal(1, breaker.Board.Faults);
        Assert.IsType<TimeoutException>(breaker.Board.LastFault);
    }

    [Fact]
    public void OnTrip_Async_Dispose_LaterTransitionsDoNotReachIt_IsIdempotent()
    {
        using var breaker = NewBreaker();
        int calls = 0;
        var registration = breaker.OnTrip((t, ct) => { Interlocked.Increment(ref calls); return ValueTask.CompletedTask; }, TimeSpan.FromSeconds(1));
        Assert.True(breaker.Halt(Scope.Global, -1, 1));
        Assert.True(registration.Drain(Wait));
        registration.Dispose();
        registration.Dispose();
        Assert.True(breaker.Resume(Scope.Global, -1, 2));
        Assert.True(breaker.Board.DrainSlow(Wait));
        Assert.Equal(1, calls);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(3601)]
    public void OnTrip_Async_TimeoutOutOfRange_Throws(int seconds)
    {
        using var breaker = NewBreaker();
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => breaker.OnTrip((t, ct) => ValueTask.CompletedTask, TimeSpan.FromSeconds(seconds)));
        Assert.Contains("timeout", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Halt_WithAsyncSwitch_AllocatesNothingOnTheTrippingThread_ControlAllocates()
    {
        using var breaker = NewBreaker();
        using var registration = breaker.OnTrip((t, ct) => ValueTask.CompletedTask, TimeSpan.FromSeconds(5));
        breaker.Halt(Scope.Instrument, 0, 1); // warm up
        breaker.Resume(Scope.Instrument, 0, 2);
        Assert.True(registration.Drain(Wait));

        long before = GC.GetAllocatedBytesForCurrentThread();
        breaker.Halt(Scope.Instrument, 0, 3);
        breaker.Resume(Scope.Instrument, 0, 4);
        long trip = GC.GetAllocatedBytesForCurrentThread() - before;

        before = GC.GetAllocatedBytesForCurrentThread();
        using var control = breaker.OnTrip((t, ct) => ValueTask.CompletedTask, TimeSpan.FromSeconds(5)); // registering allocates
        long register = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, trip);
        Assert.True(register > 0);
        Assert.True(registration.Drain(Wait));
        Assert.Equal(4, registration.Completed); // 2 warm-up + 2 measured transitions
    }
}
