using System.Text;

namespace CircuitBreaker.Ring;

/// <summary>
/// Construction options of a <see cref="RingBuffer{T}"/>. Immutable once built (init-only); every default is stated
/// on its property. <see cref="Validate"/> reports every problem in one <see cref="ArgumentException"/>.
/// </summary>
public sealed record RingBufferOptions
{
    /// <summary>Largest accepted <see cref="Capacity"/>: 2^30 slots.</summary>
    public const int MaxCapacity = 1 << 30;

    /// <summary>Number of slots, a power of two between 1 and <see cref="MaxCapacity"/>. Default 4096.</summary>
    public int Capacity { get; init; } = 4096;

    /// <summary>Single or multiple producer threads. Default <see cref="ProducerMode.Multi"/> (always safe).</summary>
    public ProducerMode ProducerMode { get; init; } = ProducerMode.Multi;

    /// <summary>What a publish does when the ring is full. Default <see cref="FullRingPolicy.FailClosed"/>.</summary>
    public FullRingPolicy FullRingPolicy { get; init; } = FullRingPolicy.FailClosed;

    /// <summary>Spins a <see cref="FullRingPolicy.Block"/> publish waits for space before failing closed; at least 1. Default 1000.</summary>
    public int BlockSpinLimit { get; init; } = 1000;

    /// <summary>How the consumer waits when nothing is published. Default <see cref="WaitStrategyKind.Blocking"/>.</summary>
    public WaitStrategyKind WaitStrategy { get; init; } = WaitStrategyKind.Blocking;

    /// <summary>Told of each full event under <see cref="FullRingPolicy.FailClosed"/>/<see cref="FullRingPolicy.Block"/>. Default <see langword="null"/> (nobody).</summary>
    public IRingFullObserver? FullObserver { get; init; }

    /// <summary>Throws one <see cref="ArgumentException"/> listing every invalid option; does nothing when all are valid.</summary>
    /// <exception cref="ArgumentException">One or more options are invalid.</exception>
    public void Validate()
    {
        StringBuilder? errors = null;
        if (Capacity < 1 || Capacity > MaxCapacity || (Capacity & (Capacity - 1)) != 0)
        {
            Add(ref errors, $"Capacity must be a power of two between 1 and {MaxCapacity}, but was {Capacity}.");
        }

        if (!Enum.IsDefined(ProducerMode))
        {
            Add(ref errors, $"ProducerMode {(int)ProducerMode} is not defined.");
        }

        if (!Enum.IsDefined(FullRingPolicy))
        {
            Add(ref errors, $"FullRingPolicy {(int)FullRingPolicy} is not defined.");
        }

        if (BlockSpinLimit < 1)
        {
            Add(ref errors, $"BlockSpinLimit must be at least 1, but was {BlockSpinLimit}.");
        }

        if (!Enum.IsDefined(WaitStrategy))
        {
            Add(ref errors, $"WaitStrategy {(int)WaitStrategy} is not defined.");
        }

        if (errors is not null)
        {
            throw new ArgumentException("Invalid ring buffer options: " + errors.ToString());
        }
    }

    private static void Add(ref StringBuilder? errors, string error)
    {
        errors ??= new StringBuilder();
        if (errors.Length > 0)
        {
            errors.Append(' ');
        }

        errors.Append(error);
    }
}
