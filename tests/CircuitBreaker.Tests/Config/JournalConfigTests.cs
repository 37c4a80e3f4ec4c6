using System.Text;

namespace CircuitBreaker.Tests.Config;

/// <summary>
/// <c>pipeline.journal</c> in the configuration file: an operator turns the pipeline's journal on from the same file the
/// CLI and the hosting package read, every setting checked with its JSON path, and the writer round-trips it.
/// </summary>
public class JournalConfigTests
{
    private const string Instruments = """ "instruments": [ { "symbol": "BTC-PERP", "kind": "perpetual", "tick": 0.5, "lot": 0.001 } ] """;

    private static RiskConfigLoadResult Load(string pipeline)
        => RiskConfigFile.Parse("{" + Instruments + ", \"pipeline\": " + pipeline + "}");

    [Fact]
    public void Load_JournalSection_SetsThePipelineJournal()
    {
        var r = Load("""
            { "journal": { "base_path": "/var/lib/cb/session", "buffer_bytes": 8192, "max_payload_bytes": 1024,
                           "max_file_bytes": 1048576, "poll_interval_ms": 2.5, "flush_to_disk": true } }
            """);
        Assert.True(r.Succeeded, string.Join("; ", r.Errors));
        var j = r.PipelineOptions!.Journal!;
        Assert.Equal("/var/lib/cb/session", j.BasePath);
        Assert.Equal(8192, j.BufferBytes);
        Assert.Equal(1024, j.MaxPayloadBytes);
        Assert.Equal(1048576, j.MaxFileBytes);
        Assert.Equal(TimeSpan.FromMilliseconds(2.5), j.PollInterval);
        Assert.True(j.FlushToDisk);
        j.Validate(); // what the file accepts, the writer accepts
    }

    [Fact]
    public void Load_NoJournalSection_NoJournal_AndOnlyBasePathTakesEveryOtherDefault()
    {
        Assert.Null(Load("""{ "capacity": 1024 }""").PipelineOptions!.Journal);
        var j = Load("""{ "journal": { "base_path": "j/run" } }""").PipelineOptions!.Journal!;
        var d = new JournalWriterOptions();
        Assert.Equal(("j/run", d.BufferBytes, d.MaxPayloadBytes, d.MaxFileBytes, d.PollInterval, d.FlushToDisk),
            (j.BasePath, j.BufferBytes, j.MaxPayloadBytes, j.MaxFileBytes, j.PollInterval, j.FlushToDisk));
    }

    [Fact]
    public void Load_BadJournal_EveryErrorWithItsPath()
    {
        var r = Load("""
            { "journal": { "buffer_bytes": 5000, "max_payload_bytes": -1, "max_file_bytes": 100,
                           "poll_interval_ms": 0, "flush_to_disk": "yes", "rotate": 1 } }
            """);
        Assert.False(r.Succeeded);
        var errors = r.Errors.Select(e => e.ToString()).ToArray();
        Assert.Contains(errors, e => e.StartsWith("$.pipeline.journal.buffer_bytes: must be a power of two"));
        Assert.Contains(errors, e => e.StartsWith("$.pipeline.journal.max_payload_bytes: "));
        Assert.Contains(errors, e => e.StartsWith("$.pipeline.journal.max_file_bytes: "));
        Assert.Contains(errors, e => e.StartsWith("$.pipeline.journal.poll_interval_ms: "));
        Assert.Contains(errors, e => e.StartsWith("$.pipeline.journal.flush_to_disk: "));
        Assert.Contains(errors, e => e.StartsWith("$.pipeline.journal.rotate: unknown"));
        Assert.Contains(errors, e => e == "$.pipeline.journal.base_path: is required (path prefix of the journal files)");
        Assert.Equal(7, errors.Length);
    }

    [Fact]
    public void Load_PayloadOverAQuarterOfTheBuffer_Refused()
    {
        var errors = Load("""{ "journal": { "base_path": "j", "buffer_bytes": 8192, "max_payload_bytes": 4096 } }""").Errors.Select(e => e.ToString()).ToArray();
        Assert.Equal(["$.pipeline.journal.max_payload_bytes: must be at most buffer_bytes / 4 = 2048 (was 4096)"], errors);
        Assert.Equal(["$.pipeline.journal: must be an object (was a string)"], Load("""{ "journal": "on" }""").Errors.Select(e => e.ToString()).ToArray());
    }

    [Fact]
    public void Write_PipelineWithJournal_RoundTrips()
    {
        var first = Load("""{ "journal": { "base_path": "journal/desk-a", "buffer_bytes": 65536, "max_file_bytes": 8388608, "poll_interval_ms": 5 } }""");
        var text = RiskConfigFile.WriteToString(first.Config, first.PipelineOptions);
        Assert.Contains("\"journal\"", text);
        var again = RiskConfigFile.Parse(text);
        Assert.True(again.Succeeded, string.Join("; ", again.Errors));
        var (a, b) = (first.PipelineOptions!.Journal!, again.PipelineOptions!.Journal!);
        Assert.Equal((a.BasePath, a.BufferBytes, a.MaxPayloadBytes, a.MaxFileBytes, a.PollInterval, a.FlushToDisk),
            (b.BasePath, b.BufferBytes, b.MaxPayloadBytes, b.MaxFileBytes, b.PollInterval, b.FlushToDisk));
        Assert.DoesNotContain("\"journal\"", RiskConfigFile.WriteToString(first.Config, new RiskPipelineOptions()));
    }
}
