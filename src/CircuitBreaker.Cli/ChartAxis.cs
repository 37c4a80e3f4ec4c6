using System.Globalization;

namespace CircuitBreaker.Cli;

/// <summary>"Nice" axis ticks (1, 2, 2.5 or 5 × 10^k) and their labels, for the timeline chart.</summary>
internal static class ChartAxis
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>The tick step for about <paramref name="target"/> ticks over <paramref name="span"/> (&gt; 0).</summary>
    public static double Step(double span, int target)
    {
        if (!(span > 0) || !double.IsFinite(span)) return 1;
        double raw = span / Math.Max(1, target);
        double mag = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double n = raw / mag;
        double nice = n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10;
        return nice * mag;
    }

    /// <summary>Tick values: multiples of the step within [lo, hi].</summary>
    public static List<double> Ticks(double lo, double hi, int target)
    {
        double step = Step(hi - lo, target);
        var ticks = new List<double>();
        for (double v = Math.Ceiling(lo / step - 1e-9) * step; v <= hi + step * 1e-9 && ticks.Count < 100; v += step)
            ticks.Add(Math.Abs(v) < step * 1e-9 ? 0 : v);
        return ticks;
    }

    /// <summary>A value with as many decimals as the step needs (at most 6), invariant culture, thousands separated.</summary>
    public static string Label(double value, double step)
    {
        int decimals = 0;
        while (decimals < 6 && Math.Abs(step * Math.Pow(10, decimals) - Math.Round(step * Math.Pow(10, decimals))) > 1e-6) decimals++;
        return value.ToString("N" + decimals, C);
    }

    /// <summary>The time unit for a span of event time: ms under 2 s, s under 10 min, min beyond; returns its size in ns.</summary>
    public static (string Unit, double Ns) TimeUnit(long spanNs) => spanNs switch
    {
        < 2_000_000_000 => ("ms", 1e6),
        < 600_000_000_000 => ("s", 1e9),
        _ => ("min", 60e9),
    };
}
