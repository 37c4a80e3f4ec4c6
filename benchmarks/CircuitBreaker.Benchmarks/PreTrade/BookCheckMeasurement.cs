using System.Diagnostics;
using CircuitBreaker.Benchmarks.Latency;

namespace CircuitBreaker.Benchmarks.PreTrade;

/// <summary>
/// <c>pretrade_book</c>: the <see cref="BookScenario"/> stream (a working book of ~4,100 orders, quotes interleaved)
/// through one implementation on the measuring thread. Each timed sample runs items until
/// <see cref="HarnessSettings.BatchSize"/> order requests were checked, quotes met on the way included, and records the
/// time per order: a figure per order with its share of market data. The first <see cref="BookScenario.WarmCycles"/> + 1
/// cycles are verified order by order against the in-house gate before anything is timed; the decisions of the warm-up
/// and timed part are checked after timing (the sum of their reason codes).
/// </summary>
internal sealed class BookCheckMeasurement<TCheck>(string impl, bool isOurs, BookScenario scenario, TCheck check)
    : ILatencyMeasurement where TCheck : struct, IBookCheck
{
    private TCheck _check = check;
    private long _sequence;

    public string Name => "pretrade_book";
    public string Impl => impl;
    public bool IsOurs => isOurs;

    public LatencyResult Run(HarnessSettings settings)
    {
        scenario.Verify(ref _check, ref _sequence, impl);
        int batch = settings.BatchSize;
        long sink = 0;
        long firstUnverified = _sequence;
        long warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency * ScalingCheckMeasurement.MinWarmupMs / 1000;
        for (long i = 0; i < settings.PreTradeWarmupOps || Stopwatch.GetTimestamp() < warmUntil; i += batch) sink += Run(batch);

        var histogram = new LatencyHistogram();
        long gcBefore = Clock.GcCount();
        long allocBefore = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        for (int s = 0; s < settings.PreTradeSamples; s++)
        {
            long t0 = Stopwatch.GetTimestamp();
            sink += Run(batch);
            long t1 = Stopwatch.GetTimestamp();
            histogram.Record((long)Math.Round(Clock.ToNs(t1 - t0) / batch));
        }
        long end = Stopwatch.GetTimestamp();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocBefore;
        long gcs = Clock.GcCount() - gcBefore;
        long expected = scenario.ExpectedReasonSum(firstUnverified, _sequence);
        if (sink != expected)
            throw new InvalidOperationException($"{impl}: decisions during the warm-up and timed part differ from the in-house gate's (reason codes sum to {sink}, expected {expected})");
        long ops = (long)settings.PreTradeSamples * batch;
        return LatencyResult.From(this, histogram, ops, Clock.Seconds(start, end), allocated, gcs,
            $"{batch} orders per timed sample, with the quotes between them; ~{BookScenario.Slots:N0} working orders");
    }

    /// <summary>Runs items until <paramref name="orders"/> orders were checked; returns the sum of their reason codes.</summary>
    private long Run(int orders)
    {
        long sink = 0;
        for (int k = 0; k < orders; _sequence++)
        {
            if (scenario.IsQuote(_sequence)) { _check.Quote(scenario.QuoteAt(_sequence)); continue; }
            var order = scenario.OrderAt(_sequence);
            sink += (int)_check.Check(in order).Reason;
            k++;
        }
        return sink;
    }
}
