using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CircuitBreaker.Drills;

/// <summary>
/// The benign-day benchmark: replays <see cref="BenignDays"/> through the default profile (or the given options and
/// limits) and counts, per signature, the false Critical findings, the false restrictions (trips to reduce-only or
/// halted) and the warnings. Deterministic for a seed (event time only). Allocates (one tape in memory at a time).
/// </summary>
public static class BenignBenchmark
{
    /// <summary>Replays <paramref name="days"/> benign days of <paramref name="seed"/> and tallies the false alarms.</summary>
    /// <param name="days">Days to generate (at least 1).</param>
    /// <param name="seed">Generator seed (default 1).</param>
    /// <param name="on">Replay options (default <see cref="ReplayOptions.Default"/>).</param>
    /// <param name="configure">Limits (default <see cref="BreakerProfiles.Default"/>).</param>
    /// <param name="progress">Called after each day (may be null).</param>
    public static BenignReport Run(int days, int seed = 1, ReplayOptions? on = null, Action<CircuitBreakerBuilder>? configure = null,
        Action<BenignDayResult>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(days, 1);
        var results = new List<BenignDayResult>(days);
        foreach (var day in BenignDays.Days(days, seed))
        {
            var r = Score(day, seed, DrillRunner.Replay(day.Generate(seed), day.Name, on ?? ReplayOptions.Default, configure ?? BreakerProfiles.Default));
            progress?.Invoke(r);
            results.Add(r);
        }
        return new BenignReport(seed, results);
    }

    internal static BenignDayResult Score(DrillScenario day, int seed, ReplayResult result)
    {
        var report = result.Report;
        var sigs = new SortedDictionary<string, SignatureTally>(StringComparer.Ordinal);
        SignatureTally Of(string name) => sigs.TryGetValue(name, out var t) ? t : sigs[name] = new SignatureTally();
        foreach (var f in report.Findings)
        {
            if (f.Severity == Severity.Critical) Of(f.Signature).Critical++;
            else if (f.Severity == Severity.Warning) Of(f.Signature).Warnings++;
        }
        foreach (var t in report.Trips)
            if (t.State != TradingState.Active) Of(t.Reason).Restrictions++;
        return new BenignDayResult
        {
            Day = day, Seed = seed, Events = report.Events, Orders = report.Orders.Checked, RejectedOrders = report.Orders.Rejected,
            Signatures = sigs, Pnl = day.ExposedAccounts.Sum(a => result.Account(a)?.Pnl ?? 0),
        };
    }
}

/// <summary>False alarms of one signature (or limit) on benign days.</summary>
public sealed class SignatureTally
{
    /// <summary>Warning findings.</summary>
    public int Warnings { get; set; }
    /// <summary>Critical findings.</summary>
    public int Critical { get; set; }
    /// <summary>Trips to reduce-only or halted with this reason.</summary>
    public int Restrictions { get; set; }
}

/// <summary>The tally of one benign day. Immutable once built.</summary>
public sealed class BenignDayResult
{
    /// <summary>The generated day.</summary>
    public required DrillScenario Day { get; init; }
    /// <summary>Generator seed.</summary>
    public required int Seed { get; init; }
    /// <summary>Good records replayed.</summary>
    public required long Events { get; init; }
    /// <summary>Orders checked by the gate.</summary>
    public required long Orders { get; init; }
    /// <summary>Orders the gate rejected (false rejections: nothing on the day is an attack).</summary>
    public required long RejectedOrders { get; init; }
    /// <summary>Per signature (or limit) name, ordinal order.</summary>
    public required IReadOnlyDictionary<string, SignatureTally> Signatures { get; init; }
    /// <summary>PnL of the day's maker and taker with the breaker on.</summary>
    public required double Pnl { get; init; }
    /// <summary>Warning findings on the day.</summary>
    public int Warnings => Signatures.Values.Sum(s => s.Warnings);
    /// <summary>Critical findings on the day.</summary>
    public int Critical => Signatures.Values.Sum(s => s.Critical);
    /// <summary>Restrictions (trips to reduce-only or halted) on the day.</summary>
    public int Restrictions => Signatures.Values.Sum(s => s.Restrictions);
}

