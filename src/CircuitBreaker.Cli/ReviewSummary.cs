namespace CircuitBreaker.Cli;

/// <summary>The human summary of a journal review: what was read, then only what differs from the live run.</summary>
internal static class ReviewSummary
{
    private const int ListedOrders = 20;

    public static void Write(TextWriter o, JournalReviewResult r, string profile)
    {
        o.WriteLine($"journal {r.Journal}: {r.Files.Count} file(s), {r.Tail.RecordsRead:N0} records ({r.Events:N0} events, {r.TripsThen.Count} trips), " +
            $"{r.Completeness}{(r.Tail.Status == TailStatus.Clean ? "" : $" ({r.Tail.Defect} at {r.Tail.File}:{r.Tail.Offset})")}");
        if (r.Gaps > 0)
            o.WriteLine($"  gaps: {r.Gaps:N0} ({r.ShedMarketData:N0} market-data records shed under overload" +
                $"{(r.MissingEssential > 0 ? $"; {r.MissingEssential:N0} decisions, fills, commands or trips MISSING" : "")})");
        if (r.Problem is not null) return;
        var (instruments, accounts, groups) = r.Definitions;
        o.WriteLine($"session: {instruments} instruments, {accounts} accounts, {groups} groups; reviewed with {profile}");
        if (r.InstrumentMismatches > 0 || r.SkippedEvents > 0 || r.UnreadableRecords > 0)
            o.WriteLine($"  instrument mismatches {r.InstrumentMismatches}, skipped events {r.SkippedEvents}, unreadable records {r.UnreadableRecords}");
        o.WriteLine($"orders: {r.Orders:N0} reviewed; accepted then {r.AcceptedThen:N0}, now {r.AcceptedNow:N0}; " +
            $"follow-ups suppressed {r.Suppressed:N0}");
        o.WriteLine($"trips: then {r.TripsThen.Count}, now {r.TripsNow.Count}");
        if (r.FirmThen.Count > 0)
        {
            o.WriteLine($"  firm changes then (from the firm plane; a replay has none): {r.FirmThen.Count}");
            foreach (var t in r.FirmThen) o.WriteLine($"    {t}");
        }
        if (!r.HasDifferences)
        {
            o.WriteLine("no differences: every order decision and trip is the same as live");
            return;
        }
        o.WriteLine("differences:");
        long nowRejected = r.NowRejected.Values.Sum(), nowAccepted = r.NowAccepted.Values.Sum();
        o.WriteLine($"  accepted live, rejected now: {nowRejected:N0}");
        foreach (var (reason, n) in r.NowRejected.OrderBy(kv => kv.Key, StringComparer.Ordinal)) o.WriteLine($"    {reason}: {n:N0}");
        o.WriteLine($"  rejected live, accepted now: {nowAccepted:N0}");
        foreach (var (reason, n) in r.NowAccepted.OrderBy(kv => kv.Key, StringComparer.Ordinal)) o.WriteLine($"    was {reason}: {n:N0}");
        if (r.ReasonChanged > 0) o.WriteLine($"  rejected both times, another reason now: {r.ReasonChanged:N0}");
        o.WriteLine($"  trips then only: {r.TripsOnlyThen.Count}");
        foreach (var t in r.TripsOnlyThen) o.WriteLine($"    {t}");
        o.WriteLine($"  trips now only: {r.TripsOnlyNow.Count}");
        foreach (var t in r.TripsOnlyNow) o.WriteLine($"    {t}");
        if (r.OrderDifferences.Count > 0) o.WriteLine("  orders:");
        foreach (var d in r.OrderDifferences.Take(ListedOrders))
            o.WriteLine($"    {d.TimeNs / 1e9,10:0.000} s  {d.Account} {d.Instrument} #{d.OrderId} {d.Action} {d.Side} {d.Quantity} @ {d.Price}: " +
                $"{JournalReviewResult.ReasonName(d.Then)} -> {JournalReviewResult.ReasonName(d.Now)}");
        if (r.OrderDifferenceCount > ListedOrders) o.WriteLine($"    ... {r.OrderDifferenceCount - ListedOrders:N0} more (--report lists {JournalReviewResult.MaxListedDifferences:N0})");
    }
}
