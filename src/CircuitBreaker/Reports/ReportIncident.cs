using System.Text.Json.Serialization;

namespace CircuitBreaker.Reports;

/// <summary>One incident in a drill report (<c>incidents[]</c>): when it opened, was contained and closed, and what was done.</summary>
public sealed class ReportIncident
{
    /// <summary>Incident id (<c>id</c>).</summary>
    [JsonRequired]
    public string Id { get; set; } = "";
    /// <summary>Event time (ns) it opened (<c>opened_t</c>).</summary>
    [JsonRequired]
    public long OpenedT { get; set; }
    /// <summary>Event time (ns) it was contained (<c>contained_t</c>); null while not contained (written as <c>null</c>).</summary>
    [JsonRequired]
    public long? ContainedT { get; set; }
    /// <summary>Event time (ns) it closed (<c>closed_t</c>); null while open (written as <c>null</c>).</summary>
    [JsonRequired]
    public long? ClosedT { get; set; }
    /// <summary>Scope (<c>scope</c>).</summary>
    [JsonRequired]
    public Scope Scope { get; set; }
    /// <summary>Symbol, group, account, or <c>*</c> (<c>target</c>).</summary>
    [JsonRequired]
    public string Target { get; set; } = "";
    /// <summary>Limits or signatures behind it (<c>reasons</c>).</summary>
    [JsonRequired]
    public List<string> Reasons { get; set; } = [];
    /// <summary>Actions taken, e.g. <c>halt</c>, <c>cancel_all</c> (<c>actions</c>).</summary>
    [JsonRequired]
    public List<string> Actions { get; set; } = [];

    /// <summary>The report's form of an incident record: id <c>INC-n</c>, times, scope, target, reasons, actions. Allocates.</summary>
    /// <param name="record">The incident desk's record.</param>
    /// <returns>The report's form.</returns>
    public static ReportIncident From(IncidentRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new()
        {
            Id = $"INC-{record.Id}", OpenedT = record.OpenedT, ContainedT = record.ContainedT, ClosedT = record.ClosedT,
            Scope = record.Scope, Target = record.Target, Reasons = [.. record.Reasons], Actions = [.. record.Actions],
        };
    }
}
