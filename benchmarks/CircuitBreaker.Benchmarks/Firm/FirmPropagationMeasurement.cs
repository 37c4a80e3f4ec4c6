using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using CircuitBreaker.Benchmarks.Latency;
using CircuitBreaker.Nats;

namespace CircuitBreaker.Benchmarks.Firm;

/// <summary>
/// <c>firm_propagation/nats</c>: an operator's firm command (alternately halt and resume account mm-1) to the kill-switch
/// callback in each of 3 engine processes (<c>circuit-breaker firm engine</c>), on a nats-server this measurement starts
/// (loopback, JetStream, random port). One sample per (command, engine): the engine's wall clock at its callback minus the
/// operator's just before the write (same host, same clock). Halfway, the server is killed and restarted on the same
/// port and store; the note counts commands not applied by every engine (lost) after the run.
/// </summary>
internal sealed class FirmPropagationMeasurement : ILatencyMeasurement
{
    public string Name => "firm_propagation";
    public string Impl => "nats";
    public bool IsOurs => true;

    public LatencyResult Run(HarnessSettings settings)
    {
        int commands = settings.IsQuick ? 200 : 1000;
        using var server = new Server();
        var engines = new[] { "eng-a", "eng-b", "eng-c" }.Select(n => new Engine(server.Url, n)).ToList();
        try
        {
            foreach (var e in engines) e.WaitReady();
            return RunAsync(server, engines, commands).GetAwaiter().GetResult();
        }
        finally { foreach (var e in engines) e.Dispose(); }
    }

    private async Task<LatencyResult> RunAsync(Server server, List<Engine> engines, int commands)
    {
        var h = new LatencyHistogram();
        var starts = new List<long>();
        int refusedRetries = 0;
        var sw = Stopwatch.StartNew();
        FirmOperator op = await FirmOperator.ConnectAsync(new FirmLinkOptions { Url = server.Url, Name = "bench" });
        for (int k = 0; k < 20; k++) // warm-up, not recorded
            await op.CommandAsync(Scope.Account, "mm-1", k % 2 == 0 ? TradingState.Halted : TradingState.Active, "warm-up", TimeSpan.FromSeconds(5));
        int warm = 20;
        for (int k = 0; k < commands; k++)
        {
            if (k == commands / 2)
            {
                await op.DisposeAsync();
                server.Kill();
                Thread.Sleep(300);
                server.Restart();
                while (true)
                {
                    try { op = await FirmOperator.ConnectAsync(new FirmLinkOptions { Url = server.Url, Name = "bench" }); break; }
                    catch (Exception ex) when (ex is NATS.Client.Core.NatsException or TimeoutException or OperationCanceledException) { refusedRetries++; await Task.Delay(100); }
                }
            }
            var state = (warm + k) % 2 == 0 ? TradingState.Halted : TradingState.Active;
            FirmCommandResult r;
            while (true)
            {
                r = await op.CommandAsync(Scope.Account, "mm-1", state, "bench", TimeSpan.FromSeconds(10));
                if (r.Refused is null) break;
                refusedRetries++;
                await Task.Delay(100);
            }
            starts.Add(r.StartedUnixNs);
        }
        double seconds = sw.Elapsed.TotalSeconds;
        await op.DisposeAsync();
        Thread.Sleep(500);
        int lost = 0;
        foreach (var e in engines)
        {
            var times = e.AccountTimes();
            // Every command is one change in force on every engine; the first `warm` are the warm-up.
            if (times.Count < warm + commands) { lost = Math.Max(lost, warm + commands - times.Count); continue; }
            for (int k = 0; k < commands; k++) h.Record(Math.Max(0, times[warm + k] - starts[k]));
        }
        string note = $"3 engine processes, {commands} commands, server restarted at command {commands / 2}; lost {lost}; retried writes {refusedRetries}";
        return LatencyResult.From(this, h, h.Count, seconds, 0, 0, note);
    }

    /// <summary>nats-server on a random loopback port, with a store; killable and restartable on the same port.</summary>
    private sealed class Server : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("cb-bench-nats-").FullName;
        private Process? _p;
        public int Port { get; private set; }
        public string Url => $"nats://127.0.0.1:{Port}";
        public Server() => Start(-1);

        private void Start(int port)
        {
            var ports = Path.Combine(_dir, "ports");
            Directory.CreateDirectory(ports);
            foreach (var f in Directory.GetFiles(ports)) File.Delete(f);
            var psi = new ProcessStartInfo("nats-server") { UseShellExecute = false };
            foreach (var a in new[] { "-a", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-m", "-1", "-js", "-sd", Path.Combine(_dir, "store"), "--ports_file_dir", ports, "-l", Path.Combine(_dir, "log") })
                psi.ArgumentList.Add(a);
            _p = Process.Start(psi)!;
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < TimeSpan.FromSeconds(15))
            {
                if (Directory.GetFiles(ports).FirstOrDefault() is { } file)
                {
                    try { Port = new Uri(JsonDocument.Parse(File.ReadAllText(file)).RootElement.GetProperty("nats")[0].GetString()!).Port; return; }
                    catch (Exception ex) when (ex is JsonException or IOException) { }
                }
                Thread.Sleep(20);
            }
            throw new InvalidOperationException("nats-server did not start");
        }

        public void Kill() { _p?.Kill(); _p?.WaitForExit(); _p?.Dispose(); _p = null; }
        public void Restart() => Start(Port);
        public void Dispose() { Kill(); try { Directory.Delete(_dir, true); } catch (IOException) { } }
    }

    /// <summary>An engine process; collects the wall_ns of each account mm-1 change it prints.</summary>
    private sealed class Engine : IDisposable
    {
        private readonly Process _p;
        private readonly List<long> _times = [];
        private volatile bool _ready;

        public Engine(string url, string name)
        {
            var psi = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "circuit-breaker.dll"), "firm", "engine", "--server", url, "--name", name, "--grace", "5s" })
                psi.ArgumentList.Add(a);
            _p = Process.Start(psi)!;
            _p.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not { } line) return;
                if (line.StartsWith("ready", StringComparison.Ordinal)) _ready = true;
                int at = line.IndexOf("wall_ns=", StringComparison.Ordinal);
                if (line.Contains(" account mm-1 ", StringComparison.Ordinal) && at > 0)
                    lock (_times) _times.Add(long.Parse(line[(at + 8)..], CultureInfo.InvariantCulture));
            };
            _p.ErrorDataReceived += (_, _) => { };
            _p.BeginOutputReadLine();
            _p.BeginErrorReadLine();
        }

        public void WaitReady()
        {
            var sw = Stopwatch.StartNew();
            while (!_ready) { if (sw.Elapsed > TimeSpan.FromSeconds(30)) throw new InvalidOperationException("engine not ready"); Thread.Sleep(20); }
        }

        public List<long> AccountTimes() { lock (_times) return [.. _times]; }

        public void Dispose()
        {
            try { _p.StandardInput.Close(); } catch (IOException) { }
            if (!_p.WaitForExit(5000)) _p.Kill(true);
            _p.Dispose();
        }
    }
}
