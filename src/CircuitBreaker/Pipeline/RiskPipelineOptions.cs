using System.Text;
using CircuitBreaker.Ring;

namespace CircuitBreaker.Pipeline;

/// <summary>What the evaluator does when a detector throws.</summary>
public enum DetectorFaultPolicy : byte
{
    /// <summary>Quarantine the detector, report the fault, and halt trading globally (fail-closed; the default).</summary>
    HaltGlobal,
    /// <summary>Quarantine the detector and report the fault; limits keep running, trading goes on.</summary>
    Quarantine,
}

/// <summary>Options of a <see cref="RiskPipeline"/>. Every default is stated; <see cref="Validate"/> reports every error at once.</summary>
public sealed class RiskPipelineOptions
{
    /// <summary>The pipeline's defaults for its ring: 65,536 events (4 MiB of 64-byte events), <see cref="ProducerMode.Multi"/>,
    /// <see cref="FullRingPolicy.FailClosed"/>, 1,000 spins for <see cref="FullRingPolicy.Block"/>, and a
    /// <see cref="WaitStrategyKind.Yielding"/> evaluator (low latency, one core mostly busy).</summary>
    public static RingBufferOptions DefaultRing { get; } = new()
    {
        Capacity = 65_536, ProducerMode = ProducerMode.Multi, FullRingPolicy = FullRingPolicy.FailClosed, BlockSpinLimit = 1000,
        WaitStrategy = WaitStrategyKind.Yielding,
    };

    /// <summary>The ring between the engine's threads and the evaluator (default <see cref="DefaultRing"/>). Its
    /// <see cref="RingBufferOptions.Capacity"/> must be at least 2. A full ring: <see cref="FullRingPolicy.FailClosed"/>
    /// (default) halts trading globally with <see cref="RejectReason.RiskPipelineBackpressure"/>;
    /// <see cref="FullRingPolicy.DropAndCount"/> drops and counts (trading goes on with the risk view behind);
    /// <see cref="FullRingPolicy.Block"/> spins up to <see cref="RingBufferOptions.BlockSpinLimit"/> and then fails closed.
    /// <see cref="WaitStrategyKind.BusySpin"/> is fastest and burns a core; Sleeping/Blocking save CPU. Leave
    /// <see cref="RingBufferOptions.FullObserver"/> unset: the pipeline observes a full ring itself.</summary>
    public RingBufferOptions Ring { get; init; } = DefaultRing;
    /// <summary>Evaluator thread name. Default <c>circuit-breaker-evaluator</c>.</summary>
    public string ThreadName { get; init; } = "circuit-breaker-evaluator";
    /// <summary>Called on the evaluator thread when it starts (pin it to a core, raise its priority). Default none.</summary>
    public Action<Thread>? OnEvaluatorStarted { get; init; }
    /// <summary>Watchdog: no progress for this long (wall clock, injected <see cref="TimeProvider"/>) while events wait halts
    /// trading globally with <see cref="RejectReason.RiskPipelineStalled"/>. Default 500 ms. <see cref="TimeSpan.Zero"/> disables it.</summary>
    public TimeSpan StallThreshold { get; init; } = TimeSpan.FromMilliseconds(500);
    /// <summary>What a throwing detector does. Default <see cref="DetectorFaultPolicy.HaltGlobal"/> (fail-closed).</summary>
    public DetectorFaultPolicy DetectorFaultPolicy { get; init; } = DetectorFaultPolicy.HaltGlobal;
    /// <summary>Findings kept in memory for reports (the drill report's cap). Default 10,000; more are counted as dropped.</summary>
    public int MaxFindingsKept { get; init; } = 10_000;

    /// <summary>Journal: when set, the pipeline opens a <see cref="JournalWriter"/> with these options at
    /// <see cref="RiskPipeline.Start"/> (writing a <see cref="JournalSessionNote"/> first), the evaluator thread appends every
    /// event it evaluates (order decisions included) and every change of trading state (<see cref="TripRecord"/>), allocation
    /// free, and <see cref="RiskPipeline.Stop"/> drains and closes it after the ring. A full journal buffer is counted, never
    /// waited on; a disk error faults the journal, not the evaluation (see <see cref="RiskPipeline.JournalStatus"/>).
    /// Default null: no journal.</summary>
    public JournalWriterOptions? Journal { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid option.</summary>
    public void Validate()
    {
        var errors = new StringBuilder();
        if (Ring is null) errors.Append("Ring must be set. ");
        else
        {
            if (Ring.Capacity < 2) errors.Append($"Ring.Capacity must be a power of two >= 2 (was {Ring.Capacity}). ");
            try { Ring.Validate(); }
            catch (ArgumentException ex) { errors.Append("Ring: ").Append(ex.Message).Append(' '); }
            if (Ring.FullObserver is not null) errors.Append("Ring.FullObserver must be null: the pipeline observes a full ring itself. ");
        }
        if (StallThreshold < TimeSpan.Zero) errors.Append($"StallThreshold must be >= 0 (was {StallThreshold}). ");
        if (MaxFindingsKept < 0) errors.Append($"MaxFindingsKept must be >= 0 (was {MaxFindingsKept}). ");
        if (string.IsNullOrWhiteSpace(ThreadName)) errors.Append("ThreadName must be non-empty. ");
        if (!Enum.IsDefined(DetectorFaultPolicy)) errors.Append($"DetectorFaultPolicy {(int)DetectorFaultPolicy} is not defined. ");
        if (Journal is not null)
        {
            try { Journal.Validate(); }
            catch (ArgumentException ex) { errors.Append("Journal: ").Append(ex.Message).Append(' '); }
        }
        if (errors.Length > 0) throw new ArgumentException("invalid risk pipeline options: " + errors.ToString().TrimEnd());
    }
}
