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
}
