using System.Runtime.InteropServices;
using CircuitBreaker.Ring;

namespace CircuitBreaker.Tests.Support;

/// <summary>Test event: who wrote it and its number in that producer's stream.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Tick
{
    public int Producer;
    public int Number;
    public long Payload;

    public Tick(int producer, int number)
    {
        Producer = producer;
        Number = number;
        Payload = ((long)producer << 32) | (uint)number;
    }
}

/// <summary>Checks, per producer, that numbers arrive contiguously from 0: nothing lost, duplicated or reordered.</summary>
internal sealed class StreamChecker
{
    private readonly int[] _nextExpected;
    private long _total;
    private long _violations;
    private long _lastSequence = -1;

    public StreamChecker(int producers) => _nextExpected = new int[producers];

    public long Total => Volatile.Read(ref _total);
    public long Violations => Volatile.Read(ref _violations);
    public string? FirstViolation { get; private set; }
    public int NextExpected(int producer) => Volatile.Read(ref _nextExpected[producer]);

    public void Observe(ref Tick e, long sequence)
    {
        bool ok = (uint)e.Producer < (uint)_nextExpected.Length
            && e.Number == _nextExpected[e.Producer]
            && e.Payload == (((long)e.Producer << 32) | (uint)e.Number)
            && sequence == _lastSequence + 1;
        if (!ok)
        {
            if (_violations == 0)
            {
                FirstViolation = $"seq {sequence} (last {_lastSequence}): producer {e.Producer} number {e.Number}";
            }

            Volatile.Write(ref _violations, _violations + 1);
        }

        if ((uint)e.Producer < (uint)_nextExpected.Length)
        {
            Volatile.Write(ref _nextExpected[e.Producer], e.Number + 1);
        }

        _lastSequence = sequence;
        Volatile.Write(ref _total, _total + 1);
    }
}

/// <summary>Struct handler forwarding to a <see cref="StreamChecker"/>.</summary>
internal struct CheckingHandler : IEventHandler<Tick>
{
    private readonly StreamChecker _checker;

    public CheckingHandler(StreamChecker checker) => _checker = checker;

    public readonly void OnEvent(ref Tick e, long sequence, bool endOfBatch) => _checker.Observe(ref e, sequence);
}

/// <summary>Struct handler that sums payloads and counts batches, allocation-free.</summary>
internal struct SummingHandler : IEventHandler<Tick>
{
    public long Sum;
    public long Count;
    public long BatchEnds;

    public void OnEvent(ref Tick e, long sequence, bool endOfBatch)
    {
        Sum += e.Payload;
        Count++;
        if (endOfBatch)
        {
            BatchEnds++;
        }
    }
}

/// <summary>Records every full event it is told about.</summary>
internal sealed class RecordingFullObserver : IRingFullObserver
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);
    public RingFullEvent Last { get; private set; }
    public bool Throw { get; init; }

    public void OnRingFull(in RingFullEvent e)
    {
        Last = e;
        Interlocked.Increment(ref _calls);
        if (Throw)
        {
            throw new InvalidOperationException("observer failure");
        }
    }
}

/// <summary>Runs a call on its own thread (not the thread pool) and hands back its result.</summary>
internal sealed class BackgroundCall<TResult>
{
    private readonly Thread _thread;
    private readonly ManualResetEventSlim _started = new();
    private TResult? _result;
    private Exception? _error;

    public BackgroundCall(Func<TResult> call)
    {
        _thread = new Thread(() =>
        {
            _started.Set();
            try
            {
                _result = call();
            }
            catch (Exception ex)
            {
                _error = ex;
            }
        }) { IsBackground = true };
        _thread.Start();
        _started.Wait();
    }

    public bool IsCompleted => !_thread.IsAlive;

    public TResult Result
    {
        get
        {
            Assert.True(_thread.Join(StopGuard.Bound), "the background call never returned");
            if (_error is not null)
            {
                throw new InvalidOperationException("background call failed", _error);
            }

            return _result!;
        }
    }
}

/// <summary>Guards against hangs: a broken ring makes a draining stop wait forever, which must fail, not hang.</summary>
internal static class StopGuard
{
    /// <summary>Generous bound for a drain that normally takes milliseconds; a safety net, not a timing assertion.</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    public static void StopWithinBound<T, THandler>(EventProcessorThread<T, THandler> processor)
        where T : unmanaged
        where THandler : struct, IEventHandler<T>
    {
        var stopper = new Thread(processor.Stop) { IsBackground = true };
        stopper.Start();
        Assert.True(stopper.Join(Bound), "Stop did not drain: the consumer is stuck (lost or overwritten event?)");
    }
}
