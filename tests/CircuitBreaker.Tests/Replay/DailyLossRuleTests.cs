namespace CircuitBreaker.Tests.Replay;

/// <summary>One rule for a daily-loss breach (docs/controls.md): the limit puts the account in ReduceOnly everywhere; under
/// the incident desk the default playbook then halts it at the same instant, and the report attributes that halt to the
/// playbook rule that imposed it.</summary>
public class DailyLossRuleTests
{
    private const string Tape = """
        {"t":0,"type":"instrument","symbol":"BTC-PERP","kind":"perpetual","tick":0.1,"lot":0.001}
        {"t":1,"type":"trade","symbol":"BTC-PERP","px":64000.0,"qty":0.1}
        {"t":2,"type":"order","symbol":"BTC-PERP","id":1,"account":"mm-1","side":"buy","px":64000.0,"qty":1}
        {"t":3,"type":"fill","symbol":"BTC-PERP","order_id":1,"account":"mm-1","side":"buy","px":64000.0,"qty":1}
        {"t":4,"type":"trade","symbol":"BTC-PERP","px":62900.0,"qty":0.1}
        """;

    private static void LossLimit(CircuitBreakerBuilder b) => b.DefaultAccountLimits(new AccountLimits { MaxDailyLoss = 1_000 });

    [Fact]
    public void Replay_WithTheDesk_ReduceOnlyByTheLimit_ThenHaltAttributedToThePlaybookRule()
    {
        var trips = ReplayEngineTests.Replay(Tape, ReplayOptions.NoDetectors, LossLimit).Report.Trips.Where(t => t.Scope == Scope.Account).ToList();
        Assert.Equal([TradingState.ReduceOnly, TradingState.Halted], trips.Select(t => t.State));
        Assert.Equal(trips[0].T, trips[1].T);
        Assert.DoesNotContain("playbook", trips[0].Detail, StringComparison.Ordinal);
        Assert.StartsWith("playbook rule 'daily loss limit': ", trips[1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Replay_WithoutADesk_ReduceOnlyOnly_Control()
    {
        var noDesk = new ReplayOptions { Detectors = static _ => [], Responder = static _ => new NullSink() };
        var trips = ReplayEngineTests.Replay(Tape, noDesk, LossLimit).Report.Trips.Where(t => t.Scope == Scope.Account).ToList();
        Assert.Equal([TradingState.ReduceOnly], trips.Select(t => t.State));
    }

    private sealed class NullSink : IFindingSink
    {
        public void Raise(in Finding finding) { }
    }
}
