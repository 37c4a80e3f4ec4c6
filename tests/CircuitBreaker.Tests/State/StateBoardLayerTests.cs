namespace CircuitBreaker.Tests.State;

/// <summary>The board's two layers: local (this process) and firm (the firm plane); in force is the most restrictive.</summary>
public class StateBoardLayerTests
{
    private static (StateBoard Board, List<TripContext> Seen) NewBoard()
    {
        var board = new StateBoard(4, 2, 4);
        var seen = new List<TripContext>();
        board.Register((in TripContext c) => { lock (seen) seen.Add(c); });
        return (board, seen);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-5_000_000_000L)]
    [InlineData(1_800_000_000_000_000_000L)]
    public void LocalResume_NeverLiftsFirmHalt_AndFirmResume_NeverLiftsLocal(long origin)
    {
        var (board, seen) = NewBoard();
        using var lease = board;
        Assert.True(board.TrySetFirm(Scope.Account, 1, TradingState.Halted, origin + 1, TripCause.Manual, RejectReason.Manual));
        Assert.Equal(TradingState.Halted, board.Effective(0, 0, 1, out var scope));
        Assert.Equal(Scope.Account, scope);
        // A local halt under the firm halt changes the local layer only: nothing in force changes, nothing delivered.
        Assert.True(board.Halt(Scope.Account, 1, origin + 2));
        Assert.Single(seen);
        // Local resume: the firm halt stays in force.
        Assert.True(board.Resume(Scope.Account, 1, origin + 3));
        Assert.Equal(TradingState.Halted, board.Get(Scope.Account, 1));
        Assert.Equal(TradingState.Active, board.GetLocal(Scope.Account, 1));
        Assert.Equal(TradingState.Halted, board.GetFirm(Scope.Account, 1));
        Assert.Single(seen);
        // Local reduce-only, then firm resume: the local reduce-only is what remains in force.
        Assert.True(board.ReduceOnly(Scope.Account, 1, origin + 4));
        Assert.True(board.TrySetFirm(Scope.Account, 1, TradingState.Active, origin + 5, TripCause.Manual, RejectReason.Manual));
        Assert.Equal(TradingState.ReduceOnly, board.Effective(0, 0, 1, out _));
        Assert.Equal(2, seen.Count);
        var last = seen[^1];
        Assert.Equal((TradingState.Halted, TradingState.ReduceOnly, TripOrigin.Firm, origin + 5), (last.Previous, last.State, last.Origin, last.TimeNs));
        Assert.Equal(TripOrigin.Firm, seen[0].Origin);
        Assert.Equal((TradingState.Active, TradingState.Halted), (seen[0].Previous, seen[0].State));
        // Local resume: now everything is Active and the gate's one-read fast path is back.
        Assert.True(board.Resume(Scope.Account, 1, origin + 6));
        Assert.Equal(3, seen.Count);
        Assert.Equal(TripOrigin.Local, seen[^1].Origin);
        Assert.Equal(TradingState.Active, board.Effective(0, 0, 1, out _));
        Assert.Equal(0, board.RestrictedCount);
    }

    [Fact]
    public void KillSwitch_FiresOncePerChangeInForce_WhicheverLayerMadeIt()
    {
        var (board, seen) = NewBoard();
        using var lease = board;
        Assert.True(board.ReduceOnly(Scope.Global, 0, 10));                                   // Active -> ReduceOnly (local)
        Assert.True(board.TrySetFirm(Scope.Global, 0, TradingState.ReduceOnly, 11, TripCause.Manual, RejectReason.Manual)); // no change in force
        Assert.False(board.TrySetFirm(Scope.Global, 0, TradingState.ReduceOnly, 12, TripCause.Manual, RejectReason.Manual)); // already set
        Assert.True(board.TrySetFirm(Scope.Global, 0, TradingState.Halted, 13, TripCause.Manual, RejectReason.Manual));     // -> Halted (firm)
        Assert.True(board.Resume(Scope.Global, 0, 14));                                       // hidden by firm Halted
        Assert.True(board.TrySetFirm(Scope.Global, 0, TradingState.Active, 15, TripCause.Manual, RejectReason.Manual));     // -> Active (firm)
        Assert.Equal(
            new[] { (TradingState.Active, TradingState.ReduceOnly, TripOrigin.Local), (TradingState.ReduceOnly, TradingState.Halted, TripOrigin.Firm),
                    (TradingState.Halted, TradingState.Active, TripOrigin.Firm) },
            seen.Select(c => (c.Previous, c.State, c.Origin)).ToArray());
        Assert.Equal(new[] { 1L, 2L, 3L }, seen.Select(c => c.Sequence).ToArray());
        Assert.Equal(3, board.TransitionCount);
        Assert.Equal(TradingState.Active, board.Global);
    }

    [Fact]
    public void AutomaticLocalTrips_EscalateOnly_InTheirOwnLayer_FirmMayLower()
    {
        var (board, seen) = NewBoard();
        using var lease = board;
        Assert.True(board.TrySet(Scope.Instrument, 2, TradingState.Halted, 1, TripCause.Limit, RejectReason.MaxDailyLoss));
        Assert.False(board.TrySet(Scope.Instrument, 2, TradingState.ReduceOnly, 2, TripCause.Signature, RejectReason.None));
        // A firm layer is not escalate-only: the firm plane orders its own changes (by KV revision).
        Assert.True(board.TrySetFirm(Scope.Instrument, 2, TradingState.Halted, 3, TripCause.Limit, RejectReason.MaxDailyLoss));
        Assert.True(board.TrySetFirm(Scope.Instrument, 2, TradingState.ReduceOnly, 4, TripCause.Manual, RejectReason.Manual));
        Assert.Equal(TradingState.ReduceOnly, board.GetFirm(Scope.Instrument, 2));
        Assert.Equal(TradingState.Halted, board.Get(Scope.Instrument, 2)); // the local limit trip still in force
        Assert.Single(seen);
    }

    [Fact]
    public void BadInput_RefusedInBothLayers_NothingChanged()
    {
        var (board, seen) = NewBoard();
        using var lease = board;
        Assert.False(board.TrySetFirm(Scope.Account, 99, TradingState.Halted, 1, TripCause.Manual, RejectReason.Manual));
        Assert.False(board.TrySetFirm(Scope.Account, -1, TradingState.Halted, 1, TripCause.Manual, RejectReason.Manual));
        Assert.False(board.TrySetFirm((Scope)9, 0, TradingState.Halted, 1, TripCause.Manual, RejectReason.Manual));
        Assert.False(board.TrySetFirm(Scope.Global, 0, (TradingState)3, 1, TripCause.Manual, RejectReason.Manual));
        Assert.Empty(seen);
        Assert.Equal(0, board.RestrictedCount);
        Assert.Equal(TradingState.Active, board.Effective(0, 0, 0, out _));
    }

    [Fact]
    public void RacingLayers_RestrictedCountAndStateStayConsistent()
    {
        using var board = new StateBoard(2, 1, 2);
        long delivered = 0;
        board.Register((in TripContext c) => Interlocked.Increment(ref delivered));
        const int rounds = 20_000;
        var local = new Thread(() => { for (int k = 0; k < rounds; k++) board.TrySet(Scope.Account, 1, (TradingState)(k % 3), k, TripCause.Manual, RejectReason.Manual); });
        var firm = new Thread(() => { for (int k = 0; k < rounds; k++) board.TrySetFirm(Scope.Account, 1, (TradingState)((k + 1) % 3), k, TripCause.Manual, RejectReason.Manual); });
        local.Start(); firm.Start(); local.Join(); firm.Join();
        board.Resume(Scope.Account, 1, rounds);
        board.TrySetFirm(Scope.Account, 1, TradingState.Active, rounds, TripCause.Manual, RejectReason.Manual);
        Assert.Equal(0, board.RestrictedCount);
        Assert.Equal(board.TransitionCount, Interlocked.Read(ref delivered));
        // Every delivered transition chains: each one's Previous is the State of the one before (one word, one CAS order).
        var history = new TripContext[board.TransitionCount < 4096 ? (int)board.TransitionCount : 4096];
        int n = board.CopyHistory(history);
        Assert.True(n > 0);
        Assert.All(history.Take(n), c => Assert.NotEqual(c.Previous, c.State));
    }

    [Fact]
    public void FirmChange_AllocatesNothing_AfterWarmUp_WithAControlThatAllocates()
    {
        using var board = new StateBoard(4, 2, 4);
        long fired = 0;
        board.Register((in TripContext c) => fired++);
        for (int k = 0; k < 10; k++)
        {
            board.TrySetFirm(Scope.Account, 1, TradingState.Halted, k, TripCause.Manual, RejectReason.Manual);
            board.TrySetFirm(Scope.Account, 1, TradingState.Active, k, TripCause.Manual, RejectReason.Manual);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 1000; k++)
        {
            board.TrySetFirm(Scope.Account, 1, TradingState.Halted, k, TripCause.Manual, RejectReason.Manual);
            board.Resume(Scope.Account, 1, k);
            board.TrySetFirm(Scope.Account, 1, TradingState.Active, k, TripCause.Manual, RejectReason.Manual);
            _ = board.Effective(0, 0, 1, out _);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Equal(2020, fired);
        // Control: the same measurement sees an allocation when there is one.
        before = GC.GetAllocatedBytesForCurrentThread();
        var boxed = (object)board.TrySetFirm(Scope.Account, 2, TradingState.Halted, 1, TripCause.Manual, RejectReason.Manual);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before > 0, boxed.ToString());
    }
}
