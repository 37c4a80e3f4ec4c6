using System.Diagnostics;

namespace CircuitBreaker.Tests.Samples;

/// <summary>samples/FirmDesk runs its scripted incident against a real server: the runaway halt reaches every engine,
/// the operator's resume is acknowledged by all three.</summary>
[Collection(nameof(CircuitBreaker.Tests.Firm.FirmCollection))]
public class FirmDeskSampleTests
{
    private static string SampleDll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CircuitBreaker.sln"))) dir = dir.Parent;
        string config = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        return Path.Combine(dir!.FullName, "samples", "FirmDesk", "bin", config, "net10.0", "FirmDesk.dll");
    }

    [Fact]
    public async Task FirmDesk_RunawayHaltsTheAccountOnAllThreeEngines_OperatorResumeAckedByAll()
    {
        using var server = new NatsServer();
        string dll = SampleDll();
        Assert.True(File.Exists(dll), $"{dll} not built (the solution builds it)");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add(server.Url);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        Assert.True(p.WaitForExit(60_000), output);
        string errors = await stderr;
        Assert.True(p.ExitCode == 0, output + errors);
        Assert.Contains("[eng-a] kill switch: Account mm-1 Active -> Halted (origin Local, OrderRate)", output);
        foreach (var e in new[] { "eng-b", "eng-c" })
        {
            // provenance: eng-a's propagated trip with eng-a's own reason; the desk's resume
            Assert.Contains($"[{e}] kill switch: Account mm-1 Active -> Halted (origin FirmEngine eng-a, OrderRate)", output);
            Assert.Contains($"[{e}] kill switch: Account mm-1 Halted -> Active (origin FirmOperator ", output);
        }
        foreach (var e in new[] { "eng-a", "eng-b", "eng-c" })
        {
            Assert.Matches($@"desk: {e} acknowledged the resume in \d+\.\d ms", output);
            Assert.Contains($"{e}: mm-1 is Active", output);
        }
        Assert.Contains("desk: firm restriction e.eng-a.account.mm-1: account mm-1 halted by eng-a (OrderRate)", output);
    }
}
