using CircuitBreaker.Cli;

namespace CircuitBreaker.Tests.Support;

/// <summary>Runs the <c>circuit-breaker</c> tool in-process, as a user would from the shell: exit code, stdout, stderr.</summary>
internal static class CliRun
{
    public static (int Rc, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int rc = new CliApp(o, e).Run(args);
        return (rc, o.ToString(), e.ToString());
    }
}
