namespace CircuitBreaker.Incidents;

/// <summary>
/// Ordered rules turning findings into actions: the first rule that matches a finding decides its actions (none
/// matching means the finding is only recorded). Built once (allocates); matching allocates nothing. Load one from
/// JSON with <see cref="FromJson"/> or start from <see cref="Default"/> (documented in <c>docs/playbooks.md</c>).
/// </summary>
public sealed partial class Playbook
{
    private readonly PlaybookRule[] _rules;
    private readonly Signature[][] _signatures;
    private readonly PlaybookAction[][] _actions;

    /// <summary>Creates a playbook. Throws <see cref="PlaybookException"/> listing every problem (with <c>$.rules[i]</c> paths).</summary>
    /// <param name="rules">The rules, matched in order.</param>
    public Playbook(IEnumerable<PlaybookRule> rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = rules.ToArray();
        var errors = new List<string>();
        if (_rules.Length == 0) errors.Add("$.rules: at least one rule is required");
        for (int k = 0; k < _rules.Length; k++)
        {
            if (_rules[k] is null) errors.Add($"$.rules[{k}]: must not be null");
            else _rules[k].Validate($"$.rules[{k}]", errors);
        }
        if (errors.Count > 0) throw new PlaybookException(errors);
        _signatures = _rules.Select(r => r.Signatures.ToArray()).ToArray();
        _actions = _rules.Select(r => r.Actions.ToArray()).ToArray();
    }

    /// <summary>The rules, in matching order.</summary>
    public IReadOnlyList<PlaybookRule> Rules => _rules;

    /// <summary>Display name of rule <paramref name="index"/> (its <see cref="PlaybookRule.Name"/> or <c>rule N</c>). Allocates when unnamed.</summary>
    /// <param name="index">A rule's index.</param>
    public string RuleName(int index) => (uint)index < (uint)_rules.Length ? _rules[index].Name ?? $"rule {index}" : "none";

    /// <summary>Index of the first rule matching, or -1. <paramref name="productKind"/> is the instrument's kind, or -1 when the finding is not on an instrument. Allocates nothing.</summary>
    internal int Match(Signature signature, Severity effective, Scope scope, int productKind)
    {
        for (int k = 0; k < _rules.Length; k++)
            if (_rules[k].Matches(signature, effective, scope, productKind, _signatures[k])) return k;
        return -1;
    }

    internal PlaybookAction[] ActionsOf(int rule) => _actions[rule];

    /// <summary>
    /// The default playbook (first match wins): daily-loss limit → halt the account + cancel all; other hard limits →
    /// reduce-only + cancel all; oracle manipulation or flash loan → halt the group + cancel all + notify the exchange;
    /// runaway algorithm or quote stuffing → halt the account + cancel all + isolate the session + notify the exchange;
    /// drain (compromised key) → the same and notify the regulator; loss velocity → reduce-only (the account);
    /// barrier proximity, greeks or swap exposure → reduce-only; stale oracle → group reduce-only; any other Critical
    /// finding on a perpetual, future, spot or option → halt the instrument + cancel all; on a swap → reduce-only +
    /// cancel all; Critical findings on other scopes → halt + cancel all; Warning findings → alert only.
    /// Every acting rule also alerts. Allocates a new playbook per call.
    /// </summary>
    public static Playbook Default => new(DefaultRules());

