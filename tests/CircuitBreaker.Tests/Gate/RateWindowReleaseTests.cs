namespace CircuitBreaker.Tests.Gate;

/// <summary>
/// Issue 16 item 1 (leftover): a rate unit given back because a later step of the check refused the order goes back to
/// exactly the bucket it was taken from. The interleaving of two checks on different threads is replayed step by step on
/// one thread (the window's operations are the same atomics either way), so the test is deterministic and needs no hook:
/// check A takes its unit in bucket E; check B, on another thread, moves the window to E + 1 and takes its unit there;
/// A's later step refuses and A gives its unit back. Until 2026-12 the release went to the newest bucket (E + 1, B's
/// unit), leaving A's unit in E: once E left the window, the window ending at E + 8 counted nothing for B and admitted one
/// order more than the limit.
/// </summary>
public sealed class RateWindowReleaseTests
{
    [Fact]
    public void Release_HeadMovedBetweenAcquireAndRelease_GivesBackTheUnitsBucket_AtomicMode() => HeadMovedDuringCheck<AtomicSync>();

    [Fact]
    public void Release_HeadMovedBetweenAcquireAndRelease_GivesBackTheUnitsBucket_SingleWriterMode() => HeadMovedDuringCheck<PlainSync>();

    private static void HeadMovedDuringCheck<TSync>() where TSync : struct, ISync
    {
        const int limit = 2;
        foreach (long e in new[] { 0L, 5, 1L << 40 })
        {
            var w = default(RateWindow);
            // A takes a unit in bucket E (the window's head).
            Assert.Equal(RateWindow.Ok, RateWindow.TryAcquire<TSync>(ref w, e, 1, 1, limit, int.MaxValue - 1));
            // B moves the window on to E + 1 and takes its unit there (2 in the window: at the limit, admitted).
            Assert.Equal(RateWindow.Ok, RateWindow.TryAcquire<TSync>(ref w, e + 1, 1, 1, limit, int.MaxValue - 1));
            // A's later step refuses: A gives back what it took, in bucket E.
            RateWindow.Release<TSync>(ref w, e, 1, 1, limit, int.MaxValue - 1);
            Assert.Equal((1L << 32) | 1, RateWindow.RecountTotal(ref w, e + 1)); // B's unit, and only it

            // The window ending at E + 8 (bucket E has left it, E + 1 has not) holds B's order: one more fits, not two.
            Assert.Equal(RateWindow.Ok, RateWindow.TryAcquire<TSync>(ref w, e + 8, 1, 1, limit, int.MaxValue - 1));
            Assert.Equal(RateWindow.OrdersOver, RateWindow.TryAcquire<TSync>(ref w, e + 8, 1, 1, limit, int.MaxValue - 1));
        }
    }

    [Fact]
    public void TryAcquire_HeadAlreadyPastTheEpoch_ReportsTheBucketItCountedIn_ReleaseEmptiesIt()
    {
        var w = default(RateWindow);
        Assert.Equal(RateWindow.Ok, RateWindow.TryAcquire<AtomicSync>(ref w, 10, 1, 1, 5, int.MaxValue - 1));
        // A check whose time maps to epoch 9 arrives after the head moved to 10: it is counted at the head (conservative)
        // and says so, so a rollback empties that bucket and no other.
        long taken = 9;
        Assert.Equal(RateWindow.Ok, RateWindow.TryAcquire<AtomicSync>(ref w, ref taken, 1, 1, 5, int.MaxValue - 1));
        Assert.Equal(10, taken);
        RateWindow.Release<AtomicSync>(ref w, taken, 1, 1, 5, int.MaxValue - 1);
        Assert.Equal((1L << 32) | 1, RateWindow.RecountTotal(ref w, 10));
    }
}
