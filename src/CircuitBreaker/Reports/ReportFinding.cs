using System.Text.Json.Serialization;

namespace CircuitBreaker.Reports;

/// <summary>One finding a limit or detector raised, in a drill report (<c>findings[]</c>).</summary>
public sealed class ReportFinding
{
    /// <summary>Event time (ns) of the event that raised it (<c>t</c>).</summary>
    [JsonRequired]
    public long T { get; set; }
    /// <summary>What raised it, e.g. <c>VolumeSpike</c> (<c>signature</c>).</summary>
    [JsonRequired]
    public string Signature { get; set; } = "";
    /// <summary>Severity (<c>severity</c>).</summary>
    [JsonRequired]
    public Severity Severity { get; set; }
    /// <summary>Scope of the target (<c>scope</c>).</summary>
    [JsonRequired]
    public Scope Scope { get; set; }
    /// <summary>Symbol, group, account, or <c>*</c> (<c>target</c>).</summary>
    [JsonRequired]
    public string Target { get; set; } = "";
    /// <summary>Detector score (<c>score</c>); finite.</summary>
    [JsonRequired]
    public double Score { get; set; }
    /// <summary>Free text a person can read (<c>detail</c>).</summary>
    [JsonRequired]
    public string Detail { get; set; } = "";
}
