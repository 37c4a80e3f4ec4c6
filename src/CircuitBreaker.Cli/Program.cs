namespace CircuitBreaker.Cli;

/// <summary>Entry point of the <c>circuit-breaker</c> tool.</summary>
public static class Program
{
    /// <summary>Runs a command; returns 0 on success, 2 on bad usage or unreadable input.</summary>
    public static int Main(string[] args) => new CliApp(Console.Out, Console.Error, !Console.IsOutputRedirected).Run(args);
}
