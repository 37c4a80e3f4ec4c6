using CircuitBreaker.Drills;

namespace CircuitBreaker.Tests.Drills;

/// <summary>The margin drill (issue 20, done-when): a margin account whose collateral drops (a withdrawal, then a loss)
/// has its exposure-increasing orders refused while its position-reducing orders pass; detected in the scorecard.</summary>
public class MarginDrillTests
{
    private static readonly DrillScenario Scenario = Drill.Find("margin-call")!;

    [Fact]
    public void Tape_CarriesTheBalanceRecords_AndReadsBack()
    {
        var tape = Scenario.Generate();
        string text = System.Text.Encoding.UTF8.GetString(tape);
        Assert.Contains("\"type\":\"balance\",\"account\":\"margin-1\",\"currency\":\"USD\",\"change\":\"deposit\",\"amount\":2000", text);
        Assert.Contains("\"change\":\"withdrawal\",\"amount\":1500", text);
        using var reader = new TapeReader(new MemoryStream(tape), "margin-call");
        var balances = reader.ReadAll().Where(r => r.Type == TapeRecordType.Balance).ToList();
        Assert.Equal(0, reader.BadRecords);
        Assert.Equal(new[] { BalanceChange.Deposit, BalanceChange.Withdrawal }, balances.Select(b => b.BalanceChange!.Value));
    }

    [Fact]
    public void Replay_RefusesEveryIncreasingBuyAfterTheWithdrawal_PassesTheReducingSells_AndTheWarmUp()
    {
        var score = DrillRunner.Run(Scenario);
        var orders = score.On.Report.Orders;
        // 30 attack buys: each refused for balance (collateral 500 against 960 of initial margin on the long).
        Assert.Equal(30, orders.RejectedByReason.GetValueOrDefault(nameof(RejectReason.InsufficientBalance)));
        // 15 warm-up buys and the 2 reducing sells pass; nothing else is refused.
        Assert.Equal(17, orders.Accepted);
        Assert.Equal(30, orders.Rejected);
        Assert.True(score.Detected);
        Assert.True(score.Passed);
        Assert.Contains(score.Signatures, kv => kv.Key == nameof(RejectReason.InsufficientBalance));
        // Without the balance check (the "off" replay) every buy is accepted (the resting buys then make the two sells
        // self-matches: the off profile keeps self-match prevention).
        Assert.False(score.Off.Report.Orders.RejectedByReason.ContainsKey(nameof(RejectReason.InsufficientBalance)));
        Assert.Equal(15 + 30, score.Off.Report.Orders.Accepted);
    }

    [Fact]
    public void Replay_WithoutTheWithdrawal_AcceptsTheBuys_ControlForTheRefusals()
    {
        var tape = Scenario.Generate();
        string text = System.Text.Encoding.UTF8.GetString(tape);
        string topped = text.Replace("\"change\":\"withdrawal\",\"amount\":1500", "\"change\":\"deposit\",\"amount\":5000", StringComparison.Ordinal);
        Assert.NotEqual(text, topped);
        var result = DrillRunner.Replay(System.Text.Encoding.UTF8.GetBytes(topped), Scenario.Name, ReplayOptions.Default, Scenario.Limits!);
        // 7,000 of collateral against 960 held by the long, about 200 of loss and 30 buys of 64 margin each: none refused
        // for balance (the sells may now cross the resting buys: self-match, not balance).
        Assert.Equal(0, result.Report.Orders.RejectedByReason.GetValueOrDefault(nameof(RejectReason.InsufficientBalance)));
        Assert.True(result.Report.Orders.Accepted >= 45);
    }
}
