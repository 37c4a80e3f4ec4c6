namespace CircuitBreaker.Tests.Incidents;

public sealed class PlaybookJsonTests
{
    private const string Section = """
        {
          "limits": {},
          "playbook": {
            "rules": [
              { "name": "oracle", "signatures": ["oracle_deviation", "FlashLoan"], "min_severity": "critical",
                "actions": [ { "action": "halt", "scope": "group" }, { "action": "cancel_all", "scope": "group" } ] },
              { "name": "stuffing", "signatures": ["quote_stuffing"], "scope": "account",
                "actions": [ { "action": "throttle", "scale": 0.25 } ] },
              { "min_severity": "warning", "actions": [ { "action": "alert" } ] }
            ]
          }
        }
        """;

    [Fact]
    public void FromJson_Section_BuildsRulesThatAct()
    {
        var playbook = Playbook.FromJson(Section, "playbook");
        Assert.Equal(3, playbook.Rules.Count);
        Assert.Equal([Signature.OracleDeviation, Signature.FlashLoan], playbook.Rules[0].Signatures);
        Assert.Equal(ActionScope.Group, playbook.Rules[0].Actions[0].Scope);
        Assert.Equal(Scope.Account, playbook.Rules[1].FindingScope);

        using var f = new IncidentFixture(playbook);
        f.Raise(Signature.FlashLoan, Scope.Instrument, f.Eth);
        Assert.Equal(TradingState.Halted, f.State(Scope.Group, f.EthGroup));
        f.Raise(Signature.QuoteStuffing, Scope.Account, f.Account[0], Severity.Warning);
        Assert.Equal(0.25, f.Desk.LimitsScale(Scope.Account, f.Account[0]));
    }

    [Fact]
    public void FromJson_ManyMistakes_ListsEveryErrorWithItsPath()
    {
        const string json = """
            { "rules": [
                { "signatures": ["flash_loan", "flash"], "min_severity": "fatal", "colour": "red",
                  "actions": [ { "action": "hault" }, { "action": "throttle", "scale": 3 } ] },
                { "actions": [] },
                { "scope": "group", "product": "perpetual", "actions": [ { "action": "halt", "scope": "account" } ] }
            ] }
            """;
        var ex = Assert.Throws<PlaybookException>(() => Playbook.FromJson(json));
        Assert.Contains("$.rules[0].signatures[1]: unknown signature 'flash'", ex.Errors);
        Assert.Contains("$.rules[0].min_severity: unknown severity 'fatal'", ex.Errors);
        Assert.Contains("$.rules[0].colour: unknown property", ex.Errors);
        Assert.Contains("$.rules[0].actions[0].action: unknown action 'hault'", ex.Errors);
        Assert.Contains("$.rules[1].actions: at least one action is required", ex.Errors);
        Assert.Contains(ex.Errors, e => e.StartsWith("$.rules[2].actions[0].scope:", StringComparison.Ordinal));
        Assert.Contains(ex.Errors, e => e.StartsWith("$.rules[2].product:", StringComparison.Ordinal));
        Assert.Equal(7, ex.Errors.Count);
        Assert.Contains("7 problems", ex.Message);
    }

    [Fact]
    public void FromJson_ThrottleScaleOutOfRange_ReportsScalePath()
    {
        const string json = """{ "rules": [ { "actions": [ { "action": "throttle", "scale": 3 } ] } ] }""";
        var ex = Assert.Throws<PlaybookException>(() => Playbook.FromJson(json));
        Assert.Equal("$.rules[0].actions[0].scale: must be in (0, 1] (was 3)", Assert.Single(ex.Errors));
    }

    [Fact]
    public void FromJson_WrongType_ReportsJsonPath()
    {
        const string json = """{ "incidents": { "rules": [ { "limits": "yes", "actions": [ { "action": "alert" } ] } ] } }""";
        var ex = Assert.Throws<PlaybookException>(() => Playbook.FromJson(json, "incidents"));
        Assert.StartsWith("$.incidents.rules[0].limits:", Assert.Single(ex.Errors));
    }

    [Fact]
    public void FromJson_MissingSectionOrRules_ClearError()
    {
        Assert.Equal("$.playbook: section not found", Assert.Single(Assert.Throws<PlaybookException>(() => Playbook.FromJson("{}", "playbook")).Errors));
        Assert.Equal("$.rules: at least one rule is required", Assert.Single(Assert.Throws<PlaybookException>(() => Playbook.FromJson("{}")).Errors));
        Assert.Throws<PlaybookException>(() => Playbook.FromJson("{ not json"));
        Assert.Throws<PlaybookException>(() => Playbook.FromJson("""{"rules":[{"signatures":["5"],"actions":[{"action":"alert"}]}]}"""));
    }

    [Fact]
    public void Default_FirstMatchWins_WarningRuleIsAlertOnly()
    {
        var playbook = Playbook.Default;
        var last = playbook.Rules[^1];
        Assert.Equal(Severity.Warning, last.MinSeverity);
        Assert.Equal([IncidentActionKind.Alert], last.Actions.Select(a => a.Kind).ToArray());
        Assert.All(playbook.Rules.Take(playbook.Rules.Count - 1), r => Assert.Contains(r.Actions, a => a.Kind == IncidentActionKind.Alert));
    }

    [Fact]
    public void Constructor_RuleWithoutActions_Throws()
    {
        var ex = Assert.Throws<PlaybookException>(() => new Playbook([new PlaybookRule { Name = "empty" }]));
        Assert.Equal("$.rules[0].actions: at least one action is required", Assert.Single(ex.Errors));
    }
}
