namespace CircuitBreaker.Tests.Detectors;

public sealed class EpisodeGateTests
{
    private const long S = 1_000_000_000;

    private static EpisodeGate Gate(long warmupObs = 0, long warmupNs = 0, long cooldownNs = 0)
        => new(armThreshold: 10, rearmThreshold: 5, warmupObs, warmupNs, cooldownNs);

    [Fact]
    public void Step_DuringWarmup_NoVerdictEvenAboveArm()
    {
        var g = Gate(warmupObs: 5, warmupNs: 10 * S);
        for (int k = 0; k < 10; k++) Assert.Equal(EpisodeStep.WarmingUp, g.Step(k * S / 2, 100)); // 10 obs, 4.5 s
        Assert.Equal(EpisodeStep.Opened, g.Step(10 * S, 100));
    }

    [Fact]
    public void Step_ThousandHighScores_OneOpened()
    {
        var g = Gate();
        int opened = 0;
        for (int k = 0; k < 1000; k++) if (g.Step(k, 50) == EpisodeStep.Opened) opened++;
        Assert.Equal(1, opened);
    }

    [Fact]
    public void Step_BetweenRearmAndArm_EpisodeStaysOpen()
    {
        var g = Gate();
        Assert.Equal(EpisodeStep.Opened, g.Step(1, 11));
        Assert.Equal(EpisodeStep.Ongoing, g.Step(2, 6));
        Assert.Equal(EpisodeStep.Ongoing, g.Step(3, 12));
        Assert.Equal(EpisodeStep.Closed, g.Step(4, 4.9));
        Assert.Equal(EpisodeStep.Opened, g.Step(5, 10));
    }

    [Fact]
    public void Step_WithinCooldown_NoNewEpisode()
    {
        var g = Gate(cooldownNs: 30 * S);
        Assert.Equal(EpisodeStep.Opened, g.Step(0, 20));
        Assert.Equal(EpisodeStep.Closed, g.Step(1 * S, 0));
        Assert.Equal(EpisodeStep.Quiet, g.Step(29 * S, 20));
        Assert.Equal(EpisodeStep.Opened, g.Step(30 * S, 20));
    }

    [Fact]
    public void Step_SevereLater_EscalatesOnce()
    {
        var g = Gate();
        Assert.Equal(EpisodeStep.Opened, g.Step(1, 11));
        Assert.Equal(EpisodeStep.Escalated, g.Step(2, 50, severe: true));
        Assert.Equal(EpisodeStep.Ongoing, g.Step(3, 80, severe: true));
        Assert.True(g.Escalated);
    }

    [Fact]
    public void Step_SevereAtOpening_NoSecondFinding()
    {
        var g = Gate();
        Assert.Equal(EpisodeStep.Opened, g.Step(1, 100, severe: true));
        Assert.Equal(EpisodeStep.Ongoing, g.Step(2, 100, severe: true));
    }

    [Fact]
    public void EpisodeStartNs_RunUpAboveRearm_IsFirstAnomalousTime()
    {
        var g = Gate();
        g.Step(1, 1);
        g.Step(2, 6);       // above re-arm: the run starts here
        g.Step(3, 8);
        Assert.Equal(EpisodeStep.Opened, g.Step(4, 10));
        Assert.Equal(2, g.EpisodeStartNs);
    }

    [Fact]
    public void Step_NaN_NeitherOpensNorCloses()
    {
        var g = Gate();
        Assert.Equal(EpisodeStep.Quiet, g.Step(1, double.NaN));
        g.Step(2, 20);
        Assert.Equal(EpisodeStep.Ongoing, g.Step(3, double.NaN));
        Assert.True(g.InEpisode);
    }

    [Fact]
    public void Constructor_BadArguments_AllReported()
    {
        var ex = Assert.Throws<ArgumentException>(() => new EpisodeGate(1, 2, -1, 0, -5));
        Assert.Contains("rearmThreshold", ex.Message);
        Assert.Contains("warmupObservations", ex.Message);
        Assert.Contains("cooldownNs", ex.Message);
    }
}
