using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace CircuitBreaker.Cli;

/// <summary><c>firm</c>: the operator's tool for the firm plane on NATS, and <c>firm engine</c>, a breaker attached to it.</summary>
public sealed partial class CliApp
{
    /// <summary>Exit code of a firm command that some live engine did not acknowledge in time (they are named).</summary>
    public const int NotAllAcked = 3;
    /// <summary>Exit code of a firm command the plane refused (permissions) or could not be reached for.</summary>
    public const int Refused = 4;

    private sealed record FirmConnection(Option<string> Server, Option<string> User, Option<string> Password, Option<string> Token,
        Option<string> Creds, Option<string> Name)
    {
        public void AddTo(Command c) { c.Options.Add(Server); c.Options.Add(User); c.Options.Add(Password); c.Options.Add(Token); c.Options.Add(Creds); c.Options.Add(Name); }

        public FirmLinkOptions Options(ParseResult p, string defaultName) => new()
        {
            Url = p.GetValue(Server)!, User = p.GetValue(User), Password = p.GetValue(Password), Token = p.GetValue(Token),
            CredsFile = p.GetValue(Creds), Name = p.GetValue(Name) ?? defaultName,
        };
    }

    private static FirmConnection NewFirmConnection() => new(
        new Option<string>("--server") { Description = "NATS server URL (e.g. nats://127.0.0.1:4222).", Required = true, HelpName = "url" },
        new Option<string>("--user") { Description = "User name." },
        new Option<string>("--password") { Description = "Password." },
        new Option<string>("--token") { Description = "Token." },
        new Option<string>("--creds") { Description = "A .creds file (JWT and nkey seed).", HelpName = "file" },
        new Option<string>("--name") { Description = "Who: the operator's (or engine's) name, as the audit trail records it.", HelpName = "name" });

    private Command FirmCommand()
    {
        var firm = new Command("firm", "The firm plane on NATS: firm-wide halt, reduce-only and resume, status, live view, audit trail, and an engine attached to it.\n" +
            "Exit codes: 0 success (all live engines acknowledged), 2 bad usage, 3 some engine did not acknowledge, 4 refused or unreachable.");
        foreach (var (verb, state) in new[] { ("halt", TradingState.Halted), ("reduce-only", TradingState.ReduceOnly), ("resume", TradingState.Active) })
            firm.Subcommands.Add(FirmSetCommand(verb, state));
        firm.Subcommands.Add(FirmStatusCommand());
        firm.Subcommands.Add(FirmWatchCommand());
        firm.Subcommands.Add(FirmLogCommand());
        firm.Subcommands.Add(FirmEngineCommand());
        return firm;
    }

