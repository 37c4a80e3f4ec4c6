using System.Text.Json.Serialization;

namespace CircuitBreaker.Reports;

/// <summary>The <c>orders</c> block of a drill report: what the pre-trade gate did with the tape's orders.</summary>
public sealed class ReportOrders
{
    /// <summary>Orders put through the pre-trade check (<c>checked</c>).</summary>
    [JsonRequired]
    public long Checked { get; set; }
    /// <summary>Orders accepted (<c>accepted</c>).</summary>
    [JsonRequired]
    public long Accepted { get; set; }
    /// <summary>Orders rejected (<c>rejected</c>).</summary>
    [JsonRequired]
    public long Rejected { get; set; }
    /// <summary>Rejections per reason name, e.g. <c>PriceCollar</c> (<c>rejected_by_reason</c>). Keys are written as is.</summary>
    [JsonRequired]
    public Dictionary<string, long> RejectedByReason { get; set; } = new(StringComparer.Ordinal);
}
