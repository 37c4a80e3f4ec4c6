namespace CircuitBreaker;

/// <summary>
/// Incident response on the evaluator thread: turns findings into the <see cref="Playbook"/>'s actions (state changes
/// through the <see cref="StateBoard"/>, external actions through <see cref="IIncidentActions"/>), applies the
/// <see cref="Corroboration"/> and <see cref="Escalation"/> policies, runs each incident through
/// <c>Detected → Contained → Recovering → Closed</c> with staged recovery in event time, keeps a
/// <see cref="FlightRecorder"/>, and builds an <see cref="IncidentRecord"/> on request.
/// <para>
/// <see cref="OnFinding"/>, <see cref="OnEvent"/>, <see cref="Acknowledge(long, long)"/> and the readers
/// (<see cref="LimitsScale"/>, <see cref="TryGetStatus"/>, <see cref="CopyTimeline"/>) allocate nothing after
/// construction: incidents, timelines, held targets and flight-recorder snapshots live in preallocated arrays of
/// structs. <see cref="BuildRecord"/> allocates (call it off the hot path). Not thread-safe: call everything from the
/// evaluator thread, except <see cref="LimitsScale"/>/<see cref="EffectiveLimitsScale"/>, which any thread may read.
/// </para>
/// </summary>
public sealed partial class IncidentDesk : IFindingSink, IEventObserver, IIncidentSource
{
    private readonly InstrumentRegistry _registry;
    private readonly StateBoard _board;
    private readonly Playbook _playbook;
    private readonly IncidentOptions _options;
    private IIncidentActions? _actions;

    private readonly int _instruments, _groups, _accounts;
    private readonly int[] _groupOf;
    private readonly int[] _kindOf;
    private readonly double[] _scale;

    private readonly IncidentSlot[] _slots;
    private readonly TimelineEntry[] _timeline;
    private readonly HeldTarget[] _held;
    private readonly DeliveredAction[] _delivered;
    private readonly RiskEvent[] _snapshots;
    private readonly int _timelineCap, _heldCap, _deliveredCap, _snapshotPer;

    private readonly CorroborationBook _votes;
    private readonly long[] _groupHalts;
    private readonly long[] _groupHaltCount;
    private readonly long[] _accountHaltNs;

    private readonly long _coolDownNs, _probationNs, _reducedNs, _expiryNs, _groupWindowNs, _globalWindowNs;

    private long _nowNs = long.MinValue;
    private long _nextDueNs = long.MaxValue;
    private long _lastId;
    private long _dropped, _faults, _invalid, _unhandled;
    private Exception? _lastFault;

    /// <summary>Creates a desk for a breaker (its board, registry, account capacity and configuration version). Allocates every buffer here.</summary>
    public IncidentDesk(Breaker breaker, Playbook? playbook = null, IncidentOptions? options = null, IIncidentActions? actions = null)
        : this(Require(breaker).Registry, breaker.Board, breaker.Config.AccountCapacity, playbook, options, actions, breaker.Config.Version)
    {
    }

    private static Breaker Require(Breaker breaker) => breaker ?? throw new ArgumentNullException(nameof(breaker));

    /// <summary>Creates a desk. Allocates every buffer here; throws <see cref="ArgumentException"/> listing every invalid option.</summary>
    /// <param name="registry">Instruments, groups and accounts (groups and instruments registered later are ignored).</param>
    /// <param name="board">Where state changes go.</param>
    /// <param name="accountCapacity">Accounts to keep state for (at least the registry's count).</param>
    /// <param name="playbook">Rules (default: <see cref="Playbook.Default"/>).</param>
    /// <param name="options">Sizes and policies (default: <see cref="IncidentOptions"/> defaults).</param>
    /// <param name="actions">The engine's external actions (default: none; register later with <see cref="Register"/>).</param>
    /// <param name="configVersion">Version of the limits in force, written into records.</param>
    public IncidentDesk(InstrumentRegistry registry, StateBoard board, int accountCapacity = 0, Playbook? playbook = null,
        IncidentOptions? options = null, IIncidentActions? actions = null, long configVersion = 0)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(board);
        _options = options ?? new IncidentOptions();
        var errors = _options.Validate();
        if (errors.Count > 0) throw new ArgumentException("invalid incident options: " + string.Join("; ", errors), nameof(options));
        _registry = registry;
        _board = board;
        _playbook = playbook ?? Playbook.Default;
        _actions = actions;
        ConfigVersion = configVersion;

