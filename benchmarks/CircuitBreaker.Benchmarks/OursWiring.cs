using CircuitBreaker.Benchmarks.Latency;
using CircuitBreaker.Benchmarks.Pipeline;
using CircuitBreaker.Benchmarks.PreTrade;

namespace CircuitBreaker.Benchmarks;

/// <summary>
/// The two places where CircuitBreaker's own implementations plug into the side-by-side harness. Both return null
/// until the pre-trade gate and the ring buffer are merged; the harness then lists them as "not wired" and takes
/// ratios against the first implementation instead.
/// </summary>
internal static class OursWiring
{
    /// <summary>Our gate as an <see cref="IPreTradeCheck"/> (struct: a direct, inlinable call).</summary>
    internal readonly struct GateCheck(PreTradeGate gate) : IPreTradeCheck
    {
        public Decision Check(in OrderRequest order) => gate.Check(in order);
    }

    /// <summary>
    /// Our pre-trade gate as a <c>pretrade_check</c> measurement. To wire: configure the gate from
    /// <paramref name="scenario"/> (its <see cref="PreTradeScenario.Registry"/>, <see cref="PreTradeScenario.Instruments"/>
    /// limits, <see cref="PreTradeScenario.MaxOrdersPerWindow"/> per <see cref="PreTradeScenario.RateWindowNs"/>,
    /// <see cref="PreTradeScenario.MaxOpenOrdersPerAccount"/>, reference prices), then return
    /// <c>new PreTradeCheckMeasurement&lt;GateCheck&gt;("circuitbreaker", isOurs: true, scenario, new GateCheck(gate))</c>
    /// with <c>readonly struct GateCheck(PreTradeGate gate) : IPreTradeCheck { public Decision Check(in OrderRequest o) =&gt; gate.Check(in o); }</c>.
    /// </summary>
    public static ILatencyMeasurement? CreateCircuitBreakerCheck(PreTradeScenario scenario)
        => new PreTradeCheckMeasurement<GateCheck>("circuitbreaker", isOurs: true, scenario, new GateCheck(CreateGate(scenario).Gate));

    /// <summary>The same gate in <see cref="GateConcurrency.SingleWriter"/> mode (one checking thread, plain stores):
    /// impl name <c>circuitbreaker-sw</c>.</summary>
    public static ILatencyMeasurement? CreateSingleWriterCheck(PreTradeScenario scenario)
        => new PreTradeCheckMeasurement<GateCheck>("circuitbreaker-sw", isOurs: true, scenario, new GateCheck(CreateGate(scenario, GateConcurrency.SingleWriter).Gate));

    /// <summary>The same gate in <see cref="GateConcurrency.AccountOwned"/> mode (any thread, one per account at a time;
    /// the harness checks from one thread, which owns every account): impl name <c>circuitbreaker-owned</c>.</summary>
    public static ILatencyMeasurement? CreateAccountOwnedCheck(PreTradeScenario scenario)
        => new PreTradeCheckMeasurement<GateCheck>("circuitbreaker-owned", isOurs: true, scenario, new GateCheck(CreateGate(scenario, GateConcurrency.AccountOwned).Gate));

    /// <summary>Our single-writer gate with <see cref="CircuitBreakerMetrics"/> attached (checks and rejections by reason are
    /// counted): impl name <c>circuitbreaker-sw-metrics</c>, to show what metrics cost the hot path.</summary>
    public static ILatencyMeasurement? CreateSingleWriterWithMetricsCheck(PreTradeScenario scenario)
    {
        var breaker = CreateGate(scenario, GateConcurrency.SingleWriter);
        s_metrics = new CircuitBreakerMetrics(breaker); // kept alive for the run
        return new PreTradeCheckMeasurement<GateCheck>("circuitbreaker-sw-metrics", isOurs: false, scenario, new GateCheck(breaker.Gate));
    }

    private static CircuitBreakerMetrics? s_metrics;

    /// <summary>The multi-threaded gate with every account a margin account (leverage 10, a balance that never binds, so
    /// the decisions are the scenario's): impl name <c>circuitbreaker-margin</c>, what the balance check costs.</summary>
    public static ILatencyMeasurement? CreateMarginCheck(PreTradeScenario scenario)
        => new PreTradeCheckMeasurement<GateCheck>("circuitbreaker-margin", isOurs: false, scenario, new GateCheck(CreateGate(scenario, margin: true).Gate));

