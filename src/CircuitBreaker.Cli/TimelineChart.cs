using System.Globalization;
using System.Text;

namespace CircuitBreaker.Cli;

/// <summary>
/// A hand-written SVG timeline of a replay for the busiest instrument: price (trades, else quote mids), oracle, volume
/// bars, state bands (orange reduce-only, red halted) and trip markers. Reads the tape a second time.
/// </summary>
internal static class TimelineChart
{
    private const int W = 1200, H = 560, L = 70, R = 20, Bins = 600;
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string Render(string tapePath, ReplayResult result)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var underlying = new Dictionary<string, string>(StringComparer.Ordinal);
        long end = Math.Max(1, result.LastEventTimeNs);
        using (var reader = TapeReader.Open(tapePath))
            foreach (var r in reader.ReadAll())
            {
                if (r.Type == TapeRecordType.Instrument && r.Symbol is not null) underlying[r.Symbol] = r.Underlying ?? r.Symbol;
                if (r.Type is TapeRecordType.Trade or TapeRecordType.Quote && r.Symbol is not null) counts[r.Symbol] = counts.GetValueOrDefault(r.Symbol) + 1;
            }
        string sym = counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key).FirstOrDefault() ?? "?";
        string und = underlying.GetValueOrDefault(sym, sym);
        var price = new double[Bins]; var oracle = new double[Bins]; var volume = new double[Bins];
        Array.Fill(price, double.NaN); Array.Fill(oracle, double.NaN);
        using (var reader = TapeReader.Open(tapePath))
            foreach (var r in reader.ReadAll())
            {
                int b = (int)Math.Min(Bins - 1, r.T * (double)Bins / end);
                if (r.Symbol == sym && r.Type == TapeRecordType.Trade) { price[b] = r.Px; volume[b] += r.Qty; }
                else if (r.Symbol == sym && r.Type == TapeRecordType.Quote && double.IsNaN(price[b])) price[b] = (r.Bid + r.Ask) / 2;
                else if (r.Type == TapeRecordType.Oracle && (r.Symbol == sym || r.Symbol == und)) oracle[b] = r.Px;
            }
        var sb = new StringBuilder();
        sb.Append(C, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" font-family=\"sans-serif\" font-size=\"12\">");
        sb.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        sb.Append(C, $"<text x=\"{L}\" y=\"20\" font-size=\"13\" font-weight=\"bold\">{Esc(Path.GetFileName(result.Report.Tape))} · {Esc(sym)} · price (blue), oracle (green dashed), one scale · volume (grey) · rows: reduce-only (orange), halted (red)</text>");
        double X(double t) => L + (W - L - R) * t / end;
        // One row per scope that changed state (instrument, its group, an account, global): a Gantt of trading states,
        // labelled, so overlapping states stay readable. The plot starts below the rows.
        var rows = new List<string>();
        foreach (var t in result.Report.Trips)
        {
            string key = $"{t.Scope} {t.Target}";
            if (!rows.Contains(key)) rows.Add(key);
        }
        const int RowH = 14;
        double plotTop = 40 + rows.Count * RowH + (rows.Count > 0 ? 8 : 0);
        double plotH = Math.Max(120, 330 - (plotTop - 40));
        var open = new Dictionary<string, (long T, TradingState S)>(StringComparer.Ordinal);
        void Band(string key, long from, long to, TradingState s)
        {
            int row = rows.IndexOf(key);
            string fill = s == TradingState.Halted ? "#e33" : "#f90";
            sb.Append(C, $"<rect x=\"{X(from):0.#}\" y=\"{40 + row * RowH}\" width=\"{Math.Max(1, X(to) - X(from)):0.#}\" height=\"{RowH - 3}\" fill=\"{fill}\" fill-opacity=\"0.85\"/>");
            sb.Append(C, $"<rect x=\"{X(from):0.#}\" y=\"{plotTop}\" width=\"{Math.Max(1, X(to) - X(from)):0.#}\" height=\"{H - 40 - plotTop}\" fill=\"{fill}\" fill-opacity=\"0.07\"/>");
        }
        foreach (var t in result.Report.Trips)
        {
            string key = $"{t.Scope} {t.Target}";
            if (open.TryGetValue(key, out var prev)) { Band(key, prev.T, t.T, prev.S); open.Remove(key); }
            if (t.State != TradingState.Active) open[key] = (t.T, t.State);
        }
        foreach (var (key, v) in open) Band(key, v.T, end, v.S);
        for (int i = 0; i < rows.Count; i++)
            sb.Append(C, $"<text x=\"4\" y=\"{40 + i * RowH + 10}\" font-size=\"10\">{Esc(rows[i])}</text>");
        // price and oracle on ONE scale, so a deviation between them is visible as a gap
        var both = price.Concat(oracle).Where(double.IsFinite).ToArray();
        double lo = both.Length > 0 ? both.Min() : 0, hi = both.Length > 0 ? both.Max() : 1;
        if (hi - lo < 1e-12) { hi += 1; lo -= 1; }
        sb.Append(C, $"<text x=\"4\" y=\"{plotTop + 12}\">{hi:G6}</text><text x=\"4\" y=\"{plotTop + plotH}\">{lo:G6}</text>");
        Line(sb, price, plotTop, plotH, lo, hi, "#1f5fbf", "", X, end);
        Line(sb, oracle, plotTop, plotH, lo, hi, "#2a9d3a", " stroke-dasharray=\"5,3\"", X, end);
        double vmax = Math.Max(1e-12, volume.Max());
        for (int b = 0; b < Bins; b++)
            if (volume[b] > 0)
                sb.Append(C, $"<rect x=\"{L + (W - L - R) * (double)b / Bins:0.#}\" y=\"{H - 40 - 140 * volume[b] / vmax:0.#}\" width=\"{Math.Max(1.0, (W - L - R) / (double)Bins):0.##}\" height=\"{140 * volume[b] / vmax:0.#}\" fill=\"#999\"/>");
        foreach (var t in result.Report.Trips.Where(t => t.State != TradingState.Active))
        {
            sb.Append(C, $"<line x1=\"{X(t.T):0.#}\" x2=\"{X(t.T):0.#}\" y1=\"{plotTop}\" y2=\"{H - 40}\" stroke=\"#c00\" stroke-width=\"1\"/>");
            sb.Append(C, $"<text x=\"{X(t.T) + 3:0.#}\" y=\"{plotTop + 12 + 14 * (result.Report.Trips.IndexOf(t) % 6)}\" fill=\"#c00\">{Esc(t.Reason)} → {Esc(t.Target)}</text>");
        }
        sb.Append(C, $"<line x1=\"{L}\" x2=\"{W - R}\" y1=\"{H - 40}\" y2=\"{H - 40}\" stroke=\"black\"/>");
        for (int k = 0; k <= 10; k++)
        {
            long t = end * k / 10;
            sb.Append(C, $"<text x=\"{X(t):0.#}\" y=\"{H - 22}\" text-anchor=\"middle\">{t / 1e9:0.#} s</text>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static void Line(StringBuilder sb, double[] values, double top, double height, double lo, double hi, string colour, string extra, Func<double, double> x, long end)
    {
        if (!values.Any(double.IsFinite)) return;
        sb.Append(C, $"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\"{extra} points=\"");
        for (int b = 0; b < values.Length; b++)
        {
            if (!double.IsFinite(values[b])) continue;
            double y = top + height * (hi - values[b]) / (hi - lo);
            sb.Append(C, $"{x(end * (b + 0.5) / values.Length):0.#},{y:0.#} ");
        }
        sb.Append("\"/>");
    }

    private static string Esc(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
