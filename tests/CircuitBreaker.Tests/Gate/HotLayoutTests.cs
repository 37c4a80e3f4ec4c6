using System.Runtime.CompilerServices;

namespace CircuitBreaker.Tests.Gate;

/// <summary>
/// The design brief's "gate state and evaluator state on separate cache lines", pinned by field offsets: the fields
/// the gate writes and the fields the position keeper writes never share a 64-byte line, and the records start on a
/// line boundary in memory. Plus the rate window's fast paths agreeing with the reference behaviour.
/// </summary>
public class HotLayoutTests
{
    private const int Line = 64;

    private static int Offset<TRec, TField>(ref TRec rec, ref TField field) => (int)Unsafe.ByteOffset(ref Unsafe.As<TRec, byte>(ref rec), ref Unsafe.As<TField, byte>(ref field));

    /// <summary>Lines covered by [offset, offset + size).</summary>
    private static IEnumerable<int> Lines(int offset, int size) => Enumerable.Range(offset / Line, (offset + size - 1) / Line - offset / Line + 1);

    private static void AssertDisjoint(string record, (string Name, int Offset, int Size)[] gate, (string Name, int Offset, int Size)[] keeper)
    {
        var gateLines = gate.SelectMany(f => Lines(f.Offset, f.Size)).ToHashSet();
        foreach (var f in keeper)
            foreach (int l in Lines(f.Offset, f.Size))
                Assert.False(gateLines.Contains(l), $"{record}.{f.Name} (keeper-written, offset {f.Offset}) shares line {l} with a gate-written field");
    }

    [Fact]
    public void Pair_GateAndKeeperWrittenFields_OnDifferentCacheLines()
    {
        var p = default(PairBook.Pair);
        var gate = new[]
        {
            ("WorkingBuyLots", Offset(ref p, ref p.WorkingBuyLots), 8), ("WorkingSellLots", Offset(ref p, ref p.WorkingSellLots), 8),
            ("OpenOrders", Offset(ref p, ref p.OpenOrders), 4), ("AcceptedOrders", Offset(ref p, ref p.AcceptedOrders), 4),
            ("TypicalLots", Offset(ref p, ref p.TypicalLots), 8), ("Key", Offset(ref p, ref p.Key), 8),
            ("NextOfInstrument", Offset(ref p, ref p.NextOfInstrument), 4),
        };
        var keeper = new[]
        {
            ("PositionLots", Offset(ref p, ref p.PositionLots), 8), ("AvgPrice", Offset(ref p, ref p.AvgPrice), 8),
            ("RealisedPnl", Offset(ref p, ref p.RealisedPnl), 8), ("UnrealisedPnl", Offset(ref p, ref p.UnrealisedPnl), 8),
            ("MarkNotional", Offset(ref p, ref p.MarkNotional), 8), ("SignedNotional", Offset(ref p, ref p.SignedNotional), 8),
            ("ReleasedBuyLots", Offset(ref p, ref p.ReleasedBuyLots), 8), ("ReleasedSellLots", Offset(ref p, ref p.ReleasedSellLots), 8),
        };
        AssertDisjoint("Pair", gate, keeper);
        Assert.Equal(0, Unsafe.SizeOf<PairBook.Pair>() % Line);
        Assert.True(keeper.All(f => f.Item2 >= PairBook.Pair.EvaluatorOffset));
    }

    [Fact]
    public void AccountCounters_GateAndKeeperWrittenFields_OnDifferentCacheLines()
    {
        var a = default(AccountCounters);
        var gate = new[]
        {
            ("Rates", Offset(ref a, ref a.Rates), Unsafe.SizeOf<RateWindow>()), ("OpenOrders", Offset(ref a, ref a.OpenOrders), 4),
            ("WorkingBuyNotionalFx", Offset(ref a, ref a.WorkingBuyNotionalFx), 8), ("WorkingSellNotionalFx", Offset(ref a, ref a.WorkingSellNotionalFx), 8),
            ("Modifies", Offset(ref a, ref a.Modifies), Unsafe.SizeOf<RateWindow>()),
        };
        var keeper = new[]
        {
            ("PositionGross", Offset(ref a, ref a.PositionGross), 8), ("PositionNet", Offset(ref a, ref a.PositionNet), 8),
            ("RealisedPnl", Offset(ref a, ref a.RealisedPnl), 8), ("UnrealisedPnl", Offset(ref a, ref a.UnrealisedPnl), 8),
            ("DayStartPnl", Offset(ref a, ref a.DayStartPnl), 8),
            ("ReleasedBuyNotionalFx", Offset(ref a, ref a.ReleasedBuyNotionalFx), 8), ("ReleasedSellNotionalFx", Offset(ref a, ref a.ReleasedSellNotionalFx), 8),
            ("ReleasedOpenOrders", Offset(ref a, ref a.ReleasedOpenOrders), 4),
        };
        AssertDisjoint("AccountCounters", gate, keeper);
        Assert.Equal(0, Unsafe.SizeOf<AccountCounters>() % Line);
        // The rate buckets fill exactly one line; the head and the running total share the next.
        Assert.Equal(0, Offset(ref a, ref a.Rates.Buckets[0]));
        Assert.Equal(Line, Unsafe.SizeOf<RateBuckets>());
        Assert.Equal(0, Offset(ref a, ref a.Modifies.Buckets[0]) % Line); // the modify window's buckets start a line of their own
    }

