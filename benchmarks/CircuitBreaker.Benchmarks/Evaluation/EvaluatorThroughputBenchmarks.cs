using BenchmarkDotNet.Attributes;

namespace CircuitBreaker.Benchmarks.Evaluation;

/// <summary>
/// <see cref="Evaluator.Evaluate"/> over the preallocated <see cref="EventMix"/> tape, on the benchmark thread (no ring):
/// 1,024 events per invocation, reported per event, with an events/s column. <see cref="Detectors"/> selects what runs
/// besides the book-keeping and the default incident desk: nothing (<c>limits-only</c>, the baseline), every default
/// detector (<c>all-detectors</c>, <see cref="DefaultDetectors.Create"/>), or one default detector alone (by its
/// <see cref="IDetector.Name"/>), so a slow one stands out. The baseline is <c>limits-only</c>: the
/// <c>vs limits-only</c> column is each selection's median over its median (<see cref="RatioToFirstParameterColumn"/>).
/// Setup evaluates 8 tapes (~2 min of event time) so every baseline is warm.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(EvaluatorConfig))]
public class EvaluatorThroughputBenchmarks
{
    private const int Ops = 1024;
    private EventMix _mix = null!;
    private Breaker _breaker = null!;
    private Evaluator _evaluator = null!;
    private long _sequence;

    /// <summary>What runs: <c>limits-only</c>, <c>all-detectors</c>, or one detector name.</summary>
    [ParamsSource(nameof(DetectorSets))]
    public DetectorSet Detectors { get; set; } = DetectorSet.LimitsOnly;

    /// <summary><c>limits-only</c>, <c>all-detectors</c>, then each default detector in <see cref="DefaultDetectors.Create"/> order.</summary>
    public static IEnumerable<DetectorSet> DetectorSets() => DetectorSet.All();

    /// <summary>Builds the breaker, the evaluator with the selected detectors, and warms it up.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _mix = new EventMix();
        (_breaker, _evaluator) = Detectors.CreateEvaluator();
        for (int i = 0; i < 8 * EventMix.Length; i++)
        {
            var e = _mix.At(_sequence++);
            _evaluator.Evaluate(in e);
        }
        Console.WriteLine($"// {Detectors}: detectors [{string.Join(", ", _evaluator.Detectors.Select(d => d.Name))}]; mix {_mix.Describe()}");
    }

    /// <summary>Prints the findings raised (a benign tape should raise few) and releases the breaker.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        Console.WriteLine($"// {Detectors}: {_evaluator.Processed} events evaluated, findings {_evaluator.Findings.Count + _evaluator.Findings.Dropped}, detector faults {_evaluator.DetectorFaults}");
        _breaker.Dispose();
    }

    /// <summary>1,024 events through <see cref="Evaluator.Evaluate"/>.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public long Evaluate()
    {
        for (int i = 0; i < Ops; i++)
        {
            var e = _mix.At(_sequence++);
            _evaluator.Evaluate(in e);
        }
        return _evaluator.Processed;
    }
}

/// <summary>A detector selection for <see cref="EvaluatorThroughputBenchmarks"/>. Ordered as declared (BenchmarkDotNet
/// sorts parameter values), displayed by name.</summary>
public sealed class DetectorSet : IComparable<DetectorSet>, IComparable
{
    private readonly int _order;

    private DetectorSet(int order, string name) { _order = order; Name = name; }

    /// <summary>No detector: book-keeping, post-trade limits and the incident desk only.</summary>
    public static DetectorSet LimitsOnly { get; } = new(0, "limits-only");
    /// <summary>Every default detector.</summary>
    public static DetectorSet AllDetectors { get; } = new(1, "all-detectors");

    /// <summary>Display name: <c>limits-only</c>, <c>all-detectors</c> or a detector's <see cref="IDetector.Name"/>.</summary>
    public string Name { get; }

    /// <summary>Every selection: limits-only, all-detectors, then each default detector alone.</summary>
    public static IEnumerable<DetectorSet> All()
    {
        yield return LimitsOnly;
        yield return AllDetectors;
        using var probe = EventMix.CreateBreaker();
        var names = DefaultDetectors.Create(new DetectorContext(probe.Registry)).Select(d => d.Name).ToArray();
        for (int i = 0; i < names.Length; i++) yield return new DetectorSet(2 + i, names[i]);
    }

    /// <summary>A fresh breaker and an evaluator running this selection (default incident desk as responder).</summary>
    public (Breaker Breaker, Evaluator Evaluator) CreateEvaluator()
    {
        var breaker = EventMix.CreateBreaker();
        var all = DefaultDetectors.Create(new DetectorContext(breaker.Registry));
        bool none = Name == LimitsOnly.Name;
        IDetector[] chosen = none ? [] : Name == AllDetectors.Name ? all : all.Where(d => d.Name == Name).ToArray();
        if (!none && chosen.Length == 0) throw new InvalidOperationException($"no default detector named '{Name}'");
        return (breaker, new Evaluator(breaker, chosen));
    }

    /// <inheritdoc />
    public int CompareTo(DetectorSet? other) => other is null ? 1 : _order.CompareTo(other._order);
    /// <inheritdoc />
    public int CompareTo(object? obj) => CompareTo(obj as DetectorSet);
    /// <inheritdoc />
    public override string ToString() => Name;
}
