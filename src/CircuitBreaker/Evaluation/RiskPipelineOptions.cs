using System.Text;
using CircuitBreaker.Ring;

namespace CircuitBreaker;

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
    /// <summary>Ring capacity in events (power of two). Default 65,536 (4 MiB of 64-byte events).</summary>
    public int Capacity { get; init; } = 65_536;
    /// <summary>Producers: <see cref="ProducerMode.Multi"/> (default) when several engine threads publish.</summary>
    public ProducerMode ProducerMode { get; init; } = ProducerMode.Multi;
    /// <summary>Full ring: <see cref="FullRingPolicy.FailClosed"/> (default) halts trading globally with
    /// <see cref="RejectReason.RiskPipelineBackpressure"/>; <see cref="FullRingPolicy.DropAndCount"/> drops and counts
    /// (trading goes on with the risk view behind); <see cref="FullRingPolicy.Block"/> spins up to
    /// <see cref="BlockSpinLimit"/> and then fails closed.</summary>
    public FullRingPolicy FullRingPolicy { get; init; } = FullRingPolicy.FailClosed;
    /// <summary>Spins before a blocked publish gives up (Block policy). Default 1,000.</summary>
    public int BlockSpinLimit { get; init; } = 1000;
    /// <summary>How the evaluator waits for events. Default <see cref="WaitStrategyKind.Yielding"/> (low latency, one core
    /// mostly busy); <see cref="WaitStrategyKind.BusySpin"/> is fastest and burns a core; Sleeping/Blocking save CPU.</summary>
    public WaitStrategyKind WaitStrategy { get; init; } = WaitStrategyKind.Yielding;
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
        if (Capacity < 2 || (Capacity & (Capacity - 1)) != 0) errors.Append($"Capacity must be a power of two >= 2 (was {Capacity}). ");
        if (BlockSpinLimit < 1) errors.Append($"BlockSpinLimit must be >= 1 (was {BlockSpinLimit}). ");
        if (StallThreshold < TimeSpan.Zero) errors.Append($"StallThreshold must be >= 0 (was {StallThreshold}). ");
        if (MaxFindingsKept < 0) errors.Append($"MaxFindingsKept must be >= 0 (was {MaxFindingsKept}). ");
        if (string.IsNullOrWhiteSpace(ThreadName)) errors.Append("ThreadName must be non-empty. ");
        if (!Enum.IsDefined(FullRingPolicy)) errors.Append($"FullRingPolicy {(int)FullRingPolicy} is not defined. ");
        if (!Enum.IsDefined(DetectorFaultPolicy)) errors.Append($"DetectorFaultPolicy {(int)DetectorFaultPolicy} is not defined. ");
        if (Journal is not null)
        {
            try { Journal.Validate(); }
            catch (ArgumentException ex) { errors.Append("Journal: ").Append(ex.Message).Append(' '); }
        }
        if (errors.Length > 0) throw new ArgumentException("invalid risk pipeline options: " + errors.ToString().TrimEnd());
    }
}
