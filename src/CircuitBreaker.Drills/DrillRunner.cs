namespace CircuitBreaker.Drills;

/// <summary>
/// Runs scenarios: generates each tape in memory, replays it with the default profile and with the breaker off, and
/// scores detection, containment, loss avoided and false positives. Deterministic (event time only). Allocates.
/// </summary>
public static class DrillRunner
{
    /// <summary>Scores one scenario for <paramref name="seed"/>.</summary>
    /// <param name="scenario">The scenario.</param>
    /// <param name="seed">Tape seed (default 1).</param>
    /// <param name="on">Options of the "on" replay (default <see cref="ReplayOptions.Default"/>).</param>
    /// <param name="configure">Limits of the "on" replay (default <see cref="BreakerProfiles.Default"/>; the caller may load a configuration file here).</param>
    public static DrillScore Run(DrillScenario scenario, int seed = 1, ReplayOptions? on = null, Action<CircuitBreakerBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        byte[] tape = scenario.Generate(seed);
        var baseLimits = configure ?? BreakerProfiles.Default;
        var resultOn = Replay(tape, scenario.Name, on ?? ReplayOptions.Default, scenario.Limits is { } own ? b => { baseLimits(b); own(b); } : baseLimits);
        var resultOff = Replay(tape, scenario.Name, ReplayOptions.NoDetectors, BreakerProfiles.Off);
        return Score(scenario, seed, resultOn, resultOff);
    }

    /// <summary>Scores every scenario of <paramref name="scenarios"/> (default <see cref="Drill.All"/>).</summary>
    /// <param name="scenarios">The scenarios to run (default: every built-in one).</param>
    /// <param name="seed">The random generator's seed (default 1).</param>
    /// <param name="progress">Called after each scenario with its score (default: none).</param>
    /// <param name="on">Options of the "on" replays (default <see cref="ReplayOptions.Default"/>; e.g. <see cref="DetectionQuality.Options"/>).</param>
    /// <returns>The scorecard.</returns>
    public static Scorecard RunAll(IEnumerable<DrillScenario>? scenarios = null, int seed = 1, Action<DrillScore>? progress = null, ReplayOptions? on = null)
    {
        var scores = new List<DrillScore>();
        foreach (var s in scenarios ?? Drill.All)
        {
            var score = Run(s, seed, on);
            progress?.Invoke(score);
            scores.Add(score);
        }
        return new Scorecard(scores);
    }

    internal static ReplayResult Replay(byte[] tape, string name, ReplayOptions options, Action<CircuitBreakerBuilder> configure)
    {
        RiskConfig config;
        using (var first = new TapeReader(new MemoryStream(tape), name)) config = ReplayEngine.BuildConfigFromTape(first.ReadAll(), configure);
        using var reader = new TapeReader(new MemoryStream(tape), name);
        return new ReplayEngine(config, options).Run(reader);
    }

    internal static DrillScore Score(DrillScenario s, int seed, ReplayResult on, ReplayResult off)
    {
        var targets = new HashSet<string>(s.Targets, StringComparer.Ordinal);
        long start = s.AttackStartNs;
        var report = on.Report;
        var signatures = new Dictionary<string, long>(StringComparer.Ordinal);
        long? detect = null, contain = null;
        foreach (var f in report.Findings)
        {
            if (f.T < start || f.Severity < Severity.Warning || !targets.Contains(f.Target)) continue;
            detect = Math.Min(detect ?? long.MaxValue, f.T - start);
            signatures.TryAdd(f.Signature, f.T - start);
        }
        var actions = new List<string>();
        foreach (var t in report.Trips)
        {
            if (t.T < start) continue;
            actions.Add($"{Names.State(t.State)} {Names.Scope(t.Scope)}:{t.Target} ({t.Reason})");
            if (!targets.Contains(t.Target) || t.State == TradingState.Active) continue;
            detect = Math.Min(detect ?? long.MaxValue, t.T - start);
            contain ??= t.T - start;
            signatures.TryAdd(t.Reason, t.T - start);
        }
        // A scenario whose defence is a gate refusal (the margin drill) is detected when the "on" replay refused for it.
        bool refused = s.ExpectedRefusal != RejectReason.None
            && report.Orders.RejectedByReason.TryGetValue(s.ExpectedRefusal.ToString(), out long n) && n > 0;
        if (refused) signatures.TryAdd(s.ExpectedRefusal.ToString(), 0);
        int falseFindings = 0, falseCriticals = 0;
        if (s.IsBenign)
        {
            falseFindings = report.Findings.Count(f => f.Severity >= Severity.Warning);
            falseCriticals = report.Findings.Count(f => f.Severity == Severity.Critical) + report.Trips.Count(t => t.State == TradingState.Halted);
        }
        double Pnl(ReplayResult r) => s.ExposedAccounts.Sum(a => r.Account(a)?.Pnl ?? 0);
        return new DrillScore
        {
            Scenario = s, Seed = seed, On = on, Off = off, Detected = !s.IsBenign && (detect.HasValue || refused), TimeToDetectNs = detect,
            TimeToContainNs = contain, Signatures = [.. signatures.OrderBy(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal)],
            Actions = actions, PnlOn = Pnl(on), PnlOff = Pnl(off), FalseFindings = falseFindings, FalseCriticals = falseCriticals,
        };
    }
}

internal static class Names
{
    public static string State(TradingState s) => s switch { TradingState.Halted => "halted", TradingState.ReduceOnly => "reduce_only", _ => "active" };
    public static string Scope(CircuitBreaker.Scope s) => s switch
    {
        CircuitBreaker.Scope.Instrument => "instrument", CircuitBreaker.Scope.Group => "group", CircuitBreaker.Scope.Account => "account", _ => "global",
    };
}