    private Command FirmSetCommand(string verb, TradingState state)
    {
        var conn = NewFirmConnection();
        var scope = new Option<string>("--scope") { Description = "global, group, account or instrument.", Required = true };
        scope.AcceptOnlyFromAmong("global", "group", "account", "instrument");
        var target = new Option<string>("--target") { Description = "The group, account or instrument symbol (not for global).", HelpName = "name" };
        var reason = new Option<string>("--reason") { Description = "Why (recorded in the firm state and the audit trail).", Required = true, HelpName = "text" };
        var timeout = new Option<string>("--timeout") { Description = "How long to wait for every live engine (default 5s; 500ms, 2s, 1m).", DefaultValueFactory = _ => "5s" };
        var c = new Command(verb, $"Firm-wide {verb}: written to the firm state, applied by every engine; returns when every live engine has acknowledged.");
        conn.AddTo(c); c.Options.Add(scope); c.Options.Add(target); c.Options.Add(reason); c.Options.Add(timeout);
        c.SetAction(p =>
        {
            if (!TryParseDuration(p.GetValue(timeout)!, out var wait)) return Bad($"firm {verb}", $"--timeout '{p.GetValue(timeout)}' is not a duration (e.g. 500ms, 5s, 1m)");
            string scopeName = p.GetValue(scope)!;
            string? name = p.GetValue(target);
            var s = scopeName switch { "global" => Scope.Global, "group" => Scope.Group, "account" => Scope.Account, _ => Scope.Instrument };
            if (s != Scope.Global && string.IsNullOrEmpty(name)) return Bad($"firm {verb}", $"--target is required with --scope {scopeName}");
            if (s == Scope.Global && name is not null) return Bad($"firm {verb}", "--target is not allowed with --scope global");
            return RunFirm($"firm {verb}", conn.Options(p, Environment.UserName is { Length: > 0 } u && IsPlainName(u) ? u : "operator"), async op =>
            {
                var r = await op.CommandAsync(s, name ?? "", state, p.GetValue(reason)!, wait).ConfigureAwait(false);
                if (r.Refused is not null)
                {
                    stderr.WriteLine($"refused: {r.Refused}");
                    return Refused;
                }
                stdout.WriteLine($"{verb} {scopeName} {name} written (command {r.Command}, revision {r.Revision}); {r.Engines.Count} live engine(s)".Replace("  ", " "));
                foreach (var e in r.Engines)
                    stdout.WriteLine(e.Latency is { } l ? $"  {e.Engine,-20} acked in {l.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture)} ms ({e.Path})" : $"  {e.Engine,-20} NOT ACKNOWLEDGED");
                if (r.AllAcked) return Ok;
                stderr.WriteLine("not acknowledged by: " + string.Join(", ", r.Engines.Where(e => e.Latency is null).Select(e => e.Engine)));
                return NotAllAcked;
            });
        });
        return c;
    }

    private static bool IsPlainName(string s) => s.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_') && s.Length <= 64;

