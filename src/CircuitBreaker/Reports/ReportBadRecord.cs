using System.Text.Json.Serialization;

namespace CircuitBreaker.Reports;

/// <summary>One bad tape record in a drill report (<c>bad_record_details[]</c>, an optional field this library adds to
/// the spec's report): where it was and why it was skipped.</summary>
public sealed class ReportBadRecord
{
    /// <summary>1-based line number in the tape (<c>line</c>).</summary>
    [JsonRequired]
    public long Line { get; set; }
    /// <summary>Why the record was skipped, e.g. <c>missing required field 'px'</c> (<c>reason</c>).</summary>
    [JsonRequired]
    public string Reason { get; set; } = "";
}
