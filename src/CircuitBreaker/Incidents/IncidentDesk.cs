namespace CircuitBreaker.Incidents;

/// <summary>
/// Incident response on the evaluator thread: turns findings into the <see cref="Playbook"/>'s actions (state changes
/// through the <see cref="StateBoard"/>, external actions through <see cref="IIncidentActions"/>), applies the
/// <see cref="Corroboration"/> and <see cref="Escalation"/> policies, runs each incident through
/// <c>Detected → Contained → Recovering → Closed</c> with staged recovery in event time, keeps a
/// <see cref="FlightRecorder"/>, and builds an <see cref="IncidentRecord"/> on request.
/// <para>
/// The desk itself is the intake: it validates a finding, asks the corroboration book how hard it may act, matches the
/// playbook and runs the rule's actions. The rest is delegated, one job per part: the incident store and timelines
/// (<c>IncidentBook</c>), widening halts (<c>HaltEscalator</c>), staged recovery and the event-time clock
/// (<c>RecoveryScheduler</c>), and the cold record builder (<c>IncidentRecordBuilder</c>). Limit scales live on the
/// <see cref="StateBoard"/> only (<see cref="StateBoard.SetLimitScale"/>): the gate enforces them, and
/// <see cref="LimitsScale"/> reads them there.
/// </para>
/// <para>
/// <see cref="OnFinding"/>, <see cref="OnEvent"/>, <see cref="Acknowledge(long, long)"/> and the readers
/// (<see cref="LimitsScale"/>, <see cref="TryGetStatus"/>, <see cref="CopyTimeline"/>) allocate nothing after
/// construction: incidents, timelines, held targets and flight-recorder snapshots live in preallocated arrays of
/// structs. <see cref="BuildRecord"/> allocates (call it off the hot path). Not thread-safe: call everything from the
/// evaluator thread, except <see cref="LimitsScale"/>/<see cref="EffectiveLimitsScale"/>, which any thread may read.
/// </para>
/// </summary>
public sealed class IncidentDesk : IFindingSink, IEventObserver, IIncidentSource
{
    private readonly StateBoard _board;
    private readonly Playbook _playbook;
    private int _actingRule = -1;
    private readonly IncidentOptions _options;
    private IIncidentActions? _actions;

    private readonly int _instruments, _groups, _accounts;
    private readonly int[] _groupOf;
    private readonly int[] _kindOf;

    private readonly IncidentBook _book;
    private readonly CorroborationBook _votes;
    private readonly EpisodeMap _episodes;
    private readonly HaltEscalator _escalator;
    private readonly RecoveryScheduler _recovery;
    private readonly IncidentRecordBuilder _records;

    private long _faults, _invalid, _unhandled;
    private Exception? _lastFault;

    /// <summary>Creates a desk for a breaker (its board, registry, account capacity and configuration version). Allocates every buffer here.</summary>
    /// <param name="breaker">The breaker whose board the desk acts on.</param>
    /// <param name="playbook">Rules mapping findings to actions (default: <see cref="Playbook.Default"/>).</param>
    /// <param name="options">Corroboration, escalation and recovery options (default: <see cref="IncidentOptions"/> defaults).</param>
    /// <param name="actions">The engine's external actions (default: none; see <see cref="Register"/>).</param>
    public IncidentDesk(Breaker breaker, Playbook? playbook = null, IncidentOptions? options = null, IIncidentActions? actions = null)
        : this(Require(breaker).Registry, breaker.Board, breaker.Config.AccountCapacity, playbook, options, actions, breaker.Config.Version)
    {
    }

    private static Breaker Require(Breaker breaker) => breaker ?? throw new ArgumentNullException(nameof(breaker));

    /// <summary>Creates a desk. Allocates every buffer here; throws <see cref="ArgumentException"/> listing every invalid option.</summary>
    /// <param name="registry">Instruments, groups and accounts (groups and instruments registered later are ignored).</param>
    /// <param name="board">Where state changes and limit scales go.</param>
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

