using System.Diagnostics;
using NATS.Client.JetStream.Models;

namespace CircuitBreaker.Nats;

/// <summary>One engine's answer to a firm command: its name and the time from the command's write to its acknowledgement
/// (null when it did not acknowledge before the timeout).</summary>
/// <param name="Engine">Engine name.</param>
/// <param name="Latency">Write to acknowledgement, or null.</param>
/// <param name="Path">fast or kv: the path that reached the engine first ("" when missing).</param>
public sealed record FirmEngineAck(string Engine, TimeSpan? Latency, string Path);

/// <summary>The result of a firm command.</summary>
/// <param name="Command">Command id.</param>
/// <param name="Refused">Why the plane refused it (permissions, not reachable), or null when it was written.</param>
/// <param name="Revision">KV revision of the write (0 when refused).</param>
/// <param name="Engines">Each live engine's acknowledgement.</param>
public sealed record FirmCommandResult(string Command, string? Refused, ulong Revision, IReadOnlyList<FirmEngineAck> Engines)
{
    /// <summary>Wall-clock Unix time (ns, 100 ns resolution) just before the first write: the start of propagation.</summary>
    public long StartedUnixNs { get; init; }
    /// <summary>True when written and every live engine acknowledged.</summary>
    public bool AllAcked => Refused is null && Engines.All(e => e.Latency is not null);
}

/// <summary>
/// The operator's side of the firm plane: firm commands (halt, reduce-only, resume) that wait for every live engine's
/// acknowledgement, status, and the audit trail. Every command is appended to the audit stream with its result. Allocates
/// freely: it is a tool, never on an engine's hot path.
/// </summary>
public sealed class FirmOperator : IAsyncDisposable
{
    private readonly FirmPlane _plane;
    private readonly FirmLinkOptions _options;

    private FirmOperator(FirmPlane plane, FirmLinkOptions options) { _plane = plane; _options = options; }

    /// <summary>Connects (options validated first) and opens or creates the plane's buckets and audit stream.</summary>
    /// <param name="options">Server, credentials and the operator's name (recorded in the audit trail).</param>
    /// <param name="ct">Cancels the call (default none).</param>
    /// <returns>The connected operator; dispose it to close the connection.</returns>
    public static async Task<FirmOperator> ConnectAsync(FirmLinkOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var plane = await FirmPlane.OpenAsync(options, ct).ConfigureAwait(false);
        return new FirmOperator(plane, options);
    }

    private readonly object _receiptGate = new();
    /// <summary>Per engine: when the server received its latest heartbeat (the server's clock: the KV entry's creation time).</summary>
    private readonly Dictionary<string, DateTimeOffset> _receipts = new(StringComparer.Ordinal);
    /// <summary>The server's clock when this operator last probed it, and this operator's timestamp then.</summary>
    private (DateTimeOffset ServerNow, long At)? _probe;

    /// <summary>Engines' latest heartbeats (live or not). Liveness (<see cref="IsLive"/>) is judged by receipt time: when
    /// the server received each heartbeat, against the server's clock now (probed by this call with a put of its own), never
    /// on the sender's timestamp.</summary>
    /// <param name="ct">Cancels the call (default none).</param>
    /// <returns>One heartbeat per engine that ever joined (malformed ones skipped).</returns>
    public async Task<IReadOnlyList<FirmHeartbeat>> EnginesAsync(CancellationToken ct = default)
    {
        try
        {
            var lease = await _plane.OpenAsync(FirmKeys.LeaseBucket, _options.Replicas, ct).ConfigureAwait(false);
            ulong rev = await lease.PutAsync("probe", new byte[] { 1 }, cancellationToken: ct).ConfigureAwait(false);
            long at = _options.Clock.GetTimestamp();
            var probe = await lease.GetEntryAsync<byte[]>("probe", revision: rev, cancellationToken: ct).ConfigureAwait(false);
            lock (_receiptGate) _probe = (probe.Created, at);
        }
        catch (NatsException)
        {
            // not allowed to probe (an engine's credential) or the plane is away: without the server's clock no engine
            // can be judged live (a command is then written, or refused, without waiting for any)
            lock (_receiptGate) _probe = null;
        }
        return await ReadEnginesAsync(ct).ConfigureAwait(false);
    }

    private void Receive(string name, DateTimeOffset created)
    {
        lock (_receiptGate) _receipts[name] = created;
    }

