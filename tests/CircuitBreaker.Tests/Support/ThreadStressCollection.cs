namespace CircuitBreaker.Tests.Support;

/// <summary>
/// Tests that run many hot threads at once (gate races). They run alone, after the parallel tests: on a 2-core machine
/// eight spinning threads starve everything else, and tests that run a live pipeline with a wall-clock watchdog (the
/// sample engine's lockstep story) must not share the CPU with them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ThreadStressCollection
{
    public const string Name = "thread stress";
}
