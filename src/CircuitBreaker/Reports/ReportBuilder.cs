namespace CircuitBreaker.Reports;

/// <summary>
/// Collects the results of a replay and builds a <see cref="DrillReport"/> that follows the spec's rules: trips in
/// event-time order with restatements of the state already in force dropped (every scope/target starts
/// <see cref="TradingState.Active"/>); findings in event-time order, the first <see cref="MaxFindings"/> kept and the
/// rest counted in <c>findings_dropped</c>; rejections by reason sorted by name. Not thread-safe; every call allocates
/// at most one entry (off the hot path).
/// </summary>
public sealed class ReportBuilder
{
    /// <summary>The spec's cap on listed findings (10,000).</summary>
    public const int DefaultMaxFindings = 10_000;
    /// <summary>Bad records listed with line and reason in <c>bad_record_details</c> (1,000, the tape reader's
    /// <see cref="TapeReader.MaxDiagnostics"/>); later ones are only counted in <c>bad_records</c>.</summary>
    public const int DefaultMaxBadRecordDetails = TapeReader.MaxDiagnostics;

    private readonly List<ReportTrip> _trips = [];
    private readonly List<ReportFinding> _findings = [];
    private readonly List<ReportIncident> _incidents = [];
    private readonly List<ReportBadRecord> _badRecords = [];
    private readonly Dictionary<string, long> _rejected = new(StringComparer.Ordinal);
    private long _findingsDropped, _accepted, _rejectedCount;