    private async Task<List<FirmHeartbeat>> ReadEnginesAsync(CancellationToken ct)
    {
        var list = new List<FirmHeartbeat>();
        await foreach (var key in Keys(_plane.Engines, ct).ConfigureAwait(false))
        {
            var entry = await _plane.Engines.TryGetEntryAsync<byte[]>(key, cancellationToken: ct).ConfigureAwait(false);
            if (!entry.Success || entry.Value.Value is null) continue;
            try
            {
                if (JsonSerializer.Deserialize(entry.Value.Value, FirmJson.Default.FirmHeartbeat) is { Version: 1 } hb && hb.Name == key)
                {
                    Receive(key, entry.Value.Created);
                    list.Add(hb);
                }
            }
            catch (JsonException) { /* a malformed heartbeat is not an engine */ }
        }
        return list;
    }

    /// <summary>True when the server received the engine's latest heartbeat within the engine's grace (at least 500 ms)
    /// of the server's clock now (probed by <see cref="EnginesAsync"/>, advanced by this operator's <see cref="FirmLinkOptions.Clock"/>
    /// since). Both instants are the server's receipt clock, so clock skew between the engine's, the operator's and the
    /// server's hosts cannot make a live engine look dead or a dead one live; the heartbeat's own wall time is never used.</summary>
    /// <param name="hb">An engine's heartbeat (from <see cref="EnginesAsync"/>).</param>
    /// <returns>True when live by receipt time.</returns>
    public bool IsLive(FirmHeartbeat hb)
    {
        ArgumentNullException.ThrowIfNull(hb);
        return SinceReceived(hb) is { } age && age <= TimeSpan.FromMilliseconds(Math.Max(hb.GraceMs, 500));
    }

    /// <summary>How long ago (the server's clock) the server received the engine's latest heartbeat; null when this
    /// operator has not read it through <see cref="EnginesAsync"/>.</summary>
    /// <param name="hb">An engine's heartbeat (from <see cref="EnginesAsync"/>).</param>
    /// <returns>The age at receipt, or null.</returns>
    public TimeSpan? SinceReceived(FirmHeartbeat hb)
    {
        ArgumentNullException.ThrowIfNull(hb);
        lock (_receiptGate)
        {
            if (_probe is not { } probe || !_receipts.TryGetValue(hb.Name, out var created)) return null;
            return probe.ServerNow + _options.Clock.GetElapsedTime(probe.At) - created;
        }
    }

    /// <summary>The active aggregator: who holds the lease, since when, and the firm limits with the totals it last summed;
    /// null when no aggregator has taken the lease (or its value is not readable).</summary>
    /// <param name="ct">Cancels the call (default none).</param>
    /// <returns>The aggregator's status, or null.</returns>
    public async Task<FirmAggregatorStatus?> AggregatorAsync(CancellationToken ct = default)
    {
        var lease = await _plane.OpenAsync(FirmKeys.LeaseBucket, _options.Replicas, ct).ConfigureAwait(false);
        var entry = await lease.TryGetEntryAsync<byte[]>(FirmKeys.AggregatorLease, cancellationToken: ct).ConfigureAwait(false);
        if (!entry.Success || entry.Value.Value is not { } data || data.Length > 256 * 1024) return null;
        try
        {
            return JsonSerializer.Deserialize(data, FirmJson.Default.FirmLease) is { Version: 1 } l
                ? new FirmAggregatorStatus(l.Holder, l.Host, l.Pid, l.SinceMs, l.WallMs, l.Limits) : null;
        }
        catch (JsonException) { return null; }
    }

    /// <summary>Firm restrictions (and resumes) in the state bucket, by key.</summary>
    /// <param name="ct">Cancels the call (default none).</param>
    /// <returns>Every well-formed record of the state bucket with its key and revision.</returns>
    public async Task<IReadOnlyList<(string Key, ulong Revision, FirmRecord Record)>> StateAsync(CancellationToken ct = default)
    {
        var list = new List<(string, ulong, FirmRecord)>();
        await foreach (var key in Keys(_plane.State, ct).ConfigureAwait(false))
        {
            var entry = await _plane.State.TryGetEntryAsync<byte[]>(key, cancellationToken: ct).ConfigureAwait(false);
            if (!entry.Success || entry.Value.Value is null) continue;
            if (FirmRecord.TryParse(entry.Value.Value, _options.MaxMessageBytes, out var r, out _)) list.Add((key, entry.Value.Revision, r));
        }
        return list;
    }

