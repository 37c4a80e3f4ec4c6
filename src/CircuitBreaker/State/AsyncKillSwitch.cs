using System.Threading.Channels;

namespace CircuitBreaker.State;

/// <summary>
/// An asynchronous kill switch (<see cref="Breaker.OnTrip(Func{TripContext, CancellationToken, ValueTask}, TimeSpan, TimeProvider?)"/>,
/// <see cref="StateBoard.Register(Func{TripContext, CancellationToken, ValueTask}, TimeSpan, TimeProvider?)"/>): the
/// engine's reaction to a transition when it is I/O (cancel-all on a venue, a page, a message to a risk desk).
/// Off the hot path: the board hands each transition to the switch on its action thread (as for a slow switch), and the
/// switch's own loop awaits the handler, one transition at a time, in transition order. Each call gets a token that is
/// cancelled when <see cref="Timeout"/> passes or the switch is disposed; a call still running at its timeout is
/// abandoned (its token cancelled, <see cref="TimedOut"/> counted) and the next transition is delivered. A handler
/// that throws is isolated: counted in <see cref="Faults"/> and in the board's <see cref="StateBoard.Faults"/>
/// (with <see cref="StateBoard.FaultObserver"/>), later transitions still run. A timeout is reported to the board as a
/// <see cref="TimeoutException"/> fault too. Each delivery allocates (the queued item, the handler's task, a
/// cancellation source); none of it on the thread that tripped. Thread-safe.
/// </summary>
public sealed class AsyncKillSwitch : IDisposable
{
    /// <summary>Longest timeout accepted: one hour.</summary>
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);

    private readonly Func<TripContext, CancellationToken, ValueTask> _handler;
    private readonly TimeProvider _time;
    private readonly Channel<TripContext> _queue = Channel.CreateUnbounded<TripContext>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly StateBoard _board;
    private IDisposable? _registration;
    private int _index;
    private long _completed, _faults, _timedOut, _pending;
    private Exception? _lastFault;

    internal AsyncKillSwitch(StateBoard board, Func<TripContext, CancellationToken, ValueTask> handler, TimeSpan timeout, TimeProvider? timeProvider)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (timeout <= TimeSpan.Zero || timeout > MaxTimeout)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, $"the timeout of an asynchronous kill switch must be in (0, {MaxTimeout}]");
        _board = board;
        _handler = handler;
        Timeout = timeout;
        _time = timeProvider ?? TimeProvider.System;
        _ = Task.Run(RunAsync);
        _registration = board.Register(new Feeder(this), slow: true, out _index);
    }

    /// <summary>How long one call may run before it is abandoned and its token cancelled.</summary>
    public TimeSpan Timeout { get; }
    /// <summary>Calls that completed within the timeout.</summary>
    public long Completed => Interlocked.Read(ref _completed);
    /// <summary>Calls that threw (or returned a faulted task).</summary>
    public long Faults => Interlocked.Read(ref _faults);
    /// <summary>Calls abandoned at their timeout.</summary>
    public long TimedOut => Interlocked.Read(ref _timedOut);
    /// <summary>Transitions handed to the switch and not yet finished (queued or running).</summary>
    public long Pending => Interlocked.Read(ref _pending);
    /// <summary>The last exception a call threw, or null.</summary>
    public Exception? LastFault => Volatile.Read(ref _lastFault);

    /// <summary>Waits (blocking, polling every millisecond) until every transition handed to the switch so far has finished
    /// or <paramref name="timeout"/> passes (wall time). Returns false on timeout. Allocates nothing.</summary>
    /// <param name="timeout">The longest wait.</param>
    public bool Drain(TimeSpan timeout)
    {
        if (!_board.DrainSlow(timeout)) return false;
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (Pending > 0)
        {
            if (Environment.TickCount64 > deadline) return false;
            Thread.Sleep(1);
        }
        return true;
    }

    /// <summary>Unregisters the switch: no transition made after this returns reaches it; queued ones are dropped and the
    /// running call's token is cancelled. Idempotent, thread-safe.</summary>
    public void Dispose()
    {
        var registration = Interlocked.Exchange(ref _registration, null);
        if (registration is null) return;
        registration.Dispose();
        _queue.Writer.TryComplete();
        _stopping.Cancel();
    }

    private void Enqueue(in TripContext context)
    {
        if (Volatile.Read(ref _registration) is null) return;
        Interlocked.Increment(ref _pending);
        if (!_queue.Writer.TryWrite(context)) Interlocked.Decrement(ref _pending);
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_stopping.Token).ConfigureAwait(false))
            {
                while (reader.TryRead(out var context))
                {
                    if (!_stopping.IsCancellationRequested) await CallAsync(context).ConfigureAwait(false);
                    Interlocked.Decrement(ref _pending);
                }
            }
        }
        catch (OperationCanceledException) { /* disposed */ }
        while (reader.TryRead(out _)) Interlocked.Decrement(ref _pending);
    }

    private async Task CallAsync(TripContext context)
    {
        // The timeout starts before the handler runs, on the injected clock.
        using var timeout = new CancellationTokenSource(Timeout, _time);
        using var call = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, _stopping.Token);
        Task task;
        try { task = _handler(context, call.Token).AsTask(); }
        catch (Exception ex) { Fault(context, ex); return; }
        try
        {
            await task.WaitAsync(call.Token).ConfigureAwait(false);
            Interlocked.Increment(ref _completed);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested || _stopping.IsCancellationRequested)
        {
            // An abandoned call may still fail later: observe it so it is never an unobserved task exception.
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            if (_stopping.IsCancellationRequested) return; // disposed while running
            Interlocked.Increment(ref _timedOut);
            _board.ReportFault(_index, context.Sequence,
                new TimeoutException($"asynchronous kill switch did not finish within {Timeout} (transition #{context.Sequence})"));
        }
        catch (Exception ex) { Fault(context, ex); }
    }

    private void Fault(in TripContext context, Exception ex)
    {
        Interlocked.Increment(ref _faults);
        Volatile.Write(ref _lastFault, ex);
        _board.ReportFault(_index, context.Sequence, ex);
    }

    /// <summary>The slow switch the board calls on its action thread: queues the transition for the loop.</summary>
    private sealed class Feeder(AsyncKillSwitch owner) : IKillSwitch
    {
        public void OnTransition(in TripContext context) => owner.Enqueue(in context);
    }
}