    private static IEnumerable<PlaybookRule> DefaultRules()
    {
        var alert = new PlaybookAction(IncidentActionKind.Alert);
        static PlaybookAction A(IncidentActionKind k, ActionScope s = ActionScope.Finding) => new(k, s);
        yield return new PlaybookRule
        {
            Name = "daily loss limit", Signatures = [Signature.MaxDailyLoss],
            Actions = [A(IncidentActionKind.Halt), A(IncidentActionKind.CancelAll), alert],
        };
        yield return new PlaybookRule
        {
            Name = "hard limit", Limits = true,
            Actions = [A(IncidentActionKind.ReduceOnly), A(IncidentActionKind.CancelAll), alert],
        };
        yield return new PlaybookRule
        {
            Name = "oracle manipulation or flash loan", MinSeverity = Severity.Critical,
            Signatures = [Signature.OracleDeviation, Signature.OracleJump, Signature.OracleCrossSource, Signature.FlashLoan],
            Actions = [A(IncidentActionKind.Halt, ActionScope.Group), A(IncidentActionKind.CancelAll, ActionScope.Group), A(IncidentActionKind.NotifyExchange, ActionScope.Group), alert],
        };
        yield return new PlaybookRule
        {
            Name = "runaway algorithm", MinSeverity = Severity.Critical,
            Signatures = [Signature.RunawayAlgorithm, Signature.QuoteStuffing],
            Actions = [A(IncidentActionKind.Halt), A(IncidentActionKind.CancelAll), A(IncidentActionKind.IsolateSession), A(IncidentActionKind.NotifyExchange), alert],
        };
        yield return new PlaybookRule
        {
            Name = "compromised key", MinSeverity = Severity.Critical, Signatures = [Signature.Drain],
            Actions = [A(IncidentActionKind.Halt), A(IncidentActionKind.CancelAll), A(IncidentActionKind.IsolateSession), A(IncidentActionKind.NotifyExchange), A(IncidentActionKind.NotifyRegulator), alert],
        };
        yield return new PlaybookRule
        {
            Name = "loss velocity", MinSeverity = Severity.Critical, Signatures = [Signature.LossVelocity],
            Actions = [A(IncidentActionKind.ReduceOnly), alert],
        };
        yield return new PlaybookRule
        {
            Name = "barrier and sensitivities", MinSeverity = Severity.Critical,
            Signatures = [Signature.BarrierProximity, Signature.GreeksLimit, Signature.SwapExposure],
            Actions = [A(IncidentActionKind.ReduceOnly), alert],
        };
        yield return new PlaybookRule
        {
            Name = "stale oracle", MinSeverity = Severity.Critical, Signatures = [Signature.OracleStale],
            Actions = [A(IncidentActionKind.ReduceOnly, ActionScope.Group), alert],
        };
        foreach (var kind in new[] { InstrumentKind.Perpetual, InstrumentKind.Future, InstrumentKind.Spot, InstrumentKind.Option, InstrumentKind.BarrierOption })
        {
            yield return new PlaybookRule
            {
                Name = $"critical on {kind}", MinSeverity = Severity.Critical, FindingScope = Scope.Instrument, Product = kind,
                Actions = [A(IncidentActionKind.Halt), A(IncidentActionKind.CancelAll), alert],
            };
        }
        yield return new PlaybookRule
        {
            Name = "critical on Swap", MinSeverity = Severity.Critical, FindingScope = Scope.Instrument, Product = InstrumentKind.Swap,
            Actions = [A(IncidentActionKind.ReduceOnly), A(IncidentActionKind.CancelAll), alert],
        };
        yield return new PlaybookRule
        {
            Name = "critical", MinSeverity = Severity.Critical,
            Actions = [A(IncidentActionKind.Halt), A(IncidentActionKind.CancelAll), alert],
        };
        yield return new PlaybookRule { Name = "warning", MinSeverity = Severity.Warning, Actions = [alert] };
    }
}

/// <summary>A playbook failed validation or could not be read. <see cref="Errors"/> lists every problem with its JSON path.</summary>
public sealed class PlaybookException : Exception
{
    /// <summary>Creates the exception from the list of problems.</summary>
    /// <param name="errors">Every problem, each with its JSON path.</param>
    public PlaybookException(IReadOnlyList<string> errors)
        : base($"invalid playbook ({errors.Count} problem{(errors.Count == 1 ? "" : "s")}):" + Environment.NewLine + "- " + string.Join(Environment.NewLine + "- ", errors))
        => Errors = errors;

    /// <summary>Every problem found, one per entry, each starting with its JSON path (<c>$.rules[2].actions[0].action: ...</c>).</summary>
    public IReadOnlyList<string> Errors { get; }
}
