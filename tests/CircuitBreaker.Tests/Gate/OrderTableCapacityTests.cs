namespace CircuitBreaker.Tests.Gate;

/// <summary>
/// The order table's promise: it holds its capacity of working orders, whatever ids the engine uses. The first-choice
/// bucket keeps sequential ids together (for cache locality), so the test fills whole tables with the id patterns that
/// could pile up in a few buckets: sequential per account (several accounts, overlapping ranges), strides that are
/// powers of two (bucket and block sizes among them), ids differing only in high bits, random ids.
/// </summary>
public class OrderTableCapacityTests
{
    public static TheoryData<string> Patterns => new() { "sequential", "sequential-high", "stride-4", "stride-8", "stride-16", "stride-64", "stride-1024", "stride-4096", "stride-8192", "shift-20", "shift-32", "random" };

    private static long Id(string pattern, int account, long k, Random random) => pattern switch
    {
        "sequential" => k + 1,                                     // every account numbers from 1: ranges overlap
        "sequential-high" => (1L << 40) + account * 1_000_000L + k,
        "shift-20" => (k + 1) << 20,
        "shift-32" => ((k + 1) << 32) | (uint)account,
        "random" => random.NextInt64(1, long.MaxValue),
        _ => (k + 1) * long.Parse(pattern["stride-".Length..]),
    };

    [Theory]
    [MemberData(nameof(Patterns))]
    public void FullCapacity_AnyIdPattern_EveryOrderFitsAndIsFound(string pattern)
    {
        foreach (int accounts in new[] { 1, 8, 64 })
        foreach (bool atomic in new[] { false, true })
        {
            const int capacity = 4096;
            var table = new OrderTable(capacity);
            var random = new Random(7);
            var ids = new List<(int Account, long Id)>();
            for (int n = 0; n < capacity; n++)
            {
                int account = n % accounts;
                long id = Id(pattern, account, n / accounts, random);
                var entry = new OrderTable.Entry { Account = account, OrderId = id, Pair = 0, RemainingLots = 1 };
                int idx = atomic ? table.TryInsert<AtomicSync>(account, id, in entry) : table.TryInsert<PlainSync>(account, id, in entry);
                Assert.True(idx >= 0, $"{pattern}, {accounts} accounts, {(atomic ? "atomic" : "plain")}: order {n + 1} of {capacity} refused ({(idx == -1 ? "duplicate" : "full")})");
                ids.Add((account, id));
            }
            Assert.Equal(capacity, table.CountLive());
            foreach (var (account, id) in ids) Assert.True(table.Find(account, id) >= 0, $"{pattern}: ({account}, {id}) not found");
        }
    }
}

/// <summary>
/// Both tables (single-writer and atomic paths) against a dictionary model over random inserts, duplicates, cancels
/// (take + remove) and lookups, in tables small enough to spill and fill, with ids from a small range so keys collide.
/// </summary>
public class OrderTableModelTests
{
    [Theory]
    [InlineData(8, 40)]       // 2 buckets: constant spills, full table
    [InlineData(64, 200)]
    [InlineData(1024, 5000)]
    public void RandomOperations_SingleWriterAndAtomicTables_AgreeWithAModel(int capacity, int idRange)
    {
        for (int seed = 1; seed <= 20; seed++)
        {
            var random = new Random(seed);
            var plain = new OrderTable(capacity);
            var atomic = new OrderTable(capacity);
            var model = new HashSet<(int, long)>();
            for (int step = 0; step < 4000; step++)
            {
                int account = random.Next(3);
                long id = random.Next(1, idRange);
                string at = $"seed {seed}, step {step}, ({account}, {id})";
                int op = random.Next(3);
                if (op == 0)
                {
                    var entry = new OrderTable.Entry { Account = account, OrderId = id, RemainingLots = 1 };
                    int p = plain.TryInsert<PlainSync>(account, id, in entry);
                    int a = atomic.TryInsert<AtomicSync>(account, id, in entry);
                    if (model.Contains((account, id)))
                    {
                        Assert.True(p == -1, $"{at}: a working id was not refused as a duplicate (plain {p})");
                        Assert.True(a == -1, $"{at}: a working id was not refused as a duplicate (atomic {a})");
                    }
                    else if (p >= 0)
                    {
                        model.Add((account, id));
                        Assert.True(a >= 0, $"{at}: the plain table took it, the atomic one refused ({a})");
                        Assert.Equal(account, plain[p].Account);
                        Assert.Equal(id, plain[p].OrderId);
                    }
                    else
                    {
                        Assert.True(p == -2, $"{at}: a new id refused as a duplicate");
                        if (a >= 0) atomic.Remove(atomic.TakeWaiting<AtomicSync>(account, id)); // keep the two tables alike
                    }
                }
                else if (op == 1)
                {
                    int p = plain.TakeWaiting<PlainSync>(account, id);
                    int a = atomic.TakeWaiting<AtomicSync>(account, id);
                    Assert.Equal(model.Remove((account, id)), p >= 0);
                    Assert.Equal(p >= 0, a >= 0);
                    if (p >= 0) plain.Remove(p);
                    if (a >= 0) atomic.Remove(a);
                }
                else
                {
                    int p = plain.Find(account, id);
                    Assert.True(model.Contains((account, id)) == (p >= 0), $"{at}: lookup {p} disagrees with the model");
                    if (p >= 0) Assert.True(plain[p].OrderId == id && plain[p].Account == account, at);
                }
            }
            Assert.Equal(model.Count, plain.CountLive());
        }
    }
}
