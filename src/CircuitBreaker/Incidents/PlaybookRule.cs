namespace CircuitBreaker.Incidents;

/// <summary>
/// A declarative rule: which findings it matches and the ordered actions it takes. A finding matches when every
/// criterion set matches: its signature is in <see cref="Signatures"/> (or, with <see cref="Limits"/>, it is a
/// post-trade limit; both empty/false means any), its effective severity is at least <see cref="MinSeverity"/>,
/// its scope is <see cref="FindingScope"/> (when set) and, for instrument findings, the instrument's product kind is
/// <see cref="Product"/> (when set; findings on other scopes never match a rule with a product). Immutable once built.
/// </summary>
public sealed class PlaybookRule
{
    /// <summary>Name shown in records and errors (default: <c>rule N</c>).</summary>
    public string? Name { get; init; }
    /// <summary>Signatures matched (default: none listed).</summary>
    public IReadOnlyList<Signature> Signatures { get; init; } = [];
    /// <summary>Matches post-trade limit findings (<see cref="Signature"/> 100 and up; default false).</summary>
    public bool Limits { get; init; }
    /// <summary>Lowest effective severity matched (default Warning).</summary>
    public Severity MinSeverity { get; init; } = Severity.Warning;
    /// <summary>Scope of the finding matched; null matches any (default).</summary>
    public Scope? FindingScope { get; init; }
    /// <summary>Product kind of the finding's instrument; null matches any (default).</summary>
    public InstrumentKind? Product { get; init; }
    /// <summary>Actions, in order. At least one.</summary>
    public IReadOnlyList<PlaybookAction> Actions { get; init; } = [];

    /// <summary>True for post-trade limit signatures (100 and up).</summary>
    /// <param name="signature">A signature.</param>
    public static bool IsLimit(Signature signature) => (ushort)signature >= 100;

    /// <summary>Cause recorded when an incident restricts a scope for <paramref name="signature"/>: a limit or a signature.</summary>
    internal static TripCause TripCauseOf(Signature signature) => IsLimit(signature) ? TripCause.Limit : TripCause.Signature;

    /// <summary>Reason code the gate gives while an incident holds a scope in <paramref name="state"/> for <paramref name="signature"/>.</summary>
    internal static RejectReason TripReason(Signature signature, TradingState state) => signature switch
    {
        Signature.MaxPosition => RejectReason.MaxPosition,
        Signature.MaxDailyLoss => RejectReason.MaxDailyLoss,
        Signature.MaxGrossExposure => RejectReason.MaxGrossExposure,
        Signature.MaxNetExposure => RejectReason.MaxNetExposure,
        _ when IsLimit(signature) => RejectReason.Halted,
        _ => state == TradingState.Halted ? RejectReason.Halted : RejectReason.ReduceOnly,
    };

    internal bool Matches(Signature signature, Severity effective, Scope scope, int productKind, Signature[] signatures)
    {
        if (effective < MinSeverity) return false;
        if (FindingScope.HasValue && FindingScope.Value != scope) return false;
        if (Product.HasValue && (int)Product.Value != productKind) return false;
        if (signatures.Length == 0 && !Limits) return true;
        if (Limits && IsLimit(signature)) return true;
        for (int k = 0; k < signatures.Length; k++) if (signatures[k] == signature) return true;
        return false;
    }

    internal void Validate(string path, List<string> errors)
    {
        if (Actions is null || Actions.Count == 0) { errors.Add($"{path}.actions: at least one action is required"); return; }
        for (int k = 0; k < Actions.Count; k++)
        {
            var a = Actions[k];
            if (!Enum.IsDefined(a.Kind)) errors.Add($"{path}.actions[{k}].action: unknown action {(int)a.Kind}");
            if (!Enum.IsDefined(a.Scope)) errors.Add($"{path}.actions[{k}].scope: unknown scope {(int)a.Scope}");
            if (a.Kind == IncidentActionKind.Throttle && !(a.Scale > 0 && a.Scale <= 1))
                errors.Add($"{path}.actions[{k}].scale: must be in (0, 1] (was {a.Scale})");
            if (FindingScope.HasValue && !ScopeResolver.CanResolve(FindingScope.Value, a.Scope))
                errors.Add($"{path}.actions[{k}].scope: '{a.Scope}' cannot be reached from a {FindingScope.Value} finding");
        }
        if (Signatures is null) errors.Add($"{path}.signatures: must not be null");
        if (Product.HasValue && FindingScope.HasValue && FindingScope.Value != Scope.Instrument)
            errors.Add($"{path}.product: only instrument findings have a product; scope is '{FindingScope.Value}'");
    }
}

/// <summary>Resolves an action's scope from a finding.</summary>
internal static class ScopeResolver
{
    public static bool CanResolve(Scope finding, ActionScope action) => action switch
    {
        ActionScope.Finding or ActionScope.Global => true,
        ActionScope.Instrument => finding == Scope.Instrument,
        ActionScope.Group => finding is Scope.Instrument or Scope.Group,
        ActionScope.Account => finding == Scope.Account,
        _ => false,
    };

    /// <summary>The scope and target an action applies to, or false when it cannot be resolved.</summary>
    public static bool TryResolve(Scope findingScope, int findingTarget, ActionScope action, int[] groupOfInstrument, out Scope scope, out int target)
    {
        scope = findingScope; target = findingScope == Scope.Global ? -1 : findingTarget;
        switch (action)
        {
            case ActionScope.Finding: return true;
            case ActionScope.Global: scope = Scope.Global; target = -1; return true;
            case ActionScope.Instrument: return findingScope == Scope.Instrument;
            case ActionScope.Account: return findingScope == Scope.Account;
            case ActionScope.Group:
                if (findingScope == Scope.Group) return true;
                if (findingScope == Scope.Instrument && (uint)findingTarget < (uint)groupOfInstrument.Length)
                {
                    scope = Scope.Group; target = groupOfInstrument[findingTarget];
                    return target >= 0;
                }
                return false;
            default: return false;
        }
    }
}