    [Fact]
    public void InstrumentCounters_EachRateWindowsBucketsStartALine_AndTheRecordIsWholeLines()
    {
        var c = default(InstrumentCounters);
        Assert.Equal(0, Offset(ref c, ref c.Rates.Buckets[0]) % Line);
        Assert.Equal(0, Offset(ref c, ref c.Modifies.Buckets[0]) % Line);
        Assert.True(Offset(ref c, ref c.Modifies) >= Offset(ref c, ref c.OpenOrders) + 4);
        Assert.Equal(0, Unsafe.SizeOf<InstrumentCounters>() % Line);
    }

    [Fact]
    public void AssertDisjoint_FieldsSharingALine_Fails()
    {
        // Control: the check above can fail (two fields 8 bytes apart share a line).
        Assert.ThrowsAny<Exception>(() => AssertDisjoint("X", new[] { ("a", 0, 8) }, new[] { ("b", 8, 8) }));
        AssertDisjoint("X", new[] { ("a", 56, 8) }, new[] { ("b", 64, 8) });
    }

    [Fact]
    public unsafe void GateRecords_InMemory_StartOnCacheLineBoundaries()
    {
        var f = new GateFixture();
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01).IsAccepted); // creates a pair
        var gate = f.Breaker.Gate;
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(0, (long)(nint)Unsafe.AsPointer(ref gate.Pairs[i]) % Line);
            Assert.Equal(0, (long)(nint)Unsafe.AsPointer(ref gate.AccountState(i)) % Line);
        }
    }

    [Fact]
    public void LineArray_RecordNotWholeLines_Refused()
    {
        Assert.Throws<ArgumentException>(() => new LineArray<long>(4));
        var a = new LineArray<AccountCounters>(3);
        Assert.Equal(0, a.FirstElementMisalignment);
        Assert.Throws<IndexOutOfRangeException>(() => a[3].OpenOrders++);
        Assert.Throws<IndexOutOfRangeException>(() => a[-1].OpenOrders++);
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(7L)]
    [InlineData(142_857_143L)]
    [InlineData(3L)]
    [InlineData(1_000_000_007L)]
    [InlineData(long.MaxValue / 3)]
    public void EpochClock_AnyTimeAndAnchor_EqualsUnsignedDivisionOfTheDistance(long width)
    {
        var clock = new EpochClock(width);
        var r = new Random((int)(width % int.MaxValue));
        long[] edges = { 0, 1, width - 1, width, width + 1, 2 * width - 1, long.MaxValue, long.MaxValue - 1, long.MaxValue / width * width, -5, long.MinValue, long.MinValue + 1 };
        long[] anchors = { 0, 1, -1, long.MinValue, long.MinValue + 1, long.MaxValue, 1_796_342_400_000_000_000, 1L << 62 };
        var times = edges.Concat(Enumerable.Range(0, 5_000).Select(_ => r.NextInt64(long.MinValue, long.MaxValue))).Concat(Enumerable.Range(0, 2_000).Select(_ => r.NextInt64(0, 1L << 40))).ToArray();
        foreach (long anchor in anchors.Concat(Enumerable.Range(0, 8).Select(_ => r.NextInt64(long.MinValue, long.MaxValue))))
            foreach (long t in times.Concat(times.Select(x => unchecked(anchor + x % (1L << 40)))))
            {
                ulong distance = t < anchor ? 0 : (ulong)((Int128)t - anchor);
                Assert.True((long)(distance / (ulong)width) == clock.Epoch(t, anchor), $"t {t}, anchor {anchor}, width {width}");
            }
    }

    [Fact]
    public void RateWindow_SingleWriterAndAtomic_SameDecisionsOnRandomStreams()
    {
        for (int seed = 0; seed < 300; seed++)
        {
            var r = new Random(seed);
            long width = RateWindow.BucketWidth(r.Next(7, 2_000));
            int orderLimit = r.Next(1, 12), messageLimit = r.Next(1, 20);
            var plain = default(RateWindow);
            var atomic = default(RateWindow);
            long t = r.NextInt64(0, 100_000);
            for (int k = 0; k < 400; k++)
            {
                t = r.Next(10) switch { 0 => Math.Max(0, t - r.NextInt64(0, 20 * width)), 1 => t + r.NextInt64(8 * width, 40 * width), _ => t + r.NextInt64(0, width) };
                int orders = r.Next(2), messages = orders == 1 ? 1 : r.Next(2);
                if (orders == 0 && messages == 0) messages = 1;
                int ol = r.Next(8) == 0 ? int.MaxValue : orderLimit;
                int a = RateWindow.TryAcquire<PlainSync>(ref plain, t, width, orders, messages, ol, messageLimit);
                int b = RateWindow.TryAcquire<AtomicSync>(ref atomic, t, width, orders, messages, ol, messageLimit);
                Assert.True(a == b, $"seed {seed}, step {k}: single-writer {a}, atomic {b}");
                if (a == RateWindow.Ok && r.Next(5) == 0)
                {
                    RateWindow.Release<PlainSync>(ref plain, t, width, orders, messages, ol, messageLimit);
                    RateWindow.Release<AtomicSync>(ref atomic, t, width, orders, messages, ol, messageLimit);
                }
                // The single writer's running total always equals a recount of its buckets at its head.
                long head = RateWindow.HeadEpoch(ref plain);
                Assert.Equal(head, RateWindow.HeadEpoch(ref atomic));
                if (head >= 0)
                {
                    Assert.True(RateWindow.RecountTotal(ref plain, head) == plain.Total, $"seed {seed}, step {k}: running total {plain.Total:X} differs from the buckets' sum");
                    Assert.True(RateWindow.RecountTotal(ref atomic, head) == plain.Total, $"seed {seed}, step {k}: atomic window {RateWindow.RecountTotal(ref atomic, head):X}, single-writer {plain.Total:X}");
                }
                // Same contents, except where a refused atomic acquire stamped its epoch on a bucket and gave the units
                // back (the single writer writes nothing when it refuses): such a bucket holds no units; and where the
                // single writer cleared a bucket that left the window (the atomic one keeps it until it is reused).
                for (int i = 0; i < 8; i++)
                    Assert.True(atomic.Buckets[i] == plain.Buckets[i] || (atomic.Buckets[i] & ((1L << 36) - 1)) == 0 || plain.Buckets[i] == 0,
                        $"seed {seed}, step {k}, bucket {i}: atomic {atomic.Buckets[i]:X}, single-writer {plain.Buckets[i]:X}");
            }
        }
    }

    [Fact]
    public void RateWindow_CancelLimitsNotSummed_StillCountAndStopAtBucketSaturation()
    {
        // Cancels pass limits no window sum can reach: the window is not summed, but the units are still counted
        // (a later limited acquire sees them) and a saturated bucket still refuses to count more.
        var plain = default(RateWindow);
        var atomic = default(RateWindow);
        for (long k = 0; k < RateWindow.BucketCap; k++)
        {
            Assert.Equal(RateWindow.Ok, RateWindow.TryAcquire<PlainSync>(ref plain, 5L, 0, 1, int.MaxValue, int.MaxValue - 1));
            Assert.Equal(RateWindow.Ok, RateWindow.TryAcquire<AtomicSync>(ref atomic, 5L, 0, 1, int.MaxValue, int.MaxValue - 1));
        }
        Assert.Equal(RateWindow.MessagesOver, RateWindow.TryAcquire<PlainSync>(ref plain, 5L, 0, 1, int.MaxValue, int.MaxValue - 1));
        Assert.Equal(RateWindow.MessagesOver, RateWindow.TryAcquire<AtomicSync>(ref atomic, 5L, 0, 1, int.MaxValue, int.MaxValue - 1));
        Assert.Equal(RateWindow.MessagesOver, RateWindow.TryAcquire<PlainSync>(ref plain, 6L, 0, 1, int.MaxValue, 1_000));
        Assert.Equal(RateWindow.MessagesOver, RateWindow.TryAcquire<AtomicSync>(ref atomic, 6L, 0, 1, int.MaxValue, 1_000));
    }
}
