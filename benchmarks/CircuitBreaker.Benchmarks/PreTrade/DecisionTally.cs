namespace CircuitBreaker.Benchmarks.PreTrade;

/// <summary>Counts a gate's decisions over a stretch of a scenario's stream, by reason, and compares them with what the
/// scenario expects: the verification both pre-trade scenarios run before timing (not on the timed path).</summary>
internal static class DecisionTally
{
    /// <summary>Checks requests [sequence, sequence + count) of <paramref name="at"/>'s stream (advancing
    /// <paramref name="sequence"/>) and throws, naming <paramref name="who"/> and <paramref name="what"/>, when the
    /// decisions by reason differ from <paramref name="expected"/>.</summary>
    public static void Verify<TCheck>(ref TCheck check, ref long sequence, int count, Func<long, OrderRequest> at,
        IReadOnlyDictionary<RejectReason, int> expected, string who, string what) where TCheck : struct, IPreTradeCheck
    {
        var seen = new Dictionary<RejectReason, int>();
        for (int i = 0; i < count; i++)
        {
            var order = at(sequence++);
            var reason = check.Check(in order).Reason;
            seen[reason] = seen.GetValueOrDefault(reason) + 1;
        }
        if (!seen.OrderBy(p => p.Key).SequenceEqual(expected.OrderBy(p => p.Key)))
            throw new InvalidOperationException($"{who}: decisions {what} {Format(seen)} differ from the scenario's {Format(expected)}");
    }

    private static string Format(IEnumerable<KeyValuePair<RejectReason, int>> counts)
        => string.Join(", ", counts.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"));
}
