using System.Text.Json.Serialization;

namespace CircuitBreaker.Nats;

/// <summary>
/// One firm restriction as it travels (JSON, version 1): the value of a key in the <c>cbfirm-state</c> bucket, and the
/// body of a fast-path message (which adds <see cref="Key"/> and <see cref="Revision"/>). A resume is a record with state
/// <c>active</c>; keys are never deleted, so the bucket always holds the latest word for every scope ever restricted.
/// </summary>
public sealed class FirmRecord
{
    /// <summary>Format version: 1.</summary>
    [JsonPropertyName("v")] public int Version { get; set; } = 1;
    /// <summary>The KV key (fast path only).</summary>
    [JsonPropertyName("key")] public string? Key { get; set; }
    /// <summary>The KV revision of the put this message repeats (fast path only).</summary>
    [JsonPropertyName("rev")] public ulong Revision { get; set; }
    /// <summary>instrument, group, account or global.</summary>
    [JsonPropertyName("scope")] public string Scope { get; set; } = "global";
    /// <summary>Target name (instrument symbol, group, account); empty for global.</summary>
    [JsonPropertyName("target")] public string Target { get; set; } = "";
    /// <summary>active, reduce_only or halted.</summary>
    [JsonPropertyName("state")] public string State { get; set; } = "halted";
    /// <summary>Why (free text from the operator, or the engine's reason code).</summary>
    [JsonPropertyName("reason")] public string Reason { get; set; } = "";
    /// <summary>operator or engine.</summary>
    [JsonPropertyName("origin")] public string Origin { get; set; } = "operator";
    /// <summary>Who: the operator's or engine's name.</summary>
    [JsonPropertyName("by")] public string By { get; set; } = "";
    /// <summary>Event time (ns, the writer's clock origin) of the change.</summary>
    [JsonPropertyName("time_ns")] public long TimeNs { get; set; }
    /// <summary>Wall-clock Unix time (ms) of the write.</summary>
    [JsonPropertyName("wall_ms")] public long WallMs { get; set; }
    /// <summary>Command id, which engines quote in their acknowledgements.</summary>
    [JsonPropertyName("cmd")] public string Command { get; set; } = "";
    /// <summary>The reason code (<see cref="RejectReason"/> name) engines record with the transition: the raising engine's
    /// own reason (e.g. <c>MaxDailyLoss</c>), the aggregator's limit (<c>MaxGrossExposure</c>, <c>MaxNetExposure</c>,
    /// <c>MaxDailyLoss</c>); empty for an operator's command (<c>Manual</c>). Optional (records without it still read).</summary>
    [JsonPropertyName("code")] public string Code { get; set; } = "";
    /// <summary>The signature (<see cref="CircuitBreaker.Signature"/> name) behind an engine's raised signature trip; empty otherwise. Optional.</summary>
    [JsonPropertyName("sig")] public string Signature { get; set; } = "";
    /// <summary>The cause (<see cref="TripCause"/> name) engines record: the raising engine's own cause, <c>Limit</c> for
    /// the aggregator; empty for an operator's command (<c>Manual</c>). Optional.</summary>
    [JsonPropertyName("cause")] public string Cause { get; set; } = "";

    internal byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, FirmJson.Default.FirmRecord);

    /// <summary>Parses and checks a record; false with the reason for garbage, a wrong version, an unknown scope or state,
    /// a missing target or an oversized message. Never throws.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> data, int maxBytes, out FirmRecord record, out string error)
    {
        record = new FirmRecord();
        if (data.Length > maxBytes) { error = $"oversized ({data.Length} bytes > {maxBytes})"; return false; }
        FirmRecord? r;
        try { r = JsonSerializer.Deserialize(data, FirmJson.Default.FirmRecord); }
        catch (JsonException ex) { error = "not a firm record: " + ex.Message; return false; }
        catch (ArgumentException ex) { error = "not a firm record: " + ex.Message; return false; }
        if (r is null) { error = "empty"; return false; }
        if (r.Version != 1) { error = $"version {r.Version} (expected 1)"; return false; }
        if (!FirmKeys.TryParseScope(r.Scope, out var scope)) { error = $"unknown scope '{r.Scope}'"; return false; }
        if (!FirmKeys.TryParseState(r.State, out _)) { error = $"unknown state '{r.State}'"; return false; }
        if (scope != CircuitBreaker.Scope.Global && string.IsNullOrEmpty(r.Target)) { error = "target missing"; return false; }
        record = r;
        error = "";
        return true;
    }

    /// <summary>Where the record came from, as engines record it: operator, engine, aggregator (anything else: Firm, unstated).</summary>
    internal TripOrigin OriginValue => Origin switch
    {
        "operator" => TripOrigin.FirmOperator,
        "engine" => TripOrigin.FirmEngine,
        "aggregator" => TripOrigin.FirmAggregator,
        _ => TripOrigin.Firm,
    };

    /// <summary>The cause, reason and signature engines record: from <see cref="Code"/>, <see cref="Signature"/> and
    /// <see cref="Cause"/> when present and known, else from <see cref="Reason"/> when it names a reason or a signature
    /// (records of engines before these fields), else Manual.</summary>
    internal (TripCause Cause, RejectReason Reason, Signature Signature) Why()
    {
        Named(Signature, out Signature sig);
        Named(Code, out RejectReason code);
        if (code == RejectReason.None && sig == default)
        {
            if (!Named(Reason, out code) && Named(Reason, out sig)) code = RejectReason.Signature;
        }
        if (code == RejectReason.None) code = sig != default ? RejectReason.Signature : RejectReason.Manual;
        var cause = Named(Cause, out TripCause c) ? c
            : sig != default ? TripCause.Signature : code == RejectReason.Manual ? TripCause.Manual : TripCause.Limit;
        return (cause, code, sig);
    }

    /// <summary>A defined, non-zero enum value named by <paramref name="text"/> (a name, never a number).</summary>
    private static bool Named<T>(string text, out T value) where T : struct, Enum
    {
        value = default;
        if (text.Length == 0 || !char.IsAsciiLetter(text[0]) || !Enum.TryParse(text, out T v) || !Enum.IsDefined(v)) return false;
        if (Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) == 0 && typeof(T) != typeof(TripCause)) return false;
        value = v;
        return true;
    }

    internal Scope ScopeValue => FirmKeys.TryParseScope(Scope, out var s) ? s : CircuitBreaker.Scope.Global;
    internal TradingState StateValue => FirmKeys.TryParseState(State, out var s) ? s : TradingState.Halted;
}

