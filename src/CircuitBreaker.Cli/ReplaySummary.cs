namespace CircuitBreaker.Cli;

/// <summary>The human summary of a replay.</summary>
internal static class ReplaySummary
{
    public static void Write(TextWriter o, ReplayResult result, TimeSpan elapsed)
    {
        var r = result.Report;
        double rate = elapsed.TotalSeconds > 0 ? r.Events / elapsed.TotalSeconds : 0;
        o.WriteLine($"tape {r.Tape}: {r.Events:N0} records ({r.BadRecords} bad, {r.Warnings} warnings), replayed in {elapsed.TotalSeconds:0.00} s ({rate:N0} records/s)");
        o.WriteLine($"orders: {r.Orders.Checked:N0} checked, {r.Orders.Accepted:N0} accepted, {r.Orders.Rejected:N0} rejected; suppressed fills {r.SuppressedFills:N0}");
        foreach (var (reason, n) in r.Orders.RejectedByReason) o.WriteLine($"  rejected {reason}: {n:N0}");
        o.WriteLine($"trips: {r.Trips.Count}");
        foreach (var t in r.Trips) o.WriteLine($"  {t.T / 1e9,10:0.000} s  {t.Scope,-10} {t.Target,-14} -> {t.State,-10} {t.Reason} ({t.Severity}) {t.Detail}");
        o.WriteLine($"findings: {r.Findings.Count} listed, {r.FindingsDropped} dropped");
        foreach (var f in r.Findings.Take(20)) o.WriteLine($"  {f.T / 1e9,10:0.000} s  {f.Signature,-18} {f.Severity,-8} {f.Target,-14} {f.Detail}");
        if (r.Findings.Count > 20) o.WriteLine($"  ... {r.Findings.Count - 20} more in the report");
        o.WriteLine($"incidents: {r.Incidents.Count}");
        foreach (var i in r.Incidents) o.WriteLine($"  {i.Id} {i.Scope} {i.Target} opened {i.OpenedT / 1e9:0.000} s: {string.Join(", ", i.Reasons)} -> {string.Join(", ", i.Actions)}");
        if (result.SkippedRecords > 0 || result.PositionDisagreements > 0)
            o.WriteLine($"skipped records {result.SkippedRecords}, position disagreements {result.PositionDisagreements}");
        foreach (var a in result.Accounts) o.WriteLine($"  account {a.Name}: pnl {a.Pnl:N2}, gross exposure {a.GrossExposure:N0}, fills {a.Fills:N0}");
    }
}
