using BenchmarkDotNet.Attributes;

namespace CircuitBreaker.Benchmarks.PreTrade;

/// <summary>
/// How <c>PreTradeGate.Check</c> (multi-threaded mode, full default control set) scales with the number of instruments:
/// 10, 1,000 and 100,000, the order stream spread uniformly over all of them (<see cref="ScalingScenario"/>), so at
/// 100,000 most checks read per-instrument and per-pair state that is cold. Each invocation runs 64 consecutive checks
/// (reported per check). The baseline is 10 instruments: the <c>vs 10 instruments</c> column is each size's median over
/// its median (<see cref="RatioToFirstParameterColumn"/>; BenchmarkDotNet's own Ratio column cannot compare parameter
/// values and is hidden). Setup verifies one cycle of decisions against the scenario.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ScalingConfig))]
public class PreTradeScalingBenchmarks
{
    private const int Ops = 64;
    private ScalingScenario _scenario = null!;
    private Breaker _breaker = null!;
    private OursWiring.GateCheck _gate;
    private long _sequence;

    /// <summary>Instruments configured and traded.</summary>
    [Params(10, 1_000, 100_000)]
    public int Instruments { get; set; }

    /// <summary>Builds the scenario and the gate, and checks one cycle of decisions (also a warm-up of every pair the stream uses).</summary>
    [GlobalSetup]
    public void Setup()
    {
        _scenario = new ScalingScenario(Instruments);
        _breaker = _scenario.CreateGate();
        _gate = new OursWiring.GateCheck(_breaker.Gate);
        _scenario.VerifyCycle(ref _gate, ref _sequence, $"circuitbreaker-{Instruments}");
        Console.WriteLine($"// {Instruments} instruments: a cycle of {ScalingScenario.CycleLength} requests touches {_scenario.InstrumentsTouched} instruments, {_breaker.Gate.Pairs.Count} pairs");
    }

    /// <summary>Releases the breaker.</summary>
    [GlobalCleanup]
    public void Cleanup() => _breaker.Dispose();

    /// <summary>64 checks of the spread stream; the 10-instrument case is the baseline.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public int Check()
    {
        int sink = 0;
        for (int i = 0; i < Ops; i++)
        {
            var order = _scenario.At(_sequence++);
            sink += (int)_gate.Check(in order).Reason;
        }
        return sink;
    }
}
