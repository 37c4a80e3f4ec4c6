namespace CircuitBreaker.Tests.Config;

/// <summary>The balance keys of the configuration file (issue 20): settlement currency, margin rate or leverage, fee rate
/// per instrument; balance mode and starting balances per account; errors with JSON paths, every one in one result.</summary>
public class BalanceConfigFileTests
{
    private const string Btc = """{"symbol":"BTC-PERP","kind":"perpetual","tick":0.1,"lot":0.001""";

    [Theory]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1,"limits":{"margin_rate":1.5}}]}""", "$.instruments[0].limits.margin_rate: must be <= 1 (was 1.5)")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1,"limits":{"margin_rate":0}}]}""", "$.instruments[0].limits.margin_rate: must be > 0")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1,"limits":{"leverage":0.5}}]}""", "$.instruments[0].limits.leverage: must be >= 1")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1,"limits":{"leverage":10,"margin_rate":0.1}}]}""", "$.instruments[0].limits.leverage: set margin_rate or leverage, not both")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1,"limits":{"fee_rate":1}}]}""", "$.instruments[0].limits.fee_rate: must be < 1")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1,"limits":{"settlement_currency":" "}}]}""", "$.instruments[0].limits.settlement_currency: must be a non-empty name")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}],"accounts":[{"name":"a","limits":{"balance_mode":"credit"}}]}""", "$.accounts[0].limits.balance_mode: unknown value 'credit' (expected one of: none, cash, margin)")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}],"accounts":[{"name":"a","limits":{"balances":{"USD":"lots"}}}]}""", "$.accounts[0].limits.balances.USD: must be a number")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}],"accounts":[{"name":"a","limits":{"balances":[1]}}]}""", "$.accounts[0].limits.balances: must be an object")]
    [InlineData("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1}],"accounts":[{"name":"a","limits":{"balances":{"USD":1e15}}}]}""", "$.accounts[0].limits.balances.USD: must be <= 900000000000000")]
    public void BadBalanceKeys_ReportTheirJsonPath(string json, string expected)
    {
        var r = RiskConfigFile.Parse(json);
        Assert.False(r.Succeeded);
        Assert.Contains(r.Errors, e => e.ToString().Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryBadKeyIsReported_InOneResult()
    {
        var r = RiskConfigFile.Parse("""{"instruments":[{"symbol":"X","kind":"spot","tick":1,"lot":1,"limits":{"fee_rate":-1,"margin_rate":2}}],"accounts":[{"name":"a","limits":{"balance_mode":"x"}}]}""");
        Assert.Equal(3, r.Errors.Count);
    }

    [Fact]
    public void BalanceKeys_ReadAndWrittenBack()
    {
        var r = RiskConfigFile.Parse("""{"instruments":[""" + Btc + """,""" +
            """ "limits":{"settlement_currency":"USDT","leverage":20,"fee_rate":0.0005}}],""" +
            """ "accounts":[{"name":"mm","limits":{"balance_mode":"margin","balances":{"USDT":5000,"USD":-10}}},{"name":"plain"}]}""");
        Assert.True(r.Succeeded, string.Join("; ", r.Errors));
        var c = r.Config;
        Assert.Equal(new[] { "USD", "USDT" }, c.Currencies);
        Assert.Equal((1, 0.05, 0.0005), (c.Instruments[0].Currency, c.Instruments[0].MarginRate, c.Instruments[0].FeeRate));
        Assert.Equal((BalanceMode.Margin, BalanceMode.None), (c.Accounts[0].BalanceMode, c.Accounts[1].BalanceMode));
        string text = RiskConfigFile.WriteToString(c, r.PipelineOptions, r.Signatures);
        var again = RiskConfigFile.Parse(text);
        Assert.True(again.Succeeded, string.Join("; ", again.Errors));
        Assert.Equal(c.Currencies, again.Config.Currencies);
        Assert.Equal((c.Instruments[0].Currency, c.Instruments[0].MarginRate, c.Instruments[0].FeeRate), (again.Config.Instruments[0].Currency, again.Config.Instruments[0].MarginRate, again.Config.Instruments[0].FeeRate));
        Assert.Equal(5000, again.Config.AccountLimits[0].Balances!["USDT"]);
        Assert.Equal(BalanceMode.Margin, again.Config.Accounts[0].BalanceMode);
        using var breaker = new Breaker(again.Config);
        Assert.Equal(5000, breaker.Gate.Balance(new AccountId(0), 1).Balance);
        Assert.Equal(-10, breaker.Gate.Balance(new AccountId(0), 0).Balance);
    }

    [Fact]
    public void RunTimeSwap_CannotChangeRatesOrModes()
    {
        var r = RiskConfigFile.Parse("""{"instruments":[""" + Btc + ""","limits":{"leverage":20}}],"accounts":[{"name":"mm","limits":{"balance_mode":"cash"}}]}""");
        Assert.True(r.Succeeded, string.Join("; ", r.Errors));
        var ex = Assert.Throws<RiskConfigException>(() => r.Config.WithInstrumentLimits(new InstrumentId(0), new InstrumentLimits { Leverage = 10 }));
        Assert.Contains("cannot change at run time", ex.Message);
        Assert.NotNull(r.Config.WithInstrumentLimits(new InstrumentId(0), new InstrumentLimits { Leverage = 20, CollarBps = 50 }));
    }
}