    private static async IAsyncEnumerable<string> Keys(INatsKVStore store, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        IAsyncEnumerable<string> keys = store.GetKeysAsync(cancellationToken: ct);
        await using var e = keys.GetAsyncEnumerator(ct);
        while (true)
        {
            bool more;
            try { more = await e.MoveNextAsync().ConfigureAwait(false); }
            catch (NatsKVException) { yield break; } // an empty bucket
            if (!more) yield break;
            yield return e.Current;
        }
    }

    /// <summary>
    /// Sets a firm state on a scope and waits (up to <paramref name="timeout"/>) until every live engine has applied it.
    /// A resume also resumes every engine-raised restriction of the same scope (keys e.NAME.*), so the scope is free.
    /// The command and its result are appended to the audit stream.
    /// </summary>
    /// <param name="scope">Global, group, account or instrument.</param>
    /// <param name="target">The group, account or instrument name (ignored for global).</param>
    /// <param name="state">Halted, ReduceOnly, or Active (a resume).</param>
    /// <param name="reason">Why (recorded in the firm state and the audit trail).</param>
    /// <param name="timeout">How long to wait for every live engine's acknowledgement (and for each write).</param>
    /// <param name="ct">Cancels the call (default none).</param>
    /// <returns>The command id, the revision, each live engine's acknowledgement, or why it was refused.</returns>
    public async Task<FirmCommandResult> CommandAsync(Scope scope, string target, TradingState state, string reason, TimeSpan timeout, CancellationToken ct = default)
    {
        string cmd = Guid.NewGuid().ToString("N")[..16];
        string part = FirmKeys.ScopePart(scope, target);
        var live = (await EnginesAsync(ct).ConfigureAwait(false)).Where(IsLive).Select(e => e.Name).Distinct().ToList();
        var keys = new List<string> { FirmKeys.OperatorPrefix + "." + part };
        if (state == TradingState.Active)
            foreach (var (key, _, r) in await StateAsync(ct).ConfigureAwait(false))
                if ((key.StartsWith("e.", StringComparison.Ordinal) || key.StartsWith(FirmKeys.AggregatorPrefix + ".", StringComparison.Ordinal)) && key.EndsWith("." + part, StringComparison.Ordinal) && r.StateValue != TradingState.Active) keys.Add(key);

        var acked = new Dictionary<string, (HashSet<string> Keys, TimeSpan Latency, string Path)>();
        var allAcked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stopAcks = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var sub = await _plane.Connection.SubscribeCoreAsync<byte[]>(FirmKeys.AckSubjects, cancellationToken: stopAcks.Token).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        var listen = Task.Run(async () =>
        {
            try
            {
                await foreach (var msg in sub.Msgs.ReadAllAsync(stopAcks.Token).ConfigureAwait(false))
                {
                    FirmAck? ack;
                    try { ack = msg.Data is null ? null : JsonSerializer.Deserialize(msg.Data, FirmJson.Default.FirmAck); }
                    catch (JsonException) { continue; }
                    if (ack is null || ack.Command != cmd || msg.Subject != FirmKeys.AckSubject(ack.Engine)) continue;
                    lock (acked)
                    {
                        if (!acked.TryGetValue(ack.Engine, out var a)) a = (new HashSet<string>(), TimeSpan.Zero, ack.Path);
                        a.Keys.Add(ack.Key);
                        acked[ack.Engine] = (a.Keys, clock.Elapsed, a.Path);
                        if (live.All(e => acked.TryGetValue(e, out var x) && x.Keys.Count >= keys.Count)) allAcked.TrySetResult();
                    }
                }
            }
            catch (OperationCanceledException) { }
        }, CancellationToken.None);

        ulong revision = 0;
        string? refused = null;
        var record = new FirmRecord
        {
            Scope = FirmKeys.ScopeName(scope), Target = scope == Scope.Global ? "" : target, State = FirmKeys.StateName(state), Reason = reason,
            Origin = "operator", By = _options.Name, WallMs = _options.Clock.GetUtcNow().ToUnixTimeMilliseconds(), Command = cmd,
        };
        record.TimeNs = record.WallMs * 1_000_000;
        long started = (_options.Clock.GetUtcNow().UtcTicks - DateTime.UnixEpoch.Ticks) * 100;
        try
        {
            foreach (var key in keys)
            {
                using var writeTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                writeTimeout.CancelAfter(timeout);
                record.Key = null; record.Revision = 0;
                ulong rev = await _plane.State.PutAsync(key, record.ToBytes(), cancellationToken: writeTimeout.Token).ConfigureAwait(false);
                revision = Math.Max(revision, rev);
                record.Key = key; record.Revision = rev;
                await _plane.Connection.PublishAsync(FirmKeys.FastSubject(FirmKeys.OperatorPrefix), record.ToBytes(), cancellationToken: ct).ConfigureAwait(false);
            }
            if (live.Count == 0) allAcked.TrySetResult();
            await Task.WhenAny(allAcked.Task, Task.Delay(timeout, ct)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException or TimeoutException && !ct.IsCancellationRequested)
        {
            refused = $"{ex.GetType().Name}: {ex.Message}";
        }
        stopAcks.Cancel();
        await sub.DisposeAsync().ConfigureAwait(false);
        await listen.ConfigureAwait(false);
        List<FirmEngineAck> engines;
        lock (acked)
            engines = live.Select(e => acked.TryGetValue(e, out var a) && a.Keys.Count >= keys.Count
                ? new FirmEngineAck(e, a.Latency, a.Path) : new FirmEngineAck(e, null, "")).ToList();
        var result = new FirmCommandResult(cmd, refused, revision, engines) { StartedUnixNs = started };
        await _plane.AuditAsync(FirmKeys.OperatorPrefix, new FirmAuditEntry
        {
            WallMs = _options.Clock.GetUtcNow().ToUnixTimeMilliseconds(), Who = _options.Name, What = FirmKeys.StateName(state) switch { "active" => "resume", var s => s },
            Target = $"{FirmKeys.ScopeName(scope)} {(scope == Scope.Global ? "" : target)}".TrimEnd(), Why = reason, Command = cmd,
            Result = refused is not null ? "refused: " + refused
                : result.AllAcked ? $"acked by all {engines.Count} live engines"
                : "missing: " + string.Join(",", engines.Where(e => e.Latency is null).Select(e => e.Engine)),
        }, ct).ConfigureAwait(false);
        return result;
    }

    /// <summary>The audit trail, oldest first (reads the stream to its end).</summary>
    /// <param name="ct">Cancels the call (default none).</param>
    /// <returns>Every audit entry, oldest first.</returns>
    public async Task<IReadOnlyList<FirmAuditEntry>> AuditLogAsync(CancellationToken ct = default)
    {
        var list = new List<FirmAuditEntry>();
        var stream = await _plane.JetStream.GetStreamAsync(FirmKeys.AuditStream, cancellationToken: ct).ConfigureAwait(false);
        ulong last = stream.Info.State.LastSeq;
        if (stream.Info.State.Messages == 0) return list;
        var consumer = await _plane.JetStream.CreateOrderedConsumerAsync(FirmKeys.AuditStream, cancellationToken: ct).ConfigureAwait(false);
        await foreach (var msg in consumer.ConsumeAsync<byte[]>(cancellationToken: ct).ConfigureAwait(false))
        {
            try { if (msg.Data is not null && JsonSerializer.Deserialize(msg.Data, FirmJson.Default.FirmAuditEntry) is { } e) list.Add(e); }
            catch (JsonException) { /* not an audit entry: skipped */ }
            if (msg.Metadata is { } md && md.Sequence.Stream >= last) break;
        }
        return list;
    }

    /// <summary>Changes to the state and engines buckets as they happen (key, revision, raw value), until cancelled.</summary>
    /// <param name="ct">Stops the view.</param>
    /// <returns>Each change as it happens.</returns>
    public async IAsyncEnumerable<(string Bucket, string Key, ulong Revision, string Value)> WatchAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var channel = System.Threading.Channels.Channel.CreateUnbounded<(string, string, ulong, string)>();
        async Task Pump(INatsKVStore store)
        {
            try
            {
                await foreach (var e in store.WatchAsync<byte[]>(">", opts: new NatsKVWatchOpts { UpdatesOnly = true }, cancellationToken: ct).ConfigureAwait(false))
                    await channel.Writer.WriteAsync((store.Bucket, e.Key, e.Revision, e.Value is null ? "" : System.Text.Encoding.UTF8.GetString(e.Value)), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) { }
        }
        var pumps = Task.WhenAll(Pump(_plane.State), Pump(_plane.Engines)).ContinueWith(_ => channel.Writer.TryComplete(), TaskScheduler.Default);
        await foreach (var item in channel.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false)) yield return item;
        await pumps.ConfigureAwait(false);
    }

    /// <summary>Closes the connection.</summary>
    public async ValueTask DisposeAsync() => await _plane.Connection.DisposeAsync().ConfigureAwait(false);
}
