using System.Globalization;
using System.Text.Json;

namespace CircuitBreaker.Replay;

/// <summary>
/// What a <see cref="JournalReview"/> found: how the journal read ended, and the differences between what happened live
/// (the decisions and transitions recorded in the journal) and what the replayed configuration decides now. Built once
/// per review; read-only for callers.
/// </summary>
public sealed class JournalReviewResult
{
    /// <summary>Order differences listed individually; beyond this they are only counted.</summary>
    public const int MaxListedDifferences = 10_000;

    internal JournalReviewResult(string journal, IReadOnlyList<string> files) { Journal = journal; Files = files; }

    /// <summary>The journal's base path.</summary>
    public string Journal { get; }
    /// <summary>The journal files read, in order.</summary>
    public IReadOnlyList<string> Files { get; }
    /// <summary>How the read ended (torn or corrupt tail: everything before it was reviewed).</summary>
    public JournalTail Tail { get; internal set; }
    /// <summary>Why nothing could be reviewed (no journal files, no session note); null when the review ran.</summary>
    public string? Problem { get; internal set; }
    /// <summary>True when the review ran over a journal that read to a clean end with every writer session closed by its
    /// end-of-session record: nothing is missing at the end (market data shed under overload is counted in
    /// <see cref="ShedMarketData"/>, not a reason to be incomplete).</summary>
    public bool IsComplete => Problem is null && Tail.Status == TailStatus.Clean;

    /// <summary>"complete", "truncated", "torn" or "corrupt": how much of what was written the review saw.</summary>
    public string Completeness => Tail.Status == TailStatus.Clean ? "complete" : Tail.Status.ToString().ToLowerInvariant();

    /// <summary>Gap records read: runs of records the writer did not journal.</summary>
    public long Gaps { get; private set; }
    /// <summary>Market-data records (trades, quotes, oracle prices) the writer shed under overload, by its gap records.</summary>
    public long ShedMarketData { get; private set; }
    /// <summary>Records that must never be dropped (decisions, fills, admin commands, trips) missing by the gap records; 0 in a
    /// healthy journal. Decisions and trips of a review with some missing cannot all be compared.</summary>
    public long MissingEssential { get; private set; }

    internal void AddGap(in JournalGap gap)
    {
        Gaps++;
        if (gap.Kind == JournalGapKind.MarketDataShed) ShedMarketData += gap.Count;
        else MissingEssential += gap.Count;
    }

    /// <summary>Records read.</summary>
    public long Records { get; internal set; }
    /// <summary><see cref="JournalRecordType.Event"/> records read.</summary>
    public long Events { get; internal set; }
    /// <summary>Session-note parts read.</summary>
    public long SessionNotes { get; internal set; }
    /// <summary>Instruments, accounts and groups the session notes defined.</summary>
    public (int Instruments, int Accounts, int Groups) Definitions { get; internal set; }
    /// <summary>Instruments the review configuration already declared with a different kind, tick, lot or multiplier.</summary>
    public long InstrumentMismatches { get; internal set; }
    /// <summary>Events not replayed because they name an instrument no session note defines.</summary>
    public long SkippedEvents { get; internal set; }
    /// <summary>Trip and decision records whose payload could not be read (unknown layout).</summary>
    public long UnreadableRecords { get; internal set; }

    /// <summary>Order events reviewed (one per live gate decision).</summary>
    public long Orders { get; internal set; }
    /// <summary>Orders the gate accepted live.</summary>
    public long AcceptedThen { get; internal set; }
    /// <summary>Orders the replayed configuration accepts.</summary>
    public long AcceptedNow { get; internal set; }
    /// <summary>Accepted live, rejected now: counts by the reason they are rejected now.</summary>
    public IReadOnlyDictionary<string, long> NowRejected { get; internal set; } = new Dictionary<string, long>();
    /// <summary>Rejected live, accepted now: counts by the reason they were rejected live.</summary>
    public IReadOnlyDictionary<string, long> NowAccepted { get; internal set; } = new Dictionary<string, long>();
    /// <summary>Rejected both times, for a different reason.</summary>
    public long ReasonChanged { get; internal set; }
    /// <summary>Cancels, replaces and fills of orders the replay did not accept: suppressed, as in a tape replay (not listed
    /// as differences; they follow from one).</summary>
    public long Suppressed { get; internal set; }
    /// <summary>Every order difference in journal order (the first <see cref="MaxListedDifferences"/>).</summary>
    public IReadOnlyList<OrderDifference> OrderDifferences { get; internal set; } = [];
    /// <summary>Order differences in all, listed or not.</summary>
    public long OrderDifferenceCount { get; internal set; }

