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

    /// <summary>A firm subcommand: the connection options first (<paramref name="conn"/> reads them back), then <paramref name="options"/> in order.</summary>
    private static Command NewFirmCommand(string name, string description, out FirmConnection conn, params Option[] options)
    {
        var c = new Command(name, description);
        conn = NewFirmConnection();
        conn.AddTo(c);
        foreach (var o in options) c.Options.Add(o);
        return c;
    }

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
        var scope = new Option<string>("--scope") { Description = "global, group, account or instrument.", Required = true };
        scope.AcceptOnlyFromAmong("global", "group", "account", "instrument");
        var target = new Option<string>("--target") { Description = "The group, account or instrument symbol (not for global).", HelpName = "name" };
        var reason = new Option<string>("--reason") { Description = "Why (recorded in the firm state and the audit trail).", Required = true, HelpName = "text" };
        var timeout = new Option<string>("--timeout") { Description = "How long to wait for every live engine (default 5s; 500ms, 2s, 1m).", DefaultValueFactory = _ => "5s" };
        var c = NewFirmCommand(verb, $"Firm-wide {verb}: written to the firm state, applied by every engine; returns when every live engine has acknowledged.",
            out var conn, scope, target, reason, timeout);
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
        var json = new Option<bool>("--json") { Description = "Write the status as JSON." };
        var c = NewFirmCommand("status", "Engines (name, host, heartbeat received, live by receipt time, safe, applied revision, local restrictions), firm restrictions, the aggregator holding the lease and since when, firm exposure vs firm limits.",
            out var conn, json);
        c.SetAction(p => RunFirm("firm status", conn.Options(p, "operator"), async op =>
        {
            var engines = await op.EnginesAsync().ConfigureAwait(false);
            var state = await op.StateAsync().ConfigureAwait(false);
            var agg = await op.AggregatorAsync().ConfigureAwait(false);
            if (p.GetValue(json))
            {
                var doc = new
                {
                    engines = engines.Select(e => new { e.Name, e.Host, e.Pid, received_ms_ago = (long?)op.SinceReceived(e)?.TotalMilliseconds, sender_wall_ms = e.WallMs, live = op.IsLive(e), e.Safe, applied_rev = e.AppliedRevision, e.Applied, e.Ignored, local = e.Local }),
                    aggregator = agg is null ? null : new { holder = agg.Holder, host = agg.Host, pid = agg.Pid, since_ms = agg.SinceUnixMs, renewed_ms = agg.RenewedUnixMs },
                    exposure = agg?.Limits.Select(l => new { l.Scope, l.Target, l.Gross, l.MaxGross, l.Net, l.MaxNet, l.Pnl, l.MaxDailyLoss, l.Engines }),
                    restrictions = state.Where(x => x.Record.StateValue != TradingState.Active).Select(x => new { key = x.Key, rev = x.Revision, scope = x.Record.Scope, target = x.Record.Target, state = x.Record.State, reason = x.Record.Reason, origin = x.Record.Origin, by = x.Record.By }),
                };
                stdout.WriteLine(JsonSerializer.Serialize(doc, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true }));
                return Ok;
            }
            stdout.WriteLine("engines:");
            foreach (var e in engines.OrderBy(e => e.Name, StringComparer.Ordinal))
                stdout.WriteLine($"  {e.Name,-16} {e.Host,-16} heartbeat received {(long)(op.SinceReceived(e)?.TotalMilliseconds ?? -1),6} ms ago  {(op.IsLive(e) ? "live" : "LOST")}{(e.Safe ? " SAFE" : "")}  rev {e.AppliedRevision}  applied {e.Applied} ignored {e.Ignored}  local: {(e.Local.Count == 0 ? "none" : string.Join("; ", e.Local))}");
            stdout.WriteLine("firm restrictions:");
            var restricted = state.Where(x => x.Record.StateValue != TradingState.Active).ToList();
            if (restricted.Count == 0) stdout.WriteLine("  none");
            foreach (var (key, rev, r) in restricted)
                stdout.WriteLine($"  {r.Scope} {r.Target} {r.State} by {r.By} ({r.Origin}): {r.Reason}  [{key} rev {rev}]");
            stdout.WriteLine(agg is null ? "aggregator: none" : string.Create(CultureInfo.InvariantCulture,
                $"aggregator: {agg.Holder} on {agg.Host} (pid {agg.Pid}) holds the lease since {DateTimeOffset.FromUnixTimeMilliseconds(agg.SinceUnixMs):yyyy-MM-dd HH:mm:ss.fff} UTC (its clock)"));
            if (agg is { Limits.Count: > 0 })
            {
                stdout.WriteLine("firm exposure vs limits:");
                static string Of(double v, double? max) => string.Create(CultureInfo.InvariantCulture, $"{v:0.##} / {(max is { } m ? m.ToString("0.##", CultureInfo.InvariantCulture) : "-")}");
                foreach (var l in agg.Limits)
                    stdout.WriteLine($"  {l.Scope,-8} {l.Target,-16} gross {Of(l.Gross, l.MaxGross),-24} net {Of(l.Net, l.MaxNet),-24} pnl {Of(l.Pnl, l.MaxDailyLoss is { } d ? -d : null),-24} engines {l.Engines}");
            }
            return Ok;
        }));
        return c;
    }

    private Command FirmWatchCommand()
    {
        var duration = new Option<string>("--duration") { Description = "Stop after this long (default: until interrupted)." };
        var c = NewFirmCommand("watch", "A live view of changes to the firm state and the engines' heartbeats.", out var conn, duration);
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
        var json = new Option<bool>("--json") { Description = "One JSON object per line." };
        var c = NewFirmCommand("log", "The audit trail: every firm command and every firm restriction change (who, when, what, why, result).", out var conn, json);
        c.SetAction(p => RunFirm("firm log", conn.Options(p, "operator"), async op =>
        {
            foreach (var e in await op.AuditLogAsync().ConfigureAwait(false))
                stdout.WriteLine(p.GetValue(json) ? JsonSerializer.Serialize(e)
                    : $"{DateTimeOffset.FromUnixTimeMilliseconds(e.WallMs):yyyy-MM-dd HH:mm:ss.fff} {e.Who,-12} {e.What,-11} {e.Target,-24} {e.Result}  why: {e.Why}");
            return Ok;
        }));
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
