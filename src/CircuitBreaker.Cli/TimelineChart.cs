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
        sb.Append(C, $"<text x=\"{L}\" y=\"20\" font-size=\"15\" font-weight=\"bold\">{Esc(result.Report.Tape)} — {Esc(sym)}: price (blue), oracle (green dashed), volume (grey), reduce-only (orange), halted (red)</text>");
        double X(double t) => L + (W - L - R) * t / end;
        // state bands for trips that concern this instrument, its group or everything
        var open = new Dictionary<string, (long T, TradingState S)>(StringComparer.Ordinal);
        void Band(long from, long to, TradingState s) =>
            sb.Append(C, $"<rect x=\"{X(from):0.#}\" y=\"40\" width=\"{Math.Max(1, X(to) - X(from)):0.#}\" height=\"{H - 80}\" fill=\"{(s == TradingState.Halted ? "#f44" : "#fa3")}\" fill-opacity=\"0.18\"/>");
        foreach (var t in result.Report.Trips)
        {
            string key = $"{t.Scope}:{t.Target}";
            if (open.TryGetValue(key, out var prev)) { Band(prev.T, t.T, prev.S); open.Remove(key); }
            if (t.State != TradingState.Active) open[key] = (t.T, t.State);
        }
        foreach (var (_, v) in open) Band(v.T, end, v.S);
        Line(sb, price, 40, 330, "#1f5fbf", "", X, end);
        Line(sb, oracle, 40, 330, "#2a9d3a", " stroke-dasharray=\"5,3\"", X, end);
        double vmax = Math.Max(1e-12, volume.Max());
        for (int b = 0; b < Bins; b++)
            if (volume[b] > 0)
                sb.Append(C, $"<rect x=\"{L + (W - L - R) * (double)b / Bins:0.#}\" y=\"{H - 40 - 140 * volume[b] / vmax:0.#}\" width=\"{Math.Max(1.0, (W - L - R) / (double)Bins):0.##}\" height=\"{140 * volume[b] / vmax:0.#}\" fill=\"#999\"/>");
        foreach (var t in result.Report.Trips.Where(t => t.State != TradingState.Active))
        {
            sb.Append(C, $"<line x1=\"{X(t.T):0.#}\" x2=\"{X(t.T):0.#}\" y1=\"40\" y2=\"{H - 40}\" stroke=\"#c00\" stroke-width=\"1\"/>");
            sb.Append(C, $"<text x=\"{X(t.T) + 3:0.#}\" y=\"{52 + 14 * (result.Report.Trips.IndexOf(t) % 6)}\" fill=\"#c00\">{Esc(t.Reason)} → {Esc(t.Target)}</text>");
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

    private static void Line(StringBuilder sb, double[] values, double top, double height, string colour, string extra, Func<double, double> x, long end)
    {
        var finite = values.Where(double.IsFinite).ToArray();
        if (finite.Length == 0) return;
        double lo = finite.Min(), hi = finite.Max();
        if (hi - lo < 1e-12) { hi += 1; lo -= 1; }
        sb.Append(C, $"<text x=\"4\" y=\"{top + 12}\" fill=\"{colour}\">{hi:G6}</text><text x=\"4\" y=\"{top + height}\" fill=\"{colour}\">{lo:G6}</text>");
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
