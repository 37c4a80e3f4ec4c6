namespace CircuitBreaker.Tests.Incidents;

public sealed class CorroborationTests
{
    [Fact]
    public void Defaults_AreTwoOfNWithinFiveSecondsAndThreeWithinThirty()
    {
        var c = new Corroboration();
        Assert.Equal(2, c.DistinctSignatures);
        Assert.Equal(TimeSpan.FromSeconds(5), c.Window);
        Assert.Equal(3, c.PersistenceCount);
        Assert.Equal(TimeSpan.FromSeconds(30), c.PersistenceWindow);
        var e = new Escalation();
        Assert.Equal((3, TimeSpan.FromSeconds(60), 3, TimeSpan.FromSeconds(60)), (e.InstrumentHalts, e.GroupWindow, e.AccountHalts, e.GlobalWindow));
        var r = new RecoveryOptions();
        Assert.Equal((TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60), 0.5, Severity.Critical), (r.Cooldown, r.Probation, r.ReducedLimitsScale, r.AckSeverity));
    }

    [Fact]
    public void OnFinding_OneSoftWarning_DoesNotAct()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp, Severity.Warning);
        Assert.Equal(TradingState.Active, f.State(Scope.Instrument, f.Perp));
        var finding = Assert.Single(f.Timeline(f.Desk.LastIncidentId), e => e.Kind == TimelineEntryKind.Finding);
        Assert.Equal(ActionOutcome.NotCorroborated, finding.Outcome);
    }

    [Fact]
    public void OnFinding_TwoDistinctSignaturesWithinWindow_Act()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp, Severity.Warning);
        f.Pass(3);
        f.Raise(Signature.PriceVelocity, Scope.Instrument, f.Perp, Severity.Warning);

        Assert.Equal(TradingState.Halted, f.State(Scope.Instrument, f.Perp));
        var findings = f.Timeline(f.Desk.LastIncidentId).Where(e => e.Kind == TimelineEntryKind.Finding).ToArray();
        Assert.Equal([ActionOutcome.NotCorroborated, ActionOutcome.Acted], findings.Select(e => e.Outcome).ToArray());
    }

    [Fact]
    public void OnFinding_TwoDistinctSignaturesBeyondWindow_DoNotAct()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp, Severity.Warning);
        f.Pass(6);
        f.Raise(Signature.PriceVelocity, Scope.Instrument, f.Perp, Severity.Warning);
        Assert.Equal(TradingState.Active, f.State(Scope.Instrument, f.Perp));
    }

    [Fact]
    public void OnFinding_TwoSignaturesOnDifferentTargets_DoNotAct()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp, Severity.Warning);
        f.Raise(Signature.PriceVelocity, Scope.Instrument, f.Fut, Severity.Warning);
        Assert.Equal(TradingState.Active, f.State(Scope.Instrument, f.Perp));
        Assert.Equal(TradingState.Active, f.State(Scope.Instrument, f.Fut));
    }

    [Fact]
    public void OnFinding_SameSignaturePersistsThreeTimes_Acts()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.LiquidityCollapse, Scope.Instrument, f.Perp, Severity.Warning);
        f.Pass(10);
        f.Raise(Signature.LiquidityCollapse, Scope.Instrument, f.Perp, Severity.Warning);
        Assert.Equal(TradingState.Active, f.State(Scope.Instrument, f.Perp));
        f.Pass(10);
        f.Raise(Signature.LiquidityCollapse, Scope.Instrument, f.Perp, Severity.Warning);
        Assert.Equal(TradingState.Halted, f.State(Scope.Instrument, f.Perp));
    }

    [Fact]
    public void OnFinding_SameSignatureSpreadBeyondPersistenceWindow_DoesNotAct()
    {
        using var f = new IncidentFixture();
        for (int k = 0; k < 3; k++)
        {
            f.Raise(Signature.LiquidityCollapse, Scope.Instrument, f.Perp, Severity.Warning);
            f.Pass(20);
        }
        Assert.Equal(TradingState.Active, f.State(Scope.Instrument, f.Perp));
    }

    [Fact]
    public void OnFinding_CriticalMlAlone_NeverActs()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.MlAnomaly, Scope.Instrument, f.Perp, Severity.Critical);
        f.Raise(Signature.MlAnomaly, Scope.Instrument, f.Perp, Severity.Critical);
        f.Raise(Signature.MlAnomaly, Scope.Instrument, f.Perp, Severity.Critical);

        Assert.Equal(TradingState.Active, f.State(Scope.Instrument, f.Perp));
        Assert.All(f.Actions.Calls, c => Assert.Equal(IncidentActionKind.Alert, c.Action));
    }

    [Fact]
    public void OnFinding_MlCorroboratedBySoftSignature_Acts()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.MlAnomaly, Scope.Instrument, f.Perp, Severity.Critical);
        f.Pass(1);
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp, Severity.Warning);
        Assert.Equal(TradingState.Halted, f.State(Scope.Instrument, f.Perp));
    }

    [Fact]
    public void OnFinding_ConfiguredThreeOfN_TwoDoNotAct()
    {
        using var f = new IncidentFixture(options: IncidentFixture.Small(new Corroboration { DistinctSignatures = 3 }));
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp, Severity.Warning);
        f.Raise(Signature.PriceVelocity, Scope.Instrument, f.Perp, Severity.Warning);
        Assert.Equal(TradingState.Active, f.State(Scope.Instrument, f.Perp));
        f.Raise(Signature.LiquidityCollapse, Scope.Instrument, f.Perp, Severity.Warning);
        Assert.Equal(TradingState.Halted, f.State(Scope.Instrument, f.Perp));
    }

    [Fact]
    public void IncidentOptions_Invalid_ListsEveryProblem()
    {
        var options = new IncidentOptions
        {
            IncidentCapacity = 0,
            Corroboration = new Corroboration { DistinctSignatures = 1 },
            Recovery = new RecoveryOptions { ReducedLimitsScale = 2 },
        };
        var errors = options.Validate();
        Assert.Equal(3, errors.Count);
        var ex = Assert.Throws<ArgumentException>(() => new IncidentDesk(new InstrumentRegistry(), new StateBoard(1, 1, 1), options: options));
        Assert.Contains("incident_capacity", ex.Message);
        Assert.Contains("distinct_signatures", ex.Message);
        Assert.Contains("reduced_limits_scale", ex.Message);
    }
}
