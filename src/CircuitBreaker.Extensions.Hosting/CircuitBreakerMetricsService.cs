using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CircuitBreaker.Extensions.Hosting;

/// <summary>Creates the registered <see cref="CircuitBreakerMetrics"/> when the host starts, unless
/// <see cref="CircuitBreakerTelemetryOptions.Metrics"/> is false; the container disposes it.</summary>
internal sealed class CircuitBreakerMetricsService(IServiceProvider services, IOptions<CircuitBreakerTelemetryOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Metrics) services.GetRequiredService<CircuitBreakerMetrics>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
