using System.Text.Json;
using System.Text.Json.Serialization;

namespace CircuitBreaker.Reports;

/// <summary>
/// The result of replaying a tape through a breaker (drill-report spec v1): one JSON document with snake_case_lower
/// field names, enums as lower-case names, nulls written explicitly. Serialised with System.Text.Json source
/// generation (no reflection). Build one with <see cref="ReportBuilder"/>, which enforces the spec's ordering,
/// de-duplication and cap rules. All members allocate; none is on a hot path.
/// </summary>
public sealed class DrillReport
{
    /// <summary>The report format version written by this library.</summary>
    public const int CurrentVersion = 1;

    /// <summary>Format version (<c>version</c>, default 1).</summary>
    [JsonRequired]
    public int Version { get; set; } = CurrentVersion;
    /// <summary>Name or path of the tape (<c>tape</c>, default empty).</summary>
    [JsonRequired]
    public string Tape { get; set; } = "";
    /// <summary>Good records replayed (<c>events</c>).</summary>
    [JsonRequired]
    public long Events { get; set; }
    /// <summary>Bad records skipped (<c>bad_records</c>).</summary>
    [JsonRequired]
    public long BadRecords { get; set; }
    /// <summary>Tick/lot rounding warnings (<c>warnings</c>).</summary>
    [JsonRequired]
    public long Warnings { get; set; }
    /// <summary>What the pre-trade gate did with the orders (<c>orders</c>).</summary>
    [JsonRequired]
    public ReportOrders Orders { get; set; } = new();
    /// <summary>Fills, cancels and replaces of orders the replay rejected: they did not happen (<c>suppressed_fills</c>).</summary>
    [JsonRequired]
    public long SuppressedFills { get; set; }
    /// <summary>Every change of trading state, in event-time order (<c>trips</c>).</summary>
    [JsonRequired]
    public List<ReportTrip> Trips { get; set; } = [];
    /// <summary>Findings raised by limits and detectors, in event-time order, capped (<c>findings</c>).</summary>
    [JsonRequired]
    public List<ReportFinding> Findings { get; set; } = [];
    /// <summary>Findings beyond the cap, counted but not listed (<c>findings_dropped</c>).</summary>
    [JsonRequired]
    public long FindingsDropped { get; set; }
    /// <summary>Incidents (<c>incidents</c>).</summary>
    [JsonRequired]
    public List<ReportIncident> Incidents { get; set; } = [];
    /// <summary>
    /// The first bad records, each with its line and reason, in line order (<c>bad_record_details</c>; at most
    /// <see cref="ReportBuilder.DefaultMaxBadRecordDetails"/>): an optional field beyond the spec's, always written by
    /// this library, empty when a report that lacks it is read. <see cref="BadRecords"/> counts every bad record, listed
    /// or not.
    /// </summary>
    public List<ReportBadRecord> BadRecordDetails { get; set; } = [];

    /// <summary>
    /// Fields beyond the spec (the spec allows more), kept on <see cref="Load"/> and written back at the top level
    /// by <see cref="Write"/>; null when there are none.
    /// </summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalFields { get; set; }

    /// <summary>Writes the report as indented UTF-8 JSON to <paramref name="stream"/> (left open).</summary>
    /// <param name="stream">Where to write; left open.</param>
    public void Write(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        JsonSerializer.Serialize(stream, this, DrillReportJsonContext.Default.DrillReport);
    }

    /// <summary>Returns the report as indented JSON text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, DrillReportJsonContext.Default.DrillReport);

    /// <summary>Reads a report written by <see cref="Write"/> or by another tool following the spec.</summary>
    /// <exception cref="InvalidDataException">Not a valid drill report (invalid JSON, a spec field missing or mistyped).</exception>
    /// <param name="stream">UTF-8 JSON of a report; read to the end, left open.</param>
    /// <returns>The report.</returns>
    public static DrillReport Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            return JsonSerializer.Deserialize(stream, DrillReportJsonContext.Default.DrillReport)
                ?? throw new InvalidDataException("Not a drill report: the document is null.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Not a valid drill report: {ex.Message}", ex);
        }
    }

    /// <summary>Reads a report from JSON text.</summary>
    /// <exception cref="InvalidDataException">Not a valid drill report.</exception>
    /// <param name="json">JSON text of a report.</param>
    /// <returns>The report.</returns>
    public static DrillReport Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json));
        return Load(stream);
    }
}
