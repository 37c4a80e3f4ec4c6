namespace CircuitBreaker.Tests.State;

public class StateBoardTests
{
    private sealed class Recorder(List<string> log, string name) : IKillSwitch
    {
        public readonly List<long> Seen = new();
        public void OnTransition(in TripContext c) { lock (log) { log.Add(name); Seen.Add(c.Sequence); } }
    }

    private sealed class Thrower : IKillSwitch
    {
        public void OnTransition(in TripContext c) => throw new InvalidOperationException("exchange gateway down");
    }

    [Fact]
    public void Transition_DeliveredOncePerSwitch_InRegistrationOrder_ThrowerIsolatedAndReported()
    {
        using var board = new StateBoard(4, 2, 2);
        var log = new List<string>();
        var a = new Recorder(log, "a");
        var b = new Recorder(log, "b");
        KillSwitchFault? fault = null;
        board.FaultObserver = f => fault = f;
        board.Register(a);
        board.Register(new Thrower());
        board.Register(b);
        Assert.True(board.Halt(Scope.Instrument, 1, 100));
        Assert.False(board.Halt(Scope.Instrument, 1, 101)); // restating the state in force is not a transition
        Assert.Equal(new[] { "a", "b" }, log);
        Assert.Equal(1, board.Faults);
        Assert.IsType<InvalidOperationException>(board.LastFault);
        Assert.Equal(1, fault!.Value.SwitchIndex);
        Assert.True(board.Resume(Scope.Instrument, 1, 200));
        Assert.Equal(new[] { 1L, 2L }, a.Seen);
        Assert.Equal(new[] { 1L, 2L }, b.Seen);
    }

    [Fact]
    public void RacingHalts_ExactlyOneTransitionDelivered()
    {
        using var board = new StateBoard(1, 1, 1);
        int delivered = 0;
        board.Register((in TripContext c) => Interlocked.Increment(ref delivered));
        int threads = Math.Max(4, Environment.ProcessorCount);
        using var go = new Barrier(threads);
        var ts = Enumerable.Range(0, threads).Select(_ => new Thread(() => { go.SignalAndWait(); board.Halt(Scope.Global, -1, 1); })).ToArray();
        foreach (var t in ts) t.Start();
        foreach (var t in ts) t.Join();
        Assert.Equal(1, delivered);
        Assert.Equal(TradingState.Halted, board.Global);
    }

    [Fact]
    public void RacingTransitions_TheRestrictedCountMatchesTheStateWords_SoTheFastPathNeverHidesAHalt()
    {
        // Effective skips the state words while the board's restricted count is 0. Threads race every kind of transition
        // (manual, escalate-only automatic, lowering, restating) on a few shared words; whenever they pause, the count must
        // equal the words not Active, and Effective must agree with the words read one by one.
        using var board = new StateBoard(2, 1, 2);
        var scopes = new (Scope Scope, int Target)[] { (Scope.Instrument, 0), (Scope.Instrument, 1), (Scope.Group, 0), (Scope.Account, 0), (Scope.Account, 1), (Scope.Global, -1) };
        int threads = Math.Max(4, Environment.ProcessorCount);
        for (int round = 0; round < 20; round++)
        {
            using var go = new Barrier(threads);
            var ts = Enumerable.Range(0, threads).Select(t => new Thread(() =>
            {
                var random = new Random(round * 100 + t);
                go.SignalAndWait();
                for (int k = 0; k < 2_000; k++)
                {
                    var (scope, target) = scopes[random.Next(scopes.Length)];
                    var state = (TradingState)random.Next(3);
                    var cause = random.Next(2) == 0 ? TripCause.Manual : TripCause.Limit;
                    board.TrySet(scope, target, state, k, cause, RejectReason.Manual);
                }
            })).ToArray();
            foreach (var t in ts) t.Start();
            foreach (var t in ts) t.Join();
            int restricted = scopes.Count(s => board.Get(s.Scope, s.Target) != TradingState.Active);
            Assert.Equal(restricted, board.RestrictedCount);
            for (int i = 0; i < 2; i++)
                for (int a = 0; a < 2; a++)
                {
                    var expected = (TradingState)new[] { board.Global, board.Get(Scope.Account, a), board.Get(Scope.Group, 0), board.Get(Scope.Instrument, i) }.Max(s => (int)s);
                    Assert.Equal(expected, board.Effective(i, 0, a, out _));
                }
        }
        foreach (var (scope, target) in scopes) board.Resume(scope, target, 0);
        Assert.Equal(0, board.RestrictedCount);
        Assert.Equal(TradingState.Active, board.Effective(1, 0, 1, out var where));
        Assert.Equal(Scope.Global, where);
        Assert.True(board.Halt(Scope.Account, 1, 1));
        Assert.Equal(TradingState.Halted, board.Effective(0, 0, 1, out where));
        Assert.Equal(Scope.Account, where);
        Assert.Equal(TradingState.Active, board.Effective(0, 0, 0, out _));
    }

    [Fact]
    public void SlowSwitch_RunsOnActionThread_StateFlipsFirst()
    {
        using var board = new StateBoard(1, 1, 1);
        var release = new ManualResetEventSlim(false);
        int? slowThread = null;
        board.Register((in TripContext c) => { slowThread = Environment.CurrentManagedThreadId; release.Wait(5000); }, slow: true);
        Assert.True(board.Halt(Scope.Instrument, 0, 1)); // returns although the slow switch blocks
        Assert.Equal(TradingState.Halted, board.Get(Scope.Instrument, 0));
        release.Set();
        Assert.True(board.DrainSlow(TimeSpan.FromSeconds(5)));
        Assert.NotNull(slowThread);
        Assert.NotEqual(Environment.CurrentManagedThreadId, slowThread);
    }

    [Fact]
    public void History_RecordsCauseAndTime()
    {
        using var board = new StateBoard(2, 1, 1);
        board.TrySet(Scope.Instrument, 1, TradingState.Halted, 777, TripCause.Limit, RejectReason.MaxPosition);
        var h = new TripContext[4];
        Assert.Equal(1, board.CopyHistory(h));
        Assert.Equal(777, h[0].TimeNs);
        Assert.Equal(TripCause.Limit, h[0].Cause);
        Assert.Equal("MaxPosition", h[0].ReasonName);
        Assert.Equal(TradingState.Active, h[0].Previous);
    }
}
