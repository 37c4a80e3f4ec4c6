using System.Threading.Channels;

namespace CircuitBreaker.Nats;

/// <summary>
/// An engine's member of the firm plane. It applies firm restrictions to the <see cref="StateBoard"/>'s firm layer
/// (<see cref="StateBoard.TrySetFirm"/>) from the <c>cbfirm-state</c> KV bucket and from the core-NATS fast path
/// (whichever arrives first, ordered by KV revision; the fast path may only tighten), re-reads the whole bucket on every
/// (re)connect, heartbeats into <c>cbfirm-engines</c>, raises local trips to the firm by policy, and fails safe:
/// it starts in <see cref="FirmLinkOptions.SafeState"/> (globally, in the firm layer) until it has read the firm state,
/// and returns to it after <see cref="FirmLinkOptions.Grace"/> out of contact, until it has reconnected and re-read.
/// Everything runs on the link's own tasks; the hot path never touches the network. Starting, stopping and every
/// message allocate; applying a change to the board does not.
/// </summary>
public sealed partial class FirmLink : IAsyncDisposable
{
    private readonly StateBoard _board;
    private readonly InstrumentRegistry _registry;
    private readonly FirmLinkOptions _options;
    private readonly Action<string> _log;
    private readonly string _writer;
    private readonly object _gate = new();
    private readonly Dictionary<string, KeyState> _keys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seenInResync = new(StringComparer.Ordinal);
    private readonly Channel<RaiseRequest> _raises = Channel.CreateBounded<RaiseRequest>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstResync = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationTokenSource _watchCts = new();
    private FirmPlane? _plane;
    private IDisposable? _registration;
    private Task[] _tasks = [];
    private bool _safe = true;
    private int _disposed;
    private long _watchGeneration;
    private long _safeSinceGeneration;
    private long _lastContactTicks;
    private bool _away = true;
    private long _applied, _ignored, _notApplicable, _safeEntries, _returns, _raised, _raisesDropped;
    private ulong _appliedRevision;

    private readonly record struct KeyState(ulong Revision, Scope Scope, int Target, TradingState State, bool Known, Source Source);
    /// <summary>Where a firm change came from and why: what the board's transition carries (origin, who, cause, reason, signature).</summary>
    private readonly record struct Source(TripOrigin Origin, int By, TripCause Cause, RejectReason Reason, Signature Signature);
    private readonly record struct RaiseRequest(Scope Scope, string Target, TradingState State, TripCause Cause, RejectReason Reason, Signature Signature, long TimeNs, long Sequence);

    /// <summary>Creates a link for <paramref name="board"/>, resolving names through <paramref name="registry"/>.
    /// Validates <paramref name="options"/> (every error in one <see cref="ArgumentException"/>). Nothing connects until <see cref="StartAsync"/>.</summary>
    /// <param name="board">The board whose firm layer this link writes.</param>
    /// <param name="registry">Names of instruments, groups and accounts (firm keys name scopes by name).</param>
    /// <param name="options">Server, identity, timings, policy.</param>
    /// <param name="log">Where the link logs (default: nowhere); called on the link's tasks.</param>
    public FirmLink(StateBoard board, InstrumentRegistry registry, FirmLinkOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _board = board; _registry = registry; _options = options; _log = log ?? (_ => { });
        _writer = FirmKeys.EngineWriter(options.Name);
        _failSafe = new Source(TripOrigin.FirmFailSafe, TripOriginNames.Intern(options.Name), TripCause.Pipeline, RejectReason.FirmContactLost, default);
    }

    private readonly Source _failSafe;

