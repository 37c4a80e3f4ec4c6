using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CircuitBreaker.Extensions.Hosting;

/// <summary>Registers the circuit breaker in a generic host.</summary>
public static class CircuitBreakerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="CircuitBreakerSettings"/> read from <paramref name="section"/> (the schema of the JSON
    /// configuration file, docs/configuration.md), a singleton <see cref="Breaker"/>, a singleton <see cref="RiskPipeline"/>
    /// running the detectors the <c>signatures</c> section enables, <see cref="CircuitBreakerHostedService"/>, and
    /// <see cref="CircuitBreakerMetrics"/> (created at start; opt out with <see cref="CircuitBreakerTelemetryOptions"/>).
    /// The section is validated when the host starts (first resolution); an invalid one fails the start with an
    /// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> listing every error.
    /// </summary>
    public static IServiceCollection AddCircuitBreaker(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        services.AddSingleton(_ => CircuitBreakerSettings.FromConfiguration(section));
        return AddCore(services);
    }

    /// <summary>
    /// Registers the same services with limits declared through the fluent <see cref="CircuitBreakerBuilder"/>, and
    /// optional pipeline options and detector switches (defaults: <see cref="RiskPipelineOptions"/> defaults, every
    /// default detector on). Validated at start like the configuration overload; metrics as in the configuration overload.
    /// </summary>
    public static IServiceCollection AddCircuitBreaker(this IServiceCollection services, Action<CircuitBreakerBuilder> configure,
        RiskPipelineOptions? pipeline = null, SignatureSwitches? signatures = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddSingleton(_ => CircuitBreakerSettings.FromBuilder(configure, pipeline, signatures));
        return AddCore(services);
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
