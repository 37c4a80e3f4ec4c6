using System.Diagnostics;
using System.Text.Json;

namespace CircuitBreaker.Tests.Support;

/// <summary>
/// A nats-server with JetStream for one test: loopback, a random port (-p -1, read from --ports_file_dir), its own store
/// directory, output to a file (so it cannot hold the test's pipes). <see cref="Kill"/> and <see cref="Restart"/> (same
/// port, same store) exercise a server restart. Fails with a clear message when nats-server is not installed (.ci/run
/// installs it).
/// </summary>
internal sealed class NatsServer : IDisposable
{
    private readonly string _dir;
    private readonly string? _config;
    private Process? _process;

    public int Port { get; private set; }
    public string Url => $"nats://127.0.0.1:{Port}";
    public string StoreDir => Path.Combine(_dir, "store");

    /// <param name="config">Optional server configuration text (authorization, cluster...).</param>
    /// <param name="extraArgs">Extra command-line arguments.</param>
    public NatsServer(string? config = null, params string[] extraArgs)
    {
        _dir = Directory.CreateTempSubdirectory("cb-nats-").FullName;
        if (config is not null) { _config = Path.Combine(_dir, "server.conf"); File.WriteAllText(_config, config); }
        ExtraArgs = extraArgs;
        Start(-1);
    }

    private string[] ExtraArgs { get; }

    public static string Binary =>
        new[] { "/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("nats-server is not installed (apt-get install -y nats-server; .ci/run does it)");

    private void Start(int port)
    {
        var ports = Path.Combine(_dir, "ports");
        Directory.CreateDirectory(ports);
        foreach (var f in Directory.GetFiles(ports)) File.Delete(f);
        var psi = new ProcessStartInfo(Binary) { UseShellExecute = false, RedirectStandardOutput = false, RedirectStandardError = false };
        foreach (var a in new[] { "-a", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-m", "-1", "-js", "-sd", StoreDir,
                     "--ports_file_dir", ports, "-l", Path.Combine(_dir, "server.log") })
            psi.ArgumentList.Add(a);
        if (_config is not null) { psi.ArgumentList.Add("-c"); psi.ArgumentList.Add(_config); }
        foreach (var a in ExtraArgs) psi.ArgumentList.Add(a);
        _process = Process.Start(psi) ?? throw new InvalidOperationException("nats-server did not start");
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            var file = Directory.GetFiles(ports).FirstOrDefault();
            if (file is not null)
            {
                try
                {
                    using var doc = JsonDocument.Parse(File.ReadAllText(file));
                    var url = doc.RootElement.GetProperty("nats")[0].GetString()!;
                    Port = new Uri(url).Port;
                    return;
                }
                catch (Exception ex) when (ex is JsonException or IOException or KeyNotFoundException) { /* half written: read again */ }
            }
            if (_process.HasExited) throw new InvalidOperationException($"nats-server exited ({_process.ExitCode}): {Log}");
            Thread.Sleep(20);
        }
        throw new InvalidOperationException("nats-server did not report its port within 15 s: " + Log);
    }

    public string Log => File.Exists(Path.Combine(_dir, "server.log")) ? File.ReadAllText(Path.Combine(_dir, "server.log")) : "";

    /// <summary>Kills the server (SIGKILL): no goodbye to the clients.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false }) { _process.Kill(); _process.WaitForExit(10_000); }
        _process?.Dispose();
        _process = null;
    }

    /// <summary>Starts it again on the same port with the same store.</summary>
    public void Restart() => Start(Port);

    public void Dispose()
    {
        Kill();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
