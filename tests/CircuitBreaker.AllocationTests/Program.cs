using System.Diagnostics;
using CircuitBreaker;

// Whole-system allocation check: gate + publish + evaluation (all default detectors) + trips and kill switches,
// for >= 1 M events after warm-up, measured on every thread involved (the engine thread here, the evaluator thread
// through its own counter). A control run adds a detector that allocates: it must be caught, or the harness is broken.
// A third run journals every event and transition to a temporary directory: the engine and evaluator threads must
// still allocate 0 B with 0 GCs; the journal writer thread allocates only to open files (nothing per record), and its
// bytes are reported. The journal is then read back: every decision and every transition must be in it (none dropped,
// none refused), market data shed under overload is counted and marked by gap records, and the session must read complete.
// Exit code 0 only when the real and journaled runs allocated 0 B with 0 GCs, the journal lost no decision or trip, AND
// the control was caught.

const int WarmupEvents = 300_000;
int measuredEvents = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 1_200_000;

var real = Run("default profile, all detectors", measuredEvents, allocatingControl: false);
var owned = Run("account-owned gate (fills released by the keeper)", measuredEvents / 2, allocatingControl: false, concurrency: GateConcurrency.AccountOwned);
var control = Run("control: + an allocating detector", measuredEvents / 4, allocatingControl: true);
string journalDirectory = Path.Combine(Path.GetTempPath(), "cb-alloc-journal-" + Environment.ProcessId);
Result journaled;
try
{
    journaled = Run("journal on (temp directory)", measuredEvents, allocatingControl: false, journalDirectory);
}
finally
{
    try { Directory.Delete(journalDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
}

bool realOk = real.EngineBytes == 0 && real.EvaluatorBytes == 0 && real.Gcs == 0
    && owned.EngineBytes == 0 && owned.EvaluatorBytes == 0 && owned.Gcs == 0;
bool journalOk = journaled.EngineBytes == 0 && journaled.EvaluatorBytes == 0 && journaled.Gcs == 0;
bool journalComplete = journaled.Journal is { } jc && jc.Complete && jc.OrdersMissing == 0 && jc.TripsMissing == 0 && jc.EssentialDropped == 0;
bool controlCaught = control.EvaluatorBytes > 0;
Console.WriteLine();
Console.WriteLine(realOk ? "PASS: 0 B allocated on the engine and evaluator threads, 0 GCs" : "FAIL: the hot path allocated");
Console.WriteLine(journalOk ? "PASS: journal on, 0 B allocated on the engine and evaluator threads, 0 GCs" : "FAIL: the hot path allocated with the journal on");
Console.WriteLine(journalComplete
    ? "PASS: journal complete: every decision and trip journaled (0 dropped), market data shed only with a gap record"
    : "FAIL: the journal lost decisions or trips, or did not read complete");
Console.WriteLine(controlCaught ? "PASS: the control's allocation was detected" : "FAIL: the control allocated but was not detected");
return realOk && journalOk && journalComplete && controlCaught ? 0 : 1;

static Result Run(string name, int measured, bool allocatingControl, string? journalDirectory = null, GateConcurrency concurrency = GateConcurrency.MultiThreaded)
{
    var b = new CircuitBreakerBuilder()
        .Concurrency(concurrency)
        .DefaultInstrumentLimits(new InstrumentLimits
        {
            MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 2_000_000, MaxLongPosition = 1e6, MaxShortPosition = 1e6,
            ReferenceStaleAfter = TimeSpan.FromDays(1),
        })
        .DefaultAccountLimits(new AccountLimits { MaxOrdersPerWindow = 1_000_000, MaxMessagesPerWindow = 2_000_000, MaxOpenOrders = 100_000, MaxDailyLoss = 1e12, MaxGrossExposure = 1e15 })
        .Capacity(pairs: 256, orders: 65_536);
    string[] symbols = ["BTC-PERP", "ETH-PERP", "SOL-PERP", "BTC-USD"];
    foreach (var s in symbols) b.Instrument(s, InstrumentKind.Perpetual, 0.1, 0.001, underlying: s[..3]);
    b.Instrument("ORCL-PERP", InstrumentKind.Perpetual, 0.1, 0.001, underlying: "ORCL"); // untraded: its oracle jumps (findings, incidents)
    b.Account("mm-1").Account("mm-2");
    var breaker = new Breaker(b.BuildConfig());
    long trips = 0;
    breaker.OnTrip((in TripContext t) => Interlocked.Increment(ref trips));
    var ctx = new DetectorContext(breaker.Registry);
    var detectors = DefaultDetectors.Create(ctx).ToList();
    if (allocatingControl) detectors.Add(new AllocatingDetector());
    var journal = journalDirectory is null ? null : new JournalWriterOptions { BasePath = Path.Combine(journalDirectory, "journal"), BufferBytes = 1 << 24 };
    using var pipeline = new RiskPipeline(breaker, new RiskPipelineOptions
    {
        Ring = RiskPipelineOptions.DefaultRing with { Capacity = 1 << 16, WaitStrategy = CircuitBreaker.Ring.WaitStrategyKind.Yielding }, StallThreshold = TimeSpan.Zero, Journal = journal,
    }, detectors);
    pipeline.Start();

    var engine = new Engine(breaker, pipeline);
    engine.Drive(WarmupEvents);
    WaitIdle(pipeline, engine.Published);
    long gc0 = GcCount();
    long engine0 = GC.GetAllocatedBytesForCurrentThread();
    long eval0 = pipeline.Evaluator.AllocatedBytesAtLastBatch;
    long start = Stopwatch.GetTimestamp();
    engine.Drive(measured);
    WaitIdle(pipeline, engine.Published);
    var elapsed = Stopwatch.GetElapsedTime(start);
    long engineBytes = GC.GetAllocatedBytesForCurrentThread() - engine0;
    long evalBytes = pipeline.Evaluator.AllocatedBytesAtLastBatch - eval0;
    long gcs = GcCount() - gc0;
    pipeline.Stop();
    JournalCheck? check = null;
    if (pipeline.JournalStatus is { } j)
    {
        check = JournalCheck.Read(Path.Combine(journalDirectory!, "journal"), engine.Checks, breaker.Board.TransitionCount);
        Console.WriteLine($"  journal: appended {j.Appended:N0}, written {j.Written:N0}, lost {j.Lost:N0}, files {j.FilesOpened}, state {j.State}; " +
            $"decisions/fills/commands/trips dropped {j.Dropped:N0} (refused by the pipeline {pipeline.JournalEssentialRefused:N0}), " +
            $"trips not queued {pipeline.JournalTripsDropped:N0}, reserve waits {j.EssentialWaits:N0}; market data shed {j.Shed:N0} in {j.Gaps:N0} gap records");
        Console.WriteLine($"  journal writer thread allocated {j.WriterThreadAllocatedBytes:N0} B in all ({(double)j.WriterThreadAllocatedBytes / Math.Max(1, j.Written):0.000} B/record: opening files only)");
        Console.WriteLine($"  read back: {check.Records:N0} records, {check.Orders:N0} decisions of {engine.Checks:N0} checked, {check.Trips:N0} trips of " +
            $"{breaker.Board.TransitionCount:N0} transitions, {check.Gaps:N0} gaps ({check.Shed:N0} shed), tail {check.Tail}");
    }
    Console.WriteLine($"{name}: {measured:N0} events measured ({engine.Checks:N0} checks, {Interlocked.Read(ref trips)} trips) in {elapsed.TotalMilliseconds:N0} ms; " +
        $"engine thread {engineBytes} B, evaluator thread {evalBytes} B, GCs {gcs}, ring full {pipeline.FullCount}, findings {pipeline.Evaluator.Findings.Count + pipeline.Evaluator.Findings.Dropped}");
    return new Result(engineBytes, evalBytes, gcs, check is null ? null : check with { EssentialDropped = pipeline.JournalStatus!.Value.Dropped + pipeline.JournalTripsDropped });
}

static void WaitIdle(RiskPipeline p, long published)
{
    var spin = new SpinWait();
    while (p.Evaluator.Processed < published) spin.SpinOnce();
    Thread.Sleep(20); // let the evaluator record its end-of-batch counter
}

static long GcCount() => GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2);

internal readonly record struct Result(long EngineBytes, long EvaluatorBytes, long Gcs, JournalCheck? Journal = null);

/// <summary>The journal read back after the run: decisions and trips found against those made, gaps, and how it ended.</summary>
internal sealed record JournalCheck(long Records, long Orders, long Trips, long Gaps, long Shed, string Tail, bool Complete,
    long OrdersMissing, long TripsMissing, long EssentialDropped = 0)
{
    public static JournalCheck Read(string basePath, long checks, long transitions)
    {
        long records = 0, orders = 0, trips = 0, gaps = 0, shed = 0;
        using var reader = new JournalReader(basePath);
        while (reader.TryRead(out var r))
        {
            records++;
            if (r.TryGetEvent(out var e) && e.Kind == RiskEventKind.Order) orders++;
            else if (r.Type == JournalRecordType.Trip) trips++;
            else if (r.Type == JournalRecordType.Gap && JournalGap.TryRead(r.Payload.Span, out var g))
            {
                gaps++;
                if (g.Kind == JournalGapKind.MarketDataShed) shed += g.Count;
            }
        }
        var tail = reader.Tail;
        return new JournalCheck(records, orders, trips, gaps, shed, $"{tail.Status} ({tail.Defect})", tail.IsComplete,
            checks - orders, transitions - trips);
    }
}

/// <summary>A simulated engine thread: market data, orders through the gate (decisions recorded on the ring), fills,
/// cancels, and every 50,000 events an operator halt and resume (two trips with kill-switch callbacks).</summary>
internal sealed class Engine(Breaker breaker, RiskPipeline pipeline)
{
    private long _t = 1_000_000_000;
    private long _orderId = 1;
    private long _oracleTicks;
    private uint _rng = 12345;
    public long Published;
    public long Checks;

    public void Drive(int events)
    {
        int instruments = breaker.Registry.InstrumentCount - 1; // the last one is the oracle-jump instrument
        var oracleTarget = new InstrumentId(instruments);
        for (int i = 0; i < events;)
        {
            _t += 1_000_000; // 1 ms of event time per step: detectors get minutes of history
            var ins = new InstrumentId((int)(Next() % (uint)instruments));
            var acc = new AccountId((int)(Next() % 2));
            double mid = 1000 + (Next() % 100) * 0.1;
            Publish(RiskEvent.Quote(_t, ins, mid - 0.1, mid + 0.1, 5, 5)); i++;
            Publish(RiskEvent.Trade(_t, ins, mid, 0.01 * (1 + Next() % 5), (Next() & 1) == 0 ? Side.Buy : Side.Sell)); i++;
            if ((i & 63) == 0) { Publish(RiskEvent.Oracle(_t, ins, mid)); i++; }
            if ((i & 255) == 0) { _oracleTicks++; Publish(RiskEvent.Oracle(_t, oracleTarget, _oracleTicks % 400 == 0 ? 1600.0 : 1000.0 + (_oracleTicks & 7) * 0.1)); i++; }
            var side = (Next() & 1) == 0 ? Side.Buy : Side.Sell;
            long id = _orderId++;
            var order = new OrderRequest(_t, ins, acc, id, side, side == Side.Buy ? mid - 0.2 : mid + 0.2, 0.01);
            var d = pipeline.CheckAndPublish(in order); i++; Published++; Checks++;
            if (d.IsAccepted)
            {
                if ((id & 3) == 0) { Publish(RiskEvent.Fill(_t, ins, acc, id, side, order.Price, 0.01)); i++; }
                else { var c = OrderRequest.Cancel(_t, ins, acc, id); pipeline.CheckAndPublish(in c); i++; Published++; Checks++; }
            }
            if (i % 50_000 < 4)
            {
                Publish(RiskEvent.Admin(_t, AdminAction.Halt, Scope.Instrument, ins.Value)); i++;
                Publish(RiskEvent.Admin(_t, AdminAction.Resume, Scope.Instrument, ins.Value)); i++;
            }
        }
    }

    private void Publish(in RiskEvent e)
    {
        var spin = new SpinWait();
        while (pipeline.Lag > 60_000) spin.SpinOnce(-1); // an engine that paces itself on the risk lag never fills the ring
        while (pipeline.Publish(in e) != CircuitBreaker.Ring.PublishResult.Published) spin.SpinOnce(-1);
        Published++;
    }

    private uint Next() { _rng ^= _rng << 13; _rng ^= _rng >> 17; _rng ^= _rng << 5; return _rng; }
}

/// <summary>The control: allocates on every event.</summary>
internal sealed class AllocatingDetector : IDetector
{
    public object? Last;
    public string Name => "allocating-control";
    public void Observe(in RiskEvent e, IFindingSink sink) => Last = new byte[32];
}
