namespace CircuitBreaker.Nats;

/// <summary>
/// The firm aggregator: sums every engine's published exposure and PnL (the <c>cbfirm-exposure</c> bucket, keys per engine
/// and account or group) and enforces firm limits (<see cref="FirmAggregatorOptions"/>) by writing firm restrictions
/// (keys <c>agg.account.NAME</c>, <c>agg.group.NAME</c> in <c>cbfirm-state</c>) that every engine's <see cref="FirmLink"/>
/// applies. Run it in an engine or a standalone process, as many instances as you like: exactly one is active, the holder
/// of the KV lease <c>aggregator</c> in <c>cbfirm-lease</c>, which it renews every <see cref="FirmAggregatorOptions.EvaluateInterval"/>;
/// a standby takes the lease over (compare-and-set on its revision) once it has seen no renewal for
/// <see cref="FirmAggregatorOptions.LeaseTimeout"/> on its own clock. Standbys follow the exposures too, so a takeover acts
/// at once; a new holder reads the restrictions its predecessor wrote. Runs on its own task; allocates freely.
/// </summary>
public sealed class FirmAggregator : IAsyncDisposable
{
    private readonly FirmAggregatorOptions _options;
    private readonly Action<string> _log;
    private readonly object _gate = new();
    private readonly Dictionary<string, FirmExposure> _exposures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (TradingState State, bool Loss)> _written = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource _watchCts = new();
    private FirmPlane? _plane;
    private INatsKVStore? _lease;
    private Task _run = Task.CompletedTask;
    private volatile bool _active;
    private ulong _leaseRevision, _seenRevision;
    private long _seenAt, _renewedAt;
    private long _activations, _breaches, _releases, _ignored;

    /// <summary>Creates an aggregator; validates <paramref name="options"/> (every error in one <see cref="ArgumentException"/>).
    /// Nothing connects until <see cref="StartAsync"/>.</summary>
    /// <param name="options">Connection, name, firm limits, lease.</param>
    /// <param name="log">Where it logs (default: nowhere); called on its task.</param>
    public FirmAggregator(FirmAggregatorOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _log = log ?? (_ => { });
    }

    /// <summary>True while this instance holds the lease and enforces the limits.</summary>
    public bool IsActive => _active;
    /// <summary>Times this instance became the active aggregator (a first start or a takeover).</summary>
    public long Activations => Interlocked.Read(ref _activations);
    /// <summary>Firm restrictions written for a breached limit.</summary>
    public long Breaches => Interlocked.Read(ref _breaches);
    /// <summary>Exposure restrictions lifted (back below <see cref="FirmAggregatorOptions.ReleaseFraction"/> of the limits).</summary>
    public long Releases => Interlocked.Read(ref _releases);
    /// <summary>Exposure values ignored (malformed, wrong version, oversized, non-finite).</summary>
    public long Ignored => Interlocked.Read(ref _ignored);

