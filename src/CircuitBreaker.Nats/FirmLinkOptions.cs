using System.Text.RegularExpressions;

namespace CircuitBreaker.Nats;

/// <summary>
/// How a process joins the firm plane: server, identity, credentials, timings and the propagation policy. Validated up
/// front by <see cref="Validate"/> (every error in one message); <see cref="FirmLink"/> and <see cref="FirmOperator"/> call it.
/// </summary>
public sealed partial class FirmLinkOptions
{
    /// <summary>Server URL(s), comma-separated (default <c>nats://127.0.0.1:4222</c>).</summary>
    public string Url { get; set; } = "nats://127.0.0.1:4222";
    /// <summary>This engine's (or operator's) name: letters, digits, '-' and '_' (required for an engine; default "operator").</summary>
    public string Name { get; set; } = "operator";
    /// <summary>Host name reported in heartbeats (default: <see cref="Environment.MachineName"/>).</summary>
    public string Host { get; set; } = Environment.MachineName;
    /// <summary>User name (with <see cref="Password"/>); default none.</summary>
    public string? User { get; set; }
    /// <summary>Password for <see cref="User"/>; default none.</summary>
    public string? Password { get; set; }
    /// <summary>Token authentication; default none.</summary>
    public string? Token { get; set; }
    /// <summary>A .creds file (JWT and nkey seed); default none.</summary>
    public string? CredsFile { get; set; }
    /// <summary>An nkey seed file; default none.</summary>
    public string? NKeyFile { get; set; }
    /// <summary>CA certificate file for TLS; default none.</summary>
    public string? TlsCaFile { get; set; }
    /// <summary>Client certificate file for mutual TLS; default none.</summary>
    public string? TlsCertFile { get; set; }
    /// <summary>Client key file for mutual TLS; default none.</summary>
    public string? TlsKeyFile { get; set; }
    /// <summary>Require TLS (default false: TLS when the server offers it).</summary>
    public bool TlsRequired { get; set; }
    /// <summary>Heartbeat period (default 250 ms): each heartbeat is a KV put that proves contact with the plane.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromMilliseconds(250);
    /// <summary>Out of contact longer than this, the engine applies <see cref="SafeState"/> globally (default 2 s).</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>The state applied globally, in the firm layer, while out of contact (default ReduceOnly, like cancel-on-disconnect).</summary>
    public TradingState SafeState { get; set; } = TradingState.ReduceOnly;
    /// <summary>Local trips raised to the firm: at least this severity (default Critical).</summary>
    public Severity PropagateMinSeverity { get; set; } = Severity.Critical;
    /// <summary>Scopes whose local trips are raised to the firm (default Account and Group; Global and Instrument stay local).</summary>
    public IReadOnlyList<Scope> PropagateScopes { get; set; } = [Scope.Account, Scope.Group];
    /// <summary>Raise local trips to the firm at all (default true).</summary>
    public bool Propagate { get; set; } = true;
    /// <summary>Messages larger than this are ignored and counted (default 8,192 bytes).</summary>
    public int MaxMessageBytes { get; set; } = 8192;
    /// <summary>Replicas of the buckets and the audit stream when this process creates them (default 1; 3 on a 3-node cluster).</summary>
    public int Replicas { get; set; } = 1;
    /// <summary>How often a link made from a <see cref="Breaker"/> samples its accounts' and groups' exposure and PnL and
    /// writes the ones that changed to the <c>cbfirm-exposure</c> bucket (default 100 ms; <see cref="TimeSpan.Zero"/>: never).
    /// This bounds the publishing rate and is part of the firm limits' staleness (docs/firm.md).</summary>
    public TimeSpan ExposureInterval { get; set; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Wall clock for heartbeats and latencies (default <see cref="TimeProvider.System"/>); event time is never read from it.</summary>
    public TimeProvider Clock { get; set; } = TimeProvider.System;

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$")]
    private static partial Regex NamePattern();

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid setting; returns normally when all are valid.</summary>
    public void Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Url)) errors.Add("Url: required");
        if (Name is null || !NamePattern().IsMatch(Name)) errors.Add($"Name: '{Name}' must be 1-64 letters, digits, '-' or '_'");
        if (string.IsNullOrWhiteSpace(Host)) errors.Add("Host: required");
        if (HeartbeatInterval <= TimeSpan.Zero) errors.Add($"HeartbeatInterval: {HeartbeatInterval} must be positive");
        if (Grace < HeartbeatInterval * 2) errors.Add($"Grace: {Grace} must be at least twice HeartbeatInterval ({HeartbeatInterval})");
        if (SafeState is not (TradingState.ReduceOnly or TradingState.Halted)) errors.Add($"SafeState: {SafeState} must be ReduceOnly or Halted");
        if (!Enum.IsDefined(PropagateMinSeverity)) errors.Add($"PropagateMinSeverity: {PropagateMinSeverity} is not a severity");
        if (PropagateScopes is null || PropagateScopes.Any(s => !Enum.IsDefined(s))) errors.Add("PropagateScopes: must list defined scopes");
        if (MaxMessageBytes is < 256 or > 1 << 20) errors.Add($"MaxMessageBytes: {MaxMessageBytes} must be in [256, 1048576]");
        if (ExposureInterval < TimeSpan.Zero) errors.Add($"ExposureInterval: {ExposureInterval} must be zero (off) or positive");
        if (Replicas is < 1 or > 5) errors.Add($"Replicas: {Replicas} must be in [1, 5]");
        if (User is not null && Password is null) errors.Add("Password: required with User");
        if ((TlsCertFile is null) != (TlsKeyFile is null)) errors.Add("TlsCertFile/TlsKeyFile: give both or neither");
        foreach (var (name, file) in new[] { ("CredsFile", CredsFile), ("NKeyFile", NKeyFile), ("TlsCaFile", TlsCaFile), ("TlsCertFile", TlsCertFile), ("TlsKeyFile", TlsKeyFile) })
            if (file is not null && !File.Exists(file)) errors.Add($"{name}: '{file}' not found");
        if (Clock is null) errors.Add("Clock: required");
        if (errors.Count > 0) throw new ArgumentException("invalid firm link options: " + string.Join("; ", errors));
    }

    /// <summary>The NATS client options these settings make (fast reconnect: 50-250 ms instead of the client's 2-5 s default).</summary>
    internal NatsOpts ToNatsOpts() => NatsOpts.Default with
    {
        Url = Url,
        Name = Name,
        AuthOpts = NatsAuthOpts.Default with
        {
            Username = User, Password = Password, Token = Token, CredsFile = CredsFile, NKeyFile = NKeyFile,
        },
        TlsOpts = NatsTlsOpts.Default with
        {
            CaFile = TlsCaFile, CertFile = TlsCertFile, KeyFile = TlsKeyFile,
            Mode = TlsRequired ? TlsMode.Require : TlsMode.Auto,
        },
        ReconnectWaitMin = TimeSpan.FromMilliseconds(50),
        ReconnectWaitMax = TimeSpan.FromMilliseconds(250),
        ReconnectJitter = TimeSpan.FromMilliseconds(20),
        MaxReconnectRetry = -1,
        RetryOnInitialConnect = true,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        RequestTimeout = TimeSpan.FromSeconds(2),
        CommandTimeout = TimeSpan.FromSeconds(2),
        PingInterval = TimeSpan.FromSeconds(1),
        MaxPingOut = 2,
        SubPendingChannelCapacity = 65_536,
    };
}
