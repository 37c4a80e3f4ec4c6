using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace CircuitBreaker.Extensions.Hosting;

/// <summary>
/// The validated settings the host runs with: limits, pipeline options, detector switches and the opaque playbooks
/// section. Created once at start; an invalid configuration throws <see cref="OptionsValidationException"/> listing
/// every problem (<c>path: message</c>) in <see cref="OptionsValidationException.Failures"/>.
/// </summary>
public sealed class CircuitBreakerSettings
{
    /// <summary>Creates settings from parts already validated.</summary>
    /// <param name="config">The limits.</param>
    /// <param name="pipeline">Pipeline options (default: <see cref="RiskPipelineOptions"/> defaults).</param>
    /// <param name="signatures">Which default detectors run (default: all).</param>
    /// <param name="playbooks">The <c>playbooks</c> section as given (default: none, the default playbook).</param>
    public CircuitBreakerSettings(RiskConfig config, RiskPipelineOptions? pipeline = null, SignatureSwitches? signatures = null, JsonElement? playbooks = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        Pipeline = pipeline ?? new RiskPipelineOptions();
        Signatures = signatures ?? new SignatureSwitches();
        Playbooks = playbooks;
    }

    /// <summary>The limits.</summary>
    public RiskConfig Config { get; }
    /// <summary>Pipeline options (defaults when not configured).</summary>
    public RiskPipelineOptions Pipeline { get; }
    /// <summary>Which default detectors run (all on when not configured).</summary>
    public SignatureSwitches Signatures { get; }
    /// <summary>The <c>playbooks</c> section as given, or null.</summary>
    public JsonElement? Playbooks { get; }

    /// <summary>Reads a configuration section with the schema of the JSON configuration file (docs/configuration.md), keys
    /// in the binder's conventions (any case; <c>RateWindowMs</c> or <c>rate_window_ms</c>). Allocates; setup and reload only.
    /// Throws <see cref="OptionsValidationException"/> listing every error.</summary>
    /// <param name="section">The section, usually <c>configuration.GetSection("CircuitBreaker")</c>.</param>
    public static CircuitBreakerSettings FromConfiguration(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var spelling = new List<string>();
        var result = RiskConfigFile.Parse(ConfigurationJson.ToJson(section, spelling));
        if (spelling.Count > 0) throw Invalid(spelling.Concat(result.Errors.Select(e => e.ToString())));
        if (!result.Succeeded) throw Invalid(result.Errors.Select(e => e.ToString()));
        return new CircuitBreakerSettings(result.Config, result.PipelineOptions, result.Signatures, result.Playbooks);
    }

    /// <summary>Builds settings with the fluent builder. Throws <see cref="OptionsValidationException"/> listing every error.</summary>
    /// <param name="configure">Declares instruments, accounts and limits.</param>
    /// <param name="pipeline">Pipeline options (default: defaults; validated).</param>
    /// <param name="signatures">Which default detectors run (default: all).</param>
    /// <returns>The validated settings.</returns>
    public static CircuitBreakerSettings FromBuilder(Action<CircuitBreakerBuilder> configure, RiskPipelineOptions? pipeline = null, SignatureSwitches? signatures = null)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new CircuitBreakerBuilder();
        configure(builder);
        try
        {
            pipeline?.Validate();
            return new CircuitBreakerSettings(builder.BuildConfig(), pipeline, signatures);
        }
        catch (RiskConfigException ex) { throw Invalid(ex.Errors); }
        catch (ArgumentException ex) { throw Invalid([ex.Message]); }
    }

    private static OptionsValidationException Invalid(IEnumerable<string> failures)
        => new("CircuitBreaker", typeof(CircuitBreakerSettings), failures.ToArray());
}
