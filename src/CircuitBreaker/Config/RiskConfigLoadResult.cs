using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace CircuitBreaker.Config;

/// <summary>
/// What <see cref="RiskConfigFile.Load(Stream)"/> produced: on success the validated <see cref="Config"/>, the
/// <see cref="PipelineOptions"/>, the <see cref="Signatures"/> switches and the opaque <see cref="Playbooks"/> section;
/// on failure every problem found, each with its JSON path.
/// </summary>
public sealed class RiskConfigLoadResult
{
    internal RiskConfigLoadResult(RiskConfig? config, RiskPipelineOptions? pipeline, SignatureSwitches? signatures,
        JsonElement? playbooks, IReadOnlyList<ConfigError> errors)
    {
        Config = config;
        PipelineOptions = pipeline;
        Signatures = signatures;
        Playbooks = playbooks;
        Errors = errors;
    }

    /// <summary>True when the file was valid: <see cref="Config"/>, <see cref="PipelineOptions"/> and <see cref="Signatures"/> are set.</summary>
    [MemberNotNullWhen(true, nameof(Config), nameof(PipelineOptions), nameof(Signatures))]
    public bool Succeeded => Errors.Count == 0 && Config is not null && PipelineOptions is not null && Signatures is not null;

    /// <summary>The validated limits (built through <see cref="CircuitBreakerBuilder"/>); null on failure.</summary>
    public RiskConfig? Config { get; }
    /// <summary>Pipeline options from the <c>pipeline</c> section (defaults for what is absent); null on failure.</summary>
    public RiskPipelineOptions? PipelineOptions { get; }
    /// <summary>Detector switches from the <c>signatures</c> section (all on when absent); null on failure.</summary>
    public SignatureSwitches? Signatures { get; }
    /// <summary>The <c>playbooks</c> section as given (a detached copy, not validated here), or null when absent.</summary>
    public JsonElement? Playbooks { get; }
    /// <summary>Every problem found, in document order (empty on success).</summary>
    public IReadOnlyList<ConfigError> Errors { get; }

    internal ConfigPlan? Plan { get; init; }

    /// <summary>
    /// Lays the file's settings, defaults and limits over <paramref name="builder"/>: instruments it already declares (for
    /// example from a tape being replayed) keep their declaration and take the file's limits; the file's other instruments,
    /// accounts and groups are declared. Throws <see cref="RiskConfigException"/> when the file did not load.
    /// </summary>
    /// <param name="builder">The builder to declare this configuration's instruments, accounts, groups and limits into.</param>
    public void Apply(CircuitBreakerBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!Succeeded || Plan is null) throw new RiskConfigException(Errors.Select(e => e.ToString()).ToArray());
        Plan.Apply(builder);
    }

    /// <summary>The configuration, or a <see cref="RiskConfigException"/> listing every error as <c>path: message</c>.</summary>
    public RiskConfig GetConfigOrThrow()
    {
        if (Succeeded) return Config;
        throw new RiskConfigException(Errors.Select(e => e.ToString()).ToArray());
    }
}
