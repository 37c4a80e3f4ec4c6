using CircuitBreaker.Extensions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SampleEngine;

/// <summary>
/// One run of the sample: builds the generic host (appsettings.json next to the program, then environment variables
/// and command-line arguments), registers the breaker with <c>AddCircuitBreaker</c>, starts the host (its hosted
/// service starts the risk pipeline), runs the <see cref="TradingEngine"/> in event time, and stops the host (the
/// pipeline drains).
/// </summary>
public sealed class EngineSession
{
    private readonly string[] _args;

    /// <summary>Creates a session; <paramref name="args"/> are configuration overrides, e.g. <c>--SampleEngine:seed=11</c>.</summary>
    public EngineSession(string[]? args = null) => _args = args ?? [];

    /// <summary>Runs the scenario and writes its story to <paramref name="output"/>. Returns what happened.</summary>
    public SessionReport Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = _args,
            ContentRootPath = AppContext.BaseDirectory, // appsettings.json is copied next to the program
        });
        // The sample prints its own story in event time. In production keep a logging provider: the hosted service
        // logs every trip (Critical) and every finding (Warning) through ILogger.
        builder.Logging.ClearProviders();
        builder.Services.AddCircuitBreaker(builder.Configuration.GetSection("CircuitBreaker"));
        builder.Services.AddSingleton(ScenarioOptions.From(builder.Configuration.GetSection("SampleEngine")));
        builder.Services.AddSingleton<TradingEngine>();

        var host = builder.Build();
        try
        {
            var engine = host.Services.GetRequiredService<TradingEngine>(); // registers its kill switch and incident actions
            host.Start();
            try
            {
                return engine.Run(output);
            }
            finally
            {
                host.StopAsync().GetAwaiter().GetResult(); // the hosted service drains the pipeline
            }
        }
        finally
        {
            host.Dispose(); // CircuitBreakerHostedService.Dispose is idempotent: the container disposes it twice
        }
    }
}
