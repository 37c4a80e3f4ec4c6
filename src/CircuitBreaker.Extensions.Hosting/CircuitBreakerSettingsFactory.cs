using Microsoft.Extensions.Options;

namespace CircuitBreaker.Extensions.Hosting;

/// <summary>
/// Creates <see cref="CircuitBreakerSettings"/> for the options system, so <c>IOptions&lt;CircuitBreakerSettings&gt;</c>,
/// <c>IOptionsMonitor&lt;CircuitBreakerSettings&gt;</c> and <c>ValidateOnStart</c> work as for any options type: an invalid
/// configuration throws <see cref="OptionsValidationException"/> (every error) when the host validates its options on
/// start, before any hosted service runs. No change-token source is registered on purpose: the options system would
/// throw from inside the configuration's reload callback on an invalid change; <see cref="CircuitBreakerReloader"/>
/// handles reloads instead (refusing an invalid one and keeping the running limits).
/// </summary>
internal sealed class CircuitBreakerSettingsFactory(Func<CircuitBreakerSettings> create) : IOptionsFactory<CircuitBreakerSettings>
{
    public CircuitBreakerSettings Create(string name) => create();
}
