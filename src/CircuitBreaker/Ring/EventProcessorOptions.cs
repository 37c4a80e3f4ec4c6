namespace CircuitBreaker.Ring;

/// <summary>Options of an <see cref="EventProcessorThread{T, THandler}"/>. Init-only; every default is stated on its property.</summary>
public sealed class EventProcessorOptions
{
    /// <summary>Name of the dedicated thread (shown in debuggers and dumps). Default <c>"CircuitBreaker.Ring"</c>.</summary>
    public string ThreadName { get; init; } = "CircuitBreaker.Ring";

    /// <summary>Most events handed to the handler per <see cref="RingBuffer{T}.Poll{THandler}"/>; at least 1. Default 1024.</summary>
    public int MaxBatch { get; init; } = 1024;

    /// <summary>Whether the thread is a background thread (does not keep the process alive). Default <see langword="true"/>.</summary>
    public bool IsBackground { get; init; } = true;

    /// <summary>Called first thing on the new thread, with that thread, before any event is handled: the place to pin
    /// it to a core (affinity is per calling thread on most systems) or raise its priority. An exception it throws is
    /// recorded like a handler fault and the thread runs on. Default <see langword="null"/>.</summary>
    public Action<Thread>? OnThreadStarted { get; init; }

    /// <summary>Called on the processor thread after a handler (or start hook) exception has been caught and counted,
    /// with the exception and the consumer sequence reached (the faulty event's). The owner decides what to trip. An
    /// exception it throws is swallowed. Default <see langword="null"/>.</summary>
    public Action<Exception, long>? OnHandlerFault { get; init; }

    /// <summary>Throws one <see cref="ArgumentException"/> listing every invalid option.</summary>
    /// <exception cref="ArgumentException">One or more options are invalid.</exception>
    public void Validate()
    {
        string errors = string.Empty;
        if (string.IsNullOrWhiteSpace(ThreadName))
        {
            errors += "ThreadName must not be empty. ";
        }

        if (MaxBatch < 1)
        {
            errors += $"MaxBatch must be at least 1, but was {MaxBatch}. ";
        }

        if (errors.Length > 0)
        {
            throw new ArgumentException("Invalid event processor options: " + errors.TrimEnd());
        }
    }
}
