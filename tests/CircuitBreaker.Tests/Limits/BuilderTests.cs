namespace CircuitBreaker.Tests.Limits;

public class BuilderTests
{
    [Fact]
    public void BuildConfigAndBuildBreaker_SayWhatTheyBuild_BuildIsBuildConfig()
    {
        CircuitBreakerBuilder Builder() => new CircuitBreakerBuilder()
            .Instrument("BTC-PERP", InstrumentKind.Perpetual, 0.1, 0.001, limits: new InstrumentLimits { MaxLongPosition = 5 })
            .Account("mm-1").Version(3);
        RiskConfig config = Builder().BuildConfig();
        RiskConfig same = Builder().BuildConfig();
        Assert.Equal((config.Version, config.Instruments.Length, config.AccountCapacity), (same.Version, same.Instruments.Length, same.AccountCapacity));
        using Breaker breaker = Builder().BuildBreaker();
        Assert.Equal(3, breaker.Config.Version);
        Assert.True(breaker.Registry.TryGetInstrument("BTC-PERP", out _));
        Assert.Throws<RiskConfigException>(() => new CircuitBreakerBuilder().BuildBreaker());
    }

    [Fact]
    public void Build_InvalidLimits_OneExceptionListsEveryProblem()
    {
        var b = new CircuitBreakerBuilder()
            .Instrument("BTC-PERP", InstrumentKind.Perpetual, 0.1, 0.001, limits: new InstrumentLimits
            {
                MinOrderQuantity = 5, MaxOrderQuantity = 1, CollarBps = 0, MaxOrderNotional = double.NaN, MaxLongPosition = -1,
            })
            .Instrument("BAD", InstrumentKind.Spot, tick: -1, lot: 0)
            .Limits("NOPE", new InstrumentLimits())
            .Account("a", new AccountLimits { MaxDailyLoss = double.PositiveInfinity });
        var ex = Assert.Throws<RiskConfigException>(() => b.BuildConfig());
        Assert.Contains(ex.Errors, e => e.Contains("min order quantity 5 > max order quantity 1"));
        Assert.Contains(ex.Errors, e => e.Contains("collar"));
        Assert.Contains(ex.Errors, e => e.Contains("max order notional"));
        Assert.Contains(ex.Errors, e => e.Contains("max long position"));
        Assert.Contains(ex.Errors, e => e.Contains("tick must be finite"));
        Assert.Contains(ex.Errors, e => e.Contains("lot must be finite"));
        Assert.Contains(ex.Errors, e => e.Contains("unknown symbol 'NOPE'"));
        Assert.Contains(ex.Errors, e => e.Contains("max daily loss"));
        Assert.True(ex.Errors.Count >= 8);
        foreach (var e in ex.Errors) Assert.Contains(e, ex.Message);
    }

    [Fact]
    public void Build_DuplicateDeclarations_EachReportedInTheOneException_NoneSilentlyWins()
    {
        var b = new CircuitBreakerBuilder()
            .Instrument("X", InstrumentKind.Spot, 0.01, 1, underlying: "U", limits: new InstrumentLimits { MaxLongPosition = 5 })
            .Instrument("X", InstrumentKind.Spot, 0.01, 1)
            .Limits("X", new InstrumentLimits { MaxLongPosition = 500 })
            .Instrument("Y", InstrumentKind.Spot, 0.01, 1)
            .Limits("Y", new InstrumentLimits { MaxLongPosition = 1 })
            .Limits("Y", new InstrumentLimits { MaxLongPosition = 2 })
            .Account("a", new AccountLimits { MaxDailyLoss = 1_000 })
            .Account("a", new AccountLimits { MaxDailyLoss = 1_000_000 })
            .Account("b").Account("b")
            .Group("U", new GroupLimits { MaxOpenOrders = 10 })
            .Group("U", new GroupLimits { MaxOpenOrders = 10_000 })
            .Account("c", new AccountLimits { MaxDailyLoss = -1 }); // an ordinary problem is still listed with them
        var ex = Assert.Throws<RiskConfigException>(() => b.BuildConfig());
        Assert.Equal(
        [
            "instrument 'X': symbol 'X' is already registered",
            "duplicate limits for symbol 'X'",
            "duplicate limits for symbol 'Y'",
            "duplicate account 'a'",
            "duplicate account 'b'",
            "duplicate limits for group 'U'",
        ], ex.Errors.Take(6));
        Assert.Contains(ex.Errors, e => e == "c: max daily loss must be finite and > 0 (was -1)");
        Assert.Equal(7, ex.Errors.Count);
        Assert.Contains("duplicate account 'a'", ex.Message);
    }

