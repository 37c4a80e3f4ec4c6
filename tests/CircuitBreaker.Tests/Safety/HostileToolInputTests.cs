using CircuitBreaker.Tests.Support;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using CircuitBreaker.Cli;

namespace CircuitBreaker.Tests.Safety;

/// <summary>
/// Hostile input through the tool (issue 16, items 7, 10, 11, 13-15, 17), run through the CLI entry point in-process and
/// through the public API: each ends in a clear error (a bad record with its line and reason for tapes, an error with its
/// JSON path and exit 2 for configurations, exit 2 for unreadable tapes), never an unhandled exception, a hang or OOM.
/// </summary>
public sealed class HostileToolInputTests : IDisposable
{
    private const string Head = """
        {"t":0,"type":"instrument","symbol":"BTC-PERP","kind":"perpetual","underlying":"BTC","tick":0.1,"lot":0.001}
        {"t":1000,"type":"oracle","symbol":"BTC","px":64000.0,"source":"index"}
        {"t":2000,"type":"trade","symbol":"BTC-PERP","px":64000.0,"qty":0.25,"aggressor":"buy"}
        """;

    private const string Instrument = """{"symbol":"BTC-PERP","kind":"perpetual","tick":0.1,"lot":0.001}""";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"cb-hostile-{Guid.NewGuid():N}");

    public HostileToolInputTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    internal static (int Rc, string Out, string Err) Cli(params string[] args) => CliRun.Run(args);

    private string File(string name, string text) => File(name, Encoding.UTF8.GetBytes(text));

    private string File(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    // ---- item 10: blank names in tape records --------------------------------------------------------------------

    public static TheoryData<string, string> BlankNames => new()
    {
        { """{"t":3000,"type":"order","symbol":"BTC-PERP","id":1,"account":"","side":"buy","px":64000.0,"qty":0.1}""", "field 'account' must not be empty or white space" },
        { """{"t":3000,"type":"order","symbol":"BTC-PERP","id":1,"account":" \t","side":"buy","px":64000.0,"qty":0.1}""", "field 'account' must not be empty or white space" },
        { """{"t":3000,"type":"order","symbol":"BTC-PERP","id":1,"account":"  ","action":"cancel"}""", "field 'account' must not be empty or white space" },
        { """{"t":3000,"type":"fill","symbol":"BTC-PERP","order_id":1,"account":"  ","side":"buy","px":64000.0,"qty":0.1}""", "field 'account' must not be empty or white space" },
        { """{"t":3000,"type":"position","symbol":"BTC-PERP","account":" ","qty":0.1}""", "field 'account' must not be empty or white space" },
        { """{"t":3000,"type":"chain","kind":"borrow","asset":"USDC","amount":5,"account":" "}""", "field 'account' must not be empty or white space" },
        { """{"t":3000,"type":"admin","action":"halt","scope":"account","target":" "}""", "field 'target' must not be empty or white space" },
        { """{"t":3000,"type":"admin","action":"halt","scope":"instrument","target":""}""", "field 'target' must not be empty or white space" },
        { """{"t":3000,"type":"instrument","symbol":" ","kind":"spot","tick":0.1,"lot":1}""", "field 'symbol' must not be empty or white space" },
        { """{"t":3000,"type":"instrument","symbol":"B","kind":"barrier_option","tick":0.1,"lot":1}""", "a barrier_option needs field 'barrier_kind'" },
        { """{"t":3000,"type":"instrument","symbol":"B","kind":"barrier_option","tick":0.1,"lot":1,"barrier_kind":"up_and_out"}""", "a barrier_option needs field 'barrier' greater than 0" },
        { """{"t":3000,"type":"instrument","symbol":"B","kind":"spot","tick":0.1,"lot":1,"barrier_kind":"up_and_out"}""", "only a barrier_option takes field 'barrier_kind'" },
    };

    [Theory]
    [MemberData(nameof(BlankNames))]
    public void Replay_BlankNameOrBadDeclaration_IsABadRecordWithLineAndReason(string record, string reason)
    {
        const string After = """{"t":4000,"type":"order","symbol":"BTC-PERP","id":2,"account":"mm-1","side":"buy","px":64000.0,"qty":0.1}""";
        string tape = File("t.jsonl", Head + "\n" + record + "\n" + After + "\n");
        var (rc, o, e) = Cli("replay", tape);
        Assert.Equal(CliApp.Ok, rc);
        Assert.Contains($"bad record: {tape}: line 4: {reason}", e);
        Assert.Contains("(1 bad,", o);
        Assert.Contains("1 checked", o); // the good order after it was replayed
    }

    [Fact]
    public void TapeWriter_BlankAccount_RefusedBeforeWriting()
    {
        using var w = new TapeWriter(new MemoryStream());
        w.Write(new TapeRecord { Type = TapeRecordType.Instrument, Symbol = "X", InstrumentKind = InstrumentKind.Spot, Tick = 1, Lot = 1 });
        var ex = Assert.Throws<ArgumentException>(() => w.Write(new TapeRecord
        {
            T = 1, Type = TapeRecordType.Order, Symbol = "X", OrderId = 1, Account = " ", Side = Side.Buy, Px = 1, Qty = 1,
        }));
        Assert.Contains("field 'account' must not be empty or white space", ex.Message);
    }

    // ---- item 7: chain counterparties are not trading accounts ----------------------------------------------------

    [Fact]
    public void Replay_HundredsOfChainCounterparties_DoNotFillTheAccountCapacity()
    {
        var sb = new StringBuilder(Head).Append('\n');
        for (int i = 0; i < 300; i++)
            sb.Append($$"""{"t":{{3000 + i}},"type":"chain","kind":"borrow","asset":"USDC","amount":1000,"account":"0xborrower{{i}}","block":{{i}}}""").Append('\n');
        sb.Append("""{"t":4000,"type":"order","symbol":"BTC-PERP","id":1,"account":"mm-1","side":"buy","px":64000.0,"qty":0.1}""").Append('\n');
        byte[] bytes = Encoding.UTF8.GetBytes(sb.ToString());
        RiskConfig config;
        using (var first = new TapeReader(new MemoryStream(bytes), "t")) config = ReplayEngine.BuildConfigFromTape(first.ReadAll(), BreakerProfiles.Default);
        using var reader = new TapeReader(new MemoryStream(bytes), "t");
        var result = new ReplayEngine(config).Run(reader);

        Assert.Equal(256, config.AccountCapacity);
        Assert.Equal(0, result.Report.BadRecords);
        Assert.Equal(1, result.Report.Orders.Checked);
        Assert.False(result.Report.Orders.RejectedByReason.ContainsKey(nameof(RejectReason.UnknownAccount)),
            "a real account's order was rejected UnknownAccount: chain counterparties took the account slots");
        Assert.Equal(1, result.Report.Orders.Accepted);
        Assert.Equal(["mm-1"], result.Accounts.Select(a => a.Name));
    }

    // ---- item 11: invalid UTF-8 in a configuration ----------------------------------------------------------------

    public static TheoryData<string, string> BadUtf8Configs => new()
    {
        { """{"instruments":[{"symbol":"B#","kind":"spot","tick":0.1,"lot":1}]}""", "$.instruments[0].symbol" },
        { """{"instruments":[{"symbol":"B","kind":"sp#ot","tick":0.1,"lot":1}]}""", "$.instruments[0].kind" },
        { """{"instruments":[{"symbol":"B","k#ind":"spot","tick":0.1,"lot":1}]}""", "$.instruments[0]" },
        { """{"$schema":"x#","instruments":[{"symbol":"B","kind":"spot","tick":0.1,"lot":1}]}""", "$['$schema']" },
        { """{"instruments":[{"symbol":"B","kind":"spot","tick":0.1,"lot":1}],"accounts":[{"name":"a#"}]}""", "$.accounts[0].name" },
        { """{"instruments":[{"symbol":"B","kind":"spot","tick":0.1,"lot":1}],"playbooks":{"rules":[{"signatures":["x#"],"actions":[{"action":"halt"}]}]}}""", "$.playbooks.rules[0].signatures[0]" },
    };

    /// <summary>'#' in the text stands for the byte 0xFF, never valid in UTF-8.</summary>
    private static byte[] WithInvalidByte(string text) => [.. Encoding.UTF8.GetBytes(text).Select(b => b == (byte)'#' ? (byte)0xFF : b)];

    [Theory]
    [MemberData(nameof(BadUtf8Configs))]
    public void ConfigCheck_InvalidUtf8_ErrorWithJsonPath_Exit2(string json, string path)
    {
        string file = File("c.json", WithInvalidByte(json));
        var loaded = RiskConfigFile.Load(file);
        Assert.False(loaded.Succeeded);
        Assert.Contains(loaded.Errors, e => e.Path == path && e.Message.Contains("not valid UTF-8", StringComparison.Ordinal));

        var (rc, o, e) = Cli("config", "check", file);
        Assert.Equal(CliApp.Usage, rc);
        Assert.Contains($"  {path}: ", e);
        Assert.DoesNotContain("valid (", o);
    }

    [Fact]
    public void Replay_ConfigWithInvalidUtf8_Exit2BeforeReadingTheTape()
    {
        string cfg = File("c.json", WithInvalidByte("""{"instruments":[{"symbol":"BTC-PERP","kind":"perpetual","tick":0.1,"lot":0.001,"underlying":"B#"}]}"""));
        string tape = File("t.jsonl", Head);
        var (rc, _, e) = Cli("replay", tape, "--config", cfg);
        Assert.Equal(CliApp.Usage, rc);
        Assert.Contains("$.instruments[0].underlying: is not valid UTF-8 text", e);
    }

    [Theory]
    [InlineData("{\"$schema\":\"\\ud800\",\"instruments\":[" + Instrument + "]}", "$['$schema']")]      // escaped lone surrogate
    [InlineData("{\"instruments\":[" + Instrument + "],\"accounts\":[{\"name\":\"\\udc00x\"}]}", "$.accounts[0].name")]
    public void Parse_EscapedLoneSurrogate_ErrorWithJsonPath(string json, string path)
    {
        var loaded = RiskConfigFile.Parse(json);
        Assert.False(loaded.Succeeded);
        Assert.Contains(loaded.Errors, e => e.Path == path);
    }

    [Fact]
    public void Parse_StringWithRawLoneSurrogate_ErrorNotException()
    {
        var loaded = RiskConfigFile.Parse("{\"$schema\":\"\uD800\",\"instruments\":[" + Instrument + "]}");
        Assert.False(loaded.Succeeded);
        Assert.Equal("$", Assert.Single(loaded.Errors).Path);
    }

    // ---- item 17: config check that says "valid" for a config that rejects everything; BOM; .NET type names --------

    [Theory]
    [InlineData("""{"defaults":{"instrument":{"min_order_quantity":10}},"instruments":[{"symbol":"B","kind":"spot","tick":0.1,"lot":1,"limits":{"max_order_quantity":5}}]}""",
        "$.instruments[0].limits.max_order_quantity")]
    [InlineData("""{"defaults":{"instrument":{"max_order_quantity":5}},"instruments":[{"symbol":"B","kind":"spot","tick":0.1,"lot":1,"limits":{"min_order_quantity":10}}]}""",
        "$.instruments[0].limits.min_order_quantity")]
    [InlineData("""{"instruments":[{"symbol":"B","kind":"spot","tick":0.1,"lot":3,"limits":{"max_order_quantity":2}}]}""",
        "$.instruments[0].limits.max_order_quantity")]
    [InlineData("""{"defaults":{"instrument":{"max_order_quantity":0.5}},"instruments":[{"symbol":"B","kind":"spot","tick":0.1,"lot":1}]}""",
        "$.defaults.instrument.max_order_quantity")]
    public void ConfigCheck_EffectiveMinAboveEffectiveMax_ErrorWithPath_Exit2(string json, string path)
    {
        string file = File("c.json", json);
        var (rc, o, e) = Cli("config", "check", file);
        Assert.Equal(CliApp.Usage, rc);
        Assert.DoesNotContain("valid (", o);
        Assert.Contains($"  {path}: instrument 'B' would reject every order", e);
    }

    [Fact]
    public void ConfigCheck_EffectiveLimitsThatFit_StillValid()
    {
        string file = File("c.json", """{"defaults":{"instrument":{"min_order_quantity":2}},"instruments":[{"symbol":"B","kind":"spot","tick":0.1,"lot":1,"limits":{"max_order_quantity":2}}]}""");
        var (rc, o, _) = Cli("config", "check", file);
        Assert.Equal(CliApp.Ok, rc);
        Assert.Contains("valid (", o);
    }

    [Fact]
    public void ConfigCheck_Utf8ByteOrderMark_IsSkipped()
    {
        string file = File("c.json", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("{\"instruments\":[" + Instrument + "]}")]);
        var (rc, o, e) = Cli("config", "check", file);
        Assert.True(rc == CliApp.Ok, e);
        Assert.Contains("valid (", o);
        Assert.True(RiskConfigFile.Parse("\uFEFF{\"instruments\":[" + Instrument + "]}").Succeeded);
    }

    [Theory]
    [InlineData("""{"rules":{"a":1}}""", "$.playbooks.rules: must be an array")]
    [InlineData("""{"rules":[{"signatures":"flash_loan","actions":[{"action":"halt"}]}]}""", "$.playbooks.rules[0].signatures: must be an array")]
    [InlineData("""{"rules":[{"signatures":[1],"actions":[{"action":"halt"}]}]}""", "$.playbooks.rules[0].signatures[0]: must be a string")]
    [InlineData("""{"rules":[{"signatures":["flash_loan"],"limits":"yes","actions":[{"action":"halt"}]}]}""", "$.playbooks.rules[0].limits: must be true or false")]
    [InlineData("""{"rules":[{"signatures":["flash_loan"],"actions":[{"action":"throttle","scale":"half"}]}]}""", "$.playbooks.rules[0].actions[0].scale: must be a number")]
    [InlineData("""{"rules":[1]}""", "$.playbooks.rules[0]: must be an object")]
    public void ConfigCheck_PlaybookOfWrongShape_PlainWordsNotDotNetTypeNames(string playbooks, string expected)
    {
        string file = File("c.json", "{\"instruments\":[" + Instrument + "],\"playbooks\":" + playbooks + "}");
        var (rc, _, e) = Cli("config", "check", file);
        Assert.Equal(CliApp.Usage, rc);
        Assert.Contains(expected, e);
        Assert.DoesNotContain("System.", e);
        Assert.DoesNotContain("`1", e);
        Assert.DoesNotContain("CircuitBreaker.", e);
    }

    // ---- item 13: truncated or corrupt gzip tapes -----------------------------------------------------------------

    private static string DrillTape()
    {
        var sb = new StringBuilder(Head).Append('\n');
        for (int i = 0; i < 4000; i++)
            sb.Append($$"""{"t":{{3000 + i * 1000}},"type":"quote","symbol":"BTC-PERP","bid":{{63990 + i % 7}}.0,"ask":{{64000 + i % 5}}.0,"bid_qty":1.5,"ask_qty":2.5}""").Append('\n');
        return sb.ToString();
    }

    private static byte[] Gzip(string text)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(Encoding.UTF8.GetBytes(text));
        return ms.ToArray();
    }

    [Theory]
    [InlineData(0.5, 0)]   // inside the compressed data
    [InlineData(1.0, 8)]   // the whole trailer missing
    [InlineData(1.0, 4)]   // half the trailer (the size) missing
    [InlineData(1.0, 1)]   // one byte of the trailer missing
    public void Replay_TruncatedGzipTape_Exit2WithError(double fraction, int cutFromEnd)
    {
        byte[] gz = Gzip(DrillTape());
        int length = (int)(gz.Length * fraction) - cutFromEnd;
        string tape = File("cut.jsonl.gz", gz[..length]);
        var (rc, _, e) = Cli("replay", tape);
        Assert.Equal(CliApp.Usage, rc);
        Assert.Contains("truncated", e);

        using var reader = TapeReader.Open(tape);
        Assert.Throws<TapeFormatException>(() => { while (reader.TryRead(out _)) { } });
    }

    [Fact]
    public void Replay_CompleteGzipTapes_SingleOrManyMembers_ReplayLikeThePlainTape()
    {
        string text = DrillTape();
        string[] lines = text.Split('\n');
        byte[] multi = [.. Gzip(string.Join('\n', lines[..1500]) + "\n"), .. Gzip(string.Join('\n', lines[1500..]))];
        var plain = Cli("replay", File("t.jsonl", text), "--report", Path.Combine(_dir, "plain.json"));
        var one = Cli("replay", File("one.jsonl.gz", Gzip(text)), "--report", Path.Combine(_dir, "one.json"));
        var many = Cli("replay", File("many.jsonl.gz", multi), "--report", Path.Combine(_dir, "many.json"));
        Assert.Equal(CliApp.Ok, plain.Rc);
        Assert.True(one.Rc == CliApp.Ok, one.Err);
        Assert.True(many.Rc == CliApp.Ok, many.Err);
        Assert.Contains("4,003 records (0 bad", one.Out);
        Assert.Contains("4,003 records (0 bad", many.Out);
        static string Body(string path) => string.Join('\n', System.IO.File.ReadAllLines(path).Where(l => !l.Contains("\"tape\"", StringComparison.Ordinal)));
        Assert.Equal(Body(Path.Combine(_dir, "plain.json")), Body(Path.Combine(_dir, "one.json")));
        Assert.Equal(Body(Path.Combine(_dir, "plain.json")), Body(Path.Combine(_dir, "many.json")));
    }

    [Fact]
    public void Replay_GzipTapeWithCorruptTrailerOrTrailingBytes_Exit2()
    {
        byte[] gz = Gzip(DrillTape());
        byte[] badCrc = [.. gz];
        badCrc[^8] ^= 0x5A;
        byte[] badSize = [.. gz];
        badSize[^1] ^= 0x01;
        byte[] trailing = [.. gz, (byte)'{', (byte)'}', (byte)'\n'];
        foreach (var (name, bytes) in new[] { ("crc", badCrc), ("size", badSize), ("trailing", trailing) })
        {
            var (rc, _, e) = Cli("replay", File($"{name}.jsonl.gz", bytes));
            Assert.True(rc == CliApp.Usage, $"{name}: exit {rc}");
            Assert.Contains("error: tape", e);
        }
    }

    // ---- item 14: a tape read once (FIFO, standard input) ---------------------------------------------------------

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MkFifo(string path, uint mode);

    /// <summary>Runs replay on a FIFO that one writer fills once, then closes. A reader that opens the tape a second time
    /// waits for a writer that never comes: the guard (not a timing assertion) turns that hang into a failure.</summary>
    private (int Rc, string Out, string Err) ReplayThroughFifo(string text, params string[] extra) => ReplayThroughFifo(Encoding.UTF8.GetBytes(text), extra);

    private (int Rc, string Out, string Err) ReplayThroughFifo(byte[] bytes, params string[] extra)
    {
        string fifo = Path.Combine(_dir, $"tape-{Guid.NewGuid():N}.fifo");
        Assert.Equal(0, MkFifo(fifo, Convert.ToUInt32("600", 8)));
        var writer = Task.Run(() =>
        {
            try
            {
                using var w = new FileStream(fifo, FileMode.Open, FileAccess.Write);
                w.Write(bytes);
            }
            catch (IOException) { } // the reader may close early (a refused option, a late instrument): a broken pipe
        });
        var run = Task.Run(() => Cli(["replay", fifo, .. extra]));
        Assert.True(run.Wait(TimeSpan.FromMinutes(3)), "replay of a FIFO did not finish: the tape is opened a second time");
        Assert.True(writer.Wait(TimeSpan.FromMinutes(1)), "the FIFO writer never finished");
        return run.Result;
    }

    [Fact]
    public void Replay_Fifo_ReadOnceAndReplayedLikeAFile()
    {
        string text = DrillTape() + """{"t":99000000,"type":"order","symbol":"BTC-PERP","id":1,"account":"mm-1","side":"buy","px":64000.0,"qty":0.1}""" + "\n";
        var file = Cli("replay", File("t.jsonl", text));
        var (rc, o, e) = ReplayThroughFifo(text);
        Assert.True(rc == CliApp.Ok, e);
        Assert.Contains("4,004 records (0 bad", o);
        Assert.Equal(file.Out.Split('\n')[1], o.Split('\n')[1]); // the same orders line
    }

    [Fact]
    public void Replay_GzipThroughAFifo_RecognisedByItsMagicBytes()
    {
        // `cat tape.jsonl.gz | circuit-breaker replay /dev/stdin`: no .gz name to go by.
        string text = DrillTape();
        var plain = Cli("replay", File("p.jsonl", text));
        using var packed = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(packed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(Encoding.UTF8.GetBytes(text));
        var (rc, o, e) = ReplayThroughFifo(packed.ToArray());
        Assert.True(rc == CliApp.Ok, e);
        Assert.Contains("4,003 records (0 bad", plain.Out);
        Assert.Contains("4,003 records (0 bad", o);
        Assert.Equal(plain.Out.Split('\n')[1], o.Split('\n')[1]); // the same orders line
        var cut = packed.ToArray()[..(int)(packed.Length / 2)];
        Assert.Equal(CliApp.Usage, ReplayThroughFifo(cut).Rc); // and a cut one is still caught
    }

    [Fact]
    public void Replay_FifoDeclaringAnInstrumentLate_Exit2NamingTheLine()
    {
        string text = Head + "\n" + """{"t":3000,"type":"instrument","symbol":"ETH-PERP","kind":"perpetual","tick":0.01,"lot":0.01}""" + "\n";
        var (rc, _, e) = ReplayThroughFifo(text);
        Assert.Equal(CliApp.Usage, rc);
        Assert.Contains("declares an instrument on line 4, after its first other record", e);
    }

    [Fact]
    public void Replay_FifoWithChart_RefusedUpFront()
    {
        var (rc, _, e) = ReplayThroughFifo(Head, "--chart", Path.Combine(_dir, "c.svg"));
        Assert.Equal(CliApp.Usage, rc);
        Assert.Contains("--chart reads the tape a second time", e);
    }

    [Fact]
    public void ReplayFile_LateInstrumentInAFile_StillReplayedInTwoPasses()
    {
        string text = Head + "\n" + """{"t":3000,"type":"instrument","symbol":"ETH-PERP","kind":"perpetual","tick":0.01,"lot":0.01}""" + "\n"
            + """{"t":4000,"type":"trade","symbol":"ETH-PERP","px":3000.0,"qty":1}""" + "\n";
        var result = ReplayEngine.ReplayFile(File("late.jsonl", text));
        Assert.Equal(5, result.Report.Events);
        Assert.Equal(0, result.SkippedRecords);
        Assert.Equal(0, result.UndeclaredInstruments);
    }

    [Fact]
    public void Replay_NonSeekableStream_OnePassThroughThePublicApi()
    {
        string text = DrillTape();
        using var reader = new TapeReader(new ForwardOnlyStream(Encoding.UTF8.GetBytes(text)), "pipe");
        Assert.False(reader.Rewindable);
        var result = ReplayEngine.Replay(reader);
        Assert.Equal(4003, result.Report.Events);
    }

    // ---- item 15: instruments per tape -----------------------------------------------------------------------------

    [Fact]
    public void Replay_TapeDeclaringTooManyInstruments_Exit2AtTheCapNotOutOfMemory()
    {
        var sb = new StringBuilder();
        for (int i = 0; i <= TapeReader.MaxInstruments; i++)
            sb.Append($$"""{"t":0,"type":"instrument","symbol":"S{{i}}","kind":"spot","tick":0.01,"lot":1}""").Append('\n');
        sb.Append("""{"t":1,"type":"trade","symbol":"S0","px":1.0,"qty":1}""").Append('\n');
        var (rc, _, e) = Cli("replay", File("wide.jsonl", sb.ToString()));
        Assert.Equal(CliApp.Usage, rc);
        Assert.Contains($"declares more than {TapeReader.MaxInstruments:N0} instruments (line {TapeReader.MaxInstruments + 1})", e);
    }

    [Fact]
    public void Replay_InstrumentsTimesAccountCapacityBeyondTheBound_ClearError()
    {
        using var reader = new TapeReader(new MemoryStream(Encoding.UTF8.GetBytes(Head)), "t");
        var ex = Assert.Throws<TapeFormatException>(() => ReplayEngine.Replay(reader, configure: b => b.Capacity(accounts: 3_000_000)));
        Assert.Contains("account capacity", ex.Message);
    }
}
