using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CircuitBreaker.Drills;

/// <summary>The scores of a drill run, rendered as a text table, JSON, or the markdown of docs/detection.md. Immutable.</summary>
public sealed class Scorecard
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Creates a scorecard over <paramref name="scores"/>.</summary>
    /// <param name="scores">One score per scenario, in run order.</param>
    public Scorecard(IReadOnlyList<DrillScore> scores) => Scores = scores ?? throw new ArgumentNullException(nameof(scores));

    /// <summary>One score per scenario, in run order.</summary>
    public IReadOnlyList<DrillScore> Scores { get; }
    /// <summary>Attacks detected.</summary>
    public int Detected => Scores.Count(s => !s.Scenario.IsBenign && s.Detected);
    /// <summary>Attack scenarios.</summary>
    public int Attacks => Scores.Count(s => !s.Scenario.IsBenign);
    /// <summary>Scenarios that passed (attacks detected, benign without a critical).</summary>
    public int Passed => Scores.Count(s => s.Passed);

    private static string Secs(long? ns) => ns is { } v ? (v / 1e9).ToString("0.0##", C) + " s" : "-";
    private static string Money(double v) => v.ToString("#,0", C);

    /// <summary>A fixed-width text table, one line per scenario, and a summary line.</summary>
    public string ToTable()
    {
        var sb = new StringBuilder();
        sb.AppendLine(C, $"{"scenario",-20} {"kind",-6} {"detected",-8} {"detect",9} {"contain",9} {"rejected",8} {"suppr.",7} {"loss avoided",14} {"false",5}  signatures");
        foreach (var s in Scores)
        {
            string det = s.Scenario.IsBenign ? (s.FalseCriticals > 0 ? "FAIL" : "ok") : s.Detected ? "yes" : "NO";
            string sigs = string.Join(", ", s.Signatures.Select(p => p.Key));
            sb.AppendLine(C, $"{s.Scenario.Name,-20} {(s.Scenario.IsBenign ? "benign" : "attack"),-6} {det,-8} {Secs(s.TimeToDetectNs),9} {Secs(s.TimeToContainNs),9} {s.RejectedOrders,8} {s.SuppressedFills,7} {Money(s.LossAvoided),14} {s.FalseFindings,5}  {sigs}");
        }
        sb.AppendLine(C, $"attacks detected {Detected}/{Attacks}; passed {Passed}/{Scores.Count}");
        return sb.ToString();
    }

    /// <summary>The scorecard as indented JSON (snake_case names; times in ns, null when not reached).</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("version", 1);
            w.WriteNumber("attacks", Attacks);
            w.WriteNumber("detected", Detected);
            w.WriteNumber("passed", Passed);
            w.WriteStartArray("scenarios");
            foreach (var s in Scores)
            {
                w.WriteStartObject();
                w.WriteString("name", s.Scenario.Name);
                w.WriteBoolean("benign", s.Scenario.IsBenign);
                w.WriteNumber("seed", s.Seed);
                w.WriteNumber("attack_start_t", s.Scenario.AttackStartNs);
                w.WriteNumber("events", s.On.Report.Events);
                w.WriteBoolean("detected", s.Detected);
                w.WriteBoolean("passed", s.Passed);
                Nullable(w, "time_to_detect_ns", s.TimeToDetectNs);
                Nullable(w, "time_to_contain_ns", s.TimeToContainNs);
                w.WriteStartObject("signatures");
                foreach (var p in s.Signatures) w.WriteNumber(p.Key, p.Value);
                w.WriteEndObject();
                w.WriteStartArray("actions");
                foreach (var a in s.Actions) w.WriteStringValue(a);
                w.WriteEndArray();
                w.WriteNumber("rejected_orders", s.RejectedOrders);
                w.WriteNumber("suppressed_fills", s.SuppressedFills);
                w.WriteNumber("pnl_on", Math.Round(s.PnlOn, 2));
                w.WriteNumber("pnl_off", Math.Round(s.PnlOff, 2));
                w.WriteNumber("loss_avoided", Math.Round(s.LossAvoided, 2));
                w.WriteNumber("false_findings", s.FalseFindings);
                w.WriteNumber("false_criticals", s.FalseCriticals);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void Nullable(Utf8JsonWriter w, string name, long? v)
    {
        if (v is { } x) w.WriteNumber(name, x);
        else w.WriteNull(name);
    }

    /// <summary>The markdown of docs/detection.md: scenario × signature with the time to detect, then the scorecard.</summary>
    public string ToMarkdown()
    {
        var sigs = Scores.SelectMany(s => s.Signatures.Select(p => p.Key)).Distinct().OrderBy(x => x, StringComparer.Ordinal).ToList();
        var sb = new StringBuilder();
        sb.AppendLine("# Detection matrix");
        sb.AppendLine();
        sb.AppendLine("Generated by `circuit-breaker drill --markdown docs/detection.md` (built-in scenarios, seed "
            + (Scores.Count > 0 ? Scores[0].Seed.ToString(C) : "1") + ", default profile). Do not edit by hand.");
        sb.AppendLine("Each cell is the event time from the attack start to the first finding or trip of that signature on a target of the scenario.");
        sb.AppendLine();
        sb.AppendLine("| scenario | " + string.Join(" | ", sigs) + " |");
        sb.AppendLine("|---|" + string.Concat(sigs.Select(_ => "---|")));
        foreach (var s in Scores)
        {
            var map = s.Signatures.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            sb.AppendLine($"| {s.Scenario.Name}{(s.Scenario.IsBenign ? " (benign)" : "")} | " + string.Join(" | ", sigs.Select(g => map.TryGetValue(g, out var v) ? Secs(v) : "")) + " |");
        }
        sb.AppendLine();
        sb.AppendLine("## Scorecard");
        sb.AppendLine();
        sb.AppendLine("| scenario | verdict | time to detect | time to contain | rejected orders | suppressed fills | loss avoided | false findings |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var s in Scores)
        {
            string verdict = s.Scenario.IsBenign ? (s.FalseCriticals > 0 ? "FAIL (critical on benign)" : "pass") : s.Detected ? "detected" : "**not detected**";
            sb.AppendLine(C, $"| {s.Scenario.Name} | {verdict} | {Secs(s.TimeToDetectNs)} | {Secs(s.TimeToContainNs)} | {s.RejectedOrders} | {s.SuppressedFills} | {Money(s.LossAvoided)} | {s.FalseFindings} |");
        }
        sb.AppendLine();
        sb.AppendLine(C, $"Attacks detected: {Detected}/{Attacks}. Passed: {Passed}/{Scores.Count}.");
        return sb.ToString();
    }
}
