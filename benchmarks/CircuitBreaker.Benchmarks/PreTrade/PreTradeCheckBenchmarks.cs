using BenchmarkDotNet.Attributes;

namespace CircuitBreaker.Benchmarks.PreTrade;

/// <summary>
/// BenchmarkDotNet view of <c>pretrade_check</c>: each invocation runs 64 consecutive checks of the shared stream
/// (reported per check): our gate (multi-threaded, account-owned and single-writer), the naive baseline (lock + Dictionary + decimal) and Polly.Core guarding it.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PercentileConfig))]
public class PreTradeCheckBenchmarks
{
    private const int Ops = 64;
    private PreTradeScenario _scenario = null!;
    private NaiveCheck _naive;
    private PollyCheck _polly;
    private OursWiring.GateCheck _ours;
    private OursWiring.GateCheck _oursSingleWriter, _oursOwned;
    private long _naiveSequence, _pollySequence, _oursSequence, _oursSingleWriterSequence, _oursOwnedSequence;
    private long _naiveSum, _pollySum, _oursSum, _oursSingleWriterSum, _oursOwnedSum; // reason codes of every decision, checked at cleanup

    /// <summary>Builds the scenario and both gates.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _scenario = new PreTradeScenario();
        _naive = new NaiveCheck(new NaivePreTradeGate(_scenario));
        _polly = PollyCheck.Create(new NaivePreTradeGate(_scenario));
        _ours = new OursWiring.GateCheck(OursWiring.CreateGate(_scenario).Gate);
        _oursSingleWriter = new OursWiring.GateCheck(OursWiring.CreateGate(_scenario, GateConcurrency.SingleWriter).Gate);
        _oursOwned = new OursWiring.GateCheck(OursWiring.CreateGate(_scenario, GateConcurrency.AccountOwned).Gate);
    }

    /// <summary>CircuitBreaker's pre-trade gate with the full default control set.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public int CircuitBreaker() => Run(ref _ours, ref _oursSequence, ref _oursSum);

    /// <summary>The same gate in single-writer mode (one checking thread, plain stores).</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public int CircuitBreakerSingleWriter() => Run(ref _oursSingleWriter, ref _oursSingleWriterSequence, ref _oursSingleWriterSum);

    /// <summary>The same gate in account-owned mode (one thread per account at a time: account state plain, shared state atomic).</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public int CircuitBreakerAccountOwned() => Run(ref _oursOwned, ref _oursOwnedSequence, ref _oursOwnedSum);

    /// <summary>lock + Dictionary + decimal.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public int Naive() => Run(ref _naive, ref _naiveSequence, ref _naiveSum);

    /// <summary>The same decision inside a Polly.Core circuit breaker pipeline.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public int Polly() => Run(ref _polly, ref _pollySequence, ref _pollySum);

    /// <summary>Fails the benchmark (BenchmarkDotNet reports it) if any implementation decided the stream differently
    /// from the scenario at any point of the run, e.g. a limit that binds only in steady state: its figure would not be
    /// of the scenario's work.</summary>
    [GlobalCleanup]
    public void CheckDecisions()
    {
        foreach (var (name, sequence, sum) in new[] { ("CircuitBreaker", _oursSequence, _oursSum), ("CircuitBreakerSingleWriter", _oursSingleWriterSequence, _oursSingleWriterSum), ("CircuitBreakerAccountOwned", _oursOwnedSequence, _oursOwnedSum), ("Naive", _naiveSequence, _naiveSum), ("Polly", _pollySequence, _pollySum) })
            if (sum != _scenario.ExpectedReasonSum(0, sequence))
                throw new InvalidOperationException($"{name}: decisions over {sequence} requests differ from the scenario's (reason codes sum {sum}, expected {_scenario.ExpectedReasonSum(0, sequence)})");
    }

    private int Run<TCheck>(ref TCheck check, ref long sequence, ref long total) where TCheck : struct, IPreTradeCheck
    {
        int sink = 0;
        for (int i = 0; i < Ops; i++)
        {
            var order = _scenario.At(sequence++);
            sink += (int)check.Check(in order).Reason;
        }
        total += sink;
        return sink;
    }
}
