using System.Text.Json.Serialization;

namespace CircuitBreaker.Reports;

/// <summary>One change of trading state in a drill report (<c>trips[]</c>).</summary>
public sealed class ReportTrip
{
    /// <summary>Event time (ns) of the event that caused it (<c>t</c>).</summary>
    [JsonRequired]
    public long T { get; set; }
    /// <summary>Scope (<c>scope</c>: <c>instrument</c>, <c>group</c>, <c>account</c>, <c>global</c>).</summary>
    [JsonRequired]
    public Scope Scope { get; set; }
    /// <summary>Symbol, group, account, or <c>*</c> for global (<c>target</c>).</summary>
    [JsonRequired]
    public string Target { get; set; } = "";
    /// <summary>The new state (<c>state</c>: <c>active</c>, <c>reduce_only</c>, <c>halted</c>).</summary>
    [JsonRequired]
    public TradingState State { get; set; }
    /// <summary>The limit or signature that fired, or the admin action (<c>reason</c>).</summary>
    [JsonRequired]
    public string Reason { get; set; } = "";
    /// <summary>Severity (<c>severity</c>: <c>info</c>, <c>warning</c>, <c>critical</c>).</summary>
    [JsonRequired]
    public Severity Severity { get; set; }
    /// <summary>Free text a person can read (<c>detail</c>).</summary>
    [JsonRequired]
    public string Detail { get; set; } = "";
}
