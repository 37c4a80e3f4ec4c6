using System.Globalization;
using System.Text;

namespace CircuitBreaker.Cli;

/// <summary>
/// A hand-written SVG timeline of a replay that a risk officer reads without help: a title saying which instrument is
/// drawn and why (the instrument of the first trip; the busiest one when the first trip was not on an instrument or a
/// group, or nothing tripped), a legend, a lane of rejected orders over time, one lane of findings (Warning orange, Critical red), one lane per scope that
/// changed state (reduce-only orange, halted red; a change and a further change at the same instant drawn as the last
/// state, once), the price panel (trades, else quote mids; oracle dashed; one scale, nice ticks, grid) with a dashed
/// marker at each trip, a volume panel with its own axis, the daily PnL of one account (the first account trip's, else
/// the lowest) against its loss limit, and a time axis in seconds (or ms, min) since the tape's first
/// record, whatever the tape's time origin. Every element stays inside the view box. Reads the tape a second time.
/// </summary>
internal static class TimelineChart
{
    private const int W = 1200, L = 140, R = 24, Bins = 600, LaneH = 16, PriceH = 240, VolumeH = 70, PnlH = 90;
    private const double CharW = 6.4; // width of one character at font-size 11, for fitting labels
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Render(string tapePath, ReplayResult result)
    {
        var report = result.Report;
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var groupOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var underlying = new Dictionary<string, string>(StringComparer.Ordinal);
        long t0 = long.MaxValue;
        using (var reader = TapeReader.Open(tapePath))
            foreach (var r in reader.ReadAll())
            {
                t0 = Math.Min(t0, r.T);
                if (r.Type == TapeRecordType.Instrument && r.Symbol is not null)
                {
                    underlying[r.Symbol] = r.Underlying ?? r.Symbol;
                    groupOf[r.Symbol] = r.Group ?? r.Underlying ?? r.Symbol;
                }
                if (r.Type is TapeRecordType.Trade or TapeRecordType.Quote && r.Symbol is not null) counts[r.Symbol] = counts.GetValueOrDefault(r.Symbol) + 1;
            }
        if (t0 == long.MaxValue) t0 = 0;
        long span = Math.Max(1, result.LastEventTimeNs - t0);
        var trips = report.Trips.OrderBy(t => t.T).ToList();
        var (sym, why) = Focus(trips, counts, groupOf);
        string und = underlying.GetValueOrDefault(sym, sym);

        var price = new double[Bins]; var oracle = new double[Bins]; var volume = new double[Bins];
        Array.Fill(price, double.NaN); Array.Fill(oracle, double.NaN);
        using (var reader = TapeReader.Open(tapePath))
            foreach (var r in reader.ReadAll())
            {
                int b = Bin(r.T - t0, span);
                if (r.Symbol == sym && r.Type == TapeRecordType.Trade) { price[b] = r.Px; volume[b] += r.Qty; }
                else if (r.Symbol == sym && r.Type == TapeRecordType.Quote && double.IsNaN(price[b])) price[b] = (r.Bid + r.Ask) / 2;
                else if (r.Type == TapeRecordType.Oracle && (r.Symbol == sym || r.Symbol == und)) oracle[b] = r.Px;
            }

        // The oracle shares the price scale so a deviation shows as a gap; an oracle of the underlying at another scale
        // (an option's underlying) would flatten the price line, so it is left out and the title says so.
        bool oracleDrawn = OnOneScale(price, oracle);
        if (!oracleDrawn) Array.Fill(oracle, double.NaN);

        var lanes = new List<string>();
        foreach (var t in trips) { string key = LaneName(t.Scope, t.Target); if (!lanes.Contains(key)) lanes.Add(key); }
        var timeline = result.Timeline;
        var (pnlAccount, pnl) = PnlOf(timeline, trips);
        const int Top = 64; // below the title and the legend
        int rejectY = Top;
        int findingsY = rejectY + LaneH + 4;
        int lanesY = findingsY + LaneH + 4;
        int priceY = lanesY + lanes.Count * LaneH + 14;
        int volumeY = priceY + PriceH + 16;
        int pnlY = volumeY + VolumeH + 16;
        int axisY = pnl.Count > 0 ? pnlY + PnlH : volumeY + VolumeH;
        int h = axisY + 44;
        double X(long t) => L + (W - L - R) * (double)(t - t0) / span;

        var sb = new StringBuilder();
        sb.Append(C, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{h}\" viewBox=\"0 0 {W} {h}\" font-family=\"sans-serif\" font-size=\"11\">");
        sb.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        string title = $"{Path.GetFileName(report.Tape)} · {sym} ({why}) · {trips.Count(t => t.State != TradingState.Active)} trips · {report.Orders.Rejected} of {report.Orders.Checked} orders rejected"
            + (oracleDrawn ? "" : $" · oracle ({und}) not drawn: other scale");
        sb.Append(C, $"<text id=\"title\" x=\"{L}\" y=\"20\" font-size=\"13\" font-weight=\"bold\">{Esc(Fit(title, W - L - R, 7.4))}</text>");
        Legend(sb, L, 40);

        // Rejections lane: rejected orders per time bin, darker for more (the title has the total; the lane's tooltip the busiest slot).
        sb.Append(C, $"<g id=\"lane-rejections\"><text x=\"{L - 6}\" y=\"{rejectY + 11}\" text-anchor=\"end\">rejected orders</text>");
        sb.Append(C, $"<rect x=\"{L}\" y=\"{rejectY}\" width=\"{W - L - R}\" height=\"{LaneH - 3}\" fill=\"#f4f4f4\"/>");
        if (timeline is not null)
        {
            var perBin = new int[Bins];
            foreach (var r in timeline.Rejections) perBin[Bin(r.TimeNs - t0, span)]++;
            int most = perBin.Max();
            double bw = Math.Max(1.0, (W - L - R) / (double)Bins);
            for (int b = 0; b < Bins; b++)
                if (perBin[b] > 0)
                    sb.Append(C, $"<rect x=\"{Math.Min(L + (W - L - R) * (double)b / Bins, W - R - bw):0.#}\" y=\"{rejectY}\" width=\"{bw:0.##}\" height=\"{LaneH - 3}\" fill=\"#6a3d9a\" fill-opacity=\"{0.25 + 0.75 * perBin[b] / most:0.##}\"/>");
            if (most > 0) sb.Append(C, $"<title>{timeline.Rejections.Count:N0} rejected orders; at most {most:N0} in one {span / (double)Bins / 1e9:0.###} s slot</title>");
        }
        sb.Append("</g>");

        // Findings lane: one tick per finding, coloured by severity (Critical drawn last, on top).
        sb.Append(C, $"<g id=\"lane-findings\"><text x=\"{L - 6}\" y=\"{findingsY + 11}\" text-anchor=\"end\">findings</text>");
        sb.Append(C, $"<rect x=\"{L}\" y=\"{findingsY}\" width=\"{W - L - R}\" height=\"{LaneH - 3}\" fill=\"#f4f4f4\"/>");
        foreach (var f in report.Findings.Where(f => f.Severity >= Severity.Warning).OrderBy(f => f.Severity))
            sb.Append(C, $"<rect x=\"{Clamp(X(f.T) - 1, L, W - R - 2):0.#}\" y=\"{findingsY}\" width=\"2\" height=\"{LaneH - 3}\" fill=\"{(f.Severity == Severity.Critical ? "#d62728" : "#ff9f1c")}\"><title>{Esc($"{f.Signature} {f.Severity} on {f.Scope} {f.Target}")}</title></rect>");
        sb.Append("</g>");

        // State lanes, one per scope that changed state; transitions at the same instant collapse to the last one.
        sb.Append("<g id=\"lanes\">");
        for (int i = 0; i < lanes.Count; i++)
        {
            int y = lanesY + i * LaneH;
            sb.Append("<g class=\"lane\">");
            sb.Append(C, $"<text x=\"{L - 6}\" y=\"{y + 11}\" text-anchor=\"end\">{Esc(Fit(lanes[i], L - 8, CharW))}</text>");
            sb.Append(C, $"<rect x=\"{L}\" y=\"{y}\" width=\"{W - L - R}\" height=\"{LaneH - 3}\" fill=\"#f4f4f4\"/>");
            var mine = trips.Where(t => LaneName(t.Scope, t.Target) == lanes[i]).ToList();
            for (int k = 0; k < mine.Count; k++)
            {
                if (k + 1 < mine.Count && mine[k + 1].T == mine[k].T) continue; // superseded at the same instant
                if (mine[k].State == TradingState.Active) continue;
                long to = k + 1 < mine.Count ? mine[k + 1].T : t0 + span;
                double x1 = X(mine[k].T), x2 = Math.Max(x1 + 2, X(to));
                x2 = Math.Min(x2, W - R);
                string fill = mine[k].State == TradingState.Halted ? "#d62728" : "#ff9f1c";
                string name = mine[k].State == TradingState.Halted ? "halted" : "reduce-only";
                sb.Append(C, $"<rect x=\"{x1:0.#}\" y=\"{y}\" width=\"{x2 - x1:0.#}\" height=\"{LaneH - 3}\" fill=\"{fill}\"><title>{Esc($"{lanes[i]}: {name} ({mine[k].Reason})")}</title></rect>");
                string label = $"{name} · {mine[k].Reason}";
                if ((x2 - x1) > label.Length * CharW + 6) sb.Append(C, $"<text x=\"{x1 + 3:0.#}\" y=\"{y + 10}\" fill=\"white\" font-size=\"10\">{Esc(label)}</text>");
            }
            sb.Append("</g>");
        }
        sb.Append("</g>");

        // Price panel: price and oracle on one scale (a deviation shows as a gap), nice ticks and a grid.
        var both = price.Concat(oracle).Where(double.IsFinite).ToArray();
        double lo = both.Length > 0 ? both.Min() : 0, hi = both.Length > 0 ? both.Max() : 1;
        if (hi - lo < 1e-12) { hi += 1; lo -= 1; }
        double pad = (hi - lo) * 0.05; lo -= pad; hi += pad;
        double PY(double v) => priceY + PriceH * (hi - v) / (hi - lo);
        sb.Append("<g id=\"price-axis\">");
        GridLines(sb, lo, hi, 6, PY, "#e5e5e5");
        sb.Append(C, $"<text x=\"12\" y=\"{priceY + PriceH / 2}\" transform=\"rotate(-90 12 {priceY + PriceH / 2})\" text-anchor=\"middle\">price of {Esc(Fit(sym, 160, CharW))}</text>");
        sb.Append(C, $"<rect x=\"{L}\" y=\"{priceY}\" width=\"{W - L - R}\" height=\"{PriceH}\" fill=\"none\" stroke=\"#999\"/></g>");
        sb.Append("<g id=\"price\">");
        Line(sb, price, PY, "#1f5fbf", "", L, W - R);
        Line(sb, oracle, PY, "#2a9d3a", " stroke-dasharray=\"5,3\"", L, W - R);
        foreach (var t in trips.Where(t => t.State != TradingState.Active))
            sb.Append(C, $"<line x1=\"{X(t.T):0.#}\" x2=\"{X(t.T):0.#}\" y1=\"{priceY}\" y2=\"{priceY + PriceH}\" stroke=\"#d62728\" stroke-dasharray=\"2,2\"><title>{Esc($"{LaneName(t.Scope, t.Target)} → {t.State} ({t.Reason})")}</title></line>");
        sb.Append("</g>");

        // Volume panel with its own axis.
        double vmax = volume.Max();
        sb.Append("<g id=\"volume\">");
        sb.Append(C, $"<rect x=\"{L}\" y=\"{volumeY}\" width=\"{W - L - R}\" height=\"{VolumeH}\" fill=\"none\" stroke=\"#999\"/>");
        sb.Append(C, $"<text x=\"{L - 6}\" y=\"{volumeY + 10}\" text-anchor=\"end\">{Esc(Fit(ChartAxis.Label(vmax, ChartAxis.Step(Math.Max(vmax, 1e-9), 4)), L - 20, CharW))}</text>");
        sb.Append(C, $"<text x=\"{L - 6}\" y=\"{volumeY + VolumeH}\" text-anchor=\"end\">0</text>");
        sb.Append(C, $"<text x=\"12\" y=\"{volumeY + VolumeH / 2}\" transform=\"rotate(-90 12 {volumeY + VolumeH / 2})\" text-anchor=\"middle\">volume</text>");
        if (vmax > 0)
        {
            double bw = Math.Max(1.0, (W - L - R) / (double)Bins);
            for (int b = 0; b < Bins; b++)
                if (volume[b] > 0)
                {
                    double bh = (VolumeH - 2) * volume[b] / vmax;
                    sb.Append(C, $"<rect x=\"{Math.Min(L + (W - L - R) * (double)b / Bins, W - R - bw):0.#}\" y=\"{volumeY + VolumeH - bh:0.#}\" width=\"{bw:0.##}\" height=\"{bh:0.#}\" fill=\"#999\"/>");
                }
        }
        sb.Append("</g>");

        // Daily PnL of one account against its loss limit: the account of the first account trip, else the lowest PnL.
        if (pnl.Count > 0)
        {
            double limit = timeline!.DailyLossLimits.TryGetValue(pnlAccount, out var l) ? l : double.NaN;
            double plo = Math.Min(0, pnl.Min(p => p.DailyPnl)), phi = Math.Max(0, pnl.Max(p => p.DailyPnl));
            if (double.IsFinite(limit)) plo = Math.Min(plo, -limit);
            if (phi - plo < 1e-9) { phi += 1; plo -= 1; }
            double ppad = (phi - plo) * 0.08; plo -= ppad; phi += ppad;
            double QY(double v) => pnlY + PnlH * (phi - v) / (phi - plo);
            sb.Append("<g id=\"pnl\">");
            sb.Append(C, $"<rect x=\"{L}\" y=\"{pnlY}\" width=\"{W - L - R}\" height=\"{PnlH}\" fill=\"none\" stroke=\"#999\"/>");
            GridLines(sb, plo, phi, 3, QY, "#eee");
            sb.Append(C, $"<text x=\"12\" y=\"{pnlY + PnlH / 2}\" transform=\"rotate(-90 12 {pnlY + PnlH / 2})\" text-anchor=\"middle\">daily PnL</text>");
            sb.Append(C, $"<text x=\"26\" y=\"{pnlY + PnlH / 2}\" transform=\"rotate(-90 26 {pnlY + PnlH / 2})\" text-anchor=\"middle\" font-size=\"10\">{Esc(Fit(pnlAccount, PnlH, 6))}</text>");
            if (double.IsFinite(limit))
            {
                sb.Append(C, $"<line x1=\"{L}\" x2=\"{W - R}\" y1=\"{QY(-limit):0.#}\" y2=\"{QY(-limit):0.#}\" stroke=\"#d62728\" stroke-dasharray=\"6,3\"/>");
                sb.Append(C, $"<text x=\"{W - R - 4}\" y=\"{QY(-limit) - 3:0.#}\" text-anchor=\"end\" fill=\"#d62728\">loss limit −{limit.ToString("N0", C)}</text>");
            }
            sb.Append("<polyline fill=\"none\" stroke=\"#6a3d9a\" stroke-width=\"1.5\" points=\"");
            foreach (var p in pnl) sb.Append(C, $"{Clamp(X(p.TimeNs), L, W - R):0.#},{QY(p.DailyPnl):0.#} ");
            sb.Append("\"/></g>");
        }

        // Time axis: nice ticks since the tape's first record, whatever its origin.
        var (unit, unitNs) = ChartAxis.TimeUnit(span);
        double tspan = span / unitNs, tstep = ChartAxis.Step(tspan, 10);
        sb.Append("<g id=\"time-axis\">");
        sb.Append(C, $"<line x1=\"{L}\" x2=\"{W - R}\" y1=\"{axisY}\" y2=\"{axisY}\" stroke=\"black\"/>");
        foreach (double v in ChartAxis.Ticks(0, tspan, 10))
        {
            double x = L + (W - L - R) * v / tspan;
            string label = ChartAxis.Label(v, tstep);
            string anchor = x - L < label.Length * CharW / 2 ? "start" : W - R - x < label.Length * CharW / 2 ? "end" : "middle";
            sb.Append(C, $"<line x1=\"{x:0.#}\" x2=\"{x:0.#}\" y1=\"{axisY}\" y2=\"{axisY + 4}\" stroke=\"black\"/>");
            sb.Append(C, $"<text x=\"{x:0.#}\" y=\"{axisY + 16}\" text-anchor=\"{anchor}\">{label}</text>");
        }
        sb.Append(C, $"<text x=\"{(L + W - R) / 2}\" y=\"{axisY + 34}\" text-anchor=\"middle\">event time since the tape's first record ({unit})</text>");
        sb.Append("</g></svg>");
        return sb.ToString();
    }

    /// <summary>The instrument to draw and why: the first trip's instrument, the busiest of the first trip's group, else the busiest.</summary>
    private static (string Symbol, string Why) Focus(List<ReportTrip> trips, Dictionary<string, long> counts, Dictionary<string, string> groupOf)
    {
        var busiest = counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key);
        var first = trips.FirstOrDefault(t => t.State != TradingState.Active && t.Scope is Scope.Instrument or Scope.Group);
        if (first is { Scope: Scope.Instrument } && counts.ContainsKey(first.Target)) return (first.Target, "instrument of the first trip");
        if (first is { Scope: Scope.Group } && busiest.FirstOrDefault(s => groupOf.GetValueOrDefault(s) == first.Target) is { } inGroup)
            return (inGroup, $"busiest instrument of group {first.Target}, the first trip");
        return (busiest.FirstOrDefault() ?? "?", "busiest instrument");
    }