    /// <summary>Transitions recorded live, in order.</summary>
    public IReadOnlyList<ReviewTrip> TripsThen { get; internal set; } = [];
    /// <summary>Transitions the replay made, in order.</summary>
    public IReadOnlyList<ReviewTrip> TripsNow { get; internal set; } = [];
    /// <summary>Live transitions the replay did not make (matched on scope, target, states, cause and reason; time ignored).
    /// Firm changes (<see cref="FirmThen"/>) are not matched: a replay has no firm plane.</summary>
    public IReadOnlyList<ReviewTrip> TripsOnlyThen { get; internal set; } = [];
    /// <summary>Live transitions the firm plane made (origin operator, another engine, the aggregator or the link's
    /// fail-safe, with who), in order: part of <see cref="TripsThen"/>, never counted as a difference.</summary>
    public IReadOnlyList<ReviewTrip> FirmThen { get; internal set; } = [];
    /// <summary>Transitions the replay made that did not happen live.</summary>
    public IReadOnlyList<ReviewTrip> TripsOnlyNow { get; internal set; } = [];

    /// <summary>The replay itself (report, accounts); null when nothing was reviewed.</summary>
    public ReplayResult? Replay { get; internal set; }

    /// <summary>True when any order decision or transition differs.</summary>
    public bool HasDifferences => OrderDifferenceCount > 0 || TripsOnlyThen.Count > 0 || TripsOnlyNow.Count > 0;