        _book = new IncidentBook(_options);
        _votes = new CorroborationBook(_instruments + _groups + _accounts + 1, _options.Corroboration);
        _episodes = new EpisodeMap(_groupOf, _accounts, _options.Corroboration.EpisodeTradingWindow);
        _escalator = new HaltEscalator(_options.Escalation, _groups, _accounts);
        _recovery = new RecoveryScheduler(_book, board, _options.Recovery);
        _records = new IncidentRecordBuilder(registry, board, _book);
        Recorder = new FlightRecorder(_instruments, _options.InstrumentEvents, _options.GlobalEvents);
    }

    /// <summary>The playbook in force.</summary>
    public Playbook Playbook => _playbook;
    /// <summary>The options in force.</summary>
    public IncidentOptions Options => _options;
    /// <summary>Version of the limits in force (written into every record).</summary>
    public long ConfigVersion { get; set; }
    /// <summary>The flight recorder fed by <see cref="OnEvent"/>.</summary>
    public FlightRecorder Recorder { get; }
    /// <summary>Latest event time seen (ns); <see cref="long.MinValue"/> before the first.</summary>
    public long NowNs => _recovery.NowNs;
    /// <summary>Id of the newest incident (0 when none yet). Ids start at 1.</summary>
    public long LastIncidentId => _book.LastId;
    /// <summary>Incidents not recorded because every slot held an open incident (their actions still ran).</summary>
    public long IncidentsDropped => _book.Dropped;
    /// <summary>Exceptions thrown by <see cref="IIncidentActions"/> so far (isolated; the state change still held).</summary>
    public long ActionFaults => _faults;
    /// <summary>The last exception an <see cref="IIncidentActions"/> call threw, or null.</summary>
    public Exception? LastActionFault => _lastFault;
    /// <summary>Findings ignored because their scope target was not a known id.</summary>
    public long InvalidFindings => _invalid;
    /// <summary>Findings no rule matched and no open incident took (counted only).</summary>
    public long UnhandledFindings => _unhandled;

    /// <summary>The name of the playbook rule whose actions the desk is carrying out right now, else null. Set on the
    /// evaluator thread while a rule's actions run, so a kill switch called synchronously by a state change the rule made
    /// (not a slow or asynchronous one) can attribute the transition to the playbook: a daily-loss breach shows as the
    /// limit's ReduceOnly, then the halt of rule <c>daily loss limit</c>. Allocates only for an unnamed rule (<c>rule N</c>).</summary>
    public string? ActingRule => _actingRule >= 0 ? _playbook.RuleName(_actingRule) : null;

    /// <summary>Registers the engine's external actions (replaces any earlier one). Call at setup.</summary>
    /// <param name="actions">The engine's implementation.</param>
    public void Register(IIncidentActions actions) => _actions = actions ?? throw new ArgumentNullException(nameof(actions));

    /// <summary>Open incidents (not closed). Allocates nothing.</summary>
    public int OpenIncidents => _book.OpenCount;

    /// <summary>
    /// Limits scale of one scope target: 1 normally, lower while an incident throttles it or it is in the
    /// reduced-limits step of recovery (or an operator scaled it on the board). Read from the <see cref="StateBoard"/>,
    /// which the gate enforces. Any thread; allocates nothing. Returns 1 for an unknown target.
    /// </summary>
    /// <param name="scope">The scope.</param>
    /// <param name="target">The dense id of the scope's target; -1 for global.</param>
    public double LimitsScale(Scope scope, int target) => _board.GetLimitScale(scope, target);

    /// <summary>The smallest limits scale in force for an order on (instrument, group, account), global included. Any thread.</summary>
    /// <param name="instrument">The order's instrument id.</param>
    /// <param name="group">The instrument's group id.</param>
    /// <param name="account">The order's account id.</param>
    public double EffectiveLimitsScale(int instrument, int group, int account) => _board.EffectiveLimitScale(instrument, group, account);

    /// <summary>Status of an incident still kept. Allocates nothing.</summary>
    /// <param name="incidentId">The incident's id.</param>
    /// <param name="status">Its status, or <c>default</c>.</param>
    /// <returns>False for an id not kept.</returns>
    public bool TryGetStatus(long incidentId, out IncidentStatus status)
    {
        int slot = _book.SlotOf(incidentId);
        if (slot < 0) { status = default; return false; }
        status = new IncidentStatus(in _book[slot]);
        return true;
    }

    /// <summary>Id of the open incident holding or targeting (scope, target), or 0. Allocates nothing.</summary>
    /// <param name="scope">The scope.</param>
    /// <param name="target">The dense id of the scope's target; -1 for global.</param>
    public long FindOpenIncident(Scope scope, int target)
    {
        if (scope == Scope.Global) target = -1;
        int slot = _book.FindJoinable(scope, target, GroupOf(scope, target));
        return slot < 0 ? 0 : _book[slot].Id;
    }

    /// <summary>Copies an incident's timeline, oldest first, as many as fit. Returns how many (0 for an unknown id). Allocates nothing.</summary>
    /// <param name="incidentId">The incident's id.</param>
    /// <param name="destination">Where to copy; its length bounds the count.</param>
    public int CopyTimeline(long incidentId, Span<TimelineEntry> destination)
    {
        int slot = _book.SlotOf(incidentId);
        if (slot < 0) return 0;
        var timeline = _book.Timeline(slot);
        int n = Math.Min(timeline.Length, destination.Length);
        timeline[..n].CopyTo(destination);
        return n;
    }

    /// <summary>Handles a finding (see <see cref="OnFinding"/>).</summary>
    void IFindingSink.Raise(in Finding finding) => OnFinding(in finding);

    /// <summary>
    /// Builds the hand-over record of an incident still kept (open or recently closed), or null for an unknown id.
    /// Allocates (strings, lists): call it off the hot path, from the evaluator thread or while it is idle.
    /// </summary>
    /// <param name="incidentId">The incident's id.</param>
    public IncidentRecord? BuildRecord(long incidentId)
    {
        int slot = _book.SlotOf(incidentId);
        return slot < 0 ? null : _records.Build(slot, ConfigVersion);
    }

    /// <summary>Records of every incident still kept, oldest first. Allocates.</summary>
    public IReadOnlyList<IncidentRecord> BuildRecords() => _book.Ids().Select(id => BuildRecord(id)!).ToList();

    /// <summary>
    /// Observes one event (evaluator thread): records it in the <see cref="Recorder"/>, advances event time and every
    /// recovery timer, and handles an admin <see cref="AdminAction.Ack"/> (scope in the payload, target in
    /// <see cref="RiskEvent.Aux"/>). Allocates nothing.
    /// </summary>
    /// <param name="e">The event (evaluator thread).</param>
    public void OnEvent(in RiskEvent e)
    {
        Recorder.Record(in e);
        _recovery.See(e.TimeNs);
        if (e.Kind is RiskEventKind.Order or RiskEventKind.Fill or RiskEventKind.Position) _episodes.Traded(e.Account, e.Instrument, e.TimeNs);
        if (e.Kind == RiskEventKind.Admin && e.SubKind == (byte)AdminAction.Ack)
            Acknowledge(e.AdminData.Scope, e.AdminData.Scope == Scope.Global ? -1 : e.Aux, e.TimeNs);
        _recovery.AdvanceIfDue();
    }

    /// <summary>Advances recovery timers to <paramref name="timeNs"/> without an event (e.g. a heartbeat in event time). Allocates nothing.</summary>
    /// <param name="timeNs">Event time now, ns.</param>
    public void AdvanceTo(long timeNs)
    {
        _recovery.See(timeNs);
        _recovery.AdvanceIfDue();
    }

    /// <summary>
    /// Acknowledges an incident (operator). Recorded in the timeline; when the cool-down is over, probation starts at
    /// <paramref name="timeNs"/>. Returns false for an unknown or closed incident. Allocates nothing.
    /// </summary>
    /// <param name="incidentId">The incident's id.</param>
    /// <param name="timeNs">Event time of the acknowledgement, ns.</param>
    public bool Acknowledge(long incidentId, long timeNs)
    {
        int slot = _book.SlotOf(incidentId);
        if (slot < 0 || !_book[slot].IsOpen) return false;
        _recovery.See(timeNs);
        _recovery.Acknowledge(slot, timeNs);
        return true;
    }

    /// <summary>
    /// Acknowledges every open incident on (scope, target): its first finding's target, a target it holds, or its group.
    /// Same as an admin tape record <c>{"type":"admin","action":"ack",...}</c>. Returns how many. Allocates nothing.
    /// </summary>
    /// <param name="scope">The scope.</param>
    /// <param name="target">The dense id of the scope's target; -1 for global.</param>
    /// <param name="timeNs">Event time of the acknowledgement, ns.</param>
    public int Acknowledge(Scope scope, int target, long timeNs)
    {
        _recovery.See(timeNs);
        if (scope == Scope.Global) target = -1;
        int n = 0;
        for (int k = 0; k < _book.Capacity; k++)
        {
            if (!_book[k].IsOpen || !_book.Concerns(k, scope, target)) continue;
            _recovery.Acknowledge(k, timeNs);
            n++;
        }
        return n;
    }

    /// <summary>
    /// Handles one finding (evaluator thread, event time = <see cref="Finding.TimeNs"/>): corroboration, playbook
    /// match, incident open/join (a finding during recovery re-contains), actions in rule order, escalation.
    /// Allocates nothing after construction.
    /// </summary>
    /// <param name="finding">The finding, by reference.</param>
    public void OnFinding(in Finding finding)
    {
        long t = finding.TimeNs;
        _recovery.See(t);
        int target = finding.Scope == Scope.Global ? -1 : finding.Target;
        int key = Key(finding.Scope, target);
        if (key < 0) { _invalid++; return; }

        ulong episode = finding.Severity >= Severity.Warning && !PlaybookRule.IsLimit(finding.Signature)
            ? _episodes.Related(finding.Scope, target, t, _votes, _instruments, _instruments + _groups) : 0;
        Severity effective = _votes.Vote(key, finding.Signature, finding.Severity, t, episode, out var backing);
        bool acts = backing != Backing.None;
        int product = finding.Scope == Scope.Instrument ? _kindOf[target] : -1;
        int rule = _playbook.Match(finding.Signature, effective, finding.Scope, product);

        int slot = _book.FindJoinable(finding.Scope, target, GroupOf(finding.Scope, target));
        if (slot < 0 && rule < 0) { _unhandled++; return; }
        if (slot < 0)
        {
            int group = finding.Scope == Scope.Instrument ? _groupOf[target] : finding.Scope == Scope.Group ? target : -1;
            slot = _book.Open(in finding, target, group, _recovery.ExpiryDue(t));
            if (slot >= 0) _recovery.Due(_book[slot].StepDueNs);
        }
        if (slot >= 0)
        {
            ref var s = ref _book[slot];
            s.Findings++;
            if (effective > s.MaxSeverity) s.MaxSeverity = effective;
            var outcome = rule < 0 ? ActionOutcome.NoRule : acts ? ActionOutcome.Acted : ActionOutcome.NotCorroborated;
            _book.Add(slot, new TimelineEntry(t, TimelineEntryKind.Finding, finding.Scope, target, finding.Signature, finding.Severity,
                outcome: outcome, lifecycle: s.Lifecycle, step: s.Step, value: finding.Score));
            if (effective >= Severity.Warning) _recovery.OnSeriousFinding(slot, in finding, effective);
        }
        if (rule >= 0) Execute(slot, rule, in finding, target, effective, backing);
    }

    /// <summary>Group of an instrument target (when it is a known instrument) or the group target itself; -1 otherwise.</summary>
    private int GroupOf(Scope scope, int target)
        => scope == Scope.Instrument && (uint)target < (uint)_instruments ? _groupOf[target] : scope == Scope.Group ? target : -1;

    /// <summary>Dense key of a scope target (instruments, then groups, then accounts, then global), or -1 for an unknown target.</summary>
    private int Key(Scope scope, int target) => scope switch
    {
        Scope.Instrument => (uint)target < (uint)_instruments ? target : -1,
        Scope.Group => (uint)target < (uint)_groups ? _instruments + target : -1,
        Scope.Account => (uint)target < (uint)_accounts ? _instruments + _groups + target : -1,
        Scope.Global => _instruments + _groups + _accounts,
        _ => -1,
    };

    private void Execute(int slot, int rule, in Finding f, int findingTarget, Severity effective, Backing backing)
    {
        _actingRule = rule;
        try { ExecuteActions(slot, rule, in f, findingTarget, effective, backing); }
        finally { _actingRule = -1; }
    }

    private void ExecuteActions(int slot, int rule, in Finding f, int findingTarget, Severity effective, Backing backing)
    {
        var actions = _playbook.ActionsOf(rule);
        long t = f.TimeNs;
        bool contained = false;
        for (int k = 0; k < actions.Length; k++)
        {
            ref readonly var a = ref actions[k];
            if (!ScopeResolver.TryResolve(f.Scope, findingTarget, a.Scope, _groupOf, out var scope, out int target) || Key(scope, target) < 0
                || !SeverityDiscipline.Narrow(backing, in f, a.Kind, _groupOf, ref scope, ref target))
            {
                if (slot >= 0) _book.Add(slot, _book.ActionEntry(slot, t, a.Kind, f.Scope, findingTarget, f.Signature, effective, TradingState.Active, ActionOutcome.Unresolved, double.NaN));
                continue;
            }
            ActionOutcome outcome;
            double value = double.NaN;
            TradingState state = TradingState.Active;
            switch (a.Kind)
            {
                case IncidentActionKind.Halt:
                case IncidentActionKind.ReduceOnly:
                    state = a.Kind == IncidentActionKind.Halt ? TradingState.Halted : TradingState.ReduceOnly;
                    outcome = ApplyState(slot, scope, target, state, t, f.Signature, effective);
                    break;
                case IncidentActionKind.Throttle:
                    value = Math.Min(a.Scale, LimitsScale(scope, target));
                    _board.SetLimitScale(scope, target, value); // the gate enforces it: reduced limits are not left to the engine
                    if (slot >= 0) _book.Hold(slot, scope, target, TradingState.Active, a.Scale);
                    outcome = Deliver(slot, a.Kind, scope, target, t, f.Signature, effective, value);
                    break;
                default:
                    outcome = Deliver(slot, a.Kind, scope, target, t, f.Signature, effective, double.NaN);
                    break;
            }
            if (a.IsContainment) contained = true;
            if (slot >= 0) _book.Add(slot, _book.ActionEntry(slot, t, a.Kind, scope, target, f.Signature, effective, state, outcome, value));
            if (a.Kind == IncidentActionKind.Halt && outcome == ActionOutcome.Done) Escalate(slot, scope, target, t, f.Signature, effective);
        }
        if (contained && slot >= 0 && _recovery.Contain(slot, t))
        {
            _book.Snapshot(slot, Recorder);
            _book.AddLifecycle(slot, t);
        }
    }

    private ActionOutcome ApplyState(int slot, Scope scope, int target, TradingState state, long t, Signature sig, Severity sev)
    {
        if (_board.GetLocal(scope, target) >= state) return ActionOutcome.AlreadyInForce;
        if (!_board.TrySet(scope, target, state, t, PlaybookRule.TripCauseOf(sig), PlaybookRule.TripReason(sig, state), sig, sev))
            return ActionOutcome.AlreadyInForce;
        if (slot >= 0) _book.Hold(slot, scope, target, state, double.NaN);
        return ActionOutcome.Done;
    }

    private ActionOutcome Deliver(int slot, IncidentActionKind kind, Scope scope, int target, long t, Signature sig, Severity sev, double scale)
    {
        if (slot >= 0 && !_book.TryMarkDelivered(slot, kind, scope, target)) return ActionOutcome.AlreadyDelivered;
        var handler = _actions;
        if (handler is null) return ActionOutcome.NoHandler;
        var args = new IncidentActionArgs(slot >= 0 ? _book[slot].Id : 0, kind, scope, target, t, sig, sev, scale);
        try
        {
            switch (kind)
            {
                case IncidentActionKind.Alert: handler.Alert(in args); break;
                case IncidentActionKind.Throttle: handler.Throttle(in args); break;
                case IncidentActionKind.CancelAll: handler.CancelAll(in args); break;
                case IncidentActionKind.Flatten: handler.Flatten(in args); break;
                case IncidentActionKind.IsolateSession: handler.IsolateSession(in args); break;
                case IncidentActionKind.NotifyExchange: handler.NotifyExchange(in args); break;
                case IncidentActionKind.NotifyRegulator: handler.NotifyRegulator(in args); break;
            }
            return ActionOutcome.Done;
        }
        catch (Exception ex)
        {
            _faults++;
            _lastFault = ex;
            return ActionOutcome.Faulted;
        }
    }

    /// <summary>After a halt the playbook made: widens it to the group or to global when the escalation policy says so.</summary>
    private void Escalate(int slot, Scope scope, int target, long t, Signature sig, Severity sev)
    {
        if (scope == Scope.Instrument)
        {
            int g = _groupOf[target];
            if (!_escalator.OnInstrumentHalt(g, target, t)) return;
            var outcome = ApplyState(slot, Scope.Group, g, TradingState.Halted, t, sig, sev);
            if (slot >= 0) _book.Add(slot, _book.ActionEntry(slot, t, IncidentActionKind.Halt, Scope.Group, g, sig, sev, TradingState.Halted, outcome, _escalator.InstrumentHalts, TimelineEntryKind.Escalation));
        }
        else if (scope == Scope.Account)
        {
            int halted = _escalator.OnAccountHalt(target, t);
            if (halted == 0) return;
            var outcome = ApplyState(slot, Scope.Global, -1, TradingState.Halted, t, sig, sev);
            if (slot >= 0) _book.Add(slot, _book.ActionEntry(slot, t, IncidentActionKind.Halt, Scope.Global, -1, sig, sev, TradingState.Halted, outcome, halted, TimelineEntryKind.Escalation));
        }
    }
}
