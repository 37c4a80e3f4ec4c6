using SampleEngine;

namespace CircuitBreaker.Tests.Samples;

/// <summary>One run of the sample engine (host, appsettings.json, pipeline thread), shared by the tests that read it.</summary>
public sealed class SampleEngineRun
{
    public SampleEngineRun()
    {
        var text = new StringWriter();
        Report = new EngineSession().Run(text);
        Output = text.ToString();
    }

    public SessionReport Report { get; }
    public string Output { get; }
}

public class SampleEngineTests(SampleEngineRun run) : IClassFixture<SampleEngineRun>
{
    private SessionReport R => run.Report;

    [Fact]
    public void Run_RunawayStrategy_DetectedByTheRunawaySignatureAndAccountHalted()
    {
        Assert.Equal(Signature.RunawayAlgorithm, R.DetectedBy);
        Assert.True(R.DetectedNs >= R.RunawayStartedNs, $"detected at {R.DetectedNs}, runaway started at {R.RunawayStartedNs}");
        Assert.True(R.AccountHaltedNs >= R.DetectedNs);
        Assert.True(R.AccountHaltedNs - R.RunawayStartedNs < 1_000_000_000, $"halted {R.AccountHaltedNs - R.RunawayStartedNs} ns after the runaway started");
        var halt = R.Transitions.First(t => t.Scope == Scope.Account && t.State == TradingState.Halted);
        Assert.Equal(TripCause.Signature, halt.Cause);
        Assert.Equal(Signature.RunawayAlgorithm, halt.Signature);
        Assert.Contains("STATE    Account mm-1 Active -> Halted (Signature: RunawayAlgorithm)", run.Output);
    }

    [Fact]
    public void Run_RunawayStrategy_ContainedByCancelAllIsolationAndRejections()
    {
        Assert.True(R.Contained);
        Assert.True(R.CancelAllRequests >= 1);
        Assert.Contains(IncidentActionKind.IsolateSession, R.Actions);
        Assert.Contains(IncidentActionKind.NotifyExchange, R.Actions);
        // The broken build kept sending for 10 s (100 orders a second); the gate let through less than a second of it.
        Assert.InRange(R.RunawayOrdersAccepted, 1, 99);
        Assert.True(R.RejectedWhileHalted.GetValueOrDefault(RejectReason.Halted) >= 900,
            $"rejected while halted: {string.Join(", ", R.RejectedWhileHalted)}");
    }

    [Fact]
    public void Run_AfterContainment_RecoversThroughAckProbationAndReducedLimits()
    {
        Assert.True(R.AcknowledgedNs >= R.AwaitingAckNs && R.AwaitingAckNs > R.AccountHaltedNs);
        Assert.True(R.ProbationNs >= R.AcknowledgedNs, "probation must wait for the operator's acknowledgement");
        Assert.True(R.ProbationRejectedReduceOnly > 0, "probation must reject orders that add risk");
        Assert.True(R.ProbationAccepted > 0, "probation must accept orders that reduce the runaway's position");
        Assert.True(R.ReducedLimitsNs > R.ProbationNs);
        Assert.Equal(0.5, R.ReducedLimitsScale);
        Assert.Equal(0.5, R.ReducedQuoteSize);
        var account = R.Transitions.Where(t => t.Scope == Scope.Account).Select(t => (t.Previous, t.State, t.Cause)).ToArray();
        Assert.Equal(new[]
        {
            (TradingState.Active, TradingState.Halted, TripCause.Signature),
            (TradingState.Halted, TradingState.ReduceOnly, TripCause.Recovery),
            (TradingState.ReduceOnly, TradingState.Active, TripCause.Recovery),
        }, account);
    }

    [Fact]
    public void Run_IncidentClosed_TradingResumesAtFullSize()
    {
        Assert.True(R.Recovered);
        Assert.Equal(IncidentLifecycle.Closed, R.Incident!.Value.Lifecycle);
        Assert.True(R.ClosedNs > R.ReducedLimitsNs);
        Assert.Equal(TradingState.Active, R.FinalAccountState);
        Assert.True(R.AcceptedAfterClose > 0);
        Assert.Equal(1.0, R.QuoteSizeAfterClose);
    }

    [Fact]
    public void Run_SameSeed_PrintsTheSameStoryInEventTime()
    {
        var again = new StringWriter();
        new EngineSession().Run(again);
        Assert.Equal(run.Output, again.ToString());
    }

    [Fact]
    public void Run_NoRunaway_NoIncidentAndNoTrip()
    {
        var text = new StringWriter();
        var report = new EngineSession(["--SampleEngine:runaway_at_s=1000", "--SampleEngine:max_s=60"]).Run(text);
        Assert.False(report.Contained);
        Assert.Null(report.Incident);
        Assert.Empty(report.Transitions);
        Assert.DoesNotContain("Halted", text.ToString());
    }
}