/// <summary>An engine's heartbeat: the value of its key in the <c>cbfirm-engines</c> bucket.</summary>
public sealed class FirmHeartbeat
{
    /// <summary>Format version: 1.</summary>
    [JsonPropertyName("v")] public int Version { get; set; } = 1;
    /// <summary>Engine name.</summary>
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    /// <summary>Host.</summary>
    [JsonPropertyName("host")] public string Host { get; set; } = "";
    /// <summary>Process id.</summary>
    [JsonPropertyName("pid")] public int Pid { get; set; }
    /// <summary>Wall-clock Unix time (ms) of this heartbeat.</summary>
    [JsonPropertyName("wall_ms")] public long WallMs { get; set; }
    /// <summary>The engine's grace (ms): an engine silent longer than this is not live.</summary>
    [JsonPropertyName("grace_ms")] public long GraceMs { get; set; }
    /// <summary>True while the engine is in its safe state (out of contact, or back but not yet resynchronised).</summary>
    [JsonPropertyName("safe")] public bool Safe { get; set; }
    /// <summary>Highest state-bucket revision the engine has applied.</summary>
    [JsonPropertyName("applied_rev")] public ulong AppliedRevision { get; set; }
    /// <summary>Firm messages applied / ignored so far.</summary>
    [JsonPropertyName("applied")] public long Applied { get; set; }
    /// <summary>Firm messages ignored (malformed, unknown target, relaxing fast path).</summary>
    [JsonPropertyName("ignored")] public long Ignored { get; set; }
    /// <summary>Local restrictions in force ("scope target state").</summary>
    [JsonPropertyName("local")] public List<string> Local { get; set; } = [];
}

/// <summary>An engine's acknowledgement of a firm change it applied.</summary>
public sealed class FirmAck
{
    /// <summary>Format version: 1.</summary>
    [JsonPropertyName("v")] public int Version { get; set; } = 1;
    /// <summary>Engine name.</summary>
    [JsonPropertyName("engine")] public string Engine { get; set; } = "";
    /// <summary>Command id acknowledged.</summary>
    [JsonPropertyName("cmd")] public string Command { get; set; } = "";
    /// <summary>Key applied.</summary>
    [JsonPropertyName("key")] public string Key { get; set; } = "";
    /// <summary>Revision applied.</summary>
    [JsonPropertyName("rev")] public ulong Revision { get; set; }
    /// <summary>fast or kv: the path that delivered it first.</summary>
    [JsonPropertyName("path")] public string Path { get; set; } = "";
}

/// <summary>One entry of the audit stream <c>CBFIRM_AUDIT</c>.</summary>
public sealed class FirmAuditEntry
{
    /// <summary>Format version: 1.</summary>
    [JsonPropertyName("v")] public int Version { get; set; } = 1;
    /// <summary>Wall-clock Unix time (ms).</summary>
    [JsonPropertyName("wall_ms")] public long WallMs { get; set; }
    /// <summary>Who (operator or engine name).</summary>
    [JsonPropertyName("who")] public string Who { get; set; } = "";
    /// <summary>What: command (halt, reduce_only, resume), raise (an engine's trip raised to the firm), safe_enter, safe_leave.</summary>
    [JsonPropertyName("what")] public string What { get; set; } = "";
    /// <summary>Scope and target ("account mm-1", "global").</summary>
    [JsonPropertyName("target")] public string Target { get; set; } = "";
    /// <summary>Why.</summary>
    [JsonPropertyName("why")] public string Why { get; set; } = "";
    /// <summary>Result (acked by all, missing engines, refused, written).</summary>
    [JsonPropertyName("result")] public string Result { get; set; } = "";
    /// <summary>Command id.</summary>
    [JsonPropertyName("cmd")] public string Command { get; set; } = "";
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(FirmRecord))]
[JsonSerializable(typeof(FirmHeartbeat))]
[JsonSerializable(typeof(FirmAck))]
[JsonSerializable(typeof(FirmAuditEntry))]
[JsonSerializable(typeof(FirmExposure))]
[JsonSerializable(typeof(FirmLease))]
internal sealed partial class FirmJson : JsonSerializerContext;
