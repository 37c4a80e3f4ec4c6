namespace CircuitBreaker;

/// <summary>
/// The breaker an engine embeds: the pre-trade <see cref="Gate"/>, the <see cref="Board"/> of trading states and
/// kill switches, and the post-trade <see cref="Positions"/>. Create one per trading engine from a validated
/// <see cref="RiskConfig"/>. <see cref="Check"/> allocates nothing; who may call it depends on the configuration's
/// <see cref="GateConcurrency"/> (any thread; one thread at a time; one thread per account at a time). Market data and
/// fills go to <see cref="Apply"/> from one thread (the evaluator thread when the ring pipeline is used). Operator
/// commands (<see cref="Halt"/>, <see cref="ReduceOnly"/>, <see cref="Resume"/>) and kill-switch registration are
/// thread-safe in every mode.
/// </summary>
public sealed class Breaker : IDisposable
{
    /// <summary>Creates a breaker: the state board, the gate and the position keeper, sized from the configuration.
    /// Allocates every table up front (setup); nothing on the hot path afterwards.</summary>
    /// <param name="config">The validated limits (<see cref="CircuitBreakerBuilder.BuildConfig"/> or <c>RiskConfigFile.Load</c>).</param>
    public Breaker(RiskConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Board = new StateBoard(config.Instruments.Length, config.Groups.Length, config.AccountCapacity);
        Gate = new PreTradeGate(config, Board);
        Positions = new PositionKeeper(Gate);
    }

    /// <summary>The pre-trade gate.</summary>
    public PreTradeGate Gate { get; }
    /// <summary>Trading states and kill switches.</summary>
    public StateBoard Board { get; }
    /// <summary>Positions, PnL and references (post-trade).</summary>
    public PositionKeeper Positions { get; }
    /// <summary>The configuration in force.</summary>
    public RiskConfig Config => Gate.Config;
    /// <summary>Instruments and accounts.</summary>
    public InstrumentRegistry Registry => Gate.Config.Registry;

    /// <summary>Decides an order (see <see cref="PreTradeGate.Check"/>). Allocates nothing and takes no lock. Thread-safety
    /// follows <see cref="RiskConfig.Concurrency"/>: any thread under <see cref="GateConcurrency.MultiThreaded"/> (the
    /// default); one thread at a time under <see cref="GateConcurrency.SingleWriter"/>; one thread per account at a time
    /// under <see cref="GateConcurrency.AccountOwned"/>.</summary>
    /// <param name="order">The order, cancel or replace, with its event time.</param>
    /// <returns>Accepted, or rejected with a <see cref="RejectReason"/> and the <see cref="Scope"/> that imposed it; never throws for bad input.</returns>
    public Decision Check(in OrderRequest order) => Gate.Check(in order);

    /// <summary>Decides an order list (bracket, OCO, basket) as one unit, all accepted or all refused (see
    /// <see cref="PreTradeGate.CheckList"/>). Allocates nothing and takes no lock; thread rules as <see cref="Check"/>.</summary>
    /// <param name="children">The list's new orders, one account.</param>
    /// <param name="decisions">Receives one decision per child.</param>
    /// <returns>Accepted when every child is; otherwise the first refused child's decision (or the list's own reason).</returns>
    public Decision CheckList(ReadOnlySpan<OrderRequest> children, Span<Decision> decisions) => Gate.CheckList(children, decisions);

    /// <summary>Decides a batch of amendments (replaces) atomically, all accepted or all refused (see
    /// <see cref="PreTradeGate.CheckBatch"/>). Allocates nothing; thread rules as <see cref="Check"/>.</summary>
    /// <param name="amendments">The replaces, one account, each order id once.</param>
    /// <param name="decisions">Receives one decision per amendment.</param>
    /// <returns>Accepted when every amendment is; otherwise the first refused one's decision (or the batch's own reason).</returns>
    public Decision CheckBatch(ReadOnlySpan<OrderRequest> amendments, Span<Decision> decisions) => Gate.CheckBatch(amendments, decisions);

    /// <summary>Applies a market-data, fill or position event, or a start-of-day command, to positions, PnL and reference
    /// prices. One thread only (the evaluator's when a <c>RiskPipeline</c> runs: publish to it instead). Allocates nothing.</summary>
    /// <param name="e">The event; unknown ids and non-finite numbers are ignored.</param>
    public void Apply(in RiskEvent e) => Positions.Apply(in e);