/// <summary>The benign-day benchmark's result: per day and per signature, as a text table or JSON. Immutable.</summary>
public sealed class BenignReport
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Creates the report over <paramref name="days"/>.</summary>
    /// <param name="seed">The generator seed the days came from.</param>
    /// <param name="days">The per-day results, in day order.</param>
    public BenignReport(int seed, IReadOnlyList<BenignDayResult> days)
    {
        Seed = seed;
        Days = days ?? throw new ArgumentNullException(nameof(days));
        var all = new SortedDictionary<string, SignatureTally>(StringComparer.Ordinal);
        foreach (var d in days)
            foreach (var (name, t) in d.Signatures)
            {
                if (!all.TryGetValue(name, out var sum)) all[name] = sum = new SignatureTally();
                sum.Warnings += t.Warnings; sum.Critical += t.Critical; sum.Restrictions += t.Restrictions;
            }
        Signatures = all;
    }

    /// <summary>Generator seed.</summary>
    public int Seed { get; }
    /// <summary>One result per day, in day order.</summary>
    public IReadOnlyList<BenignDayResult> Days { get; }
    /// <summary>Totals per signature (or limit) over all days, ordinal order.</summary>
    public IReadOnlyDictionary<string, SignatureTally> Signatures { get; }
    /// <summary>Critical findings over all days.</summary>
    public int Critical => Days.Sum(d => d.Critical);
    /// <summary>Restrictions over all days.</summary>
    public int Restrictions => Days.Sum(d => d.Restrictions);
    /// <summary>Warnings over all days.</summary>
    public int Warnings => Days.Sum(d => d.Warnings);
    /// <summary>Warnings per day.</summary>
    public double WarningsPerDay => Days.Count == 0 ? 0 : (double)Warnings / Days.Count;
    /// <summary>Orders rejected over all days.</summary>
    public long RejectedOrders => Days.Sum(d => d.RejectedOrders);
    /// <summary>True when no day had a Critical finding or a restriction.</summary>
    public bool Passed => Critical == 0 && Restrictions == 0;

    /// <summary>Per-signature table (false Critical, false restrictions, warnings, warnings per day), per-day lines and a summary.</summary>
    public string ToTable()
    {
        var sb = new StringBuilder();
        sb.AppendLine(C, $"{"day",-30} {"events",8} {"orders",7} {"rejected",8} {"warn",5} {"crit",5} {"restr",5} {"pnl",12}");
        foreach (var d in Days)
            sb.AppendLine(C, $"{d.Day.Name,-30} {d.Events,8} {d.Orders,7} {d.RejectedOrders,8} {d.Warnings,5} {d.Critical,5} {d.Restrictions,5} {d.Pnl,12:#,0.00}");
        sb.AppendLine();
        sb.AppendLine(C, $"{"signature",-22} {"false critical",14} {"false restrictions",18} {"warnings",8} {"warnings/day",12}");
        foreach (var (name, t) in Signatures)
            sb.AppendLine(C, $"{name,-22} {t.Critical,14} {t.Restrictions,18} {t.Warnings,8} {(double)t.Warnings / Math.Max(1, Days.Count),12:0.00}");
        sb.AppendLine(C, $"benign days {Days.Count} (seed {Seed}): false critical {Critical}, false restrictions {Restrictions}, warnings {Warnings} ({WarningsPerDay:0.00}/day), rejected orders {RejectedOrders}; {(Passed ? "pass" : "FAIL")}");
        return sb.ToString();
    }

    /// <summary>Markdown: per signature the false Critical findings, false restrictions and warnings per benign day, then a summary line.</summary>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine("# False alarms on legitimate days");
        sb.AppendLine();
        sb.AppendLine(C, $"Generated by `circuit-breaker drill --benign-days {Days.Count} --seed {Seed} --markdown docs/detection-benign.md` (default profile). Do not edit by hand.");
        sb.AppendLine(C, $"{Days.Count} generated days of {BenignDays.Regimes.Count} regimes ({string.Join(", ", BenignDays.Regimes)}), 30-40 minutes of event time each, a maker and a taker; nothing on them is an attack.");
        sb.AppendLine();
        sb.AppendLine("| signature | false Critical | false restrictions | warnings | warnings per day |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var (name, t) in Signatures)
            sb.AppendLine(C, $"| {name} | {t.Critical} | {t.Restrictions} | {t.Warnings} | {(double)t.Warnings / Math.Max(1, Days.Count):0.00} |");
        sb.AppendLine(C, $"| **all** | {Critical} | {Restrictions} | {Warnings} | {WarningsPerDay:0.00} |");
        sb.AppendLine();
        sb.AppendLine(C, $"Orders rejected by the gate: {RejectedOrders} of {Days.Sum(d => d.Orders)}. Verdict: {(Passed ? "pass (no Critical, no restriction)" : "FAIL")}.");
        return sb.ToString();
    }

    /// <summary>The report as indented JSON (snake_case names).</summary>
    public string ToJson() => IndentedJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("version", 1);
        w.WriteNumber("seed", Seed);
        w.WriteNumber("days", Days.Count);
        w.WriteNumber("false_critical", Critical);
        w.WriteNumber("false_restrictions", Restrictions);
        w.WriteNumber("warnings", Warnings);
        w.WriteNumber("warnings_per_day", Math.Round(WarningsPerDay, 3));
        w.WriteNumber("rejected_orders", RejectedOrders);
        w.WriteBoolean("passed", Passed);
        w.WriteStartObject("signatures");
        foreach (var (name, t) in Signatures) Tally(w, name, t, Days.Count);
        w.WriteEndObject();
        w.WriteStartArray("per_day");
        foreach (var d in Days)
        {
            w.WriteStartObject();
            w.WriteString("name", d.Day.Name);
            w.WriteNumber("events", d.Events);
            w.WriteNumber("orders", d.Orders);
            w.WriteNumber("rejected_orders", d.RejectedOrders);
            w.WriteNumber("pnl", Math.Round(d.Pnl, 2));
            w.WriteStartObject("signatures");
            foreach (var (name, t) in d.Signatures) Tally(w, name, t, 1);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void Tally(Utf8JsonWriter w, string name, SignatureTally t, int days)
    {
        w.WriteStartObject(name);
        w.WriteNumber("false_critical", t.Critical);
        w.WriteNumber("false_restrictions", t.Restrictions);
        w.WriteNumber("warnings", t.Warnings);
        w.WriteNumber("warnings_per_day", Math.Round((double)t.Warnings / Math.Max(1, days), 3));
        w.WriteEndObject();
    }
}
