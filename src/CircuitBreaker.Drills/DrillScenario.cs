namespace CircuitBreaker.Drills;

/// <summary>
/// A tabletop drill: a deterministic, seeded generator of an event tape (a warm-up of normal activity long enough for
/// every detector's baseline, then an attack or a benign burst), with what a scorecard needs to judge a replay: when the
/// attack starts, which names it targets, and which accounts carry its loss. Immutable.
/// </summary>
public sealed class DrillScenario
{
    internal DrillScenario(string name, string description, bool benign, double attackStartSeconds, string[] targets,
        string[] exposedAccounts, (string Name, string Value)[] parameters, Action<MarketSim> script,
        Action<CircuitBreakerBuilder>? limits = null, RejectReason expectedRefusal = RejectReason.None)
    {
        Limits = limits; ExpectedRefusal = expectedRefusal;
        Name = name; Description = description; IsBenign = benign; AttackStartNs = (long)(attackStartSeconds * MarketSim.Second);
        Targets = targets; ExposedAccounts = exposedAccounts;
        Parameters = parameters.Select(p => new KeyValuePair<string, string>(p.Name, p.Value)).ToArray();
        _script = script;
    }

    private readonly Action<MarketSim> _script;

    /// <summary>Short name used on the command line, e.g. <c>runaway-algo</c>.</summary>
    public string Name { get; }
    /// <summary>What happens, in a trader's words.</summary>
    public string Description { get; }
    /// <summary>True for benign scenarios (a finding there is a false positive).</summary>
    public bool IsBenign { get; }
    /// <summary>Event time (ns) at which the attack (or the benign burst) starts.</summary>
    public long AttackStartNs { get; }
    /// <summary>Symbols, groups and accounts the attack targets: a finding or trip on any of them counts as detection.</summary>
    public IReadOnlyList<string> Targets { get; }
    /// <summary>Accounts whose PnL carries the attack's loss (for loss avoided).</summary>
    public IReadOnlyList<string> ExposedAccounts { get; }
    /// <summary>Limits the scenario's accounts carry in the "on" replay, applied after the caller's (e.g. a margin
    /// account's balance mode); null when the scenario needs none.</summary>
    public Action<CircuitBreakerBuilder>? Limits { get; }
    /// <summary>A gate refusal that counts as detection when the "on" replay refuses at least one order for it (e.g.
    /// <see cref="RejectReason.InsufficientBalance"/> for the margin drill); <see cref="RejectReason.None"/> when only
    /// findings and trips count.</summary>
    public RejectReason ExpectedRefusal { get; }
    /// <summary>Documented parameters (name, value), in a fixed order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; }

    /// <summary>Writes the tape for <paramref name="seed"/> through <paramref name="writer"/>. Same seed, same records.</summary>
    /// <param name="writer">Where the tape's records go.</param>
    /// <param name="seed">The random generator's seed (default 1).</param>
    public void Write(TapeWriter writer, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteComment($"drill {Name} seed {seed}: {Description}");
        _script(new MarketSim(writer, seed));
        writer.Flush();
    }

    /// <summary>Returns the tape for <paramref name="seed"/> as UTF-8 JSON lines (allocates the whole tape).</summary>
    /// <param name="seed">The random generator's seed (default 1).</param>
    /// <returns>The tape as UTF-8 JSON lines.</returns>
    public byte[] Generate(int seed = 1)
    {
        using var stream = new MemoryStream();
        using (var writer = new TapeWriter(stream, leaveOpen: true)) Write(writer, seed);
        return stream.ToArray();
    }

    /// <summary>Writes the tape for <paramref name="seed"/> to <paramref name="path"/> (gzip when it ends in <c>.gz</c>).</summary>
    /// <param name="path">The file to create or overwrite (gzip when it ends in <c>.gz</c>).</param>
    /// <param name="seed">The random generator's seed (default 1).</param>
    public void WriteFile(string path, int seed = 1)
    {
        using var writer = TapeWriter.Create(path);
        Write(writer, seed);
    }

    /// <inheritdoc />
    public override string ToString() => Name;
}