        _instruments = registry.InstrumentCount;
        _groups = Math.Max(1, registry.GroupCount);
        _accounts = Math.Max(Math.Max(1, accountCapacity), registry.AccountCount);
        _groupOf = new int[_instruments];
        _kindOf = new int[_instruments];
        for (int i = 0; i < _instruments; i++)
        {
            var spec = registry.Instruments[i];
            _groupOf[i] = spec.Group.Value;
            _kindOf[i] = (int)spec.Kind;
        }
        int keys = _instruments + _groups + _accounts + 1;
        _scale = new double[keys];
        Array.Fill(_scale, 1.0);

        int cap = _options.IncidentCapacity;
        _timelineCap = _options.TimelineCapacity;
        _heldCap = _options.HeldTargetsPerIncident;
        _deliveredCap = _heldCap * 8;
        _snapshotPer = _options.InstrumentEvents + _options.SnapshotGlobalEvents;
        _slots = new IncidentSlot[cap];
        _timeline = new TimelineEntry[cap * _timelineCap];
        _held = new HeldTarget[cap * _heldCap];
        _delivered = new DeliveredAction[cap * _deliveredCap];
        _snapshots = new RiskEvent[(long)cap * _snapshotPer];
        Recorder = new FlightRecorder(_instruments, _options.InstrumentEvents, _options.GlobalEvents);

        _votes = new CorroborationBook(keys, _options.Corroboration);
        int n = Math.Max(1, _options.Escalation.InstrumentHalts);
        _groupHalts = new long[_groups * n];
        _groupHaltCount = new long[_groups];
        _accountHaltNs = new long[_accounts];
        Array.Fill(_accountHaltNs, long.MinValue);

