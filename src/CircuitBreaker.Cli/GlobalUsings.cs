// Beyond the core's namespaces (Directory.Build.targets, CoreNamespacesInScope):
global using CircuitBreaker.Nats;