    /// <summary>Firm messages applied (KV or fast path; a duplicate is not counted).</summary>
    public long Applied => Interlocked.Read(ref _applied);
    /// <summary>Firm messages ignored: malformed, wrong version, unknown scope or state, oversized, a key not matching its
    /// value or its sender, or a fast-path message that would relax state.</summary>
    public long Ignored => Interlocked.Read(ref _ignored);
    /// <summary>Firm records for a target this engine does not have (acknowledged, nothing to apply).</summary>
    public long NotApplicable => Interlocked.Read(ref _notApplicable);
    /// <summary>Times the link entered its safe state (including the start).</summary>
    public long SafeEntries => Interlocked.Read(ref _safeEntries);
    /// <summary>Staged returns from the safe state (reconnected and re-read the firm state).</summary>
    public long Returns => Interlocked.Read(ref _returns);
    /// <summary>Local trips raised to the firm.</summary>
    public long Raised => Interlocked.Read(ref _raised);
    /// <summary>True while in the safe state.</summary>
    public bool IsSafe { get { lock (_gate) return _safe; } }
    /// <summary>True while the last heartbeat reached the plane.</summary>
    public bool IsConnected => !Volatile.Read(ref _away);
    /// <summary>Time since the last heartbeat the plane acknowledged (the link's lag; <see cref="FirmLinkOptions.Clock"/>).</summary>
    public TimeSpan SinceContact => Since(Volatile.Read(ref _lastContactTicks));
    /// <summary>Highest state-bucket revision applied.</summary>
    public ulong AppliedRevision { get { lock (_gate) return _appliedRevision; } }