    /// <summary>The account whose daily PnL is drawn (the first account trip's, else the one reaching the lowest PnL) and its samples.</summary>
    private static (string Account, List<ReplayPnlSample> Samples) PnlOf(ReplayTimeline? timeline, List<ReportTrip> trips)
    {
        if (timeline is null || timeline.Pnl.Count == 0) return ("", []);
        string? account = trips.FirstOrDefault(t => t.Scope == Scope.Account && t.State != TradingState.Active)?.Target;
        if (account is null || !timeline.Pnl.Any(p => p.Account == account))
            account = timeline.Pnl.MinBy(p => p.DailyPnl).Account;
        return (account, timeline.Pnl.Where(p => p.Account == account).ToList());
    }

    /// <summary>True when the oracle is absent or its median is within a factor of 2 of the price's.</summary>
    private static bool OnOneScale(double[] price, double[] oracle)
    {
        static double Median(double[] v)
        {
            var finite = v.Where(double.IsFinite).Order().ToArray();
            return finite.Length == 0 ? double.NaN : finite[finite.Length / 2];
        }
        double p = Median(price), o = Median(oracle);
        if (double.IsNaN(p) || double.IsNaN(o)) return true;
        double ratio = Math.Abs(o) / Math.Max(Math.Abs(p), 1e-12);
        return ratio is >= 0.5 and <= 2;
    }

