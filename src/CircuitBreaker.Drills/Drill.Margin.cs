namespace CircuitBreaker.Drills;

// The margin scenario of the library (see Drill.All).
public static partial class Drill
{
    /// <summary>The margin account of <see cref="MarginCall"/>.</summary>
    public const string MarginAccount = "margin-1";

    private static DrillScenario MarginCall() => new("margin-call",
        "A margin account (10x on BTC-PERP, 2,000 USD of collateral) builds a 0.15 BTC long during the warm-up; then 1,500 USD is withdrawn and BTC slides 2 % over 20 s, leaving less collateral than the position's initial margin. Its algo keeps sending exposure-increasing buys, which the balance check must refuse, while its position-reducing sells must pass.",
        false, A, [MarginAccount], [MarginAccount],
        [("collateral", "2,000 USD deposited, margin account, leverage 10"), ("warm-up", "buys 0.01 BTC every 10 s (filled): 0.15 BTC long"),
            ("withdrawal", "1,500 USD at the attack start"), ("market", "-2 % over 20 s"), ("algo", "a buy of 0.01 at the ask every second for 30 s"),
            ("reducing", "sells of 0.05 at the bid at +5 s and +15 s (filled)")],
        sim =>
        {
            var btc = Market(sim, "BTC-PERP", InstrumentKind.Perpetual, 0.1, 0.001, 64_000, "BTC", tradeQty: 0.5, depth: 5);
            sim.Run(sim.Seconds(A), s =>
            {
                if (s.TickStart == 0) s.Balance(MarginAccount, "USD", BalanceChange.Deposit, 2_000);
                if (s.TickStart % s.Seconds(10) == s.Seconds(1)) s.Execute(btc, MarginAccount, Side.Buy, btc.Ask, 0.01, print: false);
            });
            sim.RunFrom(A, 60, (s, t) =>
            {
                if (t == 0) s.Balance(MarginAccount, "USD", BalanceChange.Withdrawal, 1_500);
                if (t < s.Seconds(20)) btc.Mid *= 1 - 0.02 / 200;
                if (t < s.Seconds(30) && t % s.Seconds(1) == 0) s.Order(btc, MarginAccount, Side.Buy, btc.Ask, 0.01);
                if (t == s.Seconds(5) || t == s.Seconds(15)) s.Execute(btc, MarginAccount, Side.Sell, btc.Bid, 0.05, print: false);
            });
        },
        limits: b => b.Account(MarginAccount, new AccountLimits { BalanceMode = BalanceMode.Margin }).Limits("BTC-PERP", new InstrumentLimits { Leverage = 10 }),
        expectedRefusal: RejectReason.InsufficientBalance);
}