    /// <summary>Puts the board in the safe state, connects (retrying), and starts the link's tasks. Returns once the firm
    /// state has been read (the safe state lifted) or <paramref name="timeout"/> has passed (the link keeps trying and
    /// stays safe meanwhile); false in that case.</summary>
    /// <param name="timeout">How long to wait for the firm state to be read.</param>
    /// <param name="ct">Cancels the call (default none).</param>
    /// <returns>True when the firm state was read (the safe state lifted) within <paramref name="timeout"/>.</returns>
    public async Task<bool> StartAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        Interlocked.Increment(ref _safeEntries);
        lock (_gate) Recompute(Scope.Global, -1, 0, _failSafe);
        _log($"firm: {_options.Name} safe ({FirmKeys.StateName(_options.SafeState)}) until the firm state is read");
        Volatile.Write(ref _lastContactTicks, Now());
        _registration = _board.Register(new RaiseSwitch(this), slow: true);
        _tasks = [Task.Run(RunAsync)];
        var done = await Task.WhenAny(_firstResync.Task, Task.Delay(timeout, ct)).ConfigureAwait(false);
        return done == _firstResync.Task;
    }

    private async Task RunAsync()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try { _plane = await FirmPlane.OpenAsync(_options, ct).ConfigureAwait(false); break; }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                _log($"firm: cannot open the plane yet ({ex.GetType().Name}: {ex.Message})");
                CheckGrace();
                try { await Task.Delay(200, ct).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
            }
        }
        if (_plane is null) return;
        _plane.Connection.ConnectionDisconnected += (_, _) => { MarkAway("disconnected"); return ValueTask.CompletedTask; };
        _plane.Connection.ConnectionOpened += (_, _) => { _log("firm: connection opened"); RestartWatch(); return ValueTask.CompletedTask; };
        await Task.WhenAll(WatchLoopAsync(ct), FastLoopAsync(ct), HeartbeatLoopAsync(ct), RaiseLoopAsync(ct), ExposureLoopAsync(ct)).ConfigureAwait(false);
    }

    private long Now() => _options.Clock.GetTimestamp();
    private TimeSpan Since(long ticks) => _options.Clock.GetElapsedTime(ticks);

    private void MarkAway(string why)
    {
        if (!Volatile.Read(ref _away)) _log($"firm: out of contact ({why})");
        Volatile.Write(ref _away, true);
    }

    private void RestartWatch()
    {
        CancellationTokenSource old;
        lock (_gate) { old = _watchCts; _watchCts = new CancellationTokenSource(); }
        try { old.Cancel(); } catch (ObjectDisposedException) { }
    }

    private void CheckGrace()
    {
        if (Since(Volatile.Read(ref _lastContactTicks)) <= _options.Grace) return;
        lock (_gate)
        {
            if (_safe) return;
            _safe = true;
            _safeSinceGeneration = _watchGeneration;
            Recompute(Scope.Global, -1, 0, _failSafe);
        }
        Interlocked.Increment(ref _safeEntries);
        _log($"firm: out of contact for more than {_options.Grace.TotalMilliseconds:0} ms: safe state {FirmKeys.StateName(_options.SafeState)} globally");
    }

    private async Task HeartbeatLoopAsync(CancellationToken ct)
    {
        var plane = _plane!;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(_options.Grace / 2);
                await plane.Engines.PutAsync(_options.Name, Heartbeat(), cancellationToken: timeout.Token).ConfigureAwait(false);
                Volatile.Write(ref _lastContactTicks, Now());
                if (Volatile.Read(ref _away))
                {
                    Volatile.Write(ref _away, false);
                    if (_firstResync.Task.IsCompleted)
                    {
                        _log("firm: contact with the plane (heartbeat acknowledged); re-reading the firm state");
                        RestartWatch();
                    }
                }
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && ex is NatsException or OperationCanceledException or TimeoutException or InvalidOperationException)
            {
                MarkAway(ex.GetType().Name);
            }
            CheckGrace();
            try { await Task.Delay(_options.HeartbeatInterval, ct).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
        }
    }

    private byte[] Heartbeat()
    {
        var hb = new FirmHeartbeat
        {
            Name = _options.Name, Host = _options.Host, Pid = Environment.ProcessId,
            WallMs = _options.Clock.GetUtcNow().ToUnixTimeMilliseconds(), GraceMs = (long)_options.Grace.TotalMilliseconds,
            Applied = Applied, Ignored = Ignored,
        };
        lock (_gate) { hb.Safe = _safe; hb.AppliedRevision = _appliedRevision; }
        AddLocal(hb.Local, Scope.Global, 1);
        AddLocal(hb.Local, Scope.Account, _registry.AccountCount);
        AddLocal(hb.Local, Scope.Group, _registry.GroupCount);
        AddLocal(hb.Local, Scope.Instrument, _registry.InstrumentCount);
        return JsonSerializer.SerializeToUtf8Bytes(hb, FirmJson.Default.FirmHeartbeat);
    }

    private void AddLocal(List<string> into, Scope scope, int count)
    {
        for (int t = 0; t < count && into.Count < 32; t++)
        {
            var s = _board.GetLocal(scope, scope == Scope.Global ? 0 : t);
            if (s != TradingState.Active) into.Add($"{FirmKeys.ScopeName(scope)} {(scope == Scope.Global ? "" : _registry.TargetName(scope, t))} {FirmKeys.StateName(s)}".Replace("  ", " "));
        }
    }

    /// <summary>Watches the state bucket from its start: every watch (the first, and one per reconnect) is a full re-read;
    /// when it has caught up, keys it did not see are dropped and the safe state (if any) is lifted: the staged return.</summary>
    private async Task WatchLoopAsync(CancellationToken ct)
    {
        var plane = _plane!;
        while (!ct.IsCancellationRequested)
        {
            CancellationTokenSource watchCts;
            long generation;
            lock (_gate) { watchCts = _watchCts; generation = ++_watchGeneration; _seenInResync.Clear(); }
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, watchCts.Token);
            bool caughtUp = false;
            var opts = new NatsKVWatchOpts
            {
                IdleHeartbeat = TimeSpan.FromMilliseconds(500),
                OnNoData = _ => { if (!caughtUp) { caughtUp = true; ResyncDone(generation); } return ValueTask.FromResult(false); },
            };
            try
            {
                await foreach (var entry in plane.State.WatchAsync<byte[]>(">", opts: opts, cancellationToken: linked.Token).ConfigureAwait(false))
                {
                    OnKvEntry(entry);
                    if (!caughtUp && entry.Delta == 0) { caughtUp = true; ResyncDone(generation); }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception ex) when (!ct.IsCancellationRequested) { _log($"firm: state watch ended ({ex.GetType().Name}); re-reading"); }
            try { await Task.Delay(50, ct).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
        }
    }

    private void OnKvEntry(NatsKVEntry<byte[]> entry)
    {
        if (entry.Operation != NatsKVOperation.Put)
        {
            lock (_gate)
            {
                _seenInResync.Remove(entry.Key);
                if (_keys.Remove(entry.Key, out var gone) && gone.Known) Recompute(gone.Scope, gone.Target, 0, gone.Source);
            }
            return;
        }
        lock (_gate) _seenInResync.Add(entry.Key);
        if (!FirmRecord.TryParse(entry.Value, _options.MaxMessageBytes, out var record, out var error))
        {
            Ignore($"kv {entry.Key} rev {entry.Revision}: {error}");
            return;
        }
        if (!KeyMatches(entry.Key, record, out error)) { Ignore($"kv {entry.Key}: {error}"); return; }
        Apply(entry.Key, entry.Revision, record, fast: false);
    }

    private async Task FastLoopAsync(CancellationToken ct)
    {
        var plane = _plane!;
        try
        {
            await foreach (var msg in plane.Connection.SubscribeAsync<byte[]>(FirmKeys.FastSubjects, cancellationToken: ct).ConfigureAwait(false))
            {
                try { OnFast(msg.Subject, msg.Data); }
                catch (Exception ex) when (ex is not OutOfMemoryException) { Ignore($"fast {msg.Subject}: {ex.GetType().Name}"); }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private void OnFast(string subject, byte[]? data)
    {
        if (data is null) { Ignore($"fast {subject}: empty"); return; }
        if (!FirmRecord.TryParse(data, _options.MaxMessageBytes, out var record, out var error)) { Ignore($"fast {subject}: {error}"); return; }
        string sender = subject.Length > "cbfirm.fast.".Length ? subject["cbfirm.fast.".Length..] : "";
        if (record.Key is null || record.Revision == 0) { Ignore($"fast {subject}: key or revision missing"); return; }
        if (!FirmKeys.IsWrittenBy(record.Key, sender)) { Ignore($"fast {subject}: key {record.Key} is not the sender's"); return; }
        if (!KeyMatches(record.Key, record, out error)) { Ignore($"fast {subject}: {error}"); return; }
        Apply(record.Key, record.Revision, record, fast: true);
    }

    /// <summary>A key is "WRITER.SCOPEPART" with WRITER "op", "agg" or "e.NAME"; its scope part must name the record's target.</summary>
    private static bool KeyMatches(string key, FirmRecord r, out string error)
    {
        string part = FirmKeys.ScopePart(r.ScopeValue, r.Target);
        bool writerOk = key.StartsWith(FirmKeys.OperatorPrefix + ".", StringComparison.Ordinal)
            ? key.Length == FirmKeys.OperatorPrefix.Length + 1 + part.Length
            : key.StartsWith(FirmKeys.AggregatorPrefix + ".", StringComparison.Ordinal)
            ? key.Length == FirmKeys.AggregatorPrefix.Length + 1 + part.Length
            : key.StartsWith("e.", StringComparison.Ordinal) && key.IndexOf('.', 2) is int dot && dot > 2 && key.Length == dot + 1 + part.Length;
        error = writerOk && key.EndsWith("." + part, StringComparison.Ordinal) ? "" : $"key does not name {r.Scope} '{r.Target}'";
        return error.Length == 0;
    }

    private void Ignore(string why)
    {
        Interlocked.Increment(ref _ignored);
        _log("firm: ignored " + why);
    }

    private void Apply(string key, ulong revision, FirmRecord record, bool fast)
    {
        var scope = record.ScopeValue;
        var state = record.StateValue;
        int target = scope == Scope.Global ? -1 : Resolve(scope, record.Target);
        lock (_gate)
        {
            if (_keys.TryGetValue(key, out var old))
            {
                if (old.Revision >= revision) return; // a duplicate, or older than what we have: the revision orders
                if (fast && state < old.State) { Interlocked.Increment(ref _ignored); return; } // the fast path only tightens
            }
            else if (fast && state == TradingState.Active) return; // nothing to tighten; the KV watch brings it
            var (cause, reason, signature) = record.Why();
            var source = new Source(record.OriginValue, TripOriginNames.Intern(record.By), cause, reason, signature);
            _keys[key] = new KeyState(revision, scope, target, state, target >= 0 || scope == Scope.Global, source);
            if (revision > _appliedRevision) _appliedRevision = revision;
            if (target >= 0 || scope == Scope.Global) Recompute(scope, target, record.TimeNs, source);
        }
        if (target < 0 && scope != Scope.Global) Interlocked.Increment(ref _notApplicable);
        else Interlocked.Increment(ref _applied);
        if (record.Command.Length > 0) _ = AckAsync(record.Command, key, revision, fast ? "fast" : "kv");
    }

    private int Resolve(Scope scope, string name) => scope switch
    {
        Scope.Instrument => _registry.TryGetInstrument(name, out var i) ? i.Value : -1,
        Scope.Group => _registry.TryGetGroup(name, out var g) ? g.Value : -1,
        Scope.Account => _registry.TryGetAccount(name, out var a) ? a.Value : -1,
        _ => -1,
    };

    /// <summary>Sets the board's firm layer for one scope to the most restrictive of every key naming it (and, for
    /// global, the safe state while safe). The transition carries the source of the restriction in force (the newest of the
    /// most restrictive keys, or the fail-safe), or, when the scope becomes free, the source of <paramref name="changed"/>
    /// (the key or fail-safe whose change freed it). Caller holds <see cref="_gate"/>.</summary>
    private void Recompute(Scope scope, int target, long timeNs, Source changed)
    {
        var state = scope == Scope.Global && _safe ? _options.SafeState : TradingState.Active;
        var source = state != TradingState.Active ? _failSafe : changed;
        ulong newest = 0;
        foreach (var k in _keys.Values)
        {
            if (!k.Known || k.Scope != scope || (scope != Scope.Global && k.Target != target)) continue;
            if (k.State > state || (k.State == state && state != TradingState.Active && source.Origin != TripOrigin.FirmFailSafe && k.Revision > newest))
            {
                state = k.State; source = k.Source; newest = k.Revision;
            }
        }
        _board.TrySetFirm(scope, scope == Scope.Global ? 0 : target, state, timeNs, source.Cause, source.Reason,
            state == TradingState.Active ? Severity.Info : Severity.Critical, source.Origin, source.By, source.Signature);
    }

    private void ResyncDone(long generation)
    {
        bool lifted = false;
        lock (_gate)
        {
            if (generation != _watchGeneration) return;
            foreach (var key in _keys.Keys.Where(k => !_seenInResync.Contains(k)).ToList())
            {
                var gone = _keys[key];
                _keys.Remove(key);
                if (gone.Known) Recompute(gone.Scope, gone.Target, 0, gone.Source);
            }
            if (_safe && generation > _safeSinceGeneration && !Volatile.Read(ref _away) || _safe && !_firstResync.Task.IsCompleted)
            {
                _safe = false;
                Recompute(Scope.Global, -1, 0, _failSafe);
                lifted = true;
            }
        }
        if (lifted)
        {
            Interlocked.Increment(ref _returns);
            _log($"firm: firm state re-read ({_keys.Count} keys, revision {AppliedRevision}): safe state lifted");
            _ = _plane?.AuditAsync(_writer, new FirmAuditEntry
            {
                WallMs = _options.Clock.GetUtcNow().ToUnixTimeMilliseconds(), Who = _options.Name, What = "safe_leave", Target = "global",
                Why = "firm state re-read", Result = "active",
            }, _stop.Token);
        }
        _firstResync.TrySetResult();
    }

    private async Task AckAsync(string command, string key, ulong revision, string path)
    {
        var plane = _plane;
        if (plane is null) return;
        try
        {
            var ack = new FirmAck { Engine = _options.Name, Command = command, Key = key, Revision = revision, Path = path };
            await plane.Connection.PublishAsync(FirmKeys.AckSubject(_options.Name), JsonSerializer.SerializeToUtf8Bytes(ack, FirmJson.Default.FirmAck),
                cancellationToken: _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException or TimeoutException) { }
    }

    /// <summary>Writes this engine's raised trips into its own keys (e.NAME.*), then repeats them on the fast path and audits.</summary>
    private async Task RaiseLoopAsync(CancellationToken ct)
    {
        var plane = _plane!;
        try
        {
            await foreach (var r in _raises.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                var record = new FirmRecord
                {
                    Scope = FirmKeys.ScopeName(r.Scope), Target = r.Target, State = FirmKeys.StateName(r.State),
                    Reason = r.Cause == TripCause.Signature ? r.Signature.ToString() : r.Reason.ToString(),
                    Code = r.Reason.ToString(), Signature = r.Cause == TripCause.Signature ? r.Signature.ToString() : "", Cause = r.Cause.ToString(),
                    Origin = "engine", By = _options.Name, TimeNs = r.TimeNs, WallMs = _options.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
                    Command = $"{_options.Name}-{r.Sequence}",
                };
                string key = FirmKeys.Key(_writer, r.Scope, r.Target);
                while (!ct.IsCancellationRequested)
                {
                    try
                    {
                        ulong rev = await plane.State.PutAsync(key, record.ToBytes(), cancellationToken: ct).ConfigureAwait(false);
                        record.Key = key; record.Revision = rev;
                        await plane.Connection.PublishAsync(FirmKeys.FastSubject(_writer), record.ToBytes(), cancellationToken: ct).ConfigureAwait(false);
                        Interlocked.Increment(ref _raised);
                        _log($"firm: raised {record.Scope} {record.Target} {record.State} ({record.Reason}) to the firm, revision {rev}");
                        await plane.AuditAsync(_writer, new FirmAuditEntry
                        {
                            WallMs = record.WallMs, Who = _options.Name, What = "raise", Target = $"{record.Scope} {record.Target}".TrimEnd(),
                            Why = record.Reason, Result = record.State, Command = record.Command,
                        }, ct).ConfigureAwait(false);
                        break;
                    }
                    catch (Exception ex) when (!ct.IsCancellationRequested && ex is NatsException or TimeoutException or OperationCanceledException)
                    {
                        _log($"firm: raise of {key} not written yet ({ex.GetType().Name}); retrying");
                        await Task.Delay(200, ct).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
    }

    private void OnLocalTransition(in TripContext t)
    {
        if (!_options.Propagate || t.Origin != TripOrigin.Local || !t.IsTrip || t.Severity < _options.PropagateMinSeverity) return;
        if (!_options.PropagateScopes.Contains(t.Scope)) return;
        string name = t.Scope == Scope.Global ? "" : _registry.TargetName(t.Scope, t.Target);
        if (!_raises.Writer.TryWrite(new RaiseRequest(t.Scope, name, t.State, t.Cause, t.Reason, t.Signature, t.TimeNs, t.Sequence)))
            Interlocked.Increment(ref _raisesDropped);
    }

    /// <summary>The link's kill switch, registered slow: it runs on the board's action thread, never on the trip's thread.</summary>
    private sealed class RaiseSwitch(FirmLink link) : IKillSwitch
    {
        public void OnTransition(in TripContext context) => link.OnLocalTransition(in context);
    }

    /// <summary>Stops the link's tasks and closes the connection (a second call does nothing). The firm layer stays as it was (a stopped link is not a resume).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return; // idempotent: a host stops it, then its container disposes it
        _registration?.Dispose();
        _stop.Cancel();
        RestartWatch();
        try { await Task.WhenAll(_tasks).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException or NatsException) { }
        if (_plane is not null) await _plane.Connection.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