    /// <summary>Our breaker configured from the scenario's limits, with the full default control set on (the relative
    /// fat-finger guard, self-match, duplicate ids, message rates, exposure and loss checks all run) and reference prices fed.</summary>
    /// <param name="margin">Every account a margin account (leverage 10 on every instrument, a balance of 1e12 that never binds).</param>
    public static Breaker CreateGate(PreTradeScenario scenario, GateConcurrency concurrency = GateConcurrency.MultiThreaded, bool margin = false)
    {
        var b = new CircuitBreakerBuilder()
            .Concurrency(concurrency)
            .RateWindow(TimeSpan.FromTicks(PreTradeScenario.RateWindowNs / 100))
            .DefaultAccountLimits(new AccountLimits
            {
                MaxOrdersPerWindow = PreTradeScenario.MaxOrdersPerWindow,
                // news + cancels, ~2,500/s per account: the default message limit (2,500 per window, counted over up to
                // 8/7 of it) refused ~11 % of new orders once the window filled, which made our figure one of cheap refusals
                MaxMessagesPerWindow = 2 * PreTradeScenario.MaxOrdersPerWindow,
                MaxOpenOrders = PreTradeScenario.MaxOpenOrdersPerAccount,
                MaxGrossExposure = 1e12,
                MaxNetExposure = 1e12,
                MaxDailyLoss = 1e9,
                BalanceMode = margin ? BalanceMode.Margin : null,
                Balances = margin ? new Dictionary<string, double> { ["USD"] = 1e12 } : null,
            })
            .Capacity(pairs: 1024);
        foreach (var i in scenario.Instruments)
        {
            b.Instrument(i.Symbol, i.Kind, i.Tick, i.Lot, i.Multiplier, limits: new InstrumentLimits
            {
                MinOrderQuantity = i.MinQuantity,
                MaxOrderQuantity = i.MaxQuantity,
                MaxOrderNotional = i.MaxNotional,
                CollarBps = i.CollarBps,
                MaxLongPosition = i.MaxLong,
                MaxShortPosition = i.MaxShort,
                MaxOpenOrdersPerAccount = i.MaxOpenOrders,
                ReferenceStaleAfter = TimeSpan.FromDays(3650), // the scenario's reference never moves
                FatFingerMultiple = 1_000,                      // runs, but the scenario's sizes never trip it
                Leverage = margin ? 10 : null,
            });
        }
        foreach (var a in scenario.AccountNames) b.Account(a);
        var breaker = new Breaker(b.BuildConfig());
        foreach (var i in scenario.Instruments) breaker.Apply(RiskEvent.Trade(1, i.Id, i.ReferencePrice, i.Lot));
        return breaker;
    }

    /// <summary>Our breaker configured from the book scenario's limits (<see cref="BookScenario"/>): the full default
    /// control set (self-match, duplicate ids, message rates, exposure, loss, relative fat finger) with limits that never
    /// bind on the stream, the collar referenced to the quotes' mid. The order capacity is 16,384 (4x the working book; the
    /// table then has 65,536 entries, as the in-house gate's); <paramref name="orderCapacity"/> 65,536 (the default) gives
    /// a table of 262,144 entries (14 MiB), which misses the cache more on cancels.</summary>
    public static Breaker CreateBookGate(BookScenario scenario, GateConcurrency concurrency, int orderCapacity = 16_384)
    {
        var b = new CircuitBreakerBuilder()
            .Concurrency(concurrency)
            .RateWindow(TimeSpan.FromTicks(PreTradeScenario.RateWindowNs / 100))
            .DefaultAccountLimits(new AccountLimits
            {
                MaxOrdersPerWindow = BookScenario.MaxOrdersPerWindow,
                MaxMessagesPerWindow = 2 * BookScenario.MaxOrdersPerWindow,
                MaxOpenOrders = BookScenario.MaxOpenOrdersPerAccount,
                MaxGrossExposure = 1e12,
                MaxNetExposure = 1e12,
                MaxDailyLoss = 1e9,
            })
            .Capacity(pairs: 1024, orders: orderCapacity);
        foreach (var i in scenario.Instruments)
        {
            b.Instrument(i.Symbol, i.Kind, i.Tick, i.Lot, i.Multiplier, limits: new InstrumentLimits
            {
                MinOrderQuantity = i.MinQuantity,
                MaxOrderQuantity = i.MaxQuantity,
                MaxOrderNotional = i.MaxNotional,
                CollarBps = i.CollarBps,
                MaxLongPosition = i.MaxLong,
                MaxShortPosition = i.MaxShort,
                MaxOpenOrdersPerAccount = i.MaxOpenOrders,
                MaxOpenOrders = 100_000,
                MaxOrdersPerWindow = BookScenario.MaxOrdersPerWindow,
                MaxMessagesPerWindow = 4 * BookScenario.MaxOrdersPerWindow,
                ReferenceSource = ReferencePriceSource.Mid,
                ReferenceStaleAfter = TimeSpan.FromDays(3650),
                FatFingerMultiple = 1_000,
            });
        }
        foreach (var a in scenario.AccountNames) b.Account(a);
        return new Breaker(b.BuildConfig());
    }

    /// <summary>
    /// Our ring buffer as an <see cref="IEventPipe"/> for <c>ring_1p1c</c>, <c>ring_4p1c</c> and <c>publish_to_trip</c>
    /// (impl name <c>ring</c>). To wire: a class like <see cref="ChannelEventPipe"/> whose <c>Start</c> runs the ring's
    /// consumer on its own thread calling the handler, <c>TryPublish</c> claims and publishes one slot, and
    /// <c>Complete</c> waits until every published event was handled.
    /// </summary>
    public static IEventPipe? CreateRingPipe(int producers, int capacity) => RingEventPipe.Create(producers, capacity);
}
