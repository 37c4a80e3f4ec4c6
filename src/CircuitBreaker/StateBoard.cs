namespace CircuitBreaker;

/// <summary>
/// Trading state per instrument, group, account and global; the most restrictive state in force applies. A change
/// is one CAS on the scope's state word and an update of the count of restricted scopes (while that count is 0 the gate
/// reads no state word; the gate sees a change on its next check, on any thread), then a record, then
/// delivery to every registered kill switch exactly once, in registration order. A throwing switch is isolated and
/// reported (<see cref="Faults"/>, <see cref="LastFault"/>, <see cref="FaultObserver"/>). Switches registered as slow
/// run on a dedicated action thread, so they never stall the thread that tripped.
/// Registering returns a registration whose <see cref="IDisposable.Dispose"/> unregisters the switch.
/// Changing state and delivering it allocate nothing and take no lock; registering and unregistering switches allocate
/// (copy-on-write: delivery reads one array snapshot), so do them at setup or teardown, not per order.
/// </summary>
public sealed class StateBoard : IDisposable
{
    private readonly int[] _instrument;
    private readonly int[] _group;
    private readonly int[] _account;
    private int _global;
    private long _sequence;
    private readonly double[] _instrumentScale;
    private readonly double[] _groupScale;
    private readonly double[] _accountScale;
    private double _globalScale = 1.0;
    private int _scaled; // scopes whose scale is below 1: the gate skips the scale lookup while this is 0
    private int _restricted; // at least the number of state words not Active: the gate reads no state word while this is 0

    private KillSwitchEntry[] _switches = []; // replaced whole (copy-on-write, under _slowQueue's lock), never changed in place
    private int _registrations; // registration ordinals handed out so far (the SwitchIndex of a fault)
    private readonly TripContext[] _history;
    private long _historyCount;
    private long _faults;
    private Exception? _lastFault;
    private readonly ActionQueue _slowQueue = new(4096);
    private readonly SemaphoreSlim _slowSignal = new(0, int.MaxValue);
    private Thread? _actionThread;
    private volatile bool _disposed;
    private long _slowDropped;
    private long _slowPending;

    private readonly record struct KillSwitchEntry(IKillSwitch Switch, bool Slow, int Index, Registration Owner);

    /// <summary>Creates a board for the given numbers of instruments, groups and accounts.</summary>
    /// <param name="instruments">Instruments (state words preallocated).</param>
    /// <param name="groups">Risk groups.</param>
    /// <param name="accounts">Account capacity.</param>
    /// <param name="historyCapacity">Transitions kept in memory, newest last (default 4,096; older ones are overwritten).</param>
    public StateBoard(int instruments, int groups, int accounts, int historyCapacity = 4096)
    {
        _instrument = new int[Math.Max(1, instruments)];
        _group = new int[Math.Max(1, groups)];
        _account = new int[Math.Max(1, accounts)];
        _history = new TripContext[Math.Max(16, historyCapacity)];
        _instrumentScale = new double[_instrument.Length];
        _groupScale = new double[_group.Length];
        _accountScale = new double[_account.Length];
        Array.Fill(_instrumentScale, 1.0);
        Array.Fill(_groupScale, 1.0);
        Array.Fill(_accountScale, 1.0);
    }

    /// <summary>
    /// Scales a scope's size limits (max order quantity, the fat-finger guard, position limits) by <paramref name="scale"/>
    /// in (0, 1]; 1 restores them. Staged recovery sets it during its reduced-limits step; an operator may set it too.
    /// The most restrictive scale in force applies, as for trading states. Allocation-free; single writer per scope.
    /// </summary>
    /// <param name="scope">The scope.</param>
    /// <param name="target">The dense id of the scope's target (an <see cref="InstrumentId"/>, <see cref="GroupId"/> or <see cref="AccountId"/> <c>.Value</c>); ignored (-1) for <see cref="Scope.Global"/>.</param>
    /// <param name="scale">The factor, in (0, 1]; 1 restores the configured limits.</param>
    public void SetLimitScale(Scope scope, int target, double scale)
    {
        if (!double.IsFinite(scale) || scale <= 0) scale = double.Epsilon; // fail-closed: nothing passes
        scale = Math.Min(1.0, scale);
        if (scope != Scope.Global && !IsValidTarget(scope, target)) return;
        ref double slot = ref ScaleSlot(scope, target);
        double previous = Volatile.Read(ref slot);
        if (previous == scale) return;
        if (previous >= 1.0 && scale < 1.0) Interlocked.Increment(ref _scaled);
        else if (previous < 1.0 && scale >= 1.0) Interlocked.Decrement(ref _scaled);
        Volatile.Write(ref slot, scale);
    }

