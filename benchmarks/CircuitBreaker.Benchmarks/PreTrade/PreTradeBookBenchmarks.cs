using BenchmarkDotNet.Attributes;

namespace CircuitBreaker.Benchmarks.PreTrade;

/// <summary>
/// BenchmarkDotNet view of <c>pretrade_book</c> (<see cref="BookScenario"/>: ~4,100 working orders, quotes interleaved):
/// each invocation checks 64 orders, with the quotes between them (reported per order). Our gate in its three
/// concurrency modes, the in-house array gate with and without self-match, naive and Polly. Each implementation's first
/// cycles are verified order by order at setup, and its decisions over the whole run at cleanup.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PercentileConfig))]
public class PreTradeBookBenchmarks
{
    private const int Ops = 64;
    private BookScenario _scenario = null!;
    private OursBookCheck _mt, _sw, _owned;
    private InHouseCheck _inHouse, _inHouseSelfMatch;
    private NaiveBookCheck _naive;
    private PollyBookCheck _polly;
    private readonly long[] _sequence = new long[7], _sum = new long[7], _first = new long[7];

    /// <summary>Builds the scenario and every implementation, and verifies their first cycles.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _scenario = new BookScenario();
        _mt = new OursBookCheck(OursWiring.CreateBookGate(_scenario, GateConcurrency.MultiThreaded));
        _sw = new OursBookCheck(OursWiring.CreateBookGate(_scenario, GateConcurrency.SingleWriter));
        _owned = new OursBookCheck(OursWiring.CreateBookGate(_scenario, GateConcurrency.AccountOwned));
        _inHouse = new InHouseCheck(new InHouseGate(_scenario, selfMatch: false));
        _inHouseSelfMatch = new InHouseCheck(new InHouseGate(_scenario, selfMatch: true));
        _naive = new NaiveBookCheck(new NaivePreTradeGate(_scenario));
        _polly = PollyBookCheck.Create(new NaivePreTradeGate(_scenario));
        _scenario.Verify(ref _mt, ref _sequence[0], nameof(CircuitBreaker));
        _scenario.Verify(ref _sw, ref _sequence[1], nameof(CircuitBreakerSingleWriter));
        _scenario.Verify(ref _owned, ref _sequence[2], nameof(CircuitBreakerAccountOwned));
        _scenario.Verify(ref _inHouse, ref _sequence[3], nameof(InHouse));
        _scenario.Verify(ref _inHouseSelfMatch, ref _sequence[4], nameof(InHouseSelfMatch));
        _scenario.Verify(ref _naive, ref _sequence[5], nameof(Naive));
        _scenario.Verify(ref _polly, ref _sequence[6], nameof(Polly));
        Array.Copy(_sequence, _first, _sequence.Length);
    }

    /// <summary>Our gate, multi-threaded (the default).</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public long CircuitBreaker() => Run(ref _mt, 0);

    /// <summary>Our gate, single-writer.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public long CircuitBreakerSingleWriter() => Run(ref _sw, 1);

    /// <summary>Our gate, account-owned.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public long CircuitBreakerAccountOwned() => Run(ref _owned, 2);

    /// <summary>The in-house array gate without self-match.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public long InHouse() => Run(ref _inHouse, 3);

    /// <summary>The in-house array gate with its self-match check.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Ops)]
    public long InHouseSelfMatch() => Run(ref _inHouseSelfMatch, 4);

    /// <summary>lock + Dictionary + decimal.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public long Naive() => Run(ref _naive, 5);

    /// <summary>Polly.Core's circuit breaker around the naive gate.</summary>
    [Benchmark(OperationsPerInvoke = Ops)]
    public long Polly() => Run(ref _polly, 6);

    /// <summary>Fails the run if any implementation decided differently from the in-house gate after its verified cycles.</summary>
    [GlobalCleanup]
    public void CheckDecisions()
    {
        string[] names = [nameof(CircuitBreaker), nameof(CircuitBreakerSingleWriter), nameof(CircuitBreakerAccountOwned), nameof(InHouse), nameof(InHouseSelfMatch), nameof(Naive), nameof(Polly)];
        for (int i = 0; i < names.Length; i++)
        {
            long expected = _scenario.ExpectedReasonSum(_first[i], _sequence[i]);
            if (_sequence[i] > _first[i] && _sum[i] != expected)
                throw new InvalidOperationException($"{names[i]}: decisions differ from the in-house gate's (reason codes {_sum[i]}, expected {expected})");
        }
    }

    private long Run<TCheck>(ref TCheck check, int which) where TCheck : struct, IBookCheck
    {
        long sink = 0, seq = _sequence[which];
        for (int k = 0; k < Ops; seq++)
        {
            if (_scenario.IsQuote(seq)) { check.Quote(_scenario.QuoteAt(seq)); continue; }
            var order = _scenario.OrderAt(seq);
            sink += (int)check.Check(in order).Reason;
            k++;
        }
        _sequence[which] = seq;
        _sum[which] += sink;
        return sink;
    }
}
