using System.Globalization;

namespace CircuitBreaker;

/// <summary>
/// What a detector or post-trade limit raised: signature, scope and target, severity, score, and a detail kept as a
/// code plus two numbers so raising a finding allocates nothing; <see cref="FormatDetail"/> renders the human text
/// (allocates; call it off the hot path).
/// </summary>
public readonly struct Finding
{
    /// <summary>Creates a finding.</summary>
    /// <param name="timeNs">Event time (ns) of the event that raised it.</param>
    /// <param name="signature">What raised it.</param>
    /// <param name="scope">Scope of the target.</param>
    /// <param name="target">Dense id of the target (instrument, group or account); ignored for global.</param>
    /// <param name="severity">How serious.</param>
    /// <param name="score">The detector's score (higher is more anomalous; the scale is the detector's).</param>
    /// <param name="detail">The detail template (default none).</param>
    /// <param name="value1">First number of the detail (default NaN).</param>
    /// <param name="value2">Second number of the detail (default NaN).</param>
    /// <param name="firstAnomalousTimeNs">Event time (ns) of the episode's first anomalous event (default -1: <paramref name="timeNs"/>).</param>
    public Finding(long timeNs, Signature signature, Scope scope, int target, Severity severity, double score,
        FindingDetail detail = FindingDetail.None, double value1 = double.NaN, double value2 = double.NaN, long firstAnomalousTimeNs = -1)
    {
        TimeNs = timeNs; Signature = signature; Scope = scope; Target = target; Severity = severity; Score = score;
        Detail = detail; Value1 = value1; Value2 = value2;
        FirstAnomalousTimeNs = firstAnomalousTimeNs < 0 ? timeNs : firstAnomalousTimeNs;
    }

    /// <summary>Event time (ns) of the event that raised it.</summary>
    public long TimeNs { get; }
    /// <summary>Event time (ns) of the first event of the episode that looked anomalous (for time to detect).</summary>
    public long FirstAnomalousTimeNs { get; }
    /// <summary>What raised it.</summary>
    public Signature Signature { get; }
    /// <summary>Scope of the target.</summary>
    public Scope Scope { get; }
    /// <summary>Dense id of the target (instrument, group or account); ignored for global.</summary>
    public int Target { get; }
    /// <summary>Severity.</summary>
    public Severity Severity { get; }
    /// <summary>Score (signature-specific: z-score, ratio, anomaly score).</summary>
    public double Score { get; }
    /// <summary>Detail template.</summary>
    public FindingDetail Detail { get; }
    /// <summary>First number of the detail.</summary>
    public double Value1 { get; }
    /// <summary>Second number of the detail.</summary>
    public double Value2 { get; }

    /// <summary>Human text of the detail, e.g. <c>volume 9.1x baseline</c>. Allocates.</summary>
    public string FormatDetail()
    {
        var c = CultureInfo.InvariantCulture;
        return Detail switch
        {
            FindingDetail.RatioToBaseline => string.Format(c, "{0:0.0}x baseline (baseline {1:G4})", Value1, Value2),
            FindingDetail.MoveBps => string.Format(c, "moved {0:0} bps in window (band {1:0} bps)", Value1, Value2),
            FindingDetail.DeviationBps => string.Format(c, "deviation {0:0} bps (limit {1:0} bps)", Value1, Value2),
            FindingDetail.StaleNs => string.Format(c, "stale for {0:0.###} s (limit {1:0.###} s)", Value1 / 1e9, Value2 / 1e9),
            FindingDetail.ValueOverLimit => string.Format(c, "{0:G6} over limit {1:G6}", Value1, Value2),
            FindingDetail.DistancePct => string.Format(c, "spot {0:0.##}% from barrier (threshold {1:0.##}%)", Value1, Value2),
            FindingDetail.Score => string.Format(c, "anomaly score {0:0.###} (threshold {1:0.###})", Value1, Value2),
            FindingDetail.Count => string.Format(c, "{0:0} events (threshold {1:0})", Value1, Value2),
            _ => string.Format(c, "{0:G6} / {1:G6}", Value1, Value2),
        };
    }
}

/// <summary>Template of a finding's human detail (see <see cref="Finding.FormatDetail"/>).</summary>
public enum FindingDetail : byte
{
    /// <summary>Two raw numbers.</summary>
    None = 0,
    /// <summary>Value1 = ratio to baseline, Value2 = baseline.</summary>
    RatioToBaseline,
    /// <summary>Value1 = move in bps, Value2 = band in bps.</summary>
    MoveBps,
    /// <summary>Value1 = deviation in bps, Value2 = limit in bps.</summary>
    DeviationBps,
    /// <summary>Value1 = age in ns, Value2 = limit in ns.</summary>
    StaleNs,
    /// <summary>Value1 = value, Value2 = limit.</summary>
    ValueOverLimit,
    /// <summary>Value1 = distance in %, Value2 = threshold in %.</summary>
    DistancePct,
    /// <summary>Value1 = score, Value2 = threshold.</summary>
    Score,
    /// <summary>Value1 = count, Value2 = threshold.</summary>
    Count,
}
