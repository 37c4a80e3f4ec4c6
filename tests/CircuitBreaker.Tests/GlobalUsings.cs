// Beyond the core's namespaces (Directory.Build.targets, CoreNamespacesInScope):
global using CircuitBreaker.Tests.Support;
global using Microsoft.Extensions.Time.Testing;
