namespace CircuitBreaker.Tests.State;

/// <summary>The registration <see cref="StateBoard.Register(IKillSwitch, bool)"/> and <see cref="Breaker.OnTrip"/> return.</summary>
public class KillSwitchRegistrationTests
{
    private static Breaker NewBreaker() => new CircuitBreakerBuilder()
        .Instrument("X", InstrumentKind.Spot, 0.01, 1).Account("a").BuildBreaker();

    [Fact]
    public void OnTrip_DisposeUnregisters_LaterTripsDoNotReachTheHandler_OthersStillDo()
    {
        using var breaker = NewBreaker();
        var seen = new List<long>();
        var kept = new List<long>();
        IDisposable registration = breaker.OnTrip((in TripContext c) => seen.Add(c.Sequence));
        breaker.OnTrip((in TripContext c) => kept.Add(c.Sequence));
        Assert.True(breaker.Halt(Scope.Global, -1, 1_800_000_000_000_000_000));
        Assert.Equal([1L], seen);

        registration.Dispose();
        Assert.True(breaker.Resume(Scope.Global, -1, 1_800_000_000_000_000_001));
        Assert.True(breaker.Halt(Scope.Account, 0, 1_800_000_000_000_000_002));
        Assert.Equal([1L], seen);
        Assert.Equal([1L, 2L, 3L], kept);
    }

    [Fact]
    public void Dispose_Twice_IsANoOp_AndRemovesOnlyItsOwnRegistrationOfTheSameSwitch()
    {
        using var board = new StateBoard(2, 1, 1);
        int calls = 0;
        TripHandler handler = (in TripContext c) => calls++;
        IDisposable first = board.Register(handler);
        board.Register(handler); // the same handler again: a second, independent registration
        Assert.True(board.Halt(Scope.Instrument, 0, 10));
        Assert.Equal(2, calls);

        first.Dispose();
        first.Dispose();
        Assert.Equal(1, board.SwitchCount);
        Assert.True(board.Halt(Scope.Instrument, 1, 11));
        Assert.Equal(3, calls); // the second registration still delivers, once
    }

    [Fact]
    public void Dispose_FaultIndexOfLaterSwitches_StaysTheirRegistrationIndex()
    {
        using var board = new StateBoard(1, 1, 1);
        KillSwitchFault? fault = null;
        board.FaultObserver = f => fault = f;
        IDisposable first = board.Register((in TripContext c) => { });
        board.Register((in TripContext c) => throw new InvalidOperationException("gateway down"));
        first.Dispose();
        Assert.True(board.Halt(Scope.Global, -1, 1));
        Assert.Equal(1, fault!.Value.SwitchIndex);
    }

    [Fact]
    public void Dispose_SlowSwitch_TransitionsMadeAfterwardsDoNotReachIt()
    {
        using var board = new StateBoard(1, 1, 1);
        var seen = new List<long>();
        IDisposable registration = board.Register((in TripContext c) => { lock (seen) seen.Add(c.Sequence); }, slow: true);
        Assert.True(board.Halt(Scope.Global, -1, 1));
        Assert.True(board.DrainSlow(TimeSpan.FromSeconds(30)));
        registration.Dispose();
        Assert.True(board.Resume(Scope.Global, -1, 2));
        Assert.True(board.Halt(Scope.Global, -1, 3));
        Assert.True(board.DrainSlow(TimeSpan.FromSeconds(30)));
        lock (seen) Assert.Equal([1L], seen);
    }

    [Fact]
    public void Dispose_WhileAnotherThreadTrips_NoTransitionMadeAfterItReturnsReachesTheHandler()
    {
        using var board = new StateBoard(1, 1, 1);
        long maxSeen = 0, calls = 0;
        using var reached = new ManualResetEventSlim();
        IDisposable registration = board.Register((in TripContext c) =>
        {
            long seq = c.Sequence, m;
            while ((m = Volatile.Read(ref maxSeen)) < seq && Interlocked.CompareExchange(ref maxSeen, seq, m) != m) { }
            if (Interlocked.Increment(ref calls) == 200) reached.Set();
        });
        long others = 0;
        board.Register((in TripContext c) => Interlocked.Increment(ref others)); // stays registered throughout
        bool stop = false;
        var tripper = new Thread(() =>
        {
            for (long t = 0; !Volatile.Read(ref stop); t++)
                if (t % 2 == 0) board.Halt(Scope.Global, -1, t); else board.Resume(Scope.Global, -1, t);
        });
        tripper.Start();
        try
        {
            Assert.True(reached.Wait(TimeSpan.FromMinutes(2)), "the handler was never reached");
            registration.Dispose();
            // Every transition numbered above this one started after the dispose returned.
            long madeBeforeDisposeReturned = board.TransitionCount;
            Assert.True(SpinWait.SpinUntil(() => board.TransitionCount >= madeBeforeDisposeReturned + 2_000, TimeSpan.FromMinutes(2)),
                "the tripping thread stalled");
            Volatile.Write(ref stop, true);
            tripper.Join();
            Assert.True(Volatile.Read(ref maxSeen) <= madeBeforeDisposeReturned,
                $"transition {maxSeen} reached the handler though made after its dispose (≤ {madeBeforeDisposeReturned})");
            Assert.Equal(board.TransitionCount, Interlocked.Read(ref others)); // the other switch missed nothing
            registration.Dispose(); // idempotent after the race too
        }
        finally
        {
            Volatile.Write(ref stop, true);
            tripper.Join();
        }
    }
}
