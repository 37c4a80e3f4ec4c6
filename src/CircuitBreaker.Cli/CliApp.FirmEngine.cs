using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using CircuitBreaker.Replay;
using CircuitBreaker.Tape;

namespace CircuitBreaker.Cli;

/// <summary><c>firm engine</c>: a breaker attached to the firm plane, idle or replaying a tape paced in event time.</summary>
public sealed partial class CliApp
{
    private Command FirmEngineCommand()
    {
        var accounts = new Option<string>("--accounts") { Description = "Accounts this engine trades (comma-separated; default mm-1,mm-2).", DefaultValueFactory = _ => "mm-1,mm-2" };
        var instruments = new Option<string>("--instruments") { Description = "Perpetuals this engine trades when idle (comma-separated; default BTC-PERP,ETH-PERP; group = the part before '-'). With --tape, the tape's instruments.", DefaultValueFactory = _ => "BTC-PERP,ETH-PERP" };
        var cfg = new Option<string>("--config") { Description = "Limits, detectors and playbooks from this configuration file.", HelpName = "limits.json" };
        var duration = new Option<string>("--duration") { Description = "Stop after this long (default: until standard input closes or the process is interrupted)." };
        var grace = new Option<string>("--grace") { Description = "Out of contact longer than this, reduce-only globally (default 2s).", DefaultValueFactory = _ => "2s" };
        var tape = new Option<string>("--tape") { Description = "Replay this event tape through the engine (orders through its gate, fills to its positions, detectors and playbook), then stay attached.", HelpName = "tape.jsonl" };
        var speed = new Option<string>("--speed") { Description = "Tape pace: event time runs this many times faster than the wall clock (default 1; 'max': no pacing).", DefaultValueFactory = _ => "1" };
        var c = NewFirmCommand("engine", "A breaker attached to the firm plane that prints its state changes, idle or replaying a tape (for drills, demos and tests). It publishes its exposure for the firm aggregator.",
            out var conn, accounts, instruments, cfg, duration, grace, tape, speed);
        c.SetAction(p =>
        {
            var options = conn.Options(p, "engine");
            if (p.GetValue(conn.Name) is null) return Bad("firm engine", "--name is required for an engine");
            if (!TryParseDuration(p.GetValue(grace)!, out var g)) return Bad("firm engine", $"--grace '{p.GetValue(grace)}' is not a duration");
            options.Grace = g;
            options.HeartbeatInterval = TimeSpan.FromMilliseconds(Math.Min(250, g.TotalMilliseconds / 4));
            TimeSpan? stopAfter = null;
            if (p.GetValue(duration) is { } d) { if (!TryParseDuration(d, out var t)) return Bad("firm engine", $"--duration '{d}' is not a duration"); stopAfter = t; }
            string speedText = p.GetValue(speed)!;
            double pace = speedText == "max" ? double.PositiveInfinity
                : double.TryParse(speedText, NumberStyles.Float, CultureInfo.InvariantCulture, out var sp) && sp > 0 && !double.IsNaN(sp) ? sp : double.NaN;
            if (double.IsNaN(pace)) return Bad("firm engine", $"--speed '{speedText}' must be a positive number or 'max'");
            string? tapePath = p.GetValue(tape);
            if (tapePath is not null && !File.Exists(tapePath)) return Bad("firm engine", $"tape '{tapePath}' not found");
            if (tapePath is null && p.GetResult(speed) is { Implicit: false }) return Bad("firm engine", "--speed needs --tape");
            if (!LoadProfile(p.GetValue(cfg), out var configure, out var detectors, out var playbook)) return Usage;
            var accountNames = p.GetValue(accounts)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            try { options.Validate(); }
            catch (ArgumentException ex) { return Bad("firm engine", ex.Message); }
            var engine = new AttachedEngine(stdout, options);
            try
            {
                if (tapePath is null)
                {
                    var builder = new CircuitBreakerBuilder();
                    configure(builder);
                    foreach (var sym in p.GetValue(instruments)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        builder.Instrument(sym, InstrumentKind.Perpetual, tick: 0.01, lot: 0.001, underlying: sym.Split('-')[0], group: sym.Split('-')[0]);
                    foreach (var a in accountNames) builder.Account(a);
                    using var breaker = builder.BuildBreaker();
                    engine.Attach(breaker);
                    engine.WaitForStop(stopAfter);
                    engine.Detach();
                    return Ok;
                }
                var replay = new ReplayOptions
                {
                    Detectors = detectors,
                    Responder = b => { engine.Attach(b); return new IncidentDesk(b, playbook ?? Playbook.Default); },
                    BeforeRecord = engine.Pacer(pace),
                    // After the last record the replay holds until the engine is told to stop: its breaker stays attached.
                    AfterLastRecord = () =>
                    {
                        engine.Say($"tape replayed: {tapePath} ({engine.PaceSummary()})");
                        engine.WaitForStop(stopAfter);
                        engine.Detach();
                    },
                };
                var result = ReplayEngine.ReplayFile(tapePath, replay, b => { configure(b); foreach (var a in accountNames) b.Account(a); });
                engine.Say($"replay: {result.Report.Orders.Checked} orders, {result.Report.Orders.Rejected} rejected, {result.Report.Trips.Count} trips");
                return Ok;
            }
            catch (TapeFormatException ex) { engine.Detach(); return Bad("firm engine", ex.Message); }
            catch (ArgumentException ex) { engine.Detach(); return Bad("firm engine", ex.Message); }
        });
        return c;
    }

    /// <summary>The engine's link, its printed state changes and its stop signal.</summary>
    private sealed class AttachedEngine(TextWriter output, FirmLinkOptions options)
    {
        private readonly TextWriter _out = TextWriter.Synchronized(output);
        private FirmLink? _link;

        public void Say(string line) { _out.WriteLine(line); _out.Flush(); }

        /// <summary>Prints every change in force, attaches a firm link (it publishes the breaker's exposure) and waits
        /// (up to 10 s) for the firm state to be read.</summary>
        public void Attach(Breaker breaker)
        {
            breaker.OnTrip((in TripContext t) =>
            {
                string name = t.Scope == Scope.Global ? "-" : breaker.Registry.TargetName(t.Scope, t.Target);
                Say($"state {t.Sequence} {FirmNames.Scope(t.Scope)} {name} {FirmNames.State(t.Previous)} -> {FirmNames.State(t.State)} origin={TripOriginNames.NameOf(t.Origin)}{(t.By != 0 ? " by=" + t.ByName : "")} reason={t.ReasonName} wall_ns={(DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100}");
            });
            _link = new FirmLink(breaker, options, Say);
            bool ready = Task.Run(() => _link.StartAsync(TimeSpan.FromSeconds(10))).GetAwaiter().GetResult();
            Say(ready ? $"ready {options.Name}" : $"not ready {options.Name}: firm state not read yet (safe state kept)");
        }

        /// <summary>Blocks until standard input closes, the duration passes or the process is interrupted.</summary>
        public void WaitForStop(TimeSpan? stopAfter)
        {
            using var cts = stopAfter is { } s ? new CancellationTokenSource(s) : new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
            Console.CancelKeyPress += onCancel;
            try
            {
                // Standard input is read on its own background thread, never on a pool thread the link's tasks (which apply the
                // firm state) need: a blocking read must not starve them.
                var stdinClosed = stopAfter is null ? StdinClosed() : Task.Delay(Timeout.Infinite, cts.Token);
                try { Task.WhenAny(stdinClosed, Task.Delay(Timeout.Infinite, cts.Token)).GetAwaiter().GetResult(); }
                catch (OperationCanceledException) { }
            }
            finally { Console.CancelKeyPress -= onCancel; }
        }

        /// <summary>Completes when standard input closes; the read runs on a dedicated background thread.</summary>
        private static Task StdinClosed()
        {
            var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var reader = new Thread(() =>
            {
                try { while (Console.In.ReadLine() is not null) { } }
                catch (IOException) { }
                closed.TrySetResult();
            }) { IsBackground = true, Name = "firm-engine-stdin" };
            reader.Start();
            return closed.Task;
        }

        public void Detach()
        {
            if (_link is not { } link) return;
            _link = null;
            Say($"stopping {options.Name}: applied {link.Applied}, ignored {link.Ignored}, safe entries {link.SafeEntries}, returns {link.Returns}, exposure puts {link.ExposurePuts}");
            Task.Run(async () => await link.DisposeAsync().ConfigureAwait(false)).GetAwaiter().GetResult();
        }

        /// <summary>Paces the replay in event time: record t is replayed at (t − first t) / speed after the first.</summary>
        public Action<long> Pacer(double speed) => t =>
        {
            _records++;
            _lastT = t;
            if (_firstT is null) { _firstT = t; _wall.Start(); return; }
            if (double.IsPositiveInfinity(speed)) return;
            double dueMs = (t - _firstT.Value) / 1e6 / speed;
            double waitMs = dueMs - _wall.Elapsed.TotalMilliseconds;
            if (waitMs > 0) Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(waitMs, int.MaxValue)));
        };

        private long? _firstT;
        private long _lastT, _records;
        private readonly Stopwatch _wall = new();

        /// <summary>Records paced, the event time they spanned and the wall time they took.</summary>
        public string PaceSummary()
            => string.Create(CultureInfo.InvariantCulture, $"{_records} records, event time {(_lastT - (_firstT ?? _lastT)) / 1e6:0.###} ms, wall {_wall.Elapsed.TotalMilliseconds:0.###} ms");
    }
}