    /// <summary>Starts a report for the tape <paramref name="tape"/>.</summary>
    /// <param name="tape">Name or path of the tape.</param>
    /// <param name="maxFindings">Findings listed before the rest are only counted (default 10,000; at least 0).</param>
    public ReportBuilder(string tape, int maxFindings = DefaultMaxFindings)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentOutOfRangeException.ThrowIfNegative(maxFindings);
        Tape = tape;
        MaxFindings = maxFindings;
    }

    /// <summary>Name or path of the tape.</summary>
    public string Tape { get; }
    /// <summary>Findings listed before the rest are only counted.</summary>
    public int MaxFindings { get; }
    /// <summary>Good records replayed.</summary>
    public long Events { get; set; }
    /// <summary>Bad records skipped.</summary>
    public long BadRecords { get; set; }
    /// <summary>Tick/lot rounding warnings.</summary>
    public long Warnings { get; set; }
    /// <summary>Fills (and cancels/replaces) of rejected orders, suppressed by the replay.</summary>
    public long SuppressedFills { get; set; }

    /// <summary>Copies the good, bad and warning counts of a reader and its bad records' lines and reasons, replacing
    /// those listed before (call after reading to the end).</summary>
    /// <param name="reader">The reader the replay read the tape with.</param>
    public void CountTape(TapeReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        Events = reader.GoodRecords;
        BadRecords = reader.BadRecords;
        Warnings = reader.Warnings;
        _badRecords.Clear();
        foreach (var d in reader.Diagnostics) AddBadRecord(d.Line, d.Reason);
    }

    /// <summary>Lists one bad record with its line and reason; returns false when <see cref="DefaultMaxBadRecordDetails"/>
    /// are listed already (it is not listed). Does not count it: <see cref="BadRecords"/> is the count.</summary>
    /// <param name="line">1-based line of the record in the tape.</param>
    /// <param name="reason">Why it was skipped.</param>
    public bool AddBadRecord(long line, string reason)
    {
        if (_badRecords.Count >= DefaultMaxBadRecordDetails) return false;
        _badRecords.Add(new ReportBadRecord { Line = line, Reason = reason ?? "" });
        return true;
    }

    /// <summary>Counts one checked order: accepted when <paramref name="reason"/> is <see cref="RejectReason.None"/>, else rejected under its name.</summary>
    /// <param name="reason">The gate's verdict.</param>
    public void CountOrder(RejectReason reason)
    {
        if (reason == RejectReason.None) _accepted++;
        else CountRejected(reason.ToString());
    }

    /// <summary>Counts one rejected order under <paramref name="reason"/> (e.g. <c>PriceCollar</c>).</summary>
    /// <param name="reason">The reason's name.</param>
    public void CountRejected(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        _rejectedCount++;
        _rejected[reason] = _rejected.GetValueOrDefault(reason) + 1;
    }

    /// <summary>Counts one fill suppressed because its order was rejected.</summary>
    public void CountSuppressedFill() => SuppressedFills++;

    /// <summary>Records a change of trading state. Restatements are dropped when the report is built.</summary>
    /// <param name="t">Event time, ns.</param>
    /// <param name="scope">The scope that changed.</param>
    /// <param name="target">The target's name (symbol, group, account, <c>*</c>).</param>
    /// <param name="state">The new state.</param>
    /// <param name="reason">The reason's name.</param>
    /// <param name="severity">Its severity.</param>
    /// <param name="detail">Free text shown with it.</param>
    public void AddTrip(long t, Scope scope, string target, TradingState state, string reason, Severity severity, string detail)
    {
        ArgumentNullException.ThrowIfNull(target);
        _trips.Add(new ReportTrip
        {
            T = t, Scope = scope, Target = target, State = state, Reason = reason ?? "", Severity = severity, Detail = detail ?? "",
        });
    }

    /// <summary>Records a finding; returns false when the cap was reached and it was only counted.
    /// A non-finite score is recorded as 0.</summary>
    /// <param name="t">Event time, ns.</param>
    /// <param name="signature">The signature's name.</param>
    /// <param name="severity">Its severity.</param>
    /// <param name="scope">The scope of its target.</param>
    /// <param name="target">The target's name.</param>
    /// <param name="score">The detector's score.</param>
    /// <param name="detail">The rendered detail.</param>
    public bool AddFinding(long t, string signature, Severity severity, Scope scope, string target, double score, string detail)
    {
        if (_findings.Count >= MaxFindings)
        {
            _findingsDropped++;
            return false;
        }
        _findings.Add(new ReportFinding
        {
            T = t, Signature = signature ?? "", Severity = severity, Scope = scope, Target = target ?? "",
            Score = double.IsFinite(score) ? score : 0, Detail = detail ?? "",
        });
        return true;
    }

    /// <summary>Records an incident as given.</summary>
    /// <param name="incident">The incident, as the report lists it.</param>
    public void AddIncident(ReportIncident incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        _incidents.Add(incident);
    }

    /// <summary>Builds the report. Can be called again after more additions; each call returns a new report.</summary>
    public DrillReport Build()
    {
        var trips = new List<ReportTrip>(_trips.Count);
        var inForce = new Dictionary<(Scope, string), TradingState>();
        foreach (var trip in _trips.OrderBy(x => x.T))
        {
            var key = (trip.Scope, trip.Target);
            if (inForce.GetValueOrDefault(key, TradingState.Active) == trip.State) continue;
            inForce[key] = trip.State;
            trips.Add(trip);
        }
        var byReason = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pair in _rejected.OrderBy(p => p.Key, StringComparer.Ordinal)) byReason.Add(pair.Key, pair.Value);
        return new DrillReport
        {
            Tape = Tape,
            Events = Events,
            BadRecords = BadRecords,
            Warnings = Warnings,
            Orders = new ReportOrders
            {
                Checked = _accepted + _rejectedCount, Accepted = _accepted, Rejected = _rejectedCount, RejectedByReason = byReason,
            },
            SuppressedFills = SuppressedFills,
            Trips = trips,
            Findings = [.. _findings.OrderBy(x => x.T)],
            FindingsDropped = _findingsDropped,
            Incidents = [.. _incidents],
            BadRecordDetails = [.. _badRecords.OrderBy(x => x.Line)],
        };
    }
}