    /// <summary>A scope's own limit scale (1 = normal).</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="target">The dense id of the scope's target (an <see cref="InstrumentId"/>, <see cref="GroupId"/> or <see cref="AccountId"/> <c>.Value</c>); ignored (-1) for <see cref="Scope.Global"/>.</param>
    /// <returns>Its own scale (1 = normal).</returns>
    public double GetLimitScale(Scope scope, int target)
        => scope != Scope.Global && !IsValidTarget(scope, target) ? 1.0 : Volatile.Read(ref ScaleSlot(scope, target));

    /// <summary>The most restrictive limit scale in force for (instrument, group, account): 1 when none is scaled (one read).</summary>
    /// <param name="instrument">The order's instrument id.</param>
    /// <param name="group">The instrument's group id.</param>
    /// <param name="account">The order's account id.</param>
    /// <returns>The smallest scale in force over the four scopes.</returns>
    public double EffectiveLimitScale(int instrument, int group, int account)
    {
        if (Volatile.Read(ref _scaled) == 0) return 1.0;
        double s = Volatile.Read(ref _globalScale);
        if ((uint)instrument < (uint)_instrumentScale.Length) s = Math.Min(s, Volatile.Read(ref _instrumentScale[instrument]));
        if ((uint)group < (uint)_groupScale.Length) s = Math.Min(s, Volatile.Read(ref _groupScale[group]));
        if ((uint)account < (uint)_accountScale.Length) s = Math.Min(s, Volatile.Read(ref _accountScale[account]));
        return s;
    }

    private ref double ScaleSlot(Scope scope, int target) => ref ScopeSlot(scope, target, _instrumentScale, _groupScale, _accountScale, ref _globalScale);

    /// <summary>A scope's word among per-scope arrays and the global one (target already validated).</summary>
    private static ref T ScopeSlot<T>(Scope scope, int target, T[] instrument, T[] group, T[] account, ref T global)
    {
        switch (scope)
        {
            case Scope.Instrument: return ref instrument[target];
            case Scope.Group: return ref group[target];
            case Scope.Account: return ref account[target];
            default: return ref global;
        }
    }

    /// <summary>Kill-switch exceptions caught so far.</summary>
    public long Faults => Interlocked.Read(ref _faults);
    /// <summary>The last exception a kill switch threw, or null.</summary>
    public Exception? LastFault => Volatile.Read(ref _lastFault);
    /// <summary>Called (on the faulting thread) with each kill-switch fault; must not throw. Default: none (faults are still counted).</summary>
    public Action<KillSwitchFault>? FaultObserver { get; set; }
    /// <summary>Transitions so far.</summary>
    public long TransitionCount => Interlocked.Read(ref _sequence);
    /// <summary>Slow-switch deliveries dropped because the action queue (4,096) was full; the state change itself still happened.</summary>
    public long SlowDeliveriesDropped => Interlocked.Read(ref _slowDropped);

    /// <summary>
    /// Registers a kill switch, after those already registered (delivery is in registration order). Thread-safe, also
    /// while transitions are being delivered: a transition made after this returns reaches the switch.
    /// Allocates (the registration and a copy of the switch list); call at setup. The same switch registered twice is
    /// delivered to twice, once per registration.
    /// </summary>
    /// <param name="killSwitch">The switch; called once per transition, on the thread that made it unless <paramref name="slow"/>.</param>
    /// <param name="slow">True to run it on the board's action thread (started by the first slow registration), so it never
    /// stalls the thread that tripped; deliveries beyond the action queue's 4,096 are dropped and counted (<see cref="SlowDeliveriesDropped"/>).</param>
    /// <returns>
    /// The registration: <see cref="IDisposable.Dispose"/> unregisters the switch. Disposing is idempotent and thread-safe;
    /// it does not wait for a delivery in flight, so a transition already being delivered (or, for a slow switch, queued)
    /// may still reach the switch, but no transition made after it returns does. The first dispose allocates (a shorter
    /// copy of the switch list); later ones do nothing. Callers that never unregister may ignore it.
    /// </returns>
    public IDisposable Register(IKillSwitch killSwitch, bool slow = false) => Register(killSwitch, slow, out _);