    private static void Legend(StringBuilder sb, int x, int y)
    {
        (string Label, string Swatch)[] items =
        [
            ("price (trades, else quote mid)", "<line x1=\"0\" x2=\"18\" y1=\"-4\" y2=\"-4\" stroke=\"#1f5fbf\" stroke-width=\"2\"/>"),
            ("oracle", "<line x1=\"0\" x2=\"18\" y1=\"-4\" y2=\"-4\" stroke=\"#2a9d3a\" stroke-width=\"2\" stroke-dasharray=\"5,3\"/>"),
            ("volume", "<rect x=\"4\" y=\"-9\" width=\"10\" height=\"9\" fill=\"#999\"/>"),
            ("reduce-only", "<rect x=\"0\" y=\"-9\" width=\"18\" height=\"9\" fill=\"#ff9f1c\"/>"),
            ("halted", "<rect x=\"0\" y=\"-9\" width=\"18\" height=\"9\" fill=\"#d62728\"/>"),
            ("trip", "<line x1=\"9\" x2=\"9\" y1=\"-11\" y2=\"1\" stroke=\"#d62728\" stroke-dasharray=\"2,2\"/>"),
            ("finding: Warning / Critical", "<rect x=\"3\" y=\"-10\" width=\"2\" height=\"10\" fill=\"#ff9f1c\"/><rect x=\"10\" y=\"-10\" width=\"2\" height=\"10\" fill=\"#d62728\"/>"),
            ("rejections, daily PnL", "<rect x=\"0\" y=\"-9\" width=\"8\" height=\"9\" fill=\"#6a3d9a\"/><line x1=\"10\" x2=\"18\" y1=\"-4\" y2=\"-4\" stroke=\"#6a3d9a\" stroke-width=\"2\"/>"),
        ];
        sb.Append("<g id=\"legend\">");
        double at = x;
        foreach (var (label, swatch) in items)
        {
            sb.Append(C, $"<g transform=\"translate({at:0.#} {y})\">{swatch}<text x=\"22\" y=\"0\">{Esc(label)}</text></g>");
            at += 22 + label.Length * CharW + 18;
        }
        sb.Append("</g>");
    }

