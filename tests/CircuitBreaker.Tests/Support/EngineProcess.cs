using System.Diagnostics;

namespace CircuitBreaker.Tests.Support;

/// <summary>
/// <c>circuit-breaker firm engine</c> in a child process (<c>dotnet circuit-breaker.dll</c> from the test's output),
/// its output collected line by line. Closing standard input stops it; <see cref="Kill"/> kills it.
/// </summary>
internal sealed class EngineProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];

    public string Name { get; }

    public EngineProcess(string url, string name, params string[] extra)
    {
        Name = name;
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "circuit-breaker.dll"), "firm", "engine", "--server", url, "--name", name })
            psi.ArgumentList.Add(a);
        foreach (var a in extra) psi.ArgumentList.Add(a);
        _process = Process.Start(psi) ?? throw new InvalidOperationException("engine did not start");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_lines) _lines.Add(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_lines) _lines.Add("stderr: " + e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string[] Lines { get { lock (_lines) return [.. _lines]; } }
    public string Output => string.Join("\n", Lines);

    /// <summary>Waits until a line matches; false after <paramref name="timeout"/>.</summary>
    public bool WaitFor(Func<string, bool> match, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < timeout)
        {
            if (Lines.Any(match)) return true;
            if (_process.HasExited) return Lines.Any(match);
            Thread.Sleep(20);
        }
        return false;
    }

    /// <summary>Closes standard input: the engine stops.</summary>
    public void Stop()
    {
        try { _process.StandardInput.Close(); } catch (IOException) { }
        if (!_process.WaitForExit(10_000)) Kill();
    }

    public void Kill()
    {
        try { if (!_process.HasExited) _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