    /// <summary>Registers a switch and returns its registration ordinal (the <see cref="KillSwitchFault.SwitchIndex"/> of its faults).</summary>
    internal IDisposable Register(IKillSwitch killSwitch, bool slow, out int index)
    {
        ArgumentNullException.ThrowIfNull(killSwitch);
        var registration = new Registration(this);
        lock (_slowQueue)
        {
            var next = new KillSwitchEntry[_switches.Length + 1];
            _switches.CopyTo(next, 0);
            index = _registrations++;
            next[^1] = new KillSwitchEntry(killSwitch, slow, index, registration);
            Volatile.Write(ref _switches, next);
            if (slow && _actionThread is null)
            {
                _actionThread = new Thread(ActionLoop) { IsBackground = true, Name = "circuit-breaker-actions" };
                _actionThread.Start();
            }
        }
        return registration;
    }

    /// <summary>Registers a delegate as a kill switch (the delegate is wrapped once, here); see <see cref="Register(IKillSwitch, bool)"/>.
    /// Allocates (the wrapper, the registration and a copy of the switch list); call at setup.</summary>
    /// <param name="handler">Called once per transition with its context, on the thread that made it unless <paramref name="slow"/>.</param>
    /// <param name="slow">True to run it on the board's action thread (see <see cref="Register(IKillSwitch, bool)"/>).</param>
    /// <returns>The registration: dispose it to unregister the handler (idempotent, thread-safe; see <see cref="Register(IKillSwitch, bool)"/>).</returns>
    public IDisposable Register(TripHandler handler, bool slow = false)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Register(new DelegateKillSwitch(handler), slow);
    }

    /// <summary>
    /// Registers an asynchronous kill switch (see <see cref="AsyncKillSwitch"/>): each transition is handed to it on the
    /// board's action thread and awaited on the thread pool, one at a time, in order, with a timeout; failures and
    /// timeouts are isolated and counted. Thread-safe. Allocates (the switch, its queue, its loop); call at setup.
    /// </summary>
    /// <param name="handler">Called once per transition with its context and a token cancelled at the timeout or when the
    /// switch is disposed.</param>
    /// <param name="timeout">How long one call may run, in (0, 1 h]; a call still running then is abandoned.</param>
    /// <param name="timeProvider">The clock of the timeout (default <see cref="TimeProvider.System"/>; tests pass a fake one).</param>
    /// <returns>The switch, with its counters; dispose it to unregister the handler (idempotent, thread-safe).</returns>
    public AsyncKillSwitch Register(Func<TripContext, CancellationToken, ValueTask> handler, TimeSpan timeout, TimeProvider? timeProvider = null)
        => new(this, handler, timeout, timeProvider);

    /// <summary>Counts and reports a fault of a switch that runs outside <see cref="Invoke"/> (an asynchronous one).</summary>
    internal void ReportFault(int index, long sequence, Exception ex)
    {
        Interlocked.Increment(ref _faults);
        Volatile.Write(ref _lastFault, ex);
        try { FaultObserver?.Invoke(new KillSwitchFault(index, sequence, ex)); }
        catch (Exception) { /* an observer that throws is counted with the fault above; nothing else to do */ }
    }

    /// <summary>Removes a registration's entry (once; later calls find nothing). Copy-on-write: delivery never sees a half-made list.</summary>
    private void Unregister(Registration registration)
    {
        lock (_slowQueue)
        {
            var current = _switches;
            int at = -1;
            for (int k = 0; k < current.Length && at < 0; k++) if (ReferenceEquals(current[k].Owner, registration)) at = k;
            if (at < 0) return;
            var next = new KillSwitchEntry[current.Length - 1];
            Array.Copy(current, 0, next, 0, at);
            Array.Copy(current, at + 1, next, at, current.Length - at - 1);
            Volatile.Write(ref _switches, next);
        }
    }

    /// <summary>Number of kill switches registered and not unregistered (tests, diagnostics).</summary>
    internal int SwitchCount => Volatile.Read(ref _switches).Length;

    /// <summary>The state in force for one scope alone: the most restrictive of its local and firm layers.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="target">The dense id of the scope's target (an <see cref="InstrumentId"/>, <see cref="GroupId"/> or <see cref="AccountId"/> <c>.Value</c>); ignored (-1) for <see cref="Scope.Global"/>.</param>
    /// <returns>Its own state (not the most restrictive in force over the scopes above it: see <see cref="Effective"/>). Allocates nothing; thread-safe.</returns>
    public TradingState Get(Scope scope, int target) => (TradingState)EffectiveOf(Volatile.Read(ref Slot(scope, target)));

    /// <summary>A scope's local layer: what this process set (operators, limits, detectors, recovery) through <see cref="TrySet"/>.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="target">The target's dense id, as for <see cref="Get"/>.</param>
    /// <returns>The local layer. Allocates nothing; thread-safe.</returns>
    public TradingState GetLocal(Scope scope, int target) => (TradingState)(Volatile.Read(ref Slot(scope, target)) & LayerMask);

    /// <summary>A scope's firm layer: what the firm plane set through <see cref="TrySetFirm"/> (Active when none).</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="target">The target's dense id, as for <see cref="Get"/>.</param>
    /// <returns>The firm layer. Allocates nothing; thread-safe.</returns>
    public TradingState GetFirm(Scope scope, int target) => (TradingState)(Volatile.Read(ref Slot(scope, target)) >> FirmShift);

    // A state word holds two layers: bits 0-1 the local state, bits 2-3 the firm state; in force is the larger.
    private const int LayerMask = 3;
    private const int FirmShift = 2;
    private static int EffectiveOf(int word) => Math.Max(word & LayerMask, word >> FirmShift);

    /// <summary>The count the gate's one-read fast path tests (tests: equals the number of restricted scopes when no transition is in flight).</summary>
    internal int RestrictedCount => Volatile.Read(ref _restricted);

    /// <summary>The number of scopes (instruments, groups, accounts and global) not <see cref="TradingState.Active"/>, read
    /// word by word (a snapshot, not atomic across scopes). O(scopes), allocates nothing; for health checks and
    /// diagnostics, not the hot path. Thread-safe.</summary>
    public int CountRestricted()
    {
        int n = Volatile.Read(ref _global) != 0 ? 1 : 0;
        if (Volatile.Read(ref _restricted) == 0) return n;
        return n + CountNotActive(_instrument) + CountNotActive(_group) + CountNotActive(_account);
    }

    private static int CountNotActive(int[] words)
    {
        int n = 0;
        for (int k = 0; k < words.Length; k++) if (Volatile.Read(ref words[k]) != 0) n++;
        return n;
    }

    /// <summary>Global state.</summary>
    public TradingState Global => (TradingState)EffectiveOf(Volatile.Read(ref _global));

    /// <summary>The most restrictive state in force for an order on (instrument, group, account), and the scope imposing it.</summary>
    /// <param name="instrument">The order's instrument id.</param>
    /// <param name="group">The instrument's group id.</param>
    /// <param name="account">The order's account id.</param>
    /// <param name="scope">The scope imposing the returned state (global when all are active).</param>
    /// <returns>The most restrictive state in force. Allocates nothing; thread-safe; one read while nothing is restricted.</returns>
    public TradingState Effective(int instrument, int group, int account, out Scope scope)
    {
        scope = Scope.Global;
        if (Volatile.Read(ref _restricted) == 0) return TradingState.Active; // nothing restricted anywhere: one read
        int g = EffectiveOf(Volatile.Read(ref _global));
        int i = (uint)instrument < (uint)_instrument.Length ? EffectiveOf(Volatile.Read(ref _instrument[instrument])) : 0;
        int gr = (uint)group < (uint)_group.Length ? EffectiveOf(Volatile.Read(ref _group[group])) : 0;
        int a = (uint)account < (uint)_account.Length ? EffectiveOf(Volatile.Read(ref _account[account])) : 0;
        int max = g;
        if (a > max) { max = a; scope = Scope.Account; }
        if (gr > max) { max = gr; scope = Scope.Group; }
        if (i > max) { max = i; scope = Scope.Instrument; }
        return (TradingState)max;
    }

    /// <summary>
    /// Sets a scope's local state (the layer this process owns). Returns false (and delivers nothing) when that state was
    /// already in force in the local layer, so a transition is recorded and delivered exactly once even when several
    /// threads race to make it. Also false, with nothing changed, for an undefined scope or state or a target outside the
    /// board, and when an automatic cause (<see cref="TripCause.Limit"/>, <see cref="TripCause.Signature"/>,
    /// <see cref="TripCause.Pipeline"/>) would lower the local state. The state in force is the most restrictive of the
    /// local and firm layers (<see cref="TrySetFirm"/>): a local resume never lifts a firm restriction. Kill switches
    /// receive a transition (with <see cref="TripOrigin.Local"/>) only when the state in force changes; a local change
    /// hidden by a stricter firm state returns true and delivers nothing. Allocation-free and lock-free.
    /// </summary>
    /// <param name="scope">The scope.</param>
    /// <param name="target">The dense id of the scope's target (an <see cref="InstrumentId"/>, <see cref="GroupId"/> or <see cref="AccountId"/> <c>.Value</c>); ignored (-1) for <see cref="Scope.Global"/>.</param>
    /// <param name="state">The new state.</param>
    /// <param name="timeNs">Event time of the cause, nanoseconds (any origin).</param>
    /// <param name="cause">Who changed it: an operator, a limit, a signature, the pipeline, staged recovery.</param>
    /// <param name="reason">The reason recorded and shown with the transition.</param>
    /// <param name="signature">The signature that caused it, for <see cref="TripCause.Signature"/> (default none).</param>
    /// <param name="severity">Severity recorded with it (default critical).</param>
    /// <returns>True when the state changed and the transition was delivered. Thread-safe; allocates nothing.</returns>
    public bool TrySet(Scope scope, int target, TradingState state, long timeNs, TripCause cause, RejectReason reason,
        Signature signature = default, Severity severity = Severity.Critical)
        => SetLayer(scope, target, state, timeNs, cause, reason, signature, severity, TripOrigin.Local, 0);

    /// <summary>
    /// Sets a scope's firm state: the layer the firm plane (an operator or another engine, through a firm link) owns. The
    /// state in force is the most restrictive of the local and firm layers: a firm resume never lifts a local restriction.
    /// Returns false (and delivers nothing) when that firm state was already set, or for an undefined scope or state or a
    /// target outside the board. Firm changes are never escalate-only: the firm plane orders its own changes. Kill switches
    /// receive a transition (with the firm <paramref name="origin"/> and <paramref name="by"/>) only when the state in force changes. Allocation-free and lock-free.
    /// </summary>
    /// <param name="scope">The scope.</param>
    /// <param name="target">The dense id of the scope's target (instrument, group or account <c>.Value</c>); -1 for <see cref="Scope.Global"/>.</param>
    /// <param name="state">The firm layer's new state (Active lifts the firm layer only).</param>
    /// <param name="timeNs">Event time of the command, nanoseconds (any origin).</param>
    /// <param name="cause">Who ordered it (usually <see cref="TripCause.Manual"/> for a firm operator).</param>
    /// <param name="reason">The reason recorded with the transition.</param>
    /// <param name="severity">Severity recorded with it (default critical).</param>
    /// <param name="origin">Where the firm change came from (default <see cref="TripOrigin.Firm"/>, not stated): an operator,
    /// another engine, the aggregator, or the link's fail-safe. <see cref="TripOrigin.Local"/> or an undefined value is refused (false).</param>
    /// <param name="by">Who: an id of <see cref="TripOriginNames"/> (default 0, nobody named).</param>
    /// <param name="signature">The signature behind it, when an engine raised a signature trip (default none).</param>
    /// <returns>True when the firm layer changed. Thread-safe; allocates nothing.</returns>
    public bool TrySetFirm(Scope scope, int target, TradingState state, long timeNs, TripCause cause, RejectReason reason,
        Severity severity = Severity.Critical, TripOrigin origin = TripOrigin.Firm, int by = 0, Signature signature = default)
        => origin is > TripOrigin.Local and <= TripOrigin.FirmFailSafe
           && SetLayer(scope, target, state, timeNs, cause, reason, signature, severity, origin, by);

    private bool SetLayer(Scope scope, int target, TradingState state, long timeNs, TripCause cause, RejectReason reason,
        Signature signature, Severity severity, TripOrigin origin, int by)
    {
        // An undefined state or scope is refused: an out-of-range state word would outrank Halted in Effective yet
        // read as neither Halted nor ReduceOnly at the gate, and an undefined scope would land on the global word.
        if ((byte)state > (byte)TradingState.Halted || (byte)scope > (byte)Scope.Global) return false;
        if (scope != Scope.Global && !IsValidTarget(scope, target)) return false;
        ref int slot = ref Slot(scope, target);
        int shift = origin != TripOrigin.Local ? FirmShift : 0;
        // Automatic local trips (limits, signatures, the pipeline) only escalate: a post-trade limit must never turn an
        // operator's Halted into ReduceOnly. Lowering a state is for operators and staged recovery.
        bool escalateOnly = origin == TripOrigin.Local && (cause is TripCause.Limit or TripCause.Signature or TripCause.Pipeline);
        // The restricted count never reads below the number of words not Active: it is raised BEFORE the word changes
        // (so a check that reads 0 cannot miss a restriction), and lowered after for a word that was or stays Active.
        Interlocked.Increment(ref _restricted);
        int previous = Volatile.Read(ref slot);
        int next;
        while (true)
        {
            int layer = (previous >> shift) & LayerMask;
            if (layer == (int)state || (escalateOnly && layer > (int)state))
            {
                Interlocked.Decrement(ref _restricted);
                return false;
            }
            next = (previous & ~(LayerMask << shift)) | ((int)state << shift);
            int seen = Interlocked.CompareExchange(ref slot, next, previous);
            if (seen == previous) break;
            previous = seen;
        }
        if (next == 0) Interlocked.Decrement(ref _restricted); // counted above, but the word is now Active
        if (previous != 0) Interlocked.Decrement(ref _restricted); // the word was counted already
        int before = EffectiveOf(previous), after = EffectiveOf(next);
        if (before == after) return true; // the layer changed, the state in force did not: nothing to deliver
        long seq = Interlocked.Increment(ref _sequence);
        var ctx = new TripContext(seq, timeNs, scope, scope == Scope.Global ? -1 : target, (TradingState)before, (TradingState)after,
            cause, reason, signature, severity, origin, by);
        long h = Interlocked.Increment(ref _historyCount) - 1;
        _history[h % _history.Length] = ctx;
        Deliver(in ctx);
        return true;
    }

    /// <summary>Halts a scope (manual). Cancels still pass.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="target">The dense id of the scope's target (an <see cref="InstrumentId"/>, <see cref="GroupId"/> or <see cref="AccountId"/> <c>.Value</c>); ignored (-1) for <see cref="Scope.Global"/>.</param>
    /// <param name="timeNs">Event time of the command, nanoseconds.</param>
    /// <param name="reason">The reason recorded with the transition (default <see cref="RejectReason.Manual"/>).</param>
    /// <returns>True when the state changed. Thread-safe; allocates nothing.</returns>
    public bool Halt(Scope scope, int target, long timeNs, RejectReason reason = RejectReason.Manual)
        => TrySet(scope, target, TradingState.Halted, timeNs, TripCause.Manual, reason);

    /// <summary>Puts a scope in reduce-only (manual).</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="target">The dense id of the scope's target (an <see cref="InstrumentId"/>, <see cref="GroupId"/> or <see cref="AccountId"/> <c>.Value</c>); ignored (-1) for <see cref="Scope.Global"/>.</param>
    /// <param name="timeNs">Event time of the command, nanoseconds.</param>
    /// <param name="reason">The reason recorded with the transition (default <see cref="RejectReason.Manual"/>).</param>
    /// <returns>True when the state changed. Thread-safe; allocates nothing.</returns>
    public bool ReduceOnly(Scope scope, int target, long timeNs, RejectReason reason = RejectReason.Manual)
        => TrySet(scope, target, TradingState.ReduceOnly, timeNs, TripCause.Manual, reason, severity: Severity.Warning);

    /// <summary>Resumes a scope (manual).</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="target">The dense id of the scope's target (an <see cref="InstrumentId"/>, <see cref="GroupId"/> or <see cref="AccountId"/> <c>.Value</c>); ignored (-1) for <see cref="Scope.Global"/>.</param>
    /// <param name="timeNs">Event time of the command, nanoseconds.</param>
    /// <param name="reason">The reason recorded with the transition (default <see cref="RejectReason.Manual"/>).</param>
    /// <returns>True when the state changed. Thread-safe; allocates nothing.</returns>
    public bool Resume(Scope scope, int target, long timeNs, RejectReason reason = RejectReason.Manual)
        => TrySet(scope, target, TradingState.Active, timeNs, TripCause.Manual, reason, severity: Severity.Info);

    /// <summary>How many of the newest transitions the board keeps for <see cref="CopyHistory"/>.</summary>
    public int HistoryCapacity => _history.Length;

    /// <summary>Copies the newest transitions (up to the history capacity) into <paramref name="destination"/>, oldest first. Returns how many.</summary>
    /// <param name="destination">Where to copy; its length bounds the count.</param>
    public int CopyHistory(Span<TripContext> destination)
    {
        long count = Interlocked.Read(ref _historyCount);
        long start = Math.Max(0, count - _history.Length);
        int n = (int)Math.Min(destination.Length, count - start);
        for (int k = 0; k < n; k++) destination[k] = _history[(start + k) % _history.Length];
        return n;
    }

    /// <summary>Waits until slow switches have handled everything queued so far (bounded by <paramref name="timeout"/>).</summary>
    /// <param name="timeout">The longest wait (wall time).</param>
    /// <returns>False when slow switches still had work at the timeout.</returns>
    public bool DrainSlow(TimeSpan timeout)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (Interlocked.Read(ref _slowPending) > 0)
        {
            if (Environment.TickCount64 > deadline) return false;
            Thread.Sleep(1);
        }
        return true;
    }

    private void Deliver(in TripContext ctx)
    {
        var switches = Volatile.Read(ref _switches);
        bool anySlow = false;
        for (int k = 0; k < switches.Length; k++)
        {
            if (switches[k].Slow) { anySlow = true; continue; }
            Invoke(switches[k].Index, switches[k].Switch, in ctx);
        }
        if (anySlow)
        {
            Interlocked.Increment(ref _slowPending);
            if (_slowQueue.TryEnqueue(in ctx)) _slowSignal.Release();
            else { Interlocked.Increment(ref _slowDropped); Interlocked.Decrement(ref _slowPending); }
        }
    }

    private void Invoke(int index, IKillSwitch s, in TripContext ctx)
    {
        try { s.OnTransition(in ctx); }
        catch (Exception ex)
        {
            Interlocked.Increment(ref _faults);
            Volatile.Write(ref _lastFault, ex);
            try { FaultObserver?.Invoke(new KillSwitchFault(index, ctx.Sequence, ex)); }
            catch (Exception) { /* an observer that throws is counted with the fault above; nothing else to do */ }
        }
    }

    private void ActionLoop()
    {
        while (!_disposed)
        {
            _slowSignal.Wait(100);
            while (_slowQueue.TryDequeue(out var ctx))
            {
                var switches = Volatile.Read(ref _switches);
                for (int k = 0; k < switches.Length; k++)
                    if (switches[k].Slow) Invoke(switches[k].Index, switches[k].Switch, in ctx);
                Interlocked.Decrement(ref _slowPending);
            }
        }
    }

    private bool IsValidTarget(Scope scope, int target) => scope switch
    {
        Scope.Instrument => (uint)target < (uint)_instrument.Length,
        Scope.Group => (uint)target < (uint)_group.Length,
        Scope.Account => (uint)target < (uint)_account.Length,
        _ => true,
    };

    private ref int Slot(Scope scope, int target) => ref ScopeSlot(scope, target, _instrument, _group, _account, ref _global);

    /// <summary>Stops the action thread after it has drained.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        DrainSlow(TimeSpan.FromSeconds(5));
        _disposed = true;
        _slowSignal.Release();
        _actionThread?.Join(TimeSpan.FromSeconds(5));
    }

    /// <summary>A switch's registration: the first <see cref="Dispose"/> unregisters it; later ones do nothing.</summary>
    private sealed class Registration(StateBoard board) : IDisposable
    {
        private StateBoard? _board = board;

        public void Dispose() => Interlocked.Exchange(ref _board, null)?.Unregister(this);
    }

    private sealed class DelegateKillSwitch(TripHandler handler) : IKillSwitch
    {
        public void OnTransition(in TripContext context) => handler(in context);
    }
}

/// <summary>A kill switch as a delegate.</summary>
public delegate void TripHandler(in TripContext context);
