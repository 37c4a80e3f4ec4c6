using System.Diagnostics;

namespace CircuitBreaker.Cli;

/// <summary>The commands of the tool, writing to the given writers (so tests run them in-process).</summary>
public sealed class CliApp(TextWriter stdout, TextWriter stderr, bool interactive = false)
{
    /// <summary>Exit code for success (trips are results, not errors).</summary>
    public const int Ok = 0;
    /// <summary>Exit code for bad usage or unreadable input.</summary>
    public const int Usage = 2;

    private const string Help = """
        usage:
          circuit-breaker replay <tape.jsonl[.gz]> [--report <report.json>] [--chart <timeline.svg>] [--config <file>]
          circuit-breaker review <journal> [--config <file>] [--report <review.json>]   replay a pipeline journal, print what differs
          circuit-breaker drill [--scenario <name>|all] [--seed N] [--report <scorecard.json>] [--markdown <detection.md>] [--tapes <dir>]
          circuit-breaker config check <file.json>     validate a configuration file (every error, with its JSON path)
          circuit-breaker config init                  print the default profile as a configuration file
        exit codes: 0 success (trips are results), 2 bad usage or unreadable input
        """;

    /// <summary>Runs the command in <paramref name="args"/>.</summary>
    public int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help") { stdout.WriteLine(Help); return args.Length == 0 ? Usage : Ok; }
        try
        {
            return args[0] switch
            {
                "replay" => Replay(args[1..]),
                "review" => Review(args[1..]),
                "drill" => Drill(args[1..]),
                "config" => Config(args[1..]),
                _ => Bad($"unknown command '{args[0]}'"),
            };
        }
        catch (TapeFormatException ex) { stderr.WriteLine($"error: {ex.Message}"); return Usage; }
        catch (RiskConfigException ex) { stderr.WriteLine($"error: {ex.Message}"); return Usage; }
        catch (IOException ex) { stderr.WriteLine($"error: {ex.Message}"); return Usage; }
        catch (UnauthorizedAccessException ex) { stderr.WriteLine($"error: {ex.Message}"); return Usage; }
    }

    private int Bad(string message)
    {
        stderr.WriteLine($"error: {message}");
        stderr.WriteLine(Help);
        return Usage;
    }

    private static bool Parse(string[] args, string[] valued, out string? positional, out Dictionary<string, string> options, out string? error)
    {
        positional = null; error = null;
        options = new(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                if (!valued.Contains(a)) { error = $"unknown option '{a}'"; return false; }
                if (i + 1 >= args.Length) { error = $"option '{a}' needs a value"; return false; }
                options[a] = args[++i];
            }
            else if (positional is null) positional = a;
            else { error = $"unexpected argument '{a}'"; return false; }
        }
        return true;
    }

    /// <summary>The limits, detectors and playbook of <c>--config</c> (the default profile without it); false after
    /// reporting the file's errors.</summary>
    private bool LoadProfile(Dictionary<string, string> o, out Action<CircuitBreakerBuilder> configure,
        out Func<DetectorContext, IEnumerable<IDetector>> detectors, out Playbook? playbook)
    {
        configure = BreakerProfiles.Default;
        detectors = DefaultDetectors.Create;
        playbook = null;
        if (!o.TryGetValue("--config", out var cfgPath)) return true;
        var loaded = RiskConfigFile.Load(cfgPath);
        if (!loaded.Succeeded) { ConfigErrors(cfgPath, loaded); return false; }
        configure = b => { BreakerProfiles.Default(b); loaded.Apply(b); };
        detectors = loaded.Signatures.CreateDetectors;
        if (loaded.Playbooks is { } pb)
        {
            try { playbook = Playbook.FromJson(pb.GetRawText()); }
            catch (PlaybookException ex) { stderr.WriteLine($"error: {cfgPath}: playbooks: {ex.Message}"); return false; }
        }
        return true;
    }

    private int Replay(string[] args)
    {
        if (!Parse(args, ["--report", "--chart", "--config"], out var tape, out var o, out var error)) return Bad(error!);
        if (tape is null) return Bad("replay needs a tape path");
        if (!LoadProfile(o, out var configure, out var detectors, out var playbook)) return Usage;
        if (!File.Exists(tape)) return Bad($"tape '{tape}' not found");
        var sw = Stopwatch.StartNew();
        var options = new ReplayOptions
        {
            Detectors = detectors,
            Responder = playbook is null ? null : breaker => new IncidentDesk(breaker, playbook),
            Progress = interactive ? n => stdout.Write($"\r{n:N0} records...") : null,
            ProgressEvery = 500_000,
        };
        // One pass over the tape, so a FIFO or /dev/stdin replays like a file (the chart alone reads it again).
        using var reader = TapeReader.Open(tape);
        if (o.ContainsKey("--chart") && !reader.Rewindable)
            return Bad($"--chart reads the tape a second time: '{tape}' can be read only once (a pipe, a FIFO or standard input); give a tape file");
        var result = ReplayEngine.Replay(reader, options, configure);
        if (interactive) stdout.Write("\r");
        sw.Stop();
        ReplaySummary.Write(stdout, result, sw.Elapsed);
        BadRecords(tape, result);
        stdout.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB");
        if (o.TryGetValue("--report", out var reportPath))
        {
            using var f = File.Create(reportPath);
            result.Report.Write(f);
            stdout.WriteLine($"report: {reportPath}");
        }
        if (o.TryGetValue("--chart", out var chartPath))
        {
            File.WriteAllText(chartPath, TimelineChart.Render(tape, result));
            stdout.WriteLine($"chart: {chartPath}");
        }
        return Ok;
    }

    /// <summary>Each bad record with its line and reason (the first <see cref="MaxBadRecordsShown"/>), on stderr: skipped
    /// records are results, not failures, but they must not go unseen.</summary>
    private void BadRecords(string tape, ReplayResult result)
    {
        long bad = result.Report.BadRecords;
        if (bad == 0) return;
        foreach (var d in result.BadRecords.Take(MaxBadRecordsShown)) stderr.WriteLine($"bad record: {tape}: {d}");
        if (bad > MaxBadRecordsShown) stderr.WriteLine($"bad record: {tape}: ... {bad - MaxBadRecordsShown:N0} more");
    }

    /// <summary>Bad tape records listed by <c>replay</c> (all are counted in the report).</summary>
    public const int MaxBadRecordsShown = 20;

    private int Review(string[] args)
    {
        if (!Parse(args, ["--report", "--config"], out var journal, out var o, out var error)) return Bad(error!);
        if (journal is null) return Bad("review needs a journal (base path or one of its .cbj files)");
        if (!LoadProfile(o, out var configure, out var detectors, out var playbook)) return Usage;
        var options = new ReplayOptions
        {
            Detectors = detectors,
            Responder = playbook is null ? null : breaker => new IncidentDesk(breaker, playbook),
        };
        var result = new JournalReview(options, configure).Run(journal);
        ReviewSummary.Write(stdout, result, o.ContainsKey("--config") ? o["--config"] : "the default profile");
        if (result.Problem is null && o.TryGetValue("--report", out var reportPath))
        {
            using (var f = File.Create(reportPath)) result.WriteJson(f);
            stdout.WriteLine($"report: {reportPath}");
        }
        if (result.Problem is not null)
        {
            stderr.WriteLine($"error: {result.Problem}");
            return Usage;
        }
        if (result.Tail.Status != TailStatus.Clean)
        {
            stderr.WriteLine($"error: journal {result.Completeness} at {result.Tail.File}:{result.Tail.Offset} " +
                $"({result.Tail.Defect}): {result.Tail.Message}; reviewed the {result.Tail.RecordsRead:N0} records before it");
            return Usage;
        }
        if (result.MissingEssential > 0)
        {
            stderr.WriteLine($"error: the journal's gap records say {result.MissingEssential:N0} decisions, fills, commands or trips were not journaled; " +
                "the comparison is incomplete");
            return Usage;
        }
        return Ok;
    }

    private int Config(string[] args)
    {
        if (args.Length == 1 && args[0] == "init") { stdout.Write(RiskConfigFile.WriteToString()); return Ok; }
        if (args.Length != 2 || args[0] != "check") return Bad("usage: config check <file.json> | config init");
        var loaded = RiskConfigFile.Load(args[1]);
        if (!loaded.Succeeded) return ConfigErrors(args[1], loaded);
        if (loaded.Playbooks is { } pb)
        {
            try { Playbook.FromJson(pb.GetRawText()); }
            catch (PlaybookException ex) { stderr.WriteLine($"error: {args[1]}: playbooks: {ex.Message}"); return Usage; }
        }
        var cfg = loaded.Config;
        stdout.WriteLine($"{args[1]}: valid (version {cfg.Version}, {cfg.Registry.InstrumentCount} instruments, {cfg.Registry.AccountCount} accounts, " +
            $"{loaded.Signatures.CreateDetectors(new DetectorContext(cfg.Registry)).Length} detectors on)");
        return Ok;
    }

    private int ConfigErrors(string path, RiskConfigLoadResult loaded)
    {
        stderr.WriteLine($"error: {path}: {loaded.Errors.Count} problem{(loaded.Errors.Count == 1 ? "" : "s")}");
        foreach (var e in loaded.Errors) stderr.WriteLine($"  {e}");
        return Usage;
    }

    private int Drill(string[] args)
    {
        if (!Parse(args, ["--scenario", "--seed", "--report", "--markdown", "--tapes"], out var extra, out var o, out var error)) return Bad(error!);
        if (extra is not null) return Bad($"unexpected argument '{extra}'");
        int seed = 1;
        if (o.TryGetValue("--seed", out var s) && !int.TryParse(s, out seed)) return Bad($"--seed must be an integer (was '{s}')");
        string name = o.GetValueOrDefault("--scenario", "all");
        IEnumerable<Drills.DrillScenario> scenarios;
        if (name == "all") scenarios = Drills.Drill.All;
        else if (Drills.Drill.Find(name) is { } one) scenarios = [one];
        else return Bad($"unknown scenario '{name}'; known: {string.Join(", ", Drills.Drill.All.Select(x => x.Name))}");
        if (o.TryGetValue("--tapes", out var tapeDir))
        {
            Directory.CreateDirectory(tapeDir);
            foreach (var sc in scenarios)
            {
                string path = Path.Combine(tapeDir, $"{sc.Name}.jsonl");
                sc.WriteFile(path, seed);
                stdout.WriteLine($"tape: {path}");
            }
        }
        var sw = Stopwatch.StartNew();
        var card = Drills.DrillRunner.RunAll(scenarios, seed, interactive ? sc => stdout.WriteLine($"  {sc.Scenario.Name} done") : null);
        stdout.Write(card.ToTable());
        stdout.WriteLine($"wall time {sw.Elapsed.TotalSeconds:0.0} s");
        if (o.TryGetValue("--report", out var r)) { File.WriteAllText(r, card.ToJson()); stdout.WriteLine($"scorecard: {r}"); }
        if (o.TryGetValue("--markdown", out var m)) { File.WriteAllText(m, card.ToMarkdown()); stdout.WriteLine($"markdown: {m}"); }
        return Ok;
    }
}
