namespace CircuitBreaker.Tests.Config;

public class SignatureSwitchesTests
{
    private static readonly DetectorContext Context = new(Registry());

    private static InstrumentRegistry Registry()
    {
        var registry = new InstrumentRegistry();
        registry.AddInstrument("BTC-PERP", InstrumentKind.Perpetual, 0.1, 0.001, underlying: "BTC");
        registry.GetOrAddAccount("a0");
        return registry;
    }

    [Fact]
    public void Keys_OnePerDefaultDetector_InTheOrderOfDefaultDetectors()
    {
        var all = DefaultDetectors.Create(Context);
        Assert.Equal(11, SignatureSwitches.Keys.Count);
        Assert.Equal(SignatureSwitches.Keys.Count, SignatureSwitches.Keys.Distinct().Count());
        Assert.Equal(all.Length, SignatureSwitches.Keys.Count);
        Assert.Equal(all.Select(d => d.GetType()), new SignatureSwitches().CreateDetectors(Context).Select(d => d.GetType()));
    }

    [Fact]
    public void With_EachKeyOff_TurnsOffExactlyItsOwnSwitchAndDetector()
    {
        var all = DefaultDetectors.Create(Context).Select(d => d.GetType()).ToArray();
        for (int k = 0; k < SignatureSwitches.Keys.Count; k++)
        {
            string key = SignatureSwitches.Keys[k];
            var off = new SignatureSwitches().With(key, false);
            Assert.False(off.IsEnabled(key));
            Assert.All(SignatureSwitches.Keys.Where(other => other != key), other => Assert.True(off.IsEnabled(other)));
            Assert.Equal(all.Where((_, i) => i != k), off.CreateDetectors(Context).Select(d => d.GetType()));
            Assert.Equal(new SignatureSwitches(), off.With(key, true));
        }
    }

    [Fact]
    public void IsEnabled_UnknownKey_FalseAndWithLeavesTheSwitchesUnchanged()
    {
        var s = new SignatureSwitches { Oracle = false };
        Assert.False(s.IsEnabled("volume_spik"));
        Assert.Same(s, s.With("volume_spik", false));
    }

    [Fact]
    public void Sensitivity_ScalesEveryDetectorsThresholdsTogether_DefaultKeepsTheDefaults()
    {
        foreach (var level in new[] { DetectionSensitivity.Conservative, DetectionSensitivity.Default, DetectionSensitivity.Aggressive })
        {
            var d = new SignatureSwitches { Sensitivity = level }.CreateDetectors(Context); // every scaled option set validates
            double f = level switch { DetectionSensitivity.Conservative => 1.5, DetectionSensitivity.Aggressive => 0.7, _ => 1 };
            Assert.Equal(11, d.Length);
            Assert.Equal(new VolumeSpikeOptions().WarningRatio * f, d.OfType<VolumeSpikeDetector>().Single().Options.WarningRatio, 9);
            Assert.Equal(new PriceVelocityOptions().WarningSigmas * f, d.OfType<PriceVelocityDetector>().Single().Options.WarningSigmas, 9);
            Assert.Equal(new OracleOptions().DeviationWarningBps * f, d.OfType<OracleDetector>().Single().Options.DeviationWarningBps, 9);
            Assert.Equal(new LiquidityCollapseOptions().SpreadWarningRatio * f, d.OfType<LiquidityCollapseDetector>().Single().Options.SpreadWarningRatio, 9);
            Assert.Equal(new MlAnomalyOptions().ThresholdSigmas * f, d.OfType<MlAnomalyDetector>().Single().Options.ThresholdSigmas, 9);
            Assert.Equal(new RunawayAlgorithmOptions().RateRatio * f, d.OfType<RunawayAlgorithmDetector>().Single().Options.RateRatio, 9);
            Assert.Equal(new QuoteStuffingOptions().RateRatio * f, d.OfType<QuoteStuffingDetector>().Single().Options.RateRatio, 9);
            Assert.Equal(new LossVelocityOptions().SwingRatio * f, d.OfType<LossVelocityDetector>().Single().Options.SwingRatio, 9);
            Assert.Equal(new LossVelocityOptions().MaterialDailyRangeFraction * f, d.OfType<LossVelocityDetector>().Single().Options.MaterialDailyRangeFraction, 9);
            Assert.Equal(new FlashLoanOptions().MoveBps * f, d.OfType<FlashLoanDetector>().Single().Options.MoveBps, 9);
            Assert.Equal(new DrainOptions().Ratio * f, d.OfType<DrainDetector>().Single().Options.Ratio, 9);
            Assert.Equal(new ProductRiskOptions().BarrierWarningPct / f, d.OfType<ProductRiskDetector>().Single().Options.BarrierWarningPct, 9);
            // Not scaled: staleness, windows, warm-ups.
            Assert.Equal(new OracleOptions().WarmupUpdates, d.OfType<OracleDetector>().Single().Options.WarmupUpdates);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new SignatureSwitches { Sensitivity = (DetectionSensitivity)9 }.CreateDetectors(Context));
    }

    [Theory]
    [InlineData("conservative", DetectionSensitivity.Conservative)]
    [InlineData("default", DetectionSensitivity.Default)]
    [InlineData("aggressive", DetectionSensitivity.Aggressive)]
    public void ConfigFile_Sensitivity_ReadAndWrittenBack(string name, DetectionSensitivity level)
    {
        var r = RiskConfigFile.Parse($$$"""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}],"signatures":{"oracle":false,"sensitivity":"{{{name}}}"}}""");
        Assert.True(r.Succeeded, string.Join("; ", r.Errors));
        Assert.Equal(level, r.Signatures.Sensitivity);
        Assert.False(r.Signatures.Oracle);
        var again = RiskConfigFile.Parse(RiskConfigFile.WriteToString(r.Config, r.PipelineOptions, r.Signatures));
        Assert.True(again.Succeeded, string.Join("; ", again.Errors));
        Assert.Equal(r.Signatures, again.Signatures);
    }

    [Fact]
    public void ConfigFile_UnknownSensitivity_ErrorWithPathAndTheValues()
    {
        var r = RiskConfigFile.Parse("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}],"signatures":{"sensitivity":"loud","drain":3}}""");
        Assert.False(r.Succeeded);
        var e = Assert.Single(r.Errors, x => x.ToString().Contains("sensitivity", StringComparison.Ordinal));
        Assert.Contains("$.signatures.sensitivity", e.ToString(), StringComparison.Ordinal);
        Assert.Contains("conservative", e.ToString(), StringComparison.Ordinal);
        Assert.Contains(r.Errors, x => x.ToString().Contains("$.signatures.drain", StringComparison.Ordinal)); // every error in one report
    }
}
