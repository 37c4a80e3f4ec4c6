namespace CircuitBreaker.Tests.Incidents;

/// <summary>
/// Issue 19 item 4: findings on an instrument, its group and the accounts trading it within the corroboration window are
/// one episode and corroborate each other; unrelated targets (an account that did not trade the instrument, or stopped
/// trading it more than the episode trading window ago, a sibling instrument) do not. At several time origins.
/// </summary>
public sealed class EpisodeCorroborationTests
{
    public static TheoryData<long> Origins() => [0, 1_800_000_000_000_000_000, (1L << 62) - 123_456_789];

    private static void Fill(IncidentFixture f, int account, int instrument)
    {
        var e = RiskEvent.Fill(f.Now, new InstrumentId(instrument), new AccountId(account), 1, Side.Buy, 64000, 0.1);
        f.Desk.OnEvent(in e);
    }

    [Theory]
    [MemberData(nameof(Origins))]
    public void InstrumentWarning_ThenLossOnAnAccountTradingIt_AccountActs(long origin)
    {
        using var f = new IncidentFixture(origin: origin);
        Fill(f, f.Account[0], f.Perp);
        f.Pass(1);
        f.Raise(Signature.LiquidityCollapse, Scope.Instrument, f.Perp, Severity.Warning);
        f.Pass(1);
        f.Raise(Signature.LossVelocity, Scope.Account, f.Account[0], Severity.Warning);
        Assert.Equal(TradingState.ReduceOnly, f.State(Scope.Account, f.Account[0]));
        Assert.Equal(TradingState.Active, f.State(Scope.Instrument, f.Perp));
    }

    [Theory]
    [MemberData(nameof(Origins))]
    public void InstrumentWarning_ThenLossOnAnAccountNotTradingIt_DoesNotAct(long origin)
    {
        using var f = new IncidentFixture(origin: origin);
        Fill(f, f.Account[0], f.Perp);
        Fill(f, f.Account[1], f.Eth);
        f.Pass(1);
        f.Raise(Signature.LiquidityCollapse, Scope.Instrument, f.Perp, Severity.Warning);
        f.Pass(1);
        f.Raise(Signature.LossVelocity, Scope.Account, f.Account[1], Severity.Warning);
        f.Raise(Signature.LossVelocity, Scope.Account, f.Account[2], Severity.Warning);
        Assert.Equal(TradingState.Active, f.State(Scope.Account, f.Account[1]));
        Assert.Equal(TradingState.Active, f.State(Scope.Account, f.Account[2]));
    }

    [Fact]
    public void AccountTradedTheInstrumentBeyondTheTradingWindow_IsNotInTheEpisode()
    {
        using var f = new IncidentFixture();
        Fill(f, f.Account[0], f.Perp);
        f.Pass(61);
        f.Raise(Signature.LiquidityCollapse, Scope.Instrument, f.Perp, Severity.Warning);
        f.Raise(Signature.LossVelocity, Scope.Account, f.Account[0], Severity.Warning);
        Assert.Equal(TradingState.Active, f.State(Scope.Account, f.Account[0]));

        using var g = new IncidentFixture();
        Fill(g, g.Account[0], g.Perp);
        g.Pass(59);
        g.Raise(Signature.LiquidityCollapse, Scope.Instrument, g.Perp, Severity.Warning);
        g.Raise(Signature.LossVelocity, Scope.Account, g.Account[0], Severity.Warning);
        Assert.Equal(TradingState.ReduceOnly, g.State(Scope.Account, g.Account[0]));
    }

    [Fact]
    public void AccountWarning_ThenInstrumentWarningItTrades_InstrumentActs()
    {
        using var f = new IncidentFixture();
        Fill(f, f.Account[0], f.Perp);
        f.Raise(Signature.LossVelocity, Scope.Account, f.Account[0], Severity.Warning);
        f.Pass(2);
        f.Raise(Signature.PriceVelocity, Scope.Instrument, f.Perp, Severity.Warning);
        Assert.Equal(TradingState.Halted, f.State(Scope.Instrument, f.Perp));
        Assert.Equal(TradingState.Active, f.State(Scope.Account, f.Account[0]));
    }

    [Fact]
    public void InstrumentWarning_ThenGroupWarning_GroupActs_OtherGroupDoesNot()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.LiquidityCollapse, Scope.Instrument, f.Perp, Severity.Warning);
        f.Pass(1);
        f.Raise(Signature.LossVelocity, Scope.Group, f.EthGroup, Severity.Warning);
        Assert.Equal(TradingState.Active, f.State(Scope.Group, f.EthGroup));
        f.Raise(Signature.LossVelocity, Scope.Group, f.BtcGroup, Severity.Warning);
        Assert.Equal(TradingState.ReduceOnly, f.State(Scope.Group, f.BtcGroup));
    }

    [Fact]
    public void GroupWarning_ThenLossOnAnAccountTradingInTheGroup_AccountActs()
    {
        using var f = new IncidentFixture();
        Fill(f, f.Account[0], f.Fut);
        f.Raise(Signature.PriceVelocity, Scope.Group, f.BtcGroup, Severity.Warning);
        f.Pass(1);
        f.Raise(Signature.LossVelocity, Scope.Account, f.Account[0], Severity.Warning);
        Assert.Equal(TradingState.ReduceOnly, f.State(Scope.Account, f.Account[0]));
    }

    [Fact]
    public void SameSignatureOnRelatedTargets_IsOneVote_DoesNotAct()
    {
        using var f = new IncidentFixture();
        Fill(f, f.Account[0], f.Perp);
        f.Raise(Signature.LossVelocity, Scope.Group, f.BtcGroup, Severity.Warning);
        f.Raise(Signature.LossVelocity, Scope.Account, f.Account[0], Severity.Warning);
        Assert.Equal(TradingState.Active, f.State(Scope.Account, f.Account[0]));
        Assert.Equal(TradingState.Active, f.State(Scope.Group, f.BtcGroup));
    }

    [Fact]
    public void MlAnomalyAlone_OnAnEpisode_DoesNotAct_WithAnotherSignatureActs()
    {
        using var f = new IncidentFixture();
        Fill(f, f.Account[0], f.Perp);
        f.Raise(Signature.MlAnomaly, Scope.Instrument, f.Perp, Severity.Warning);
        f.Raise(Signature.MlAnomaly, Scope.Instrument, f.Perp, Severity.Warning);
        Assert.Equal(TradingState.Active, f.State(Scope.Instrument, f.Perp));
        f.Raise(Signature.LossVelocity, Scope.Account, f.Account[0], Severity.Warning);
        Assert.Equal(TradingState.ReduceOnly, f.State(Scope.Account, f.Account[0]));
    }

    [Fact]
    public void EpisodeTradingWindow_Invalid_Rejected()
    {
        var errors = IncidentFixture.Small(new Corroboration { EpisodeTradingWindow = TimeSpan.Zero }).Validate();
        Assert.Contains(errors, e => e.Contains("episode_trading_window"));
    }
}
