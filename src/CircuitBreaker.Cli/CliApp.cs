using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace CircuitBreaker.Cli;

/// <summary>The commands of the tool, writing to the given writers (so tests run them in-process).</summary>
public sealed partial class CliApp(TextWriter stdout, TextWriter stderr, bool interactive = false)
{
    /// <summary>Exit code for success (trips are results, not errors).</summary>
    public const int Ok = 0;
    /// <summary>Exit code for bad usage or unreadable input.</summary>
    public const int Usage = 2;

    /// <summary>Runs the command in <paramref name="args"/>: help and usage per command (<c>--help</c>, <c>-h</c>,
    /// <c>help [command]</c>), <c>--version</c>, options as <c>--opt value</c> or <c>--opt=value</c>. Misuse (an unknown
    /// command or option, a missing or malformed value) prints the error, suggestions for a misspelt name and the
    /// command's usage on stderr and returns <see cref="Usage"/>.</summary>
    /// <param name="args">The command line, without the program name.</param>
    /// <returns><see cref="Ok"/> on success, <see cref="Usage"/> on bad usage or unreadable input.</returns>
    public int Run(string[] args)
    {
        // "help" and "help <command>" as before System.CommandLine: the same as "--help" and "<command> --help".
        if (args is ["help", .. var rest]) args = [.. rest, "--help"];
        var root = Commands();
        var parsed = root.Parse(args);
        if (parsed.Action is ParseErrorAction)
        {
            // The error, any "did you mean" suggestions and the usage of the command that was reached, all on stderr.
            parsed.Invoke(new InvocationConfiguration { Output = stderr, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
            return Usage;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (TapeFormatException ex) { stderr.WriteLine($"error: {ex.Message}"); return Usage; }
        catch (RiskConfigException ex) { stderr.WriteLine($"error: {ex.Message}"); return Usage; }
        catch (IOException ex) { stderr.WriteLine($"error: {ex.Message}"); return Usage; }
        catch (UnauthorizedAccessException ex) { stderr.WriteLine($"error: {ex.Message}"); return Usage; }
    }

    /// <summary>The version <c>--version</c> prints: the tool assembly's informational version (package version and
    /// commit).</summary>
    public static string Version =>
        typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(CliApp).Assembly.GetName().Version?.ToString() ?? "unknown";

    private const int HelpWidth = 110;

    private Command Commands()
    {
        var root = new Command("circuit-breaker",
            "Replay event tapes and journals through the CircuitBreaker risk breaker, run tabletop drills, check configuration files.\n" +
            "Exit codes: 0 success (trips are results), 2 bad usage or unreadable input.");
        var help = new HelpOption();
        if (help.Action is HelpAction h) h.MaxWidth = HelpWidth;
        root.Options.Add(help);
        root.Options.Add(new VersionOption { Action = new PrintVersion(this) });

        Option<string> ConfigOption() => new("--config")
        {
            Description = "Limits, detectors and playbooks from this configuration file (the default profile without it).",
            HelpName = "limits.json",
        };

        var tape = new Argument<string>("tape") { Description = "The event tape (JSON lines, .jsonl or .jsonl.gz; see docs/tape-format.md)." };
        var replayReport = new Option<string>("--report") { Description = "Write the report (drill-report v1 JSON) to this file.", HelpName = "report.json" };
        var chart = new Option<string>("--chart") { Description = "Write an SVG timeline to this file (reads the tape a second time).", HelpName = "timeline.svg" };
        var replayConfig = ConfigOption();
        var replay = new Command("replay", "Replay a tape through the breaker and report orders, trips, findings and incidents.")
        {
            tape, replayReport, chart, replayConfig,
        };
        replay.SetAction(p => Replay(p.GetValue(tape)!, p.GetValue(replayConfig), p.GetValue(replayReport), p.GetValue(chart)));

        var journal = new Argument<string>("journal") { Description = "The journal: its base path or one of its .cbj files." };
        var reviewReport = new Option<string>("--report") { Description = "Write the review (JSON) to this file.", HelpName = "review.json" };
        var reviewConfig = ConfigOption();
        var review = new Command("review", "Replay a pipeline journal through today's limits and print what differs from the live run.")
        {
            journal, reviewConfig, reviewReport,
        };
        review.SetAction(p => Review(p.GetValue(journal)!, p.GetValue(reviewConfig), p.GetValue(reviewReport)));

        var scenario = new Option<string>("--scenario")
        {
            Description = "One scenario, or all of them.",
            HelpName = "name|all",
            DefaultValueFactory = _ => "all",
        };
        scenario.AcceptOnlyFromAmong(["all", .. Drills.Drill.All.Select(x => x.Name)]);
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the scenario generators.",
            HelpName = "N",
            DefaultValueFactory = _ => 1,
            CustomParser = r =>
            {
                string token = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                if (int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)) return v;
                r.AddError($"--seed must be an integer (was '{token}')");
                return 0;
            },
        };
        var drillReport = new Option<string>("--report") { Description = "Write the scorecard (JSON) to this file.", HelpName = "scorecard.json" };
        var markdown = new Option<string>("--markdown") { Description = "Write docs/detection.md (detection quality at every sensitivity, severity rules, matrix, scorecard) to this file; with --benign-days the benign report.", HelpName = "detection.md" };
        var tapes = new Option<string>("--tapes") { Description = "Also write each scenario's tape to this folder.", HelpName = "dir" };
        var benignDays = new Option<int>("--benign-days")
        {
            Description = "Instead of the scenarios, replay N generated legitimate trading days (8 regimes, 30-40 min each) and count false alarms per signature.",
            HelpName = "N",
            CustomParser = r => DayCount(r, "--benign-days"),
        };
        var sensitivity = new Option<DetectionSensitivity>("--sensitivity")
        {
            Description = "Detection sensitivity of the replays: default, conservative (thresholds x1.5) or aggressive (x0.7).",
            HelpName = "level",
            DefaultValueFactory = _ => DetectionSensitivity.Default,
            CustomParser = r =>
            {
                string token = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
                foreach (var level in Drills.DetectionQuality.Levels)
                    if (string.Equals(token, Drills.DetectionQuality.Name(level), StringComparison.Ordinal)) return level;
                r.AddError($"--sensitivity must be one of: {string.Join(", ", Drills.DetectionQuality.Levels.Select(Drills.DetectionQuality.Name))} (was '{token}')");
                return DetectionSensitivity.Default;
            },
        };
        var qualityDays = new Option<int>("--quality-days")
        {
            Description = "With --markdown: benign days per sensitivity in the detection-quality tables (default 20).",
            HelpName = "N",
            DefaultValueFactory = _ => 20,
            CustomParser = r => DayCount(r, "--quality-days"),
        };
        var drill = new Command("drill", "Run the tabletop drill: built-in attack and benign scenarios through the default profile, scored.")
        {
            scenario, seed, drillReport, markdown, tapes, benignDays, sensitivity, qualityDays,
        };
        drill.SetAction(p => p.GetValue(benignDays) is int n and > 0
            ? BenignDrill(n, p.GetValue(seed), p.GetValue(drillReport), p.GetValue(markdown), p.GetValue(tapes), p.GetValue(sensitivity))
            : Drill(p.GetValue(scenario)!, p.GetValue(seed), p.GetValue(drillReport), p.GetValue(markdown), p.GetValue(tapes),
                p.GetValue(sensitivity), p.GetValue(qualityDays)));

        var file = new Argument<string>("file") { Description = "The configuration file (JSON)." };
        var check = new Command("check", "Validate a configuration file: every error, with its JSON path.") { file };
        check.SetAction(p => ConfigCheck(p.GetValue(file)!));
        var init = new Command("init", "Print the default profile as a configuration file.");
        init.SetAction(_ => { stdout.Write(RiskConfigFile.WriteToString()); return Ok; });
        var config = new Command("config", "Check or write configuration files.") { check, init };

        root.Subcommands.Add(replay);
        root.Subcommands.Add(review);
        root.Subcommands.Add(drill);
        root.Subcommands.Add(config);
        root.Subcommands.Add(FirmCommand());
        return root;
    }

    /// <summary><c>--version</c>: the tool's own version, whichever process hosts it.</summary>
    private sealed class PrintVersion(CliApp app) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            // "--version" with anything else is misuse, as any other parse error.
            if (parseResult.Errors.Count > 0) return app.Misuse([], parseResult.Errors.Select(e => e.Message));
            parseResult.InvocationConfiguration.Output.WriteLine(Version);
            return Ok;
        }
    }

    /// <summary>A usage error found after parsing (a missing file, a tape that cannot be read twice): the error and the
    /// command's usage on stderr.</summary>
    private int Bad(string command, string message) => Misuse([command], [message]);

    /// <summary>Each error, then the usage of the command at <paramref name="path"/>, on stderr.</summary>
    private int Misuse(string[] path, IEnumerable<string> errors)
    {
        foreach (var e in errors) stderr.WriteLine($"error: {e}");
        stderr.WriteLine();
        Commands().Parse([.. path, "--help"]).Invoke(new InvocationConfiguration { Output = stderr, Error = stderr, EnableDefaultExceptionHandler = false });
        return Usage;
    }

    /// <summary>The limits, detectors and playbook of <c>--config</c> (the default profile without it); false after
    /// reporting the file's errors.</summary>
    private bool LoadProfile(string? cfgPath, out Action<CircuitBreakerBuilder> configure,
        out Func<DetectorContext, IEnumerable<IDetector>> detectors, out Playbook? playbook)
    {
        configure = BreakerProfiles.Default;
        detectors = DefaultDetectors.Create;
        playbook = null;
        if (cfgPath is null) return true;
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

    private int Replay(string tape, string? configPath, string? reportPath, string? chartPath)
    {
        if (!LoadProfile(configPath, out var configure, out var detectors, out var playbook)) return Usage;
        if (!File.Exists(tape)) return Bad("replay", $"tape '{tape}' not found");
        var sw = Stopwatch.StartNew();
        var options = new ReplayOptions
        {
            Detectors = detectors,
            Responder = playbook is null ? null : breaker => new IncidentDesk(breaker, playbook),
            Progress = interactive ? n => stdout.Write($"\r{n:N0} records...") : null,
            ProgressEvery = 500_000,
            RecordTimeline = chartPath is not null, // rejections and PnL over time, for the chart only
        };
        // One pass over the tape, so a FIFO or /dev/stdin replays like a file (the chart alone reads it again).
        using var reader = TapeReader.Open(tape);
        if (chartPath is not null && !reader.Rewindable)
            return Bad("replay", $"--chart reads the tape a second time: '{tape}' can be read only once (a pipe, a FIFO or standard input); give a tape file");
        var result = ReplayEngine.Replay(reader, options, configure);
        if (interactive) stdout.Write("\r");
        sw.Stop();
        ReplaySummary.Write(stdout, result, sw.Elapsed);
        BadRecords(tape, result);
        stdout.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024)} MiB");
        if (reportPath is not null)
        {
            using var f = File.Create(reportPath);
            result.Report.Write(f);
            stdout.WriteLine($"report: {reportPath}");
        }
        if (chartPath is not null)
        {
            File.WriteAllText(chartPath, TimelineChart.Render(tape, result));
            stdout.WriteLine($"chart: {chartPath}");
        }
        return Ok;
    }

    /// <summary>Each bad record with its line and reason (the first <see cref="MaxBadRecordsShown"/>), on stderr: skipped
    /// records are results, not failures, but they must not go unseen. The report lists more (bad_record_details) and
    /// counts them all (bad_records).</summary>
    private void BadRecords(string tape, ReplayResult result)
    {
        long bad = result.Report.BadRecords;
        if (bad == 0) return;
        foreach (var d in result.BadRecords.Take(MaxBadRecordsShown)) stderr.WriteLine($"bad record: {tape}: {d}");
        if (bad > MaxBadRecordsShown)
            stderr.WriteLine($"bad record: {tape}: ... {bad - MaxBadRecordsShown:N0} more (--report lists the first {ReportBuilder.DefaultMaxBadRecordDetails:N0} in bad_record_details)");
    }

    /// <summary>Bad tape records listed by <c>replay</c> (all are counted in the report).</summary>
    public const int MaxBadRecordsShown = 20;

    private int Review(string journal, string? configPath, string? reportPath)
    {
        if (!LoadProfile(configPath, out var configure, out var detectors, out var playbook)) return Usage;
        var options = new ReplayOptions
        {
            Detectors = detectors,
            Responder = playbook is null ? null : breaker => new IncidentDesk(breaker, playbook),
        };
        var result = new JournalReview(options, configure).Run(journal);
        ReviewSummary.Write(stdout, result, configPath ?? "the default profile");
        if (result.Problem is null && reportPath is not null)
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

    private int ConfigCheck(string path)
    {
        var loaded = RiskConfigFile.Load(path);
        if (!loaded.Succeeded) return ConfigErrors(path, loaded);
        if (loaded.Playbooks is { } pb)
        {
            try { Playbook.FromJson(pb.GetRawText()); }
            catch (PlaybookException ex) { stderr.WriteLine($"error: {path}: playbooks: {ex.Message}"); return Usage; }
        }
        var cfg = loaded.Config;
        stdout.WriteLine($"{path}: valid (version {cfg.Version}, {cfg.Registry.InstrumentCount} instruments, {cfg.Registry.AccountCount} accounts, " +
            $"{loaded.Signatures.CreateDetectors(new DetectorContext(cfg.Registry)).Length} detectors on)");
        return Ok;
    }

    /// <summary>A day count option: an integer in 1..10000, else a parse error naming the option.</summary>
    private static int DayCount(System.CommandLine.Parsing.ArgumentResult r, string option)
    {
        string token = r.Tokens.Count > 0 ? r.Tokens[0].Value : "";
        if (int.TryParse(token, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v is >= 1 and <= 10_000) return v;
        r.AddError($"{option} must be an integer in 1..10000 (was '{token}')");
        return 0;
    }

    private int ConfigErrors(string path, RiskConfigLoadResult loaded)
    {
        stderr.WriteLine($"error: {path}: {loaded.Errors.Count} problem{(loaded.Errors.Count == 1 ? "" : "s")}");
        foreach (var e in loaded.Errors) stderr.WriteLine($"  {e}");
        return Usage;
    }

    private int Drill(string name, int seed, string? reportPath, string? markdownPath, string? tapeDir, DetectionSensitivity sensitivity, int qualityDays)
    {
        // --scenario accepts only "all" and the built-in names (the parser refuses anything else, with the list).
        IEnumerable<Drills.DrillScenario> scenarios = name == "all" ? Drills.Drill.All : [Drills.Drill.Find(name)!];
        if (tapeDir is not null)
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
        // --markdown writes docs/detection.md: the scenarios and the benign days at every sensitivity; the table printed is --sensitivity's.
        var quality = markdownPath is null ? null
            : Drills.DetectionQuality.Run(qualityDays, seed, scenarios, interactive ? line => stdout.WriteLine($"  {line}") : null);
        var card = quality?.Results.First(r => r.Sensitivity == sensitivity).Card
            ?? Drills.DrillRunner.RunAll(scenarios, seed, interactive ? sc => stdout.WriteLine($"  {sc.Scenario.Name} done") : null,
                Drills.DetectionQuality.Options(sensitivity));
        stdout.Write(card.ToTable());
        if (sensitivity != DetectionSensitivity.Default) stdout.WriteLine($"sensitivity {Drills.DetectionQuality.Name(sensitivity)}");
        stdout.WriteLine($"wall time {sw.Elapsed.TotalSeconds:0.0} s");
        if (reportPath is not null) { File.WriteAllText(reportPath, card.ToJson()); stdout.WriteLine($"scorecard: {reportPath}"); }
        if (quality is not null) { File.WriteAllText(markdownPath!, quality.ToMarkdown()); stdout.WriteLine($"markdown: {markdownPath}"); }
        return Ok;
    }

    private int BenignDrill(int days, int seed, string? reportPath, string? markdownPath, string? tapeDir, DetectionSensitivity sensitivity)
    {
        if (tapeDir is not null)
        {
            Directory.CreateDirectory(tapeDir);
            foreach (var day in Drills.BenignDays.Days(days, seed))
            {
                string path = Path.Combine(tapeDir, $"{day.Name}.jsonl");
                day.WriteFile(path, seed);
                stdout.WriteLine($"tape: {path}");
            }
        }
        var sw = Stopwatch.StartNew();
        var report = Drills.BenignBenchmark.Run(days, seed, Drills.DetectionQuality.Options(sensitivity),
            progress: interactive ? d => stdout.WriteLine($"  {d.Day.Name} done") : null);
        stdout.Write(report.ToTable());
        stdout.WriteLine($"wall time {sw.Elapsed.TotalSeconds:0.0} s");
        if (reportPath is not null) { File.WriteAllText(reportPath, report.ToJson()); stdout.WriteLine($"benign report: {reportPath}"); }
        if (markdownPath is not null) { File.WriteAllText(markdownPath, report.ToMarkdown()); stdout.WriteLine($"markdown: {markdownPath}"); }
        return Ok;
    }
}
