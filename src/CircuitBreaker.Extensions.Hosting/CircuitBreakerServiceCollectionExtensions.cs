using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CircuitBreaker.Extensions.Hosting;

/// <summary>Registers the circuit breaker in a generic host.</summary>
public static class CircuitBreakerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CircuitBreakerSettings"/> read from <paramref name="section"/> (the schema of the JSON
    /// configuration file, docs/configuration.md), a singleton <see cref="Breaker"/>, a singleton <see cref="RiskPipeline"/>
    /// running the detectors the <c>signatures</c> section enables, <see cref="CircuitBreakerHostedService"/>, and
    /// <see cref="CircuitBreakerMetrics"/> (created at start; opt out with <see cref="CircuitBreakerTelemetryOptions"/>).
    /// Keys follow the binder's conventions (any case, <c>RateWindowMs</c> or <c>rate_window_ms</c>, so
    /// <c>CircuitBreaker__RateWindowMs</c> works as an environment variable). The settings are an options type
    /// (<c>IOptions&lt;CircuitBreakerSettings&gt;</c>) validated on start (<c>ValidateOnStart</c>): an invalid section fails
    /// the host's start, before any hosted service runs, with an <see cref="OptionsValidationException"/> listing every
    /// error. The section is watched while the host runs: a reload that changes limits swaps them into the gate
    /// atomically; one that fails validation is refused and logged, and the running limits stay
    /// (<see cref="CircuitBreakerReloadStatus"/>). Allocates (setup).
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="section">The section with the schema of the configuration file, usually <c>configuration.GetSection("CircuitBreaker")</c>.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddCircuitBreaker(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        AddSettings(services, () => CircuitBreakerSettings.FromConfiguration(section));
        services.AddSingleton(_ => new CircuitBreakerReloadStatus());
        services.AddSingleton(sp => new CircuitBreakerReloader(section, sp.GetRequiredService<Breaker>(), sp.GetRequiredService<CircuitBreakerReloadStatus>(),
            sp.GetRequiredService<ILogger<CircuitBreakerReloader>>(), sp.GetRequiredService<IOptions<CircuitBreakerTelemetryOptions>>(), sp));
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<CircuitBreakerReloader>());
        return AddCore(services);
    }

    /// <summary>
    /// Registers the same services with limits declared through the fluent <see cref="CircuitBreakerBuilder"/>, and
    /// optional pipeline options and detector switches (defaults: <see cref="RiskPipelineOptions"/> defaults, every
    /// default detector on). Validated on start like the configuration overload; metrics as in the configuration overload.
    /// Nothing to reload: change limits at run time with <see cref="PreTradeGate.SwapConfig"/>. Allocates (setup).
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Declares instruments, accounts and limits; called once, when the settings are first needed.</param>
    /// <param name="pipeline">Ring, evaluator and journal options (default: <see cref="RiskPipelineOptions"/> defaults).</param>
    /// <param name="signatures">Which default detectors run (default: all).</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddCircuitBreaker(this IServiceCollection services, Action<CircuitBreakerBuilder> configure,
        RiskPipelineOptions? pipeline = null, SignatureSwitches? signatures = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        AddSettings(services, () => CircuitBreakerSettings.FromBuilder(configure, pipeline, signatures));
        return AddCore(services);
    }

    /// <summary>The settings as an options type validated on start; <see cref="CircuitBreakerSettings"/> itself resolves to
    /// the same instance (the options monitor's, created once).</summary>
    private static void AddSettings(IServiceCollection services, Func<CircuitBreakerSettings> create)
    {
        services.AddSingleton<IOptionsFactory<CircuitBreakerSettings>>(new CircuitBreakerSettingsFactory(create));
        services.AddOptions<CircuitBreakerSettings>().ValidateOnStart();
        services.AddSingleton(sp => sp.GetRequiredService<IOptionsMonitor<CircuitBreakerSettings>>().CurrentValue);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.AddSingleton(sp => new Breaker(sp.GetRequiredService<CircuitBreakerSettings>().Config));
        services.AddSingleton(sp =>
        {
            // The incident desk (playbook, corroboration, escalation, staged recovery): resolve it to register
            // IIncidentActions or to acknowledge incidents. The configuration's "playbooks" section replaces the default.
            var settings = sp.GetRequiredService<CircuitBreakerSettings>();
            var playbook = settings.Playbooks is { } json ? Playbook.FromJson(json.GetRawText()) : null;
            return new IncidentDesk(sp.GetRequiredService<Breaker>(), playbook);
        });
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<CircuitBreakerSettings>();
            var breaker = sp.GetRequiredService<Breaker>();
            var detectors = settings.Signatures.CreateDetectors(new DetectorContext(breaker.Registry, settings.Config.AccountCapacity) { Limits = breaker.Config });
            return new RiskPipeline(breaker, settings.Pipeline, detectors, sp.GetRequiredService<IncidentDesk>());
        });
        services.AddSingleton<CircuitBreakerHostedService>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<CircuitBreakerHostedService>());
        AddMetrics(services);
        return services;
    }

    /// <summary>Metrics by default (<see cref="CircuitBreakerTelemetryOptions.Metrics"/>): a <see cref="CircuitBreakerMetrics"/>
    /// over the breaker, its pipeline and the incident desk, on the host's <see cref="IMeterFactory"/> when there is one,
    /// created when the host starts.</summary>
    private static void AddMetrics(IServiceCollection services)
    {
        services.AddOptions<CircuitBreakerTelemetryOptions>();
        services.AddSingleton(sp =>
        {
            var desk = sp.GetRequiredService<IncidentDesk>();
            return new CircuitBreakerMetrics(sp.GetRequiredService<Breaker>(), sp.GetRequiredService<RiskPipeline>(),
                () => desk.OpenIncidents, sp.GetService<IMeterFactory>());
        });
        services.AddSingleton<IHostedService, CircuitBreakerMetricsService>();
    }
}