    [Fact]
    public void Build_LimitsForAnInstrumentDeclaredWithout_AndEachNameOnce_Accepted()
    {
        var config = new CircuitBreakerBuilder()
            .Limits("X", new InstrumentLimits { MaxLongPosition = 7 }) // before the declaration, as documented
            .Instrument("X", InstrumentKind.Spot, 0.01, 1, underlying: "U")
            .Instrument("Y", InstrumentKind.Spot, 0.01, 1)
            .Limits("Y", new InstrumentLimits { MaxLongPosition = 3 })
            .Account("a", new AccountLimits { MaxDailyLoss = 1_000 }).Account("b")
            .Group("U", new GroupLimits { MaxOpenOrders = 10 })
            .BuildConfig();
        Assert.True(config.Registry.TryGetInstrument("X", out var x));
        Assert.True(config.Registry.TryGetInstrument("Y", out var y));
        Assert.Equal(7, config.InstrumentLimits[x.Value].MaxLongPosition);
        Assert.Equal(3, config.InstrumentLimits[y.Value].MaxLongPosition);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(CircuitBreakerBuilder.MaxOrderCapacity + 1)]
    [InlineData(int.MaxValue)]
    public void Build_OrderCapacityOutsideItsRange_RefusedBeforeAnythingIsAllocated(int orders)
    {
        var b = new CircuitBreakerBuilder().Instrument("X", InstrumentKind.Spot, 0.01, 1).Capacity(orders: orders);
        var ex = Assert.Throws<RiskConfigException>(() => b.BuildConfig());
        Assert.Contains(ex.Errors, e => e.Contains("order capacity must be between 1 and 4194304"));
    }

    [Fact]
    public void Build_LargestOrderCapacity_Accepted()
        => Assert.Equal(CircuitBreakerBuilder.MaxOrderCapacity, new CircuitBreakerBuilder().Instrument("X", InstrumentKind.Spot, 0.01, 1)
            .Capacity(orders: CircuitBreakerBuilder.MaxOrderCapacity).BuildConfig().OrderCapacity);

    [Fact]
    public void Build_Defaults_AreDocumentedValues()
    {
        var cfg = new CircuitBreakerBuilder().Instrument("X", InstrumentKind.Spot, 0.01, 1).BuildConfig();
        var r = cfg.Instruments[0];
        Assert.Equal(RiskDefaults.CollarBps, r.CollarBps);
        Assert.Equal(RiskDefaults.FatFingerMultiple, r.FatFingerMultiple);
        Assert.Equal(MissingReferencePolicy.Reject, r.MissingReference);
        Assert.Equal(RiskDefaults.InstrumentOrdersPerWindow, r.OrdersPerWindow);
        Assert.Equal(1_000_000_000, cfg.RateWindowNs);
    }

    [Fact]
    public void Instrument_GroupDefaultsToUnderlying()
    {
        var b = new CircuitBreakerBuilder()
            .Instrument("BTC-PERP", InstrumentKind.Perpetual, 0.1, 0.001, underlying: "BTC")
            .Instrument("BTC-28MAR", InstrumentKind.Future, 0.5, 0.001, underlying: "BTC")
            .Instrument("ETH-PERP", InstrumentKind.Perpetual, 0.01, 0.01, underlying: "ETH");
        var reg = b.BuildConfig().Registry;
        Assert.Equal(reg.Instruments[0].Group, reg.Instruments[1].Group);
        Assert.NotEqual(reg.Instruments[0].Group, reg.Instruments[2].Group);
        Assert.Equal("BTC", reg.Instruments[0].GroupName);
    }

    [Fact]
    public void SwapConfig_NewLimitsApplyToNextCheck()
    {
        var f = new GateFixture(new InstrumentLimits { MaxOrderQuantity = 1, FatFingerMultiple = 1e9 });
        Assert.Equal(RejectReason.MaxOrderQuantity, f.Send(Side.Buy, 64000.0, 2).Reason);
        var next = f.Breaker.Config.WithInstrumentLimits(f.Btc, new InstrumentLimits { MaxOrderQuantity = 5, FatFingerMultiple = 1e9 });
        f.Breaker.Gate.SwapConfig(next);
        Assert.True(f.Send(Side.Buy, 64000.0, 2).IsAccepted);
        Assert.Equal(2, next.Version);
    }
}