    private static string LaneName(Scope scope, string target) => scope switch
    {
        Scope.Global => "global",
        Scope.Instrument => target,
        _ => $"{scope.ToString().ToLowerInvariant()} {target}",
    };

    private static int Bin(long sinceStart, long span) => (int)Math.Clamp(sinceStart * (double)Bins / span, 0, Bins - 1);

    private static double Clamp(double v, double lo, double hi) => Math.Min(Math.Max(v, lo), hi);

    /// <summary>Horizontal grid lines at nice ticks between <paramref name="lo"/> and <paramref name="hi"/>, each labelled at the left axis.</summary>
    private static void GridLines(StringBuilder sb, double lo, double hi, int count, Func<double, double> y, string stroke)
    {
        double step = ChartAxis.Step(hi - lo, count);
        foreach (double v in ChartAxis.Ticks(lo, hi, count))
        {
            sb.Append(C, $"<line x1=\"{L}\" x2=\"{W - R}\" y1=\"{y(v):0.#}\" y2=\"{y(v):0.#}\" stroke=\"{stroke}\"/>");
            sb.Append(C, $"<text x=\"{L - 6}\" y=\"{y(v) + 4:0.#}\" text-anchor=\"end\">{Esc(Fit(ChartAxis.Label(v, step), L - 20, CharW))}</text>");
        }
    }

    /// <summary>The text cut to fit <paramref name="width"/> pixels (with an ellipsis).</summary>
    private static string Fit(string s, double width, double charW)
    {
        int max = Math.Max(1, (int)(width / charW));
        return s.Length <= max ? s : s[..Math.Max(0, max - 1)] + "…";
    }

    private static void Line(StringBuilder sb, double[] values, Func<double, double> y, string colour, string extra, double left, double right)
    {
        if (!values.Any(double.IsFinite)) return;
        sb.Append(C, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\"{extra} points=\"");
        for (int b = 0; b < values.Length; b++)
        {
            if (!double.IsFinite(values[b])) continue;
            sb.Append(C, $"{left + (right - left) * (b + 0.5) / values.Length:0.#},{y(values[b]):0.#} ");
        }
        sb.Append("\"/>");
    }

    private static string Esc(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
