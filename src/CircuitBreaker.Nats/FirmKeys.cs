using System.Text;

namespace CircuitBreaker.Nats;

/// <summary>
/// Names on the plane: buckets, the audit stream, subjects, and the KV key of a restriction. Keys name scopes by
/// names, never dense ids (ids differ per process): <c>op.account.mm-1</c> (an operator's), <c>e.eng-a.account.mm-1</c>
/// (raised by engine eng-a), <c>op.global</c>. Characters outside [A-Za-z0-9_-] in a target name are written =XX (UTF-8 hex).
/// </summary>
internal static class FirmKeys
{
    public const string StateBucket = "cbfirm-state";
    public const string EnginesBucket = "cbfirm-engines";
    public const string AuditStream = "CBFIRM_AUDIT";
    public const string AuditSubjects = "cbfirm.audit.>";
    public const string FastSubjects = "cbfirm.fast.>";
    public const string AckSubjects = "cbfirm.ack.>";
    public const string OperatorPrefix = "op";
    /// <summary>Writer of the aggregator's firm-limit restrictions (agg.account.mm-1).</summary>
    public const string AggregatorPrefix = "agg";
    public const string ExposureBucket = "cbfirm-exposure";
    public const string LeaseBucket = "cbfirm-lease";
    public const string AggregatorLease = "aggregator";

    /// <summary>The exposure key of an engine's account or group: ENGINE.account.NAME, ENGINE.group.NAME.</summary>
    public static string ExposureKey(string engine, Scope scope, string target) => engine + "." + ScopeName(scope) + "." + Escape(target);

    public static string FastSubject(string writer) => "cbfirm.fast." + writer;
    public static string AckSubject(string engine) => "cbfirm.ack." + engine;
    public static string AuditSubject(string writer) => "cbfirm.audit." + writer;
    /// <summary>The writer part of keys and subjects: "op" for operators, "e.NAME" for an engine.</summary>
    public static string EngineWriter(string engine) => "e." + engine;

    public static string ScopeName(Scope s) => s switch
    {
        Scope.Instrument => "instrument", Scope.Group => "group", Scope.Account => "account", _ => "global",
    };

    public static bool TryParseScope(string? text, out Scope scope)
    {
        switch (text)
        {
            case "instrument": scope = Scope.Instrument; return true;
            case "group": scope = Scope.Group; return true;
            case "account": scope = Scope.Account; return true;
            case "global": scope = Scope.Global; return true;
            default: scope = Scope.Global; return false;
        }
    }

    public static string StateName(TradingState s) => s switch
    {
        TradingState.Halted => "halted", TradingState.ReduceOnly => "reduce_only", _ => "active",
    };

    public static bool TryParseState(string? text, out TradingState state)
    {
        switch (text)
        {
            case "halted": state = TradingState.Halted; return true;
            case "reduce_only": state = TradingState.ReduceOnly; return true;
            case "active": state = TradingState.Active; return true;
            default: state = TradingState.Halted; return false;
        }
    }

    /// <summary>The key of a restriction written by <paramref name="writer"/> ("op" or "e.NAME").</summary>
    public static string Key(string writer, Scope scope, string target)
        => scope == Scope.Global ? writer + ".global" : writer + "." + ScopeName(scope) + "." + Escape(target);

    /// <summary>The (scope, target name) part of a key: everything after the writer.</summary>
    public static string ScopePart(Scope scope, string target) => scope == Scope.Global ? "global" : ScopeName(scope) + "." + Escape(target);

    /// <summary>True when <paramref name="key"/> belongs to <paramref name="writer"/> (fast-path messages may only carry their sender's keys).</summary>
    public static bool IsWrittenBy(string key, string writer) => key.StartsWith(writer + ".", StringComparison.Ordinal);

    public static string Escape(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (byte b in Encoding.UTF8.GetBytes(name))
        {
            char c = (char)b;
            if (c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-' or '_') sb.Append(c);
            else sb.Append('=').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