    /// <summary>Writes the review as JSON (snake_case; times in ns). Allocates.</summary>
    /// <param name="stream">Where to write; left open.</param>
    public void WriteJson(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("journal", Journal);
        w.WriteStartArray("files");
        foreach (var f in Files) w.WriteStringValue(f);
        w.WriteEndArray();
        w.WriteString("completeness", Completeness);
        w.WriteStartObject("gaps");
        w.WriteNumber("records", Gaps);
        w.WriteNumber("market_data_shed", ShedMarketData);
        w.WriteNumber("essential_missing", MissingEssential);
        w.WriteEndObject();
        w.WriteStartObject("tail");
        w.WriteString("status", Tail.Status.ToString());
        w.WriteString("defect", Tail.Defect.ToString());
        w.WriteString("file", Tail.File);
        w.WriteNumber("offset", Tail.Offset);
        w.WriteString("message", Tail.Message);
        w.WriteEndObject();
        if (Problem is not null) w.WriteString("problem", Problem);
        w.WriteNumber("records", Records);
        w.WriteNumber("events", Events);
        w.WriteNumber("skipped_events", SkippedEvents);
        w.WriteNumber("instrument_mismatches", InstrumentMismatches);
        w.WriteBoolean("has_differences", HasDifferences);
        w.WriteStartObject("orders");
        w.WriteNumber("reviewed", Orders);
        w.WriteNumber("accepted_then", AcceptedThen);
        w.WriteNumber("accepted_now", AcceptedNow);
        Counts(w, "now_rejected", NowRejected);
        Counts(w, "now_accepted", NowAccepted);
        w.WriteNumber("reason_changed", ReasonChanged);
        w.WriteNumber("suppressed", Suppressed);
        w.WriteNumber("differences", OrderDifferenceCount);
        w.WriteStartArray("listed");
        foreach (var d in OrderDifferences)
        {
            w.WriteStartObject();
            w.WriteNumber("t", d.TimeNs);
            w.WriteString("instrument", d.Instrument);
            w.WriteString("account", d.Account);
            w.WriteNumber("order_id", d.OrderId);
            w.WriteString("action", d.Action.ToString());
            w.WriteString("side", d.Side.ToString());
            Number(w, "px", d.Price);
            Number(w, "qty", d.Quantity);
            w.WriteString("then", ReasonName(d.Then));
            w.WriteString("now", ReasonName(d.Now));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteStartObject("trips");
        Trips(w, "then", TripsThen);
        Trips(w, "now", TripsNow);
        Trips(w, "only_then", TripsOnlyThen);
        Trips(w, "only_now", TripsOnlyNow);
        Trips(w, "firm_then", FirmThen);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>"accepted" for <see cref="RejectReason.None"/>, else the reason's name.</summary>
    /// <param name="reason">A verdict.</param>
    /// <returns>Its name for the review.</returns>
    public static string ReasonName(RejectReason reason) => reason == RejectReason.None ? "accepted" : reason.ToString();

    private static void Counts(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, long> counts)
    {
        w.WriteStartObject(name);
        foreach (var (k, v) in counts.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteNumber(k, v);
        w.WriteEndObject();
    }

    private static void Trips(Utf8JsonWriter w, string name, IReadOnlyList<ReviewTrip> trips)
    {
        w.WriteStartArray(name);
        foreach (var t in trips)
        {
            w.WriteStartObject();
            w.WriteNumber("t", t.TimeNs);
            w.WriteString("scope", t.Scope.ToString());
            w.WriteString("target", t.Target);
            w.WriteString("previous", t.Previous.ToString());
            w.WriteString("state", t.State.ToString());
            w.WriteString("cause", t.Cause.ToString());
            w.WriteString("reason", t.Reason);
            w.WriteString("severity", t.Severity.ToString());
            w.WriteString("origin", TripOriginNames.NameOf(t.Origin));
            w.WriteString("by", t.By);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteString(name, v.ToString(CultureInfo.InvariantCulture));
    }
}

/// <summary>One order whose decision differs between the live run and the review.</summary>
/// <param name="TimeNs">Event time of the order (ns).</param>
/// <param name="Instrument">Instrument symbol.</param>
/// <param name="Account">Account name.</param>
/// <param name="OrderId">Order id.</param>
/// <param name="Action">New, replace or cancel.</param>
/// <param name="Side">Side.</param>
/// <param name="Price">Limit price.</param>
/// <param name="Quantity">Quantity.</param>
/// <param name="Then">The live decision (<see cref="RejectReason.None"/>: accepted).</param>
/// <param name="Now">The review's decision (<see cref="RejectReason.None"/>: accepted).</param>
public sealed record OrderDifference(long TimeNs, string Instrument, string Account, long OrderId, OrderAction Action, Side Side,
    double Price, double Quantity, RejectReason Then, RejectReason Now);

/// <summary>A change of trading state, with its target named, as a review compares them.</summary>
/// <param name="TimeNs">Event time (ns).</param>
/// <param name="Scope">Scope.</param>
/// <param name="Target">Target name (<c>*</c> for the global scope).</param>
/// <param name="Previous">State before.</param>
/// <param name="State">State after.</param>
/// <param name="Cause">Cause.</param>
/// <param name="Reason">Signature or reason name (<see cref="TripContext.ReasonName"/>).</param>
/// <param name="Severity">Severity.</param>
public sealed record ReviewTrip(long TimeNs, Scope Scope, string Target, TradingState Previous, TradingState State, TripCause Cause,
    string Reason, Severity Severity)
{
    /// <summary>Where it came from: <see cref="TripOrigin.Local"/>, or the firm plane and from whom (journal layout 2; Local for layout 1).</summary>
    public TripOrigin Origin { get; init; }
    /// <summary>Who made a firm change (operator, engine or aggregator name; this engine's for its fail-safe); "" for local changes.</summary>
    public string By { get; init; } = "";

    /// <summary>What two transitions must share to be the same one (everything but time, severity, origin and who).</summary>
    public (Scope, string, TradingState, TradingState, TripCause, string) Key => (Scope, Target, Previous, State, Cause, Reason);

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{TimeNs / 1e9:0.000} s {Scope} {Target} {Previous} -> {State} ({Cause} {Reason}{(Origin == TripOrigin.Local ? "" : $"; {TripOriginNames.NameOf(Origin)} {By}".TrimEnd())})");
}
