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