    private Command FirmStatusCommand()
    {
        var conn = NewFirmConnection();
        var json = new Option<bool>("--json") { Description = "Write the status as JSON." };
        var c = new Command("status", "Engines (name, host, last heartbeat, connected, safe, applied revision, local restrictions) and firm restrictions.");
        conn.AddTo(c); c.Options.Add(json);
        c.SetAction(p => RunFirm("firm status", conn.Options(p, "operator"), async op =>
        {
            var engines = await op.EnginesAsync().ConfigureAwait(false);
            var state = await op.StateAsync().ConfigureAwait(false);
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            if (p.GetValue(json))
            {
                var doc = new
                {
                    engines = engines.Select(e => new { e.Name, e.Host, e.Pid, last_heartbeat_ms_ago = now - e.WallMs, live = op.IsLive(e), e.Safe, applied_rev = e.AppliedRevision, e.Applied, e.Ignored, local = e.Local }),
                    restrictions = state.Where(x => x.Record.StateValue != TradingState.Active).Select(x => new { key = x.Key, rev = x.Revision, scope = x.Record.Scope, target = x.Record.Target, state = x.Record.State, reason = x.Record.Reason, origin = x.Record.Origin, by = x.Record.By }),
                };
                stdout.WriteLine(JsonSerializer.Serialize(doc, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true }));
                return Ok;
            }
            stdout.WriteLine("engines:");
            foreach (var e in engines.OrderBy(e => e.Name, StringComparer.Ordinal))
                stdout.WriteLine($"  {e.Name,-16} {e.Host,-16} heartbeat {now - e.WallMs,6} ms ago  {(op.IsLive(e) ? "live" : "LOST")}{(e.Safe ? " SAFE" : "")}  rev {e.AppliedRevision}  applied {e.Applied} ignored {e.Ignored}  local: {(e.Local.Count == 0 ? "none" : string.Join("; ", e.Local))}");
            stdout.WriteLine("firm restrictions:");
            var restricted = state.Where(x => x.Record.StateValue != TradingState.Active).ToList();
            if (restricted.Count == 0) stdout.WriteLine("  none");
            foreach (var (key, rev, r) in restricted)
                stdout.WriteLine($"  {r.Scope} {r.Target} {r.State} by {r.By} ({r.Origin}): {r.Reason}  [{key} rev {rev}]");
            return Ok;
        }));
        return c;
    }

    private Command FirmWatchCommand()
    {
        var conn = NewFirmConnection();
        var duration = new Option<string>("--duration") { Description = "Stop after this long (default: until interrupted)." };
        var c = new Command("watch", "A live view of changes to the firm state and the engines' heartbeats.");
        conn.AddTo(c); c.Options.Add(duration);
        c.SetAction(p =>
        {
            TimeSpan? stopAfter = null;
            if (p.GetValue(duration) is { } d) { if (!TryParseDuration(d, out var t)) return Bad("firm watch", $"--duration '{d}' is not a duration"); stopAfter = t; }
            return RunFirm("firm watch", conn.Options(p, "operator"), async op =>
            {
                using var cts = stopAfter is { } s ? new CancellationTokenSource(s) : new CancellationTokenSource();
                ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
                Console.CancelKeyPress += onCancel;
                try
                {
                    await foreach (var (bucket, key, rev, value) in op.WatchAsync(cts.Token).ConfigureAwait(false))
                    {
                        stdout.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {bucket} {key} rev {rev} {value}");
                        stdout.Flush();
                    }
                }
                finally { Console.CancelKeyPress -= onCancel; }
                return Ok;
            });
        });
        return c;
    }

    private Command FirmLogCommand()
    {
        var conn = NewFirmConnection();
        var json = new Option<bool>("--json") { Description = "One JSON object per line." };
        var c = new Command("log", "The audit trail: every firm command and every firm restriction change (who, when, what, why, result).");
        conn.AddTo(c); c.Options.Add(json);
        c.SetAction(p => RunFirm("firm log", conn.Options(p, "operator"), async op =>
        {
            foreach (var e in await op.AuditLogAsync().ConfigureAwait(false))
                stdout.WriteLine(p.GetValue(json) ? JsonSerializer.Serialize(e)
                    : $"{DateTimeOffset.FromUnixTimeMilliseconds(e.WallMs):yyyy-MM-dd HH:mm:ss.fff} {e.Who,-12} {e.What,-11} {e.Target,-24} {e.Result}  why: {e.Why}");
            return Ok;
        }));
        return c;
    }

    private Command FirmEngineCommand()
    {
        var conn = NewFirmConnection();
        var accounts = new Option<string>("--accounts") { Description = "Accounts this engine trades (comma-separated; default mm-1,mm-2).", DefaultValueFactory = _ => "mm-1,mm-2" };
        var instruments = new Option<string>("--instruments") { Description = "Perpetuals this engine trades (comma-separated; default BTC-PERP,ETH-PERP; group = the part before '-').", DefaultValueFactory = _ => "BTC-PERP,ETH-PERP" };
        var cfg = new Option<string>("--config") { Description = "Limits, detectors and playbooks from this configuration file.", HelpName = "limits.json" };
        var duration = new Option<string>("--duration") { Description = "Stop after this long (default: until standard input closes or the process is interrupted)." };
        var grace = new Option<string>("--grace") { Description = "Out of contact longer than this, reduce-only globally (default 2s).", DefaultValueFactory = _ => "2s" };
        var c = new Command("engine", "A breaker attached to the firm plane that prints its state changes (for drills, demos and tests).");
        conn.AddTo(c); c.Options.Add(accounts); c.Options.Add(instruments); c.Options.Add(cfg); c.Options.Add(duration); c.Options.Add(grace);
        c.SetAction(p =>
        {
            var options = conn.Options(p, "engine");
            if (p.GetValue(conn.Name) is null) return Bad("firm engine", "--name is required for an engine");
            if (!TryParseDuration(p.GetValue(grace)!, out var g)) return Bad("firm engine", $"--grace '{p.GetValue(grace)}' is not a duration");
            options.Grace = g;
            options.HeartbeatInterval = TimeSpan.FromMilliseconds(Math.Min(250, g.TotalMilliseconds / 4));
            TimeSpan? stopAfter = null;
            if (p.GetValue(duration) is { } d) { if (!TryParseDuration(d, out var t)) return Bad("firm engine", $"--duration '{d}' is not a duration"); stopAfter = t; }
            if (!LoadProfile(p.GetValue(cfg), out var configure, out _, out _)) return Usage;
            var builder = new CircuitBreakerBuilder();
            configure(builder);
            foreach (var sym in p.GetValue(instruments)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                builder.Instrument(sym, InstrumentKind.Perpetual, tick: 0.01, lot: 0.001, underlying: sym.Split('-')[0], group: sym.Split('-')[0]);
            foreach (var a in p.GetValue(accounts)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) builder.Account(a);
            using var breaker = builder.BuildBreaker();
            var output = TextWriter.Synchronized(stdout);
            breaker.OnTrip((in TripContext t) =>
            {
                string name = t.Scope == Scope.Global ? "-" : breaker.Registry.TargetName(t.Scope, t.Target);
                output.WriteLine($"state {t.Sequence} {FirmNames.Scope(t.Scope)} {name} {FirmNames.State(t.Previous)} -> {FirmNames.State(t.State)} origin={t.Origin.ToString().ToLowerInvariant()} reason={t.ReasonName} wall_ns={(DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100}");
                output.Flush();
            });
            try
            {
                return Task.Run(async () =>
                {
                    await using var link = new FirmLink(breaker.Board, breaker.Registry, options, m => { output.WriteLine(m); output.Flush(); });
                    bool ready = await link.StartAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
                    output.WriteLine(ready ? $"ready {options.Name}" : $"not ready {options.Name}: firm state not read yet (safe state kept)");
                    output.Flush();
                    using var cts = stopAfter is { } s ? new CancellationTokenSource(s) : new CancellationTokenSource();
                    ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cts.Cancel(); };
                    Console.CancelKeyPress += onCancel;
                    var stdinClosed = stopAfter is null ? Task.Run(() => { while (Console.In.ReadLine() is not null) { } }) : Task.Delay(Timeout.Infinite, cts.Token);
                    try { await Task.WhenAny(stdinClosed, Task.Delay(Timeout.Infinite, cts.Token)).ConfigureAwait(false); }
                    catch (OperationCanceledException) { }
                    finally { Console.CancelKeyPress -= onCancel; }
                    output.WriteLine($"stopping {options.Name}: applied {link.Applied}, ignored {link.Ignored}, safe entries {link.SafeEntries}, returns {link.Returns}");
                    output.Flush();
                    return Ok;
                }).GetAwaiter().GetResult();
            }
            catch (ArgumentException ex) { return Bad("firm engine", ex.Message); }
        });
        return c;
    }

    private int RunFirm(string command, FirmLinkOptions options, Func<FirmOperator, Task<int>> body)
    {
        try { options.Validate(); }
        catch (ArgumentException ex) { return Bad(command, ex.Message); }
        return Task.Run(async () =>
        {
            FirmOperator op;
            try
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                op = await FirmOperator.ConnectAsync(options, cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NATS.Client.Core.NatsException or OperationCanceledException or TimeoutException)
            {
                stderr.WriteLine($"error: cannot reach the firm plane at {options.Url}: {ex.Message}");
                return Refused;
            }
            await using (op.ConfigureAwait(false))
            {
                try { return await body(op).ConfigureAwait(false); }
                catch (Exception ex) when (ex is NATS.Client.Core.NatsException or TimeoutException)
                {
                    stderr.WriteLine($"error: {command}: {ex.Message}");
                    return Refused;
                }
            }
        }).GetAwaiter().GetResult();
    }

    /// <summary>Parses 500ms, 5s, 2m (or a plain number of seconds).</summary>
    internal static bool TryParseDuration(string text, out TimeSpan value)
    {
        value = default;
        (string num, double unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 1.0)
            : text.EndsWith('s') ? (text[..^1], 1000.0) : text.EndsWith('m') ? (text[..^1], 60_000.0) : (text, 1000.0);
        if (!double.TryParse(num, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !double.IsFinite(n) || n <= 0) return false;
        value = TimeSpan.FromMilliseconds(n * unit);
        return true;
    }

    private static class FirmNames
    {
        public static string Scope(Scope s) => s.ToString().ToLowerInvariant();
        public static string State(TradingState s) => s switch { TradingState.Halted => "halted", TradingState.ReduceOnly => "reduce_only", _ => "active" };
    }
}
