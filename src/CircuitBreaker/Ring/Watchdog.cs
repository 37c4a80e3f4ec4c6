namespace CircuitBreaker.Ring;

/// <summary>
/// Watches a consumer for stalls: on a timer created from the injected <see cref="TimeProvider"/>, it reads the
/// consumer's progress and the number of pending events; when events are pending and progress has not moved for at
/// least the stall threshold (of <see cref="TimeProvider"/> time), it calls <c>onStall</c> once for that stall
/// episode. The episode ends, and the watchdog re-arms, when progress moves again (or nothing is pending).
/// The only part of the ring that reads a clock; tests drive it with a fake <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>Construction allocates (the timer); each check allocates nothing unless the delegates do. Checks never
/// overlap. Exceptions from the read delegates or <c>onStall</c> are caught and counted in <see cref="Faults"/>.</remarks>
public sealed class Watchdog : IDisposable
{
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _stallThreshold;
    private readonly Func<long> _readProgress;
    private readonly Func<long> _readPending;
    private readonly Action<StallReport> _onStall;
    private readonly ITimer _timer;
    private long _lastProgress;
    private long _lastProgressTimestamp;
    private bool _firedThisEpisode;
    private int _checking;
    private long _stalls;
    private long _faults;

    /// <summary>Creates and starts a watchdog.</summary>
    /// <param name="timeProvider">Time source and timer factory.</param>
    /// <param name="stallThreshold">How long pending events may sit with no progress before a stall is reported; positive.</param>
    /// <param name="readProgress">Reads a counter that moves whenever the consumer makes progress (e.g.
    /// <see cref="EventProcessorThread{T, THandler}.ProcessedSequence"/>).</param>
    /// <param name="readPending">Reads the number of events waiting for the consumer (e.g. <see cref="RingBuffer{T}.Pending"/>).</param>
    /// <param name="onStall">Called (on the timer's thread) once per stall episode.</param>
    /// <param name="checkInterval">Time between checks; positive. Default <see langword="null"/>: a quarter of the threshold.</param>
    /// <exception cref="ArgumentNullException">A reference argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A duration is not positive.</exception>
    public Watchdog(
        TimeProvider timeProvider,
        TimeSpan stallThreshold,
        Func<long> readProgress,
        Func<long> readPending,
        Action<StallReport> onStall,
        TimeSpan? checkInterval = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(readProgress);
        ArgumentNullException.ThrowIfNull(readPending);
        ArgumentNullException.ThrowIfNull(onStall);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(stallThreshold, TimeSpan.Zero);
        TimeSpan interval = checkInterval ?? stallThreshold / 4;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero, nameof(checkInterval));

        _timeProvider = timeProvider;
        _stallThreshold = stallThreshold;
        _readProgress = readProgress;
        _readPending = readPending;
        _onStall = onStall;
        _lastProgress = readProgress();
        _lastProgressTimestamp = timeProvider.GetTimestamp();
        _timer = timeProvider.CreateTimer(static state => ((Watchdog)state!).Check(), this, interval, interval);
    }

    /// <summary>Watches an event processor: progress is its <see cref="EventProcessorThread{T, THandler}.ProcessedSequence"/>,
    /// pending is its ring's <see cref="RingBuffer{T}.Pending"/>. Allocates the delegates and the timer.</summary>
    /// <typeparam name="T">Event type.</typeparam>
    /// <typeparam name="THandler">Handler type.</typeparam>
    /// <param name="processor">The processor to watch.</param>
    /// <param name="timeProvider">Time source and timer factory.</param>
    /// <param name="stallThreshold">Stall threshold; positive.</param>
    /// <param name="onStall">Called once per stall episode.</param>
    /// <param name="checkInterval">Time between checks; default a quarter of the threshold.</param>
    /// <returns>The started watchdog.</returns>
    public static Watchdog For<T, THandler>(
        EventProcessorThread<T, THandler> processor,
        TimeProvider timeProvider,
        TimeSpan stallThreshold,
        Action<StallReport> onStall,
        TimeSpan? checkInterval = null)
        where T : unmanaged
        where THandler : struct, IEventHandler<T>
    {
        ArgumentNullException.ThrowIfNull(processor);
        RingBuffer<T> ring = processor.Ring;
        return new Watchdog(timeProvider, stallThreshold, () => ring.ConsumerSequence, () => ring.Pending, onStall, checkInterval);
    }

    /// <summary>Stall episodes reported so far.</summary>
    public long Stalls => Volatile.Read(ref _stalls);

    /// <summary>Exceptions caught from the read delegates or <c>onStall</c>.</summary>
    public long Faults => Volatile.Read(ref _faults);

    /// <summary>Stall threshold given at construction.</summary>
    public TimeSpan StallThreshold => _stallThreshold;

    /// <summary>Runs one check now (the timer calls this). Returns at once if a check is already running.</summary>
    public void Check()
    {
        if (Interlocked.Exchange(ref _checking, 1) != 0)
        {
            return;
        }

        try
        {
            CheckCore();
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _faults);
        }
        finally
        {
            Volatile.Write(ref _checking, 0);
        }
    }

    /// <summary>Stops the timer. Idempotent.</summary>
    public void Dispose() => _timer.Dispose();

    private void CheckCore()
    {
        long progress = _readProgress();
        long pending = _readPending();
        long now = _timeProvider.GetTimestamp();
        if (progress != _lastProgress || pending <= 0)
        {
            _lastProgress = progress;
            _lastProgressTimestamp = now;
            _firedThisEpisode = false;
            return;
        }

        TimeSpan stalledFor = _timeProvider.GetElapsedTime(_lastProgressTimestamp, now);
        if (_firedThisEpisode || stalledFor < _stallThreshold)
        {
            return;
        }

        _firedThisEpisode = true;
        Interlocked.Increment(ref _stalls);
        _onStall(new StallReport(progress, pending, stalledFor));
    }
}

/// <summary>What a <see cref="Watchdog"/> saw when it declared a stall.</summary>
/// <param name="Progress">The progress value that has not moved.</param>
/// <param name="Pending">Events pending at the check.</param>
/// <param name="StalledFor">Time since progress last moved (or since pending events appeared after idleness).</param>
public readonly record struct StallReport(long Progress, long Pending, TimeSpan StalledFor);
