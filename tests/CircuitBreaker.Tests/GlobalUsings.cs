// The core's namespaces follow its folders (docs/architecture.md); inside this project they are all in scope.
// The layering test reads compiled type references, so these usings cannot hide an upward dependency.
global using CircuitBreaker;
global using CircuitBreaker.Config;
global using CircuitBreaker.Detectors;
global using CircuitBreaker.Events;
global using CircuitBreaker.Gate;
global using CircuitBreaker.Incidents;
global using CircuitBreaker.Journal;
global using CircuitBreaker.Limits;
global using CircuitBreaker.Pipeline;
global using CircuitBreaker.Positions;
global using CircuitBreaker.Replay;
global using CircuitBreaker.Reports;
global using CircuitBreaker.Ring;
global using CircuitBreaker.State;
global using CircuitBreaker.Tape;
global using CircuitBreaker.Telemetry;
global using CircuitBreaker.Tests.Support;
global using Microsoft.Extensions.Time.Testing;
