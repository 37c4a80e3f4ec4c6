using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using CircuitBreaker.Tape;

namespace CircuitBreaker.Replay;

/// <summary>
/// Reads and parses a tape on a thread of its own, <see cref="BatchSize"/> records at a time and at most
/// <see cref="MaxBatches"/> batches ahead, while the replaying thread takes the records in tape order: parsing and
/// evaluation each cost about half of a replay, so they overlap. Batches are recycled (memory stays flat whatever the
/// tape's length). The <see cref="TapeReader"/> belongs to the read-ahead thread until <see cref="TryRead"/> has returned
/// false or the read-ahead is disposed; an exception of the reader (a malformed or failing source) is rethrown on the
/// replaying thread, with its type and stack, by the <see cref="TryRead"/> that reaches it.
/// </summary>
internal sealed class TapeReadAhead : IDisposable
{
    /// <summary>Records per batch handed between the threads.</summary>
    public const int BatchSize = 512;
    /// <summary>Batches read ahead of the replaying thread at most.</summary>
    public const int MaxBatches = 16;

    private sealed class Batch
    {
        public readonly TapeRecord[] Records = new TapeRecord[BatchSize];
        public int Count;
    }

    private readonly TapeReader _reader;
    private readonly BlockingCollection<Batch> _full = new(new ConcurrentQueue<Batch>(), MaxBatches);
    private readonly ConcurrentBag<Batch> _free = [];
    private readonly Thread _thread;
    private volatile bool _stop;
    private ExceptionDispatchInfo? _error;
    private Batch? _current;
    private int _next;
    private bool _joined;

    /// <summary>Starts reading <paramref name="reader"/> ahead.</summary>
    public TapeReadAhead(TapeReader reader)
    {
        _reader = reader;
        _thread = new Thread(ReadAll) { IsBackground = true, Name = "circuit-breaker tape read-ahead" };
        _thread.Start();
    }

    /// <summary>The next record in tape order; false at the end of the tape (the reader is then the caller's again).</summary>
    public bool TryRead(out TapeRecord record)
    {
        while (_current is null || _next == _current.Count)
        {
            if (_current is not null) Recycle(_current);
            _current = null;
            if (!_full.TryTake(out var batch, Timeout.Infinite))
            {
                Join();
                _error?.Throw();
                record = null!;
                return false;
            }
            _current = batch;
            _next = 0;
        }
        record = _current.Records[_next];
        _current.Records[_next++] = null!;
        return true;
    }

    private void ReadAll()
    {
        try
        {
            while (!_stop)
            {
                var batch = _free.TryTake(out var b) ? b : new Batch();
                int n = 0;
                while (n < BatchSize && _reader.TryRead(out var r)) batch.Records[n++] = r;
                batch.Count = n;
                if (n > 0) _full.Add(batch);
                if (n < BatchSize) break;
            }
        }
        catch (Exception e)
        {
            _error = ExceptionDispatchInfo.Capture(e);
        }
        finally
        {
            _full.CompleteAdding();
        }
    }

    private void Recycle(Batch batch)
    {
        Array.Clear(batch.Records, 0, batch.Count);
        batch.Count = 0;
        _free.Add(batch);
    }

    private void Join()
    {
        if (_joined) return;
        _thread.Join();
        _joined = true;
    }

    /// <summary>Stops reading ahead (a replay that ends early) and waits for the thread; the reader is then the caller's.</summary>
    public void Dispose()
    {
        _stop = true;
        while (!_full.IsCompleted) _full.TryTake(out _, 10); // unblocks a full queue until the thread has stopped adding
        Join();
        _full.Dispose();
    }
}
