using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CircuitBreaker.Cli;
using CircuitBreaker.Drills;

namespace CircuitBreaker.Tests.Drills;

/// <summary>
/// The <c>replay --chart</c> timeline's structure: title, legend, a findings lane and one state lane per scope that
/// changed state, price and volume panels with axes, a time axis since the tape's start whatever its origin, and nothing
/// outside the view box. (Looked at as PNG with <c>rsvg-convert</c> when it was written; this keeps the structure.)
/// </summary>
public sealed class TimelineChartTests : IDisposable
{
    private const double CharW = 6.4;
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"cb-chart-{Guid.NewGuid():N}");

    public TimelineChartTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (XDocument Svg, string Text, DrillReport Report) Chart(string scenario, long origin)
    {
        string tape = System.Text.Encoding.UTF8.GetString(Drill.Find(scenario)!.Generate(1));
        if (origin != 0)
            tape = Regex.Replace(tape, "\"t\":(-?\\d+)", m => "\"t\":" + (long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + origin).ToString(CultureInfo.InvariantCulture));
        string dir = Path.Combine(_dir, origin.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, scenario + ".jsonl");
        File.WriteAllText(path, tape);
        var (rc, _, err) = CliRun.Run("replay", path, "--report", Path.Combine(dir, "r.json"), "--chart", Path.Combine(dir, "c.svg"));
        Assert.True(rc == CliApp.Ok, err);
        string text = File.ReadAllText(Path.Combine(dir, "c.svg"));
        return (XDocument.Parse(text), text, DrillReport.Parse(File.ReadAllText(Path.Combine(dir, "r.json"))));
    }

    private static XElement Group(XDocument svg, string id)
        => svg.Descendants(Svg + "g").SingleOrDefault(g => (string?)g.Attribute("id") == id) ?? throw new Xunit.Sdk.XunitException($"no <g id=\"{id}\">");

    [Theory]
    [InlineData("fat-finger")]
    [InlineData("flash-loan")]
    [InlineData("runaway-algo")]
    public void Chart_HasTitleLegendLanesPanelsAndAxes_AndOneLanePerScopeThatChangedState(string scenario)
    {
        var (svg, _, report) = Chart(scenario, 0);
        Assert.NotNull(svg.Descendants(Svg + "text").SingleOrDefault(t => (string?)t.Attribute("id") == "title"));
        Assert.True(Group(svg, "legend").Descendants(Svg + "text").Count() >= 7);
        foreach (var legend in new[] { "price (trades, else quote mid)", "oracle", "volume", "reduce-only", "halted", "trip" })
            Assert.Contains(Group(svg, "legend").Descendants(Svg + "text"), t => t.Value == legend);
        int scopes = report.Trips.Select(t => (t.Scope, t.Target)).Distinct().Count();
        Assert.True(scopes > 0, "the scenario trips");
        Assert.Equal(scopes, Group(svg, "lanes").Elements(Svg + "g").Count());
        Assert.Single(Group(svg, "lane-findings").Elements(Svg + "text"));
        Assert.True(Group(svg, "price-axis").Elements(Svg + "text").Count() >= 4, "price ticks");
        Assert.Contains(Group(svg, "volume").Elements(Svg + "text"), t => t.Value == "volume");
        var ticks = Group(svg, "time-axis").Elements(Svg + "text").Select(t => t.Value).ToList();
        Assert.Equal("0", ticks[0]);
        Assert.Contains(ticks, t => t.StartsWith("event time since the tape's first record (", StringComparison.Ordinal));
    }

    [Fact]
    public void Chart_FirstTripOnAnInstrument_DrawsThatInstrument()
    {
        var (svg, _, report) = Chart("fat-finger", 0);
        var first = report.Trips.OrderBy(t => t.T).First(t => t.State != TradingState.Active && t.Scope is Scope.Instrument or Scope.Group);
        string title = svg.Descendants(Svg + "text").Single(t => (string?)t.Attribute("id") == "title").Value;
        if (first.Scope == Scope.Instrument) Assert.Contains($"{first.Target} (instrument of the first trip)", title);
        else Assert.Contains($"(busiest instrument of group {first.Target}, the first trip)", title);
    }

    [Fact]
    public void Chart_RunawayAlgo_ShowsRejectionsOverTime_AndTheTrippedAccountsDailyPnl()
    {
        var (svg, _, report) = Chart("runaway-algo", 0);
        Assert.True(report.Orders.Rejected > 0);
        Assert.True(Group(svg, "lane-rejections").Elements(Svg + "rect").Count() > 10, "rejections drawn over time");
        var account = report.Trips.First(t => t.Scope == Scope.Account && t.State != TradingState.Active).Target;
        var pnl = Group(svg, "pnl");
        Assert.Contains(pnl.Elements(Svg + "text"), t => t.Value == account);
        Assert.Single(pnl.Elements(Svg + "polyline"));
    }

    [Fact]
    public void Chart_TimeOrigin_DoesNotChangeTheChart()
    {
        var (_, at0, _) = Chart("flash-loan", 0);
        var (_, atUnix, _) = Chart("flash-loan", 1_800_000_000_000_000_000);
        Assert.Equal(at0, atUnix);
    }

    [Theory]
    [InlineData("fat-finger")]
    [InlineData("barrier-option")]
    [InlineData("runaway-algo")]
    public void Chart_NothingOutsideTheViewBox(string scenario)
    {
        var (svg, _, _) = Chart(scenario, 1_800_000_000_000_000_000);
        var root = svg.Root!;
        var box = ((string)root.Attribute("viewBox")!).Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        double w = box[2], h = box[3];
        var problems = new List<string>();
        foreach (var e in root.Descendants())
        {
            if (e.Ancestors(Svg + "g").Any(g => g.Attribute("transform") is not null) || e.Attribute("transform") is not null) continue; // legend items: checked below
            void In(string what, double v, double max) { if (v < -0.5 || v > max + 0.5) problems.Add($"{e.Name.LocalName} {what}={v}"); }
            double A(string name) => double.Parse((string)e.Attribute(name)!, CultureInfo.InvariantCulture);
            if (e.Name == Svg + "rect" && e.Attribute("x") is not null)
            {
                In("x", A("x"), w); In("x+width", A("x") + A("width"), w); In("y", A("y"), h); In("y+height", A("y") + A("height"), h);
            }
            else if (e.Name == Svg + "line") { In("x1", A("x1"), w); In("x2", A("x2"), w); In("y1", A("y1"), h); In("y2", A("y2"), h); }
            else if (e.Name == Svg + "polyline")
                foreach (var p in ((string)e.Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    var xy = p.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                    In("point x", xy[0], w); In("point y", xy[1], h);
                }
            else if (e.Name == Svg + "text")
            {
                double x = A("x"), len = e.Value.Length * CharW;
                string anchor = (string?)e.Attribute("text-anchor") ?? "start";
                double from = anchor == "end" ? x - len : anchor == "middle" ? x - len / 2 : x, to = from + len;
                In($"text '{e.Value}' start", from, w); In($"text '{e.Value}' end", to, w); In("y", A("y"), h);
            }
        }
        // The legend's items, laid out left to right, end inside the chart.
        var last = Group(svg, "legend").Elements(Svg + "g").Last();
        double lastX = double.Parse(Regex.Match((string)last.Attribute("transform")!, @"translate\(([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        double lastEnd = lastX + 22 + last.Element(Svg + "text")!.Value.Length * CharW;
        if (lastEnd > w) problems.Add($"legend ends at {lastEnd}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
