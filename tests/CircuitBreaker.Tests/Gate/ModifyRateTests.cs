namespace CircuitBreaker.Tests.Gate;

/// <summary>The modify (replace) rate, apart from the new-order rate (issue 20): at the limit passes, one more fails
/// with its scope and figures, a refused replace gives its units back, new orders do not count, and the window frees
/// after one window of event time at any origin. Run in all three concurrency modes (ModifyRateTests*).</summary>
public class ModifyRateTests
{
    private const long Second = 1_000_000_000;

    public static TheoryData<long> Origins => TimeOrigins.Rows(100 * Second);

    [Theory, MemberData(nameof(Origins))]
    public void InstrumentModifyRate_AtLimitPasses_OneMoreFails_FreesAfterTheWindow(long origin)
    {
        var f = new GateFixture(new InstrumentLimits { MaxModifiesPerWindow = 3, FatFingerMultiple = 1e9 }, origin: origin);
        long t = f.Now + 1;
        for (int i = 0; i < 5; i++) Assert.True(f.Send(Side.Buy, 64000.0, 0.01, time: t).IsAccepted); // new orders do not count
        long id = f.LastId;
        for (int k = 0; k < 3; k++) Assert.True(Replace(f, id, 0.02 + k * 0.001, t).IsAccepted);
        var over = Replace(f, id, 0.03, t);
        Assert.Equal(Decision.Reject(RejectReason.ModifyRate), over);
        Assert.Equal((3.0, 4.0), (over.Limit, over.Observed));
        Assert.True(f.Send(Side.Buy, 64000.0, 0.01, time: t).IsAccepted); // the new-order rate is separate
        Assert.True(Replace(f, id, 0.03, t + 2 * Second).IsAccepted);     // a window later (default window 1 s)
    }

    [Fact]
    public void AccountModifyRate_FiresWithAccountScope_AndARefusedReplaceGivesItsUnitBack()
    {
        var f = new GateFixture(new InstrumentLimits { FatFingerMultiple = 1e9, MaxLongPosition = 1 }, account: new AccountLimits { MaxModifiesPerWindow = 2 });
        long t = f.Now + 1;
        Assert.True(f.Send(Side.Buy, 64000.0, 0.5, time: t).IsAccepted);
        long id = f.LastId;
        Assert.Equal(RejectReason.MaxPosition, Replace(f, id, 1.5, t).Reason); // refused later: its modify unit is given back
        Assert.True(Replace(f, id, 0.6, t).IsAccepted);
        Assert.True(Replace(f, id, 0.7, t).IsAccepted);
        var over = Replace(f, id, 0.8, t);
        Assert.Equal(Decision.Reject(RejectReason.ModifyRate, Scope.Account), over);
        Assert.Equal(2, over.Limit);
        Assert.True(f.Cancel(id).IsAccepted); // cancels are never refused
    }

    [Fact]
    public void ModifyLimit_OutOfRange_IsAConfigError_WithEveryProblem()
    {
        var ex = Assert.Throws<RiskConfigException>(() => new CircuitBreakerBuilder()
            .Instrument("X", InstrumentKind.Spot, 0.1, 1, limits: new InstrumentLimits { MaxModifiesPerWindow = 0 })
            .Account("a", new AccountLimits { MaxModifiesPerWindow = int.MaxValue }).BuildConfig());
        Assert.Contains(ex.Errors, e => e.StartsWith("X: max modifies per window must be in 1..", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("a: max modifies per window must be in 1..", StringComparison.Ordinal));
    }

    private static Decision Replace(GateFixture f, long id, double qty, long t)
    {
        var o = new OrderRequest(t, f.Btc, f.Mm, id, Side.Buy, 64000.0, qty, OrderAction.Replace);
        return f.Breaker.Check(in o);
    }
}

public class ModifyRateTestsSingleWriter : ModifyRateTests
{
    public ModifyRateTestsSingleWriter() => GateFixture.AmbientConcurrency = GateConcurrency.SingleWriter;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsSingleWriter() => Assert.Equal(GateConcurrency.SingleWriter, new GateFixture().Breaker.Gate.Concurrency);
}

public class ModifyRateTestsAccountOwned : ModifyRateTests
{
    public ModifyRateTestsAccountOwned() => GateFixture.AmbientConcurrency = GateConcurrency.AccountOwned;

    [Fact]
    public void ModeGuard_FixtureBuiltInThisClass_IsAccountOwned() => Assert.Equal(GateConcurrency.AccountOwned, new GateFixture().Breaker.Gate.Concurrency);
}
