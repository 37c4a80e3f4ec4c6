using System.Diagnostics.Metrics;

namespace CircuitBreaker.Tests.Telemetry;

public class MetricsTests
{
    private static Breaker NewBreaker(out InstrumentId x, out AccountId a)
    {
        var b = new CircuitBreakerBuilder()
            .Instrument("X", InstrumentKind.Spot, 0.01, 1, limits: new InstrumentLimits { MaxOrderQuantity = 10, MissingReference = MissingReferencePolicy.Allow })
            .Account("a");
        var config = b.BuildConfig();
        config.Registry.TryGetInstrument("X", out x);
        config.Registry.TryGetAccount("a", out a);
        return new Breaker(config);
    }

    /// <summary>Collects the latest value of every long/int/double measurement of the CircuitBreaker meter owned by <paramref name="meter"/>.</summary>
    private static Dictionary<string, double> Collect(Meter meter)
    {
        var values = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (ReferenceEquals(i.Meter, meter)) l.EnableMeasurementEvents(i); };
        void Record(Instrument i, double v, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string key = i.Name;
            foreach (var t in tags) key += $"|{t.Key}={t.Value}";
            values[key] = v;
        }
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        listener.Start();
        listener.RecordObservableInstruments();
        return values;
    }

    [Fact]
    public void Instruments_AfterChecksAndRejects_ReportCountsByReason()
    {
        using var breaker = NewBreaker(out var x, out var a);
        using var metrics = new CircuitBreakerMetrics(breaker);
        breaker.Check(new OrderRequest(1, x, a, 1, Side.Buy, 100, 1));          // accepted
        breaker.Check(new OrderRequest(2, x, a, 2, Side.Buy, 100, 50));         // max order quantity
        breaker.Check(new OrderRequest(3, x, a, 3, Side.Buy, 100, 20));         // max order quantity
        breaker.Check(new OrderRequest(4, x, a, 4, Side.Buy, double.NaN, 1));   // non-finite price
        breaker.Check(new OrderRequest(5, x, a, 5, Side.Buy, 100.005, 1));     // off tick

        var m = Collect(metrics.Meter);
        Assert.Equal(5, m["circuit_breaker.checks"]);
        Assert.Equal(2, m["circuit_breaker.rejections|circuit_breaker.reason=MaxOrderQuantity"]);
        Assert.Equal(1, m["circuit_breaker.rejections|circuit_breaker.reason=NonFinitePrice"]);
        Assert.Equal(1, m["circuit_breaker.rejections|circuit_breaker.reason=OffTick"]);
        Assert.False(m.ContainsKey("circuit_breaker.rejections|circuit_breaker.reason=None"));
        Assert.Equal(1, m["circuit_breaker.working_orders"]);
    }

    [Fact]
    public void Trips_ByScopeAndReason_AreCountedOncePerTrip()
    {
        using var breaker = NewBreaker(out var x, out _);
        using var metrics = new CircuitBreakerMetrics(breaker);
        breaker.Halt(Scope.Instrument, x.Value, 1);
        breaker.Halt(Scope.Instrument, x.Value, 2);   // already halted: no transition
        breaker.Resume(Scope.Instrument, x.Value, 3); // a transition, not a trip
        breaker.Halt(Scope.Instrument, x.Value, 4);
        breaker.Board.TrySet(Scope.Global, -1, TradingState.Halted, 5, TripCause.Signature, RejectReason.Signature, Signature.OracleJump);

        var m = Collect(metrics.Meter);
        Assert.Equal(2, m["circuit_breaker.trips|circuit_breaker.scope=instrument|circuit_breaker.reason=Manual"]);
        Assert.Equal(1, m["circuit_breaker.trips|circuit_breaker.scope=global|circuit_breaker.reason=OracleJump"]);
        Assert.Equal(2, m["circuit_breaker.global_state"]);
    }

    [Fact]
    public void Pipeline_LagEventsAndIncidents_AreObserved()
    {
        using var breaker = NewBreaker(out var x, out var a);
        using var pipeline = new RiskPipeline(breaker, new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 64 }, StallThreshold = TimeSpan.Zero });
        int open = 3;
        using var metrics = new CircuitBreakerMetrics(breaker, pipeline, () => open);
        // Not started: published events wait on the ring, so the lag is exact.
        for (int i = 0; i < 5; i++) pipeline.Publish(RiskEvent.Trade(i + 1, x, 100, 1));
        pipeline.CheckAndPublish(new OrderRequest(10, x, a, 1, Side.Buy, 100, 1));

        var m = Collect(metrics.Meter);
        Assert.Equal(6, m["circuit_breaker.ring.lag"]);
        Assert.Equal(6, m["circuit_breaker.events.published"]);
        Assert.Equal(0, m["circuit_breaker.events.evaluated"]);
        Assert.Equal(3, m["circuit_breaker.incidents.open"]);
        Assert.Equal(1, m["circuit_breaker.checks"]);

        pipeline.Start();
        pipeline.Stop(); // drains
        open = 0;
        m = Collect(metrics.Meter);
        Assert.Equal(0, m["circuit_breaker.ring.lag"]);
        Assert.Equal(6, m["circuit_breaker.events.evaluated"]);
        Assert.Equal(0, m["circuit_breaker.incidents.open"]);
    }

    [Fact]
    public void AttributeKeys_AreNamespaced_NoBareKeys()
    {
        using var breaker = NewBreaker(out var x, out var a);
        using var metrics = new CircuitBreakerMetrics(breaker);
        breaker.Check(new OrderRequest(1, x, a, 1, Side.Buy, 100, 50));
        breaker.Halt(Scope.Instrument, x.Value, 2);
        var keys = Collect(metrics.Meter).Keys.SelectMany(k => k.Split('|').Skip(1)).Select(t => t.Split('=')[0]).Distinct().ToArray();
        Assert.Equal(["circuit_breaker.reason", "circuit_breaker.scope"], keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void EvaluatorLatency_IsAHistogramInSeconds_WithBucketAdvice()
    {
        using var breaker = NewBreaker(out _, out _);
        using var metrics = new CircuitBreakerMetrics(breaker);
        var seen = new List<double>();
        Instrument? histogram = null;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (!ReferenceEquals(i.Meter, metrics.Meter) || i.Name != CircuitBreakerMetrics.EvaluatorDurationName) return;
            histogram = i;
            l.EnableMeasurementEvents(i);
        };
        listener.SetMeasurementEventCallback<double>((_, v, _, _) => seen.Add(v));
        listener.Start();
        metrics.RecordEvaluatorLatency(1_500);
        metrics.RecordEvaluatorLatency(2_000_000);
        metrics.RecordEvaluatorLatency(-5);

        var h = Assert.IsType<Histogram<double>>(histogram);
        Assert.Equal("s", h.Unit);
        Assert.Equal(CircuitBreakerMetrics.EvaluatorDurationBuckets, h.Advice!.HistogramBucketBoundaries!);
        Assert.True(CircuitBreakerMetrics.EvaluatorDurationBuckets.Zip(CircuitBreakerMetrics.EvaluatorDurationBuckets.Skip(1)).All(p => p.First < p.Second));
        Assert.Equal([1.5e-6, 2e-3, 0], seen);
    }

    [Fact]
    public void Check_WithMetricsAttached_AllocatesNothing()
    {
        using var breaker = NewBreaker(out var x, out var a);
        using var metrics = new CircuitBreakerMetrics(breaker);
        var accepted = new OrderRequest(1, x, a, 1, Side.Buy, 100, 1);
        var rejected = new OrderRequest(1, x, a, 2, Side.Buy, 100, 500);
        var cancel = OrderRequest.Cancel(1, x, a, 1);
        for (int i = 0; i < 1000; i++) { breaker.Check(rejected); breaker.Check(accepted); breaker.Check(cancel); }
        int rounds = 0;
        long allocated = CircuitBreaker.Tests.Support.AllocationProbe.MinAllocated(() =>
        {
            rounds++;
            for (int i = 0; i < 10_000; i++) { breaker.Check(rejected); breaker.Check(accepted); breaker.Check(cancel); }
        });
        Assert.Equal(0, allocated);
        Assert.Equal(3_000 + rounds * 30_000, Collect(metrics.Meter)["circuit_breaker.checks"]);

        // Control: the measurement does see allocation.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var boxes = new object[100];
        for (int i = 0; i < boxes.Length; i++) boxes[i] = breaker.Check(rejected);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before > 0);
        GC.KeepAlive(boxes);
    }

    [Fact]
    public void Checks_FromManyThreads_AreAllCounted()
    {
        using var breaker = NewBreaker(out var x, out var a);
        using var metrics = new CircuitBreakerMetrics(breaker);
        var rejected = new OrderRequest(1, x, a, 2, Side.Buy, 100, 500);
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ => { for (int i = 0; i < 5000; i++) breaker.Check(rejected); });
        var m = Collect(metrics.Meter);
        Assert.Equal(40_000, m["circuit_breaker.checks"]);
        Assert.Equal(40_000, m["circuit_breaker.rejections|circuit_breaker.reason=MaxOrderQuantity"]);
    }
}