        var r = _options.Recovery;
        _coolDownNs = Ns(r.CoolDown); _probationNs = Ns(r.Probation); _reducedNs = Ns(r.ReducedLimitsPeriod); _expiryNs = Ns(r.DetectedExpiry);
        _groupWindowNs = Ns(_options.Escalation.GroupWindow); _globalWindowNs = Ns(_options.Escalation.GlobalWindow);
    }

    private static long Ns(TimeSpan t) => t.Ticks * 100;

    /// <summary>The playbook in force.</summary>
    public Playbook Playbook => _playbook;
    /// <summary>The options in force.</summary>
    public IncidentOptions Options => _options;
    /// <summary>Version of the limits in force (written into every record).</summary>
    public long ConfigVersion { get; set; }
    /// <summary>The flight recorder fed by <see cref="OnEvent"/>.</summary>
    public FlightRecorder Recorder { get; }
    /// <summary>Latest event time seen (ns); <see cref="long.MinValue"/> before the first.</summary>
    public long NowNs => _nowNs;
    /// <summary>Id of the newest incident (0 when none yet). Ids start at 1.</summary>
    public long LastIncidentId => _lastId;
    /// <summary>Incidents not recorded because every slot held an open incident (their actions still ran).</summary>
    public long IncidentsDropped => _dropped;
    /// <summary>Exceptions thrown by <see cref="IIncidentActions"/> so far (isolated; the state change still held).</summary>
    public long ActionFaults => _faults;
    /// <summary>The last exception an <see cref="IIncidentActions"/> call threw, or null.</summary>
    public Exception? LastActionFault => _lastFault;
    /// <summary>Findings ignored because their scope target was not a known id.</summary>
    public long InvalidFindings => _invalid;
    /// <summary>Findings no rule matched and no open incident took (counted only).</summary>
    public long UnhandledFindings => _unhandled;

    /// <summary>Registers the engine's external actions (replaces any earlier one). Call at setup.</summary>
    public void Register(IIncidentActions actions) => _actions = actions ?? throw new ArgumentNullException(nameof(actions));

    /// <summary>Open incidents (not closed). Allocates nothing.</summary>
    public int OpenIncidents
    {
        get
        {
            int n = 0;
            for (int k = 0; k < _slots.Length; k++) if (_slots[k].IsOpen) n++;
            return n;
        }
    }

    /// <summary>
    /// Limits scale of one scope target: 1 normally, lower while an incident throttles it or it is in the
    /// reduced-limits step of recovery. A gate may multiply its limits by it. Any thread; allocates nothing.
    /// Returns 1 for an unknown target.
    /// </summary>
    public double LimitsScale(Scope scope, int target)
    {
        int key = Key(scope, target);
        return key < 0 ? 1.0 : Volatile.Read(ref _scale[key]);
    }

    /// <summary>The smallest limits scale in force for an order on (instrument, group, account), global included. Any thread.</summary>
    public double EffectiveLimitsScale(int instrument, int group, int account)
    {
        double s = LimitsScale(Scope.Global, -1);
        s = Math.Min(s, LimitsScale(Scope.Instrument, instrument));
        s = Math.Min(s, LimitsScale(Scope.Group, group));
        return Math.Min(s, LimitsScale(Scope.Account, account));
    }

    /// <summary>Status of an incident still kept. Allocates nothing.</summary>
    public bool TryGetStatus(long incidentId, out IncidentStatus status)
    {
        int slot = SlotOf(incidentId);
        if (slot < 0) { status = default; return false; }
        status = new IncidentStatus(in _slots[slot]);
        return true;
    }

    /// <summary>Id of the open incident holding or targeting (scope, target), or 0. Allocates nothing.</summary>
    public long FindOpenIncident(Scope scope, int target)
    {
        int slot = FindJoinable(scope, scope == Scope.Global ? -1 : target);
        return slot < 0 ? 0 : _slots[slot].Id;
    }

    /// <summary>Copies an incident's timeline, oldest first, as many as fit. Returns how many (0 for an unknown id). Allocates nothing.</summary>
    public int CopyTimeline(long incidentId, Span<TimelineEntry> destination)
    {
        int slot = SlotOf(incidentId);
        if (slot < 0) return 0;
        int n = Math.Min(_slots[slot].TimelineCount, destination.Length);
        _timeline.AsSpan(slot * _timelineCap, n).CopyTo(destination);
        return n;
    }

    /// <summary>Handles a finding (see <see cref="OnFinding"/>).</summary>
    void IFindingSink.Raise(in Finding finding) => OnFinding(in finding);

    /// <summary>Every incident as a drill-report entry (builds the records: allocates; off the hot path).</summary>
    public IReadOnlyList<ReportIncident> Incidents => BuildRecords().Select(r => r.ToReportIncident()).ToArray();

    private int SlotOf(long id)
    {
        if (id <= 0) return -1;
        for (int k = 0; k < _slots.Length; k++) if (_slots[k].Id == id) return k;
        return -1;
    }

    private int Key(Scope scope, int target) => scope switch
    {
        Scope.Instrument => (uint)target < (uint)_instruments ? target : -1,
        Scope.Group => (uint)target < (uint)_groups ? _instruments + target : -1,
        Scope.Account => (uint)target < (uint)_accounts ? _instruments + _groups + target : -1,
        Scope.Global => _instruments + _groups + _accounts,
        _ => -1,
    };

    private void SetScale(Scope scope, int target, double value)
    {
        int key = Key(scope, target);
        if (key >= 0) Volatile.Write(ref _scale[key], value);
        _board.SetLimitScale(scope, target, value); // the gate enforces it: reduced limits are not left to the engine
    }

    private void Add(int slot, in TimelineEntry entry)
    {
        ref var s = ref _slots[slot];
        if (s.TimelineCount < _timelineCap) _timeline[slot * _timelineCap + s.TimelineCount++] = entry;
        else s.TimelineDropped++;
    }

    private void AddLifecycle(int slot, long timeNs, TimelineEntryKind kind = TimelineEntryKind.Lifecycle)
    {
        ref var s = ref _slots[slot];
        Add(slot, new TimelineEntry(timeNs, kind, s.Scope, s.Target, s.Signature, s.MaxSeverity, lifecycle: s.Lifecycle, step: s.Step));
    }
}