    /// <summary>Halts a scope (operator command): new orders and replaces are rejected, cancels still pass.
    /// Thread-safe in every concurrency mode; allocates nothing (kill switches then run).</summary>
    /// <param name="scope">What to halt: an instrument, a risk group, an account, or everything (<see cref="Scope.Global"/>).</param>
    /// <param name="target">The dense id of the scope's target: an <see cref="InstrumentId"/>, <see cref="GroupId"/> or
    /// <see cref="AccountId"/> <c>.Value</c> from <see cref="Registry"/>; ignored (pass -1) for <see cref="Scope.Global"/>.</param>
    /// <param name="timeNs">Event time of the command, nanoseconds (any origin); recorded with the transition.</param>
    /// <returns>True when the state changed; false when it was already in force or the target is outside the board.</returns>
    public bool Halt(Scope scope, int target, long timeNs) => Board.Halt(scope, target, timeNs);
    /// <summary>Puts a scope in reduce-only (operator command): only orders that reduce a position pass. Thread-safe; allocates nothing.</summary>
    /// <param name="scope">The scope (see <see cref="Halt"/>).</param>
    /// <param name="target">The dense id of the scope's target (see <see cref="Halt"/>); -1 for global.</param>
    /// <param name="timeNs">Event time of the command, nanoseconds.</param>
    /// <returns>True when the state changed.</returns>
    public bool ReduceOnly(Scope scope, int target, long timeNs) => Board.ReduceOnly(scope, target, timeNs);
    /// <summary>Resumes a scope (operator command): back to <see cref="TradingState.Active"/> at once (staged recovery is the
    /// incident desk's). Thread-safe; allocates nothing.</summary>
    /// <param name="scope">The scope (see <see cref="Halt"/>).</param>
    /// <param name="target">The dense id of the scope's target (see <see cref="Halt"/>); -1 for global.</param>
    /// <param name="timeNs">Event time of the command, nanoseconds.</param>
    /// <returns>True when the state changed.</returns>
    public bool Resume(Scope scope, int target, long timeNs) => Board.Resume(scope, target, timeNs);

    /// <summary>Registers a kill switch called on every state transition (see <see cref="StateBoard.Register(IKillSwitch, bool)"/>).
    /// Thread-safe. Allocates (the wrapper, the registration and a copy of the switch list); call at setup.</summary>
    /// <param name="handler">Called once per transition with its context, on the thread that made it unless <paramref name="slow"/>;
    /// an exception it throws is caught and counted (<see cref="StateBoard.Faults"/>), other switches still run.</param>
    /// <param name="slow">True to run it on the board's action thread, so it never stalls the thread that tripped.</param>
    /// <returns>The registration: dispose it to unregister the handler. Disposing is idempotent and thread-safe; a transition
    /// already being delivered may still reach the handler, none made after the dispose returns does. The first dispose
    /// allocates a shorter copy of the switch list. Callers that never unregister may ignore it.</returns>
    public IDisposable OnTrip(TripHandler handler, bool slow = false) => Board.Register(handler, slow);

    /// <summary>Registers an asynchronous kill switch, the form Polly's <c>OnOpened</c> users expect (see
    /// <see cref="AsyncKillSwitch"/>): run off the hot path (handed over on the board's action thread, awaited on the
    /// thread pool, one transition at a time, in order), each call bounded by <paramref name="timeout"/>; a call that throws
    /// or times out is isolated and counted (<see cref="AsyncKillSwitch.Faults"/>, <see cref="AsyncKillSwitch.TimedOut"/>,
    /// <see cref="StateBoard.Faults"/>). Thread-safe. Allocates (the switch, its queue and loop; per delivery, the task and
    /// a cancellation source, never on the thread that tripped); call at setup.</summary>
    /// <param name="handler">Called once per transition with its context and a token cancelled at the timeout or when the
    /// registration is disposed.</param>
    /// <param name="timeout">How long one call may run, in (0, 1 h]; a call still running then is abandoned, its token cancelled.</param>
    /// <param name="timeProvider">The clock of the timeout (default <see cref="TimeProvider.System"/>).</param>
    /// <returns>The registration with its counters: dispose it to unregister the handler (idempotent, thread-safe).</returns>
    public AsyncKillSwitch OnTrip(Func<TripContext, CancellationToken, ValueTask> handler, TimeSpan timeout, TimeProvider? timeProvider = null)
        => Board.Register(handler, timeout, timeProvider);

    /// <inheritdoc />
    public void Dispose() => Board.Dispose();
}
