namespace CircuitBreaker.Tests.Incidents;

/// <summary>
/// Issue 19 item 5, one case per signature: a playbook that would restrict everything (reduce-only on global) for the
/// signature restricts, on one uncorroborated Critical finding, at most the narrowest scope its evidence supports (an
/// instrument or account its own; an oracle or flash-loan finding its instrument's group; a group Critical its group);
/// the same finding corroborated by a second signature on its episode acts as wide as the playbook says (the control).
/// </summary>
public sealed class SeverityDisciplineTests
{
    public static TheoryData<Signature, Scope, Scope?> Cases() => new()
    {
        { Signature.VolumeSpike, Scope.Instrument, Scope.Instrument },
        { Signature.PriceVelocity, Scope.Instrument, Scope.Instrument },
        { Signature.LiquidityCollapse, Scope.Instrument, Scope.Instrument },
        { Signature.BarrierProximity, Scope.Instrument, Scope.Instrument },
        { Signature.OracleDeviation, Scope.Instrument, Scope.Group },
        { Signature.OracleJump, Scope.Instrument, Scope.Group },
        { Signature.OracleCrossSource, Scope.Instrument, Scope.Group },
        { Signature.OracleStale, Scope.Instrument, Scope.Group },
        { Signature.FlashLoan, Scope.Instrument, Scope.Group },
        { Signature.FlashLoan, Scope.Account, Scope.Account },
        { Signature.RunawayAlgorithm, Scope.Account, Scope.Account },
        { Signature.QuoteStuffing, Scope.Account, Scope.Account },
        { Signature.Drain, Scope.Account, Scope.Account },
        { Signature.LossVelocity, Scope.Account, Scope.Account },
        { Signature.LossVelocity, Scope.Group, Scope.Group },
        { Signature.GreeksLimit, Scope.Group, Scope.Group },
        { Signature.SwapExposure, Scope.Group, Scope.Group },
        { Signature.MlAnomaly, Scope.Instrument, null },
    };

    private static Playbook Everything(Signature s) => new([
        new PlaybookRule
        {
            Name = "restrict everything", MinSeverity = Severity.Critical, Signatures = [s],
            Actions = [new PlaybookAction(IncidentActionKind.ReduceOnly, ActionScope.Global), new PlaybookAction(IncidentActionKind.Alert)],
        },
        new PlaybookRule
        {
            Name = "any other", MinSeverity = Severity.Critical,
            Actions = [new PlaybookAction(IncidentActionKind.ReduceOnly, ActionScope.Global), new PlaybookAction(IncidentActionKind.Alert)],
        },
    ]);

    private static int Target(IncidentFixture f, Scope scope) => scope switch
    {
        Scope.Instrument => f.Perp, Scope.Group => f.BtcGroup, _ => f.Account[0],
    };

    private static TradingState StateAt(IncidentFixture f, Scope scope) => scope switch
    {
        Scope.Instrument => f.State(Scope.Instrument, f.Perp),
        Scope.Group => f.State(Scope.Group, f.BtcGroup),
        Scope.Account => f.State(Scope.Account, f.Account[0]),
        _ => f.State(Scope.Global, -1),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void LoneCritical_RestrictsAtMostItsEvidenceScope(Signature signature, Scope scope, Scope? evidence)
    {
        using var f = new IncidentFixture(Everything(signature));
        f.Raise(signature, scope, Target(f, scope), Severity.Critical);

        Assert.Equal(TradingState.Active, f.State(Scope.Global, -1));
        Assert.Equal(TradingState.Active, f.State(Scope.Group, f.EthGroup));
        foreach (var s in new[] { Scope.Instrument, Scope.Group, Scope.Account })
        {
            var expected = s == evidence ? TradingState.ReduceOnly : TradingState.Active;
            Assert.True(expected == StateAt(f, s), $"{signature} on {scope}: {s} is {StateAt(f, s)}, expected {expected}");
        }
        // It still alerts (alerts are never narrowed), except ML, which never acts alone.
        Assert.Equal(evidence is null ? 0 : 1, f.Actions.Calls.Count(c => c.Action == IncidentActionKind.Alert));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Corroborated_ActsAsWideAsThePlaybook(Signature signature, Scope scope, Scope? evidence)
    {
        _ = evidence;
        using var f = new IncidentFixture(Everything(signature));
        var other = signature == Signature.VolumeSpike ? Signature.LiquidityCollapse : Signature.VolumeSpike;
        f.Raise(other, scope, Target(f, scope), Severity.Warning);
        f.Pass(1);
        f.Raise(signature, scope, Target(f, scope), Severity.Critical);
        Assert.Equal(TradingState.ReduceOnly, f.State(Scope.Global, -1));
    }

    [Fact]
    public void PersistentGroupWarning_OneAccountsNoise_NeverRestrictsTheGroup()
    {
        using var f = new IncidentFixture();
        for (int k = 0; k < 4; k++) { f.Raise(Signature.LossVelocity, Scope.Group, f.BtcGroup, Severity.Warning); f.Pass(5); }
        Assert.Equal(TradingState.Active, f.State(Scope.Group, f.BtcGroup));
        Assert.True(f.Actions.Count(IncidentActionKind.Alert, Scope.Group, f.BtcGroup) >= 1);

        // Control: a persistent account warning restricts the account (its own evidence).
        using var g = new IncidentFixture();
        for (int k = 0; k < 3; k++) { g.Raise(Signature.LossVelocity, Scope.Account, g.Account[0], Severity.Warning); g.Pass(5); }
        Assert.Equal(TradingState.ReduceOnly, g.State(Scope.Account, g.Account[0]));
    }

    [Fact]
    public void DefaultPlaybook_LonePriceVelocityCritical_HaltsTheInstrumentOnly()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.PriceVelocity, Scope.Instrument, f.Perp, Severity.Critical);
        Assert.Equal(TradingState.Halted, f.State(Scope.Instrument, f.Perp));
        Assert.Equal(TradingState.Active, f.State(Scope.Group, f.BtcGroup));
    }

    [Fact]
    public void Escalation_OneInstrumentHaltedRepeatedly_IsNotGroupEvidence_TwoInstrumentsAre()
    {
        using var f = new IncidentFixture();
        for (int k = 0; k < 3; k++)
        {
            f.Raise(Signature.PriceVelocity, Scope.Instrument, f.Perp, Severity.Critical);
            Assert.Equal(TradingState.Halted, f.State(Scope.Instrument, f.Perp));
            f.Board.TrySet(Scope.Instrument, f.Perp, TradingState.Active, f.Now, TripCause.Manual, RejectReason.None);
            f.Pass(5);
        }
        Assert.Equal(TradingState.Active, f.State(Scope.Group, f.BtcGroup));

        using var g = new IncidentFixture();
        g.Raise(Signature.PriceVelocity, Scope.Instrument, g.Perp, Severity.Critical);
        g.Board.TrySet(Scope.Instrument, g.Perp, TradingState.Active, g.Now, TripCause.Manual, RejectReason.None);
        g.Pass(5);
        g.Raise(Signature.PriceVelocity, Scope.Instrument, g.Perp, Severity.Critical);
        g.Pass(5);
        g.Raise(Signature.PriceVelocity, Scope.Instrument, g.Fut, Severity.Critical);
        Assert.Equal(TradingState.Halted, g.State(Scope.Group, g.BtcGroup));
    }
}
