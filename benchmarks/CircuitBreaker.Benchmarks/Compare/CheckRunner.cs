using System.Diagnostics;
using CircuitBreaker.Benchmarks.PreTrade;

namespace CircuitBreaker.Benchmarks.Compare;

/// <summary>
/// The entry point <see cref="BuildComparison"/> calls in each build it loads: a runner over this build's gate on the
/// shared <see cref="PreTradeScenario"/> stream. Only types every build shares (<see cref="Func{T, TResult}"/>,
/// <see cref="long"/>) cross the load-context boundary.
/// </summary>
public static class CheckRunner
{
    /// <summary>
    /// A runner for <paramref name="mode"/> (<c>sw</c>: single-writer, <c>owned</c>: account-owned, <c>mt</c>: multi-threaded): each call checks the
    /// next <c>count</c> requests of the stream and returns the elapsed <see cref="Stopwatch"/> ticks. The first
    /// <see cref="PreTradeScenario.VerifyCycles"/> cycles' decisions are verified against the scenario, so a build that decides differently fails instead of timing.
    /// </summary>
    public static Func<int, long> Create(string mode)
    {
        // "<mode>@<instruments>": the scaling scenario's stream over that many instruments instead (e.g. "mt@100000").
        // "<impl>:book": the pretrade_book stream (BookScenario) through sw, owned, mt, inhouse, inhouse-sm, naive or polly.
        if (mode.EndsWith(":book", StringComparison.Ordinal)) return CreateBook(mode[..^":book".Length]);
        // "evaluator:<set>": Evaluator.Evaluate over the evaluator_throughput tape (EventMix), <set> = limits-only,
        // all-detectors or one detector's name; count = events. Checked benign (no finding, no trip) at every call.
        if (mode.StartsWith("evaluator:", StringComparison.Ordinal)) return CreateEvaluator(mode["evaluator:".Length..]);
        int at = mode.IndexOf('@');
        if (at > 0) return CreateScaling(mode[..at], int.Parse(mode[(at + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        // "<mode>+margin": every account a margin account (a balance that never binds), e.g. "sw,sw+margin" against a build without it.
        bool margin = mode.EndsWith("+margin", StringComparison.Ordinal);
        if (margin) mode = mode[..^"+margin".Length];
        var scenario = new PreTradeScenario();
        var gate = OursWiring.CreateGate(scenario, Mode(mode), margin).Gate;
        var check = new OursWiring.GateCheck(gate);
        long sequence = 0;
        scenario.VerifySteadyState(ref check, ref sequence, "this build");
        return count =>
        {
            long first = sequence, sink = 0;
            long t0 = Stopwatch.GetTimestamp();
            for (int k = 0; k < count; k++)
            {
                var order = scenario.At(sequence++);
                sink += (int)check.Check(in order).Reason;
            }
            long t1 = Stopwatch.GetTimestamp();
            if (sink != scenario.ExpectedReasonSum(first, sequence))
                throw new InvalidOperationException($"this build decided requests {first}..{sequence - 1} differently from the scenario");
            return t1 - t0;
        };
    }

    /// <summary>A runner over the book stream: each call checks the next <c>count</c> orders (with the quotes between
    /// them). The first cycles are verified order by order against the in-house gate; every call's decisions after.</summary>
    private static Func<int, long> CreateBook(string impl)
    {
        var scenario = new BookScenario();
        return impl switch
        {
            "inhouse" => Book(scenario, new InHouseCheck(new InHouseGate(scenario, selfMatch: false))),
            "inhouse-sm" => Book(scenario, new InHouseCheck(new InHouseGate(scenario, selfMatch: true))),
            "naive" => Book(scenario, new NaiveBookCheck(new NaivePreTradeGate(scenario))),
            "polly" => Book(scenario, PollyBookCheck.Create(new NaivePreTradeGate(scenario))),
            "sw-65536" => Book(scenario, new OursBookCheck(OursWiring.CreateBookGate(scenario, GateConcurrency.SingleWriter, orderCapacity: 65_536))),
            _ => Book(scenario, new OursBookCheck(OursWiring.CreateBookGate(scenario, Mode(impl)))),
        };
    }

    private static Func<int, long> Book<TCheck>(BookScenario scenario, TCheck check) where TCheck : struct, IBookCheck
    {
        long sequence = 0;
        scenario.Verify(ref check, ref sequence, "this build");
        return count =>
        {
            long first = sequence, sink = 0;
            long t0 = Stopwatch.GetTimestamp();
            for (int k = 0; k < count; sequence++)
            {
                if (scenario.IsQuote(sequence)) { check.Quote(scenario.QuoteAt(sequence)); continue; }
                var order = scenario.OrderAt(sequence);
                sink += (int)check.Check(in order).Reason;
                k++;
            }
            long t1 = Stopwatch.GetTimestamp();
            if (sink != scenario.ExpectedReasonSum(first, sequence))
                throw new InvalidOperationException($"this build decided book items {first}..{sequence - 1} differently from the in-house gate");
            return t1 - t0;
        };
    }

    private static Func<int, long> CreateEvaluator(string set)
    {
        var detectors = Evaluation.DetectorSet.All().FirstOrDefault(d => d.Name == set)
            ?? throw new ArgumentException($"unknown detector set '{set}': {string.Join(", ", Evaluation.DetectorSet.All().Select(d => d.Name))}");
        var mix = new Evaluation.EventMix();
        var (breaker, evaluator) = detectors.CreateEvaluator();
        long sequence = 0;
        return count =>
        {
            long t0 = Stopwatch.GetTimestamp();
            for (int k = 0; k < count; k++)
            {
                var e = mix.At(sequence++);
                evaluator.Evaluate(in e);
            }
            long t1 = Stopwatch.GetTimestamp();
            if (breaker.Board.TransitionCount != 0 || evaluator.Findings.Count + evaluator.Findings.Dropped != 0)
                throw new InvalidOperationException($"{set}: the benign tape tripped or raised a finding in this build");
            return t1 - t0;
        };
    }

    private static GateConcurrency Mode(string mode) => mode switch { "sw" => GateConcurrency.SingleWriter, "owned" => GateConcurrency.AccountOwned, _ => GateConcurrency.MultiThreaded };

    /// <summary>A runner over the scaling scenario (<see cref="ScalingScenario"/>) with <paramref name="instruments"/>
    /// instruments: each order meets cold lines when the instruments are many. Its first cycle is verified.</summary>
    private static Func<int, long> CreateScaling(string mode, int instruments)
    {
        var scenario = new ScalingScenario(instruments);
        var check = new OursWiring.GateCheck(scenario.CreateGate(Mode(mode)).Gate);
        long sequence = 0;
        scenario.VerifyCycle(ref check, ref sequence, "this build");
        return count =>
        {
            long sink = 0;
            long t0 = Stopwatch.GetTimestamp();
            for (int k = 0; k < count; k++)
            {
                var order = scenario.At(sequence++);
                sink += (int)check.Check(in order).Reason;
            }
            long t1 = Stopwatch.GetTimestamp();
            GC.KeepAlive(sink);
            return t1 - t0;
        };
    }
}