    /// <summary>Connects (retrying) and starts the aggregator's task. Returns true once connected and the lease has been
    /// looked at (this instance active or standing by), false after <paramref name="timeout"/> (it keeps trying).</summary>
    /// <param name="timeout">How long to wait for the connection and the first look at the lease.</param>
    /// <param name="ct">Cancels the call (default none).</param>
    /// <returns>True when connected and active or standing by within <paramref name="timeout"/>.</returns>
    public async Task<bool> StartAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        _run = Task.Run(RunAsync, CancellationToken.None);
        var done = await Task.WhenAny(_ready.Task, Task.Delay(timeout, ct)).ConfigureAwait(false);
        return done == _ready.Task;
    }

    /// <summary>Firm totals per scope ("account mm-1", "group BTC"): gross, net, PnL and the number of engines reporting.</summary>
    internal Dictionary<string, (double Gross, double Net, double Pnl, int Engines)> Totals()
    {
        var totals = new Dictionary<string, (double Gross, double Net, double Pnl, int Engines)>(StringComparer.Ordinal);
        lock (_gate)
            foreach (var x in _exposures.Values)
            {
                string k = x.Scope + " " + x.Target;
                var t = totals.GetValueOrDefault(k);
                totals[k] = (t.Gross + x.Gross, t.Net + x.Net, t.Pnl + x.Pnl, t.Engines + 1);
            }
        return totals;
    }

    private long Now() => _options.Link.Clock.GetTimestamp();
    private TimeSpan Since(long ticks) => _options.Link.Clock.GetElapsedTime(ticks);
    private string Name => _options.Link.Name;

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested && _lease is null)
        {
            try
            {
                _plane = await FirmPlane.OpenAsync(_options.Link, ct).ConfigureAwait(false);
                _lease = await _plane.OpenAsync(FirmKeys.LeaseBucket, _options.Link.Replicas, ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                _log($"aggregator {Name}: cannot open the plane yet ({ex.GetType().Name}: {ex.Message})");
                if (_plane is not null) { await _plane.Connection.DisposeAsync().ConfigureAwait(false); _plane = null; }
                try { await Task.Delay(200, ct).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
            }
        }
        if (_plane is null) return;
        _plane.Connection.ConnectionOpened += (_, _) => { RestartWatch(); return ValueTask.CompletedTask; };
        var watch = WatchAsync(ct);
        _renewedAt = Now();
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await LeaseStepAsync(ct).ConfigureAwait(false);
                _ready.TrySetResult();
                if (_active) await EvaluateAsync(ct).ConfigureAwait(false);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && ex is NatsException or TimeoutException or OperationCanceledException)
            {
                _log($"aggregator {Name}: {ex.GetType().Name}: {ex.Message}");
            }
            if (_active && Since(_renewedAt) > _options.LeaseTimeout)
            {
                _active = false; // could not renew: another instance may hold the lease by now
                _log($"aggregator {Name}: lease not renewed for {_options.LeaseTimeout.TotalMilliseconds:0} ms: standing by");
            }
            try { await Task.Delay(_options.EvaluateInterval, ct).ConfigureAwait(false); } catch (OperationCanceledException) { break; }
        }
        try { await watch.ConfigureAwait(false); } catch (OperationCanceledException) { }
    }

    private long _sinceMs;

    /// <summary>The lease's value: who holds it, since when, and the firm limits with the totals last summed (for <c>firm status</c>).</summary>
    private byte[] LeaseValue()
    {
        long now = _options.Link.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var lease = new FirmLease { Holder = Name, WallMs = now, SinceMs = _active ? _sinceMs : now, Host = _options.Link.Host, Pid = Environment.ProcessId };
        var totals = Totals();
        static double? Limit(double v) => double.IsFinite(v) ? v : null;
        foreach (var (scope, limits) in new[] { (Scope.Account, _options.Accounts), (Scope.Group, _options.Groups) })
            foreach (var (target, limit) in limits)
            {
                var t = totals.GetValueOrDefault(FirmKeys.ScopeName(scope) + " " + target);
                lease.Limits.Add(new FirmLimitStatus
                {
                    Scope = FirmKeys.ScopeName(scope), Target = target, MaxGross = Limit(limit.MaxGross), MaxNet = Limit(limit.MaxNet),
                    MaxDailyLoss = scope == Scope.Account ? Limit(limit.MaxDailyLoss) : null, Gross = t.Gross, Net = t.Net, Pnl = t.Pnl, Engines = t.Engines,
                });
            }
        return JsonSerializer.SerializeToUtf8Bytes(lease, FirmJson.Default.FirmLease);
    }

    /// <summary>Renews the lease when active; otherwise creates it when absent, or takes it over when its revision has not
    /// moved for the lease timeout (measured here, so clocks of other hosts do not matter).</summary>
    private async Task LeaseStepAsync(CancellationToken ct)
    {
        var lease = _lease!;
        if (_active)
        {
            var renewed = await lease.TryUpdateAsync(FirmKeys.AggregatorLease, LeaseValue(), _leaseRevision, cancellationToken: ct).ConfigureAwait(false);
            if (renewed.Success) { _leaseRevision = renewed.Value; _renewedAt = Now(); return; }
            _active = false;
            _log($"aggregator {Name}: lease lost ({renewed.Error.Message}): standing by");
            return;
        }
        var entry = await lease.TryGetEntryAsync<byte[]>(FirmKeys.AggregatorLease, cancellationToken: ct).ConfigureAwait(false);
        if (!entry.Success)
        {
            var created = await lease.TryCreateAsync(FirmKeys.AggregatorLease, LeaseValue(), cancellationToken: ct).ConfigureAwait(false);
            if (created.Success) await ActivateAsync(created.Value, "lease free", ct).ConfigureAwait(false);
            return;
        }
        ulong rev = entry.Value.Revision;
        if (rev != _seenRevision) { _seenRevision = rev; _seenAt = Now(); return; }
        if (Since(_seenAt) <= _options.LeaseTimeout) return;
        var taken = await lease.TryUpdateAsync(FirmKeys.AggregatorLease, LeaseValue(), rev, cancellationToken: ct).ConfigureAwait(false);
        if (taken.Success) await ActivateAsync(taken.Value, $"takeover: lease silent for more than {_options.LeaseTimeout.TotalMilliseconds:0} ms", ct).ConfigureAwait(false);
        else _seenAt = Now();
    }

    /// <summary>Becomes active: reads the restrictions the aggregator (this or a predecessor) wrote, so it neither writes
    /// them twice nor forgets to lift them.</summary>
    private async Task ActivateAsync(ulong revision, string why, CancellationToken ct)
    {
        var plane = _plane!;
        var written = new Dictionary<string, (TradingState, bool)>(StringComparer.Ordinal);
        try
        {
            await foreach (var key in plane.State.GetKeysAsync(cancellationToken: ct).ConfigureAwait(false))
            {
                if (!key.StartsWith(FirmKeys.AggregatorPrefix + ".", StringComparison.Ordinal)) continue;
                var e = await plane.State.TryGetEntryAsync<byte[]>(key, cancellationToken: ct).ConfigureAwait(false);
                if (e.Success && e.Value.Value is { } v && FirmRecord.TryParse(v, _options.Link.MaxMessageBytes, out var r, out _))
                    written[key] = (r.StateValue, r.Reason == LossReason);
            }
        }
        catch (NatsKVException) { /* an empty bucket */ }
        lock (_gate) { _written.Clear(); foreach (var (k, v) in written) _written[k] = v; }
        _leaseRevision = revision;
        _renewedAt = Now();
        _active = true;
        Interlocked.Increment(ref _activations);
        _sinceMs = _options.Link.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        _log($"aggregator {Name}: active ({why}; lease revision {revision}; {written.Count} restriction(s) of the aggregator on record)");
        await plane.AuditAsync(FirmKeys.AggregatorPrefix, new FirmAuditEntry
        {
            WallMs = _options.Link.Clock.GetUtcNow().ToUnixTimeMilliseconds(), Who = Name, What = "aggregator_active", Target = "global", Why = why, Result = "active",
        }, ct).ConfigureAwait(false);
    }

    private void RestartWatch()
    {
        CancellationTokenSource old;
        lock (_gate) { old = _watchCts; _watchCts = new CancellationTokenSource(); }
        try { old.Cancel(); } catch (ObjectDisposedException) { }
    }

    /// <summary>Follows the exposure bucket from its start (every engine's latest figures), re-reading on every reconnect.</summary>
    private async Task WatchAsync(CancellationToken ct)
    {
        var plane = _plane!;
        while (!ct.IsCancellationRequested)
        {
            CancellationTokenSource watchCts;
            lock (_gate) watchCts = _watchCts;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, watchCts.Token);
            try
            {
                await foreach (var e in plane.Exposure.WatchAsync<byte[]>(">", opts: new NatsKVWatchOpts { IdleHeartbeat = TimeSpan.FromMilliseconds(500) },
                    cancellationToken: linked.Token).ConfigureAwait(false))
                {
                    if (e.Operation != NatsKVOperation.Put) { lock (_gate) _exposures.Remove(e.Key); continue; }
                    if (!FirmExposure.TryParse(e.Value, _options.Link.MaxMessageBytes, out var x, out var error)
                        || FirmKeys.ExposureKey(x.Engine, x.Scope == "account" ? Scope.Account : Scope.Group, x.Target) != e.Key)
                    {
                        Interlocked.Increment(ref _ignored);
                        _log($"aggregator {Name}: ignored exposure {e.Key}: {(error.Length > 0 ? error : "key does not match its value")}");
                        continue;
                    }
                    lock (_gate) _exposures[e.Key] = x;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception ex) when (!ct.IsCancellationRequested) { _log($"aggregator {Name}: exposure watch ended ({ex.GetType().Name}); re-reading"); }
            try { await Task.Delay(50, ct).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
        }
    }

    private const string LossReason = "FirmDailyLoss";

    /// <summary>Sums, compares with every limit, and writes what changed: a breach tightens (exposure: ExposureState; loss:
    /// LossState, latched), a release (exposure only, below ReleaseFraction of the limits) writes active.</summary>
    private async Task EvaluateAsync(CancellationToken ct)
    {
        var totals = Totals();
        foreach (var (scope, limits) in new[] { (Scope.Account, _options.Accounts), (Scope.Group, _options.Groups) })
            foreach (var (target, limit) in limits)
            {
                var t = totals.GetValueOrDefault(FirmKeys.ScopeName(scope) + " " + target);
                bool loss = scope == Scope.Account && -t.Pnl >= limit.MaxDailyLoss;
                bool over = t.Gross > limit.MaxGross || Math.Abs(t.Net) > limit.MaxNet;
                bool under = t.Gross <= limit.MaxGross * _options.ReleaseFraction && Math.Abs(t.Net) <= limit.MaxNet * _options.ReleaseFraction;
                string key = FirmKeys.Key(FirmKeys.AggregatorPrefix, scope, target);
                (TradingState State, bool Loss) current;
                lock (_gate) current = _written.GetValueOrDefault(key);
                string figures = $"gross {t.Gross:0.##} (max {limit.MaxGross:0.##}), net {t.Net:0.##} (max {limit.MaxNet:0.##}), pnl {t.Pnl:0.##} (max loss {limit.MaxDailyLoss:0.##}) over {t.Engines} engine(s)";
                if (loss && (current.State < _options.LossState || !current.Loss))
                    await WriteAsync(scope, target, key, Max(current.State, _options.LossState), LossReason, RejectReason.MaxDailyLoss, true, figures, ct).ConfigureAwait(false);
                else if (over && current.State < _options.ExposureState)
                    await WriteAsync(scope, target, key, _options.ExposureState, "FirmExposure",
                        t.Gross > limit.MaxGross ? RejectReason.MaxGrossExposure : RejectReason.MaxNetExposure, current.Loss, figures, ct).ConfigureAwait(false);
                else if (current.State != TradingState.Active && !current.Loss && !over && under)
                    await WriteAsync(scope, target, key, TradingState.Active, "FirmExposureBack", RejectReason.None, false, figures, ct).ConfigureAwait(false);
            }
    }

    private static TradingState Max(TradingState a, TradingState b) => a > b ? a : b;

    private async Task WriteAsync(Scope scope, string target, string key, TradingState state, string reason, RejectReason code, bool loss, string figures, CancellationToken ct)
    {
        var plane = _plane!;
        long wall = _options.Link.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var record = new FirmRecord
        {
            Scope = FirmKeys.ScopeName(scope), Target = target, State = FirmKeys.StateName(state), Reason = reason, Origin = "aggregator",
            Code = code == RejectReason.None ? "" : code.ToString(), Cause = nameof(TripCause.Limit),
            By = Name, TimeNs = wall * 1_000_000, WallMs = wall, Command = "agg-" + Guid.NewGuid().ToString("N")[..12],
        };
        ulong rev = await plane.State.PutAsync(key, record.ToBytes(), cancellationToken: ct).ConfigureAwait(false);
        lock (_gate) _written[key] = (state, loss);
        record.Key = key; record.Revision = rev;
        await plane.Connection.PublishAsync(FirmKeys.FastSubject(FirmKeys.AggregatorPrefix), record.ToBytes(), cancellationToken: ct).ConfigureAwait(false);
        if (state == TradingState.Active) Interlocked.Increment(ref _releases); else Interlocked.Increment(ref _breaches);
        _log($"aggregator {Name}: {record.Scope} {target} {record.State} ({reason}): {figures}; revision {rev}");
        await plane.AuditAsync(FirmKeys.AggregatorPrefix, new FirmAuditEntry
        {
            WallMs = wall, Who = Name, What = "limit", Target = $"{record.Scope} {target}", Why = $"{reason}: {figures}", Result = record.State, Command = record.Command,
        }, ct).ConfigureAwait(false);
    }

    /// <summary>Stops without releasing the lease, as a crashed process would (tests of the takeover).</summary>
    internal async Task CrashAsync()
    {
        _stop.Cancel();
        RestartWatch();
        try { await _run.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or NatsException) { }
        _active = false;
        if (_plane is not null) await _plane.Connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Stops; an active aggregator deletes its lease so a standby takes over at once. The restrictions it wrote stay.</summary>
    public async ValueTask DisposeAsync()
    {
        bool wasActive = _active;
        ulong rev = _leaseRevision;
        await CrashAsync().ConfigureAwait(false);
        if (wasActive && _plane is not null && _lease is not null)
        {
            // The connection is closed: release on a short-lived one.
            try
            {
                await using var conn = new NatsConnection(_options.Link.ToNatsOpts() with { MaxReconnectRetry = 0, RetryOnInitialConnect = false });
                var kv = new NatsKVContext(new NatsJSContext(conn));
                var lease = await kv.GetStoreAsync(FirmKeys.LeaseBucket).ConfigureAwait(false);
                await lease.TryDeleteAsync(FirmKeys.AggregatorLease, new NatsKVDeleteOpts { Revision = rev }).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NatsException or TimeoutException or OperationCanceledException) { }
        }
        _stop.Dispose();
    }
}
