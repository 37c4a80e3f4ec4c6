namespace CircuitBreaker.Tests.Detectors;

public sealed class PriceVelocityLongWindowTests
{
    private const long S = 1_000_000_000;

    /// <summary>120 s of a quiet market (quotes every 100 ms), then <paramref name="stepPct"/> % per second for 120 s.</summary>
    private static List<Finding> Run(double stepPct, PriceVelocityOptions? o = null)
    {
        var reg = new InstrumentRegistry();
        var id = reg.AddInstrument("X-PERP", InstrumentKind.Perpetual, 0.0001, 1);
        var d = new PriceVelocityDetector(new DetectorContext(reg), o);
        var sink = new RecordingSink();
        var rnd = new Random(3);
        double mid = 10;
        for (long t = 0; t < 240 * S; t += S / 10)
        {
            if (t >= 120 * S && t % S == 0) mid *= 1 + stepPct / 100;
            double px = mid * (1 + (rnd.NextDouble() - 0.5) * 2e-4);
            d.Observe(RiskEvent.Quote(t, id, px - 0.001, px + 0.001), sink);
        }
        return [.. sink.Findings];
    }

    [Fact]
    public void Observe_SlowPumpHalfPercentPerSecond_CriticalWithinAMinute()
    {
        var f = Assert.Single(Run(0.54), f => f.Severity == Severity.Critical);
        Assert.InRange(f.TimeNs - 120 * S, 1, 60 * S);
    }

    [Fact]
    public void Observe_TrendOfOnePercentAMinute_RaisesNothing() => Assert.Empty(Run(1.0 / 60));

    [Fact]
    public void Observe_SlowPumpLongWindowOff_RaisesNothing() => Assert.Empty(Run(0.54, new PriceVelocityOptions { LongWindow = TimeSpan.Zero }));
}
