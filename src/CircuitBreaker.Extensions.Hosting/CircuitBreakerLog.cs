using Microsoft.Extensions.Logging;

namespace CircuitBreaker.Extensions.Hosting;

/// <summary>Source-generated log messages (no boxing, no formatting when the level is off).</summary>
internal static partial class CircuitBreakerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Critical, Message = "Trip: {Scope} {Target} {Previous} -> {State} ({Cause}, {Reason}) at event time {TimeNs} ns, transition #{Sequence}")]
    public static partial void Trip(ILogger logger, Scope scope, string target, TradingState previous, TradingState state, TripCause cause, string reason, long timeNs, long sequence);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "State change: {Scope} {Target} {Previous} -> {State} ({Cause}, {Reason}), transition #{Sequence}")]
    public static partial void Transition(ILogger logger, Scope scope, string target, TradingState previous, TradingState state, TripCause cause, string reason, long sequence);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Finding: {Signature} on {Scope} {Target}, severity {Severity}, score {Score:F2}: {Detail}")]
    public static partial void Finding(ILogger logger, Signature signature, Scope scope, string target, Severity severity, double score, string detail);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Risk pipeline started: {Instruments} instruments, {Detectors} detectors, ring of {Capacity} events")]
    public static partial void Started(ILogger logger, int instruments, int detectors, int capacity);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "Risk pipeline stopped after draining: {Evaluated} events evaluated, {Findings} findings")]
    public static partial void Stopped(ILogger logger, long evaluated, long findings);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "{Dropped} findings were beyond the log's capacity and are not logged")]
    public static partial void FindingsDropped(ILogger logger, long dropped);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Configuration reloaded: limits version {Previous} -> {Version} swapped in (reload #{Applied})")]
    public static partial void ConfigReloaded(ILogger logger, long previous, long version, long applied);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "Configuration reload refused ({Count} errors): {Errors}. The running limits (version {Version}) stay (refused reload #{Refused})")]
    public static partial void ConfigReloadRefused(ILogger logger, int count, string errors, long version, long refused);
}
