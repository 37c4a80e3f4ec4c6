namespace CircuitBreaker.Ring;

/// <summary>
/// The consumer of a <see cref="RingBuffer{T}"/> on one dedicated thread: polls batches into a struct handler
/// (devirtualised) and idles per the ring's <see cref="WaitStrategyKind"/> when nothing is published. A handler that
/// throws does not kill the thread: the exception is caught, counted (<see cref="HandlerFaults"/>), kept
/// (<see cref="LastException"/>), reported to <see cref="EventProcessorOptions.OnHandlerFault"/>, the faulty event is
/// skipped and processing continues. Progress (<see cref="ProcessedSequence"/>, <see cref="Batches"/>) can be read
/// from any thread, e.g. by a <see cref="Watchdog"/>.
/// </summary>
/// <remarks>The constructor and <see cref="Start"/> allocate (the thread); the processing loop allocates nothing
/// unless the handler does or throws.</remarks>
/// <typeparam name="T">Event type.</typeparam>
/// <typeparam name="THandler">Struct handler type.</typeparam>
public sealed class EventProcessorThread<T, THandler> : IDisposable
    where T : unmanaged
    where THandler : struct, IEventHandler<T>
{
    private const int Created = 0;
    private const int Running = 1;
    private const int Stopping = 2;

    private readonly RingBuffer<T> _ring;
    private readonly EventProcessorOptions _options;
    private THandler _handler;
    private Thread? _thread;
    private int _state;
    private long _drainTarget;
    private volatile bool _stopRequested;
    private PaddedSequence _batches;
    private PaddedSequence _faults;
    private volatile Exception? _lastException;
    private long _lastFaultSequence = -1;

    /// <summary>Creates a processor (not started) for <paramref name="ring"/>; it must be the ring's only consumer.</summary>
    /// <param name="ring">The ring to consume.</param>
    /// <param name="handler">The handler; the processor keeps and mutates its own copy.</param>
    /// <param name="options">Options; default <see langword="null"/> means <c>new EventProcessorOptions()</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="ring"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public EventProcessorThread(RingBuffer<T> ring, THandler handler, EventProcessorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ring);
        _options = options ?? new EventProcessorOptions();
        _options.Validate();
        _ring = ring;
        _handler = handler;
    }

    /// <summary>The ring consumed.</summary>
    public RingBuffer<T> Ring => _ring;

    /// <summary>Highest sequence processed (or skipped after a fault); -1 before the first. Readable from any thread.</summary>
    public long ProcessedSequence => _ring.ConsumerSequence;

    /// <summary>Batches handled (polls that handled at least one event without a fault). Readable from any thread.</summary>
    public long Batches => _batches.Value;

    /// <summary>Exceptions caught from the handler (and the start hook).</summary>
    public long HandlerFaults => _faults.Value;

    /// <summary>The last exception caught, or <see langword="null"/>.</summary>
    public Exception? LastException => _lastException;

    /// <summary>Consumer sequence reached by the last fault (the faulty event's sequence), or -1.</summary>
    public long LastFaultSequence => Volatile.Read(ref _lastFaultSequence);

    /// <summary><see langword="true"/> between <see cref="Start"/> and the end of <see cref="Stop"/>.</summary>
    public bool IsRunning => _thread is { IsAlive: true };

    /// <summary>A copy of the handler's current state. Consistent only when the processor is not running.</summary>
    public THandler Handler => _handler;

    /// <summary>Starts the dedicated thread. Allocates the thread.</summary>
    /// <exception cref="InvalidOperationException">Already started or stopped.</exception>
    public void Start()
    {
        if (Interlocked.CompareExchange(ref _state, Running, Created) != Created)
        {
            throw new InvalidOperationException("The event processor can be started only once.");
        }

        _thread = new Thread(Run) { Name = _options.ThreadName, IsBackground = _options.IsBackground };
        _thread.Start();
    }

    /// <summary>
    /// Stops the ring (later publishes return <see cref="PublishResult.Stopped"/>), then drains: returns only when
    /// every event whose publish returned <see cref="PublishResult.Published"/> has been handled and the thread has
    /// exited. Never started: drains on the calling thread. Idempotent. Called from a handler (the processor thread
    /// itself) it requests the stop and returns without waiting. An event claimed with
    /// <see cref="RingBuffer{T}.TryClaim(out long)"/> but never published makes the drain wait forever.
    /// </summary>
    public void Stop()
    {
        int previous = Interlocked.CompareExchange(ref _state, Stopping, Running);
        if (previous == Created && Interlocked.CompareExchange(ref _state, Stopping, Created) == Created)
        {
            long target = _ring.Stop();
            int idle = 0;
            while (_ring.ConsumerSequence < target)
            {
                if (PollOnce() == 0)
                {
                    _ring.Idle(ref idle);
                }
            }

            return;
        }

        if (previous == Running)
        {
            _drainTarget = _ring.Stop();
            _stopRequested = true;
            _ring.WakeConsumer();
        }

        Thread? thread = _thread;
        if (thread is not null && thread != Thread.CurrentThread)
        {
            thread.Join();
        }
    }

    /// <summary>Same as <see cref="Stop"/>.</summary>
    public void Dispose() => Stop();

    private void Run()
    {
        Action<Thread>? hook = _options.OnThreadStarted;
        if (hook is not null)
        {
            try
            {
                hook(Thread.CurrentThread);
            }
            catch (Exception ex)
            {
                RecordFault(ex);
            }
        }

        int idle = 0;
        while (true)
        {
            if (PollOnce() > 0)
            {
                idle = 0;
                continue;
            }

            if (_stopRequested && _ring.ConsumerSequence >= _drainTarget)
            {
                return;
            }

            _ring.Idle(ref idle);
        }
    }

    private int PollOnce()
    {
        int handled;
        try
        {
            handled = _ring.Poll(ref _handler, _options.MaxBatch);
        }
        catch (Exception ex)
        {
            RecordFault(ex);
            return 1; // progress was made: the faulty event was skipped
        }

        if (handled > 0)
        {
            _batches.SetVolatile(_batches.ValueUnordered + 1);
        }

        return handled;
    }

    private void RecordFault(Exception ex)
    {
        long sequence = _ring.ConsumerSequence;
        Volatile.Write(ref _lastFaultSequence, sequence);
        _lastException = ex;
        _faults.Increment();
        Action<Exception, long>? onFault = _options.OnHandlerFault;
        if (onFault is null)
        {
            return;
        }

        try
        {
            onFault(ex, sequence);
        }
        catch (Exception)
        {
            // The owner's reporting failed; the thread must survive regardless.
        }
    }
}
