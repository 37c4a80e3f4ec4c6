using System.Text.Json.Serialization;

namespace CircuitBreaker.Nats;

/// <summary>
/// One engine's exposure for one account or group (JSON, version 1): the value of key <c>ENGINE.account.NAME</c> or
/// <c>ENGINE.group.NAME</c> in the <c>cbfirm-exposure</c> bucket. Exposures are marked (position × mark × multiplier) in
/// the engine's currency; the aggregator sums them across engines.
/// </summary>
public sealed class FirmExposure
{
    /// <summary>Format version: 1.</summary>
    [JsonPropertyName("v")] public int Version { get; set; } = 1;
    /// <summary>Engine name.</summary>
    [JsonPropertyName("engine")] public string Engine { get; set; } = "";
    /// <summary>account or group.</summary>
    [JsonPropertyName("scope")] public string Scope { get; set; } = "account";
    /// <summary>Account or group name.</summary>
    [JsonPropertyName("target")] public string Target { get; set; } = "";
    /// <summary>Gross marked exposure (Σ |position| × mark × multiplier).</summary>
    [JsonPropertyName("gross")] public double Gross { get; set; }
    /// <summary>Net marked exposure (Σ position × mark × multiplier).</summary>
    [JsonPropertyName("net")] public double Net { get; set; }
    /// <summary>Today's PnL (realised plus unrealised since the day started); accounts only (0 for a group).</summary>
    [JsonPropertyName("pnl")] public double Pnl { get; set; }
    /// <summary>Signed position in human units summed over the group's instruments (groups only; 0 for an account).</summary>
    [JsonPropertyName("position")] public double Position { get; set; }
    /// <summary>Wall-clock Unix time (ms) of the sample.</summary>
    [JsonPropertyName("wall_ms")] public long WallMs { get; set; }

    internal static bool TryParse(ReadOnlySpan<byte> data, int maxBytes, out FirmExposure exposure, out string error)
    {
        exposure = new FirmExposure();
        if (data.Length > maxBytes) { error = $"oversized ({data.Length} bytes > {maxBytes})"; return false; }
        FirmExposure? x;
        try { x = JsonSerializer.Deserialize(data, FirmJson.Default.FirmExposure); }
        catch (JsonException ex) { error = "not an exposure: " + ex.Message; return false; }
        catch (ArgumentException ex) { error = "not an exposure: " + ex.Message; return false; }
        if (x is null) { error = "empty"; return false; }
        if (x.Version != 1) { error = $"version {x.Version} (expected 1)"; return false; }
        if (x.Scope is not ("account" or "group") || x.Target.Length == 0) { error = $"scope '{x.Scope}' target '{x.Target}'"; return false; }
        if (!double.IsFinite(x.Gross) || !double.IsFinite(x.Net) || !double.IsFinite(x.Pnl) || !double.IsFinite(x.Position) || x.Gross < 0)
        { error = "non-finite or negative figures"; return false; }
        exposure = x;
        error = "";
        return true;
    }
}

/// <summary>The aggregator's lease (value of key <c>aggregator</c> in <c>cbfirm-lease</c>).</summary>
internal sealed class FirmLease
{
    [JsonPropertyName("v")] public int Version { get; set; } = 1;
    [JsonPropertyName("holder")] public string Holder { get; set; } = "";
    [JsonPropertyName("wall_ms")] public long WallMs { get; set; }
    /// <summary>When the holder took the lease (its wall clock, Unix ms; 0 when unknown).</summary>
    [JsonPropertyName("since_ms")] public long SinceMs { get; set; }
    [JsonPropertyName("host")] public string Host { get; set; } = "";
    [JsonPropertyName("pid")] public int Pid { get; set; }
    /// <summary>The holder's firm limits with the totals it last summed (null maximum: no limit).</summary>
    [JsonPropertyName("limits")] public List<FirmLimitStatus> Limits { get; set; } = [];
}

/// <summary>One firm limit and the firm total against it, as the active aggregator last summed it (in its lease).</summary>
public sealed class FirmLimitStatus
{
    /// <summary>account or group.</summary>
    [JsonPropertyName("scope")] public string Scope { get; set; } = "";
    /// <summary>Account or group name.</summary>
    [JsonPropertyName("target")] public string Target { get; set; } = "";
    /// <summary>Maximum gross exposure (null: none).</summary>
    [JsonPropertyName("max_gross")] public double? MaxGross { get; set; }
    /// <summary>Maximum |net| exposure (null: none).</summary>
    [JsonPropertyName("max_net")] public double? MaxNet { get; set; }
    /// <summary>Maximum daily loss (accounts; null: none).</summary>
    [JsonPropertyName("max_daily_loss")] public double? MaxDailyLoss { get; set; }
    /// <summary>Firm gross exposure, summed over every engine.</summary>
    [JsonPropertyName("gross")] public double Gross { get; set; }
    /// <summary>Firm net exposure.</summary>
    [JsonPropertyName("net")] public double Net { get; set; }
    /// <summary>Firm PnL today.</summary>
    [JsonPropertyName("pnl")] public double Pnl { get; set; }
    /// <summary>Engines reporting.</summary>
    [JsonPropertyName("engines")] public int Engines { get; set; }
}

/// <summary>The active aggregator as the plane records it (<see cref="FirmOperator.AggregatorAsync"/>).</summary>
/// <param name="Holder">The aggregator holding the lease.</param>
/// <param name="Host">Its host.</param>
/// <param name="Pid">Its process id.</param>
/// <param name="SinceUnixMs">When it took the lease (its clock, Unix ms).</param>
/// <param name="RenewedUnixMs">Its last renewal (its clock, Unix ms).</param>
/// <param name="Limits">The firm limits and the totals it last summed.</param>
public sealed record FirmAggregatorStatus(string Holder, string Host, int Pid, long SinceUnixMs, long RenewedUnixMs, IReadOnlyList<FirmLimitStatus> Limits);
