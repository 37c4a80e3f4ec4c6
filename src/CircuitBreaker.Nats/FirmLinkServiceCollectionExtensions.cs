using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CircuitBreaker.Nats;

/// <summary>Joins a hosted breaker (<c>AddCircuitBreaker</c>) to the firm plane.</summary>
public static class FirmLinkServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="FirmLinkOptions"/> bound from <paramref name="section"/> (keys as the property names, any case:
    /// <c>Url</c>, <c>Name</c>, <c>Grace</c> = "00:00:02", <c>SafeState</c>, ...) then adjusted by <paramref name="configure"/>,
    /// validated on start (an invalid section fails the host's start with an <see cref="OptionsValidationException"/> listing
    /// every error); a singleton <see cref="FirmLink"/> over the registered <see cref="Breaker"/> (it publishes the breaker's
    /// exposure); a hosted service that starts it (waiting up to <see cref="FirmLinkOptions.Grace"/> for the firm state: the
    /// breaker stays in the safe state until it is read) and stops it; metrics (meter <c>CircuitBreaker.Nats</c>); and the
    /// health check <c>firm_link</c>, degraded while the link is out of contact or in its safe state. Call after
    /// <c>AddCircuitBreaker</c>. Allocates (setup).
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="section">The section holding the link's settings, e.g. <c>configuration.GetSection("FirmLink")</c>.</param>
    /// <param name="configure">Adjusts the bound options (credentials from a secret store, say); default none.</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddFirmLink(this IServiceCollection services, IConfiguration section, Action<FirmLinkOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        var builder = services.AddOptions<FirmLinkOptions>().Configure(o => section.Bind(o));
        if (configure is not null) builder.Configure(configure);
        return AddCore(services);
    }

    /// <summary>As <see cref="AddFirmLink(IServiceCollection, IConfiguration, Action{FirmLinkOptions})"/>, with the options
    /// set in code only.</summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Sets the options (server, name, credentials, timings).</param>
    /// <returns><paramref name="services"/>, for chaining.</returns>
    public static IServiceCollection AddFirmLink(this IServiceCollection services, Action<FirmLinkOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<FirmLinkOptions>().Configure(configure);
        return AddCore(services);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<FirmLinkOptions>, FirmLinkOptionsValidator>();
        services.AddOptions<FirmLinkOptions>().ValidateOnStart();
        services.AddSingleton(sp =>
        {
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("CircuitBreaker.Nats.FirmLink");
            return new FirmLink(sp.GetRequiredService<Breaker>(), sp.GetRequiredService<IOptions<FirmLinkOptions>>().Value,
                m => FirmLinkLog.Message(logger, m));
        });
        services.AddSingleton<IHostedService, FirmLinkHostedService>();
        services.AddSingleton(sp => new FirmLinkMetrics(sp.GetRequiredService<FirmLink>(), sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.AddHealthChecks().Add(new HealthCheckRegistration("firm_link", sp => new FirmLinkHealthCheck(sp.GetRequiredService<FirmLink>()),
            failureStatus: null, tags: ["firm"]));
        return services;
    }

    /// <summary>Every error of <see cref="FirmLinkOptions.Validate"/>, as one failure per error.</summary>
    private sealed class FirmLinkOptionsValidator : IValidateOptions<FirmLinkOptions>
    {
        public ValidateOptionsResult Validate(string? name, FirmLinkOptions options)
        {
            try { options.Validate(); return ValidateOptionsResult.Success; }
            catch (ArgumentException ex)
            {
                return ValidateOptionsResult.Fail(ex.Message.Replace("invalid firm link options: ", "", StringComparison.Ordinal)
                    .Split("; ", StringSplitOptions.RemoveEmptyEntries).Select(e => "FirmLink " + e));
            }
        }
    }
}

internal static partial class FirmLinkLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "{Message}")]
    public static partial void Message(ILogger logger, string message);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "firm link {Name}: the firm state was not read within {WaitMs} ms; the breaker stays in its safe state while the link keeps trying")]
    public static partial void NotReady(ILogger logger, string name, double waitMs);
}

/// <summary>Starts the firm link with the host and stops it before the breaker is disposed.</summary>
internal sealed class FirmLinkHostedService(FirmLink link, FirmLinkMetrics metrics, IOptions<FirmLinkOptions> options, ILogger<FirmLinkHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _ = metrics; // created with the host
        var o = options.Value;
        if (!await link.StartAsync(o.Grace, cancellationToken).ConfigureAwait(false))
            FirmLinkLog.NotReady(logger, o.Name, o.Grace.TotalMilliseconds);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await link.DisposeAsync().ConfigureAwait(false);
}
