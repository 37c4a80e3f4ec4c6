namespace CircuitBreaker.Incidents;

/// <summary>
/// Severity discipline (docs/detection.md): how wide a finding may act. A hard limit, or distinct signatures agreeing on
/// the finding's episode (<see cref="Corroboration"/>), may act as wide as the playbook says. One uncorroborated signature
/// (a lone Critical, or one signature persisting) restricts at most the narrowest scope its evidence supports
/// (<see cref="EvidenceScope"/>): a playbook action aimed wider is narrowed to that scope, or skipped when the
/// evidence supports no restriction. Alerts and notifications are never narrowed. Allocates nothing.
/// </summary>
internal static class SeverityDiscipline
{
    /// <summary>
    /// The widest scope one uncorroborated finding's evidence supports, or null when it supports no restriction at all.
    /// Oracle signatures and the flash-loan round trip judge the oracle or pool an underlying's group prices off: group
    /// evidence. A group or global finding supports its scope only at Critical (the detectors make a group Critical only
    /// on group-level evidence, e.g. LossVelocity's <c>GroupMinAccounts</c> accounts losing; a Warning there may be one
    /// account's noise). Every other finding supports its own scope (an instrument or an account).
    /// </summary>
    public static Scope? EvidenceScope(in Finding f) => f.Scope switch
    {
        Scope.Instrument => f.Signature is Signature.OracleDeviation or Signature.OracleJump or Signature.OracleCrossSource
            or Signature.OracleStale or Signature.FlashLoan ? Scope.Group : Scope.Instrument,
        Scope.Account => Scope.Account,
        Scope.Group or Scope.Global => f.Severity == Severity.Critical ? f.Scope : null,
        _ => null,
    };

    /// <summary>Width of a scope: instrument and account 0, group 1, global 2.</summary>
    public static int Width(Scope s) => s switch { Scope.Group => 1, Scope.Global => 2, _ => 0 };

    /// <summary>
    /// Narrows a resolved action (<paramref name="scope"/>, <paramref name="target"/>) for a finding acting on
    /// <paramref name="backing"/>: to the evidence scope (an instrument finding with group evidence: its group;
    /// otherwise the finding's own target). Returns false when the action must be skipped (no restriction supported).
    /// </summary>
    public static bool Narrow(Backing backing, in Finding f, IncidentActionKind kind, int[] groupOf, ref Scope scope, ref int target)
    {
        if (backing is Backing.Limit or Backing.Corroborated or Backing.None) return true;
        if (kind is IncidentActionKind.Alert or IncidentActionKind.NotifyExchange or IncidentActionKind.NotifyRegulator) return true;
        var evidence = EvidenceScope(in f);
        if (evidence is null) return false;
        if (Width(scope) <= Width(evidence.Value)) return true;
        if (Width(f.Scope) > Width(evidence.Value)) return false;
        if (evidence == Scope.Group && f.Scope == Scope.Instrument && (uint)f.Target < (uint)groupOf.Length)
        {
            scope = Scope.Group; target = groupOf[f.Target];
            return true;
        }
        scope = f.Scope;
        target = f.Scope == Scope.Global ? -1 : f.Target;
        return true;
    }
}
