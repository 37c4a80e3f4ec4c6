using CircuitBreaker.Tests.Support;
using System.Text.Json;
using CircuitBreaker.Cli;
using CircuitBreaker.Tests.Journal;

namespace CircuitBreaker.Tests.Replay;

public class JournalReviewTests
{
    private static string Config(double btcMaxOrderQuantity) => $$"""
    {
      "instruments": [
        { "symbol": "BTC-PERP", "kind": "perpetual", "tick": 0.1, "lot": 0.001, "underlying": "BTC",
          "limits": { "max_order_quantity": {{btcMaxOrderQuantity}}, "fat_finger_multiple": 1000, "max_long_position": 1000, "max_short_position": 1000 } },
        { "symbol": "ETH-PERP", "kind": "perpetual", "tick": 0.01, "lot": 0.01, "underlying": "ETH",
          "limits": { "fat_finger_multiple": 1000, "max_long_position": 40, "max_short_position": 40 } }
      ],
      "accounts": [ { "name": "mm-1" }, { "name": "mm-2" } ]
    }
    """;

    private static readonly double[] BtcSizes = [0.5, 1, 2.5, 4, 0.2];

    /// <summary>What the live run decided on each order, cancel included (quantity 0), for the assertions.</summary>
    private sealed record LiveOrder(string Symbol, double Quantity, RejectReason Reason);

    /// <summary>
    /// A live run through a pipeline with a journal, the engine in lockstep with the evaluator (each order is checked after
    /// every earlier event was evaluated, as the review will): quotes and trades, orders of several sizes, fills and
    /// cancels, an operator halt and resume (two manual trips) and an oversize fill that trips ETH's position limit.
    /// </summary>
    private static List<LiveOrder> LiveRun(string configPath, string journalBase)
    {
        var loaded = RiskConfigFile.Load(configPath);
        Assert.True(loaded.Succeeded, string.Join("; ", loaded.Errors));
        using var breaker = new Breaker(loaded.Config);
        var registry = breaker.Registry;
        registry.TryGetInstrument("BTC-PERP", out var btc);
        registry.TryGetInstrument("ETH-PERP", out var eth);
        var accounts = new[] { registry.GetOrAddAccount("mm-1"), registry.GetOrAddAccount("mm-2") };
        using var p = new RiskPipeline(breaker,
            new RiskPipelineOptions { Ring = RiskPipelineOptions.DefaultRing with { Capacity = 4096 }, StallThreshold = TimeSpan.Zero, Journal = new JournalWriterOptions { BasePath = journalBase } },
            loaded.Signatures.CreateDetectors(new DetectorContext(registry)));
        p.Start();
        long published = 0, t = 1_000_000_000, id = 1;
        var live = new List<LiveOrder>();
        void Publish(RiskEvent e) { Assert.Equal(CircuitBreaker.Ring.PublishResult.Published, p.Publish(in e)); published++; }
        Decision Check(OrderRequest o)
        {
            published++;
            var d = p.CheckAndPublish(in o);
            live.Add(new LiveOrder(o.Instrument == btc ? "BTC-PERP" : "ETH-PERP", o.Quantity, d.Reason));
            return d;
        }
        void Lockstep() => Assert.True(SpinWait.SpinUntil(() => p.Evaluator.Processed == published, TimeSpan.FromSeconds(30)));

        for (int k = 0; k < 300; k++)
        {
            t += 10_000_000;
            bool isBtc = k % 2 == 0;
            var ins = isBtc ? btc : eth;
            double mid = isBtc ? 64_000 + (k % 7) : 3_000 + (k % 5) * 0.1;
            double tick = isBtc ? 0.1 : 0.01;
            Publish(RiskEvent.Quote(t, ins, mid - tick, mid + tick, 5, 5));
            Publish(RiskEvent.Trade(t, ins, mid, 0.5));
            if (k == 150) Publish(RiskEvent.Admin(t, AdminAction.Halt, Scope.Instrument, btc.Value));
            if (k == 154) Publish(RiskEvent.Admin(t, AdminAction.Resume, Scope.Instrument, btc.Value));
            Lockstep();
            var side = k % 4 < 2 ? Side.Buy : Side.Sell;
            double qty = isBtc ? BtcSizes[k / 2 % BtcSizes.Length] : 1;
            var acc = accounts[k % 3 == 0 ? 1 : 0];
            long orderId = id++;
            var order = new OrderRequest(t + 1, ins, acc, orderId, side, side == Side.Buy ? mid - tick : mid + tick, qty);
            var d = Check(order);
            if (!d.IsAccepted) continue;
            if (k % 3 == 1) Publish(RiskEvent.Fill(t + 2, ins, acc, orderId, side, order.Price, qty));
            else Check(OrderRequest.Cancel(t + 2, ins, acc, orderId));
        }
        // ETH position limit: an accepted order, then a fill larger than it (a venue overfill).
        t += 10_000_000;
        Lockstep();
        var big = new OrderRequest(t, eth, accounts[0], id++, Side.Buy, 3_000, 30);
        Assert.True(Check(big).IsAccepted);
        Publish(RiskEvent.Fill(t + 1, eth, accounts[0], big.OrderId, Side.Buy, 3_000, 45));
        p.Stop();
        Assert.Equal(0, p.JournalStatus!.Value.Dropped);
        Assert.Contains(breaker.Board.Get(Scope.Instrument, eth.Value), new[] { TradingState.ReduceOnly, TradingState.Halted });
        return live;
    }

    private sealed class Run : IDisposable
    {
        public readonly JournalScratch Scratch = new();
        public string Loose => Path.Combine(Scratch.Directory, "loose.json");
        public string Tight => Path.Combine(Scratch.Directory, "tight.json");
        public string Journal => Scratch.BasePath("live");
        public List<LiveOrder> Live { get; }

        public Run()
        {
            File.WriteAllText(Loose, Config(10));
            File.WriteAllText(Tight, Config(2));
            Live = LiveRun(Loose, Journal);
        }

        public void Dispose() => Scratch.Dispose();
    }

    private static JournalReviewResult Review(string journal, string configPath)
    {
        var loaded = RiskConfigFile.Load(configPath);
        Assert.True(loaded.Succeeded);
        var options = new ReplayOptions { Detectors = loaded.Signatures.CreateDetectors };
        return new JournalReview(options, b => { BreakerProfiles.Default(b); loaded.Apply(b); }).Run(journal);
    }

    [Fact]
    public void Review_SameConfig_NoDifferences()
    {
        using var run = new Run();
        var r = Review(run.Journal, run.Loose);
        Assert.Null(r.Problem);
        Assert.True(r.IsComplete);
        Assert.Equal(run.Live.Count, r.Orders);
        Assert.Equal(run.Live.Count(o => o.Reason == RejectReason.None), r.AcceptedThen);
        Assert.Equal(r.AcceptedThen, r.AcceptedNow);
        Assert.False(r.HasDifferences);
        Assert.Equal(0, r.OrderDifferenceCount);
        Assert.Equal(0, r.Suppressed);
        // trips are compared, not absent: two manual ones and ETH's position limit, both then and now
        Assert.True(r.TripsThen.Count >= 3, string.Join("; ", r.TripsThen));
        Assert.Contains(r.TripsThen, t => t.Cause == TripCause.Manual && t.Target == "BTC-PERP" && t.State == TradingState.Halted);
        Assert.Contains(r.TripsThen, t => t.Cause == TripCause.Limit && t.Target == "ETH-PERP" && t.Reason == "MaxPosition");
        Assert.Equal(r.TripsThen.Select(t => t.Key), r.TripsNow.Select(t => t.Key));
        Assert.Contains(run.Live, o => o.Reason == RejectReason.Halted); // the halt rejected something live too
    }

    [Fact]
    public void Review_LowerMaxOrderQuantity_ListsExactlyTheOrdersNowRejected()
    {
        using var run = new Run();
        var r = Review(run.Journal, run.Tight);
        var expected = run.Live.Where(o => o.Symbol == "BTC-PERP" && o.Quantity > 2 && o.Reason == RejectReason.None).ToList();
        Assert.NotEmpty(expected);
        Assert.True(r.HasDifferences);
        Assert.Equal(new Dictionary<string, long> { ["MaxOrderQuantity"] = expected.Count }, r.NowRejected);
        Assert.Empty(r.NowAccepted);
        Assert.Equal(expected.Count, r.OrderDifferences.Count);
        Assert.All(r.OrderDifferences, d =>
        {
            Assert.Equal(("BTC-PERP", RejectReason.None, RejectReason.MaxOrderQuantity), (d.Instrument, d.Then, d.Now));
            Assert.True(d.Quantity > 2);
        });
        Assert.True(r.Suppressed > 0); // their cancels and fills follow them out
        Assert.Empty(r.TripsOnlyThen);
        Assert.Empty(r.TripsOnlyNow);
    }

    [Fact]
    public void Cli_Review_TighterConfig_PrintsDifferencesAndWritesReport_SameConfigPrintsNone()
    {
        using var run = new Run();
        var report = Path.Combine(run.Scratch.Directory, "review.json");
        var (code, stdout, stderr) = Cli("review", run.Journal + ".000000.cbj", "--config", run.Tight, "--report", report);
        Assert.True(code == 0, stderr);
        Assert.Contains("accepted live, rejected now: ", stdout);
        Assert.Contains("MaxOrderQuantity: ", stdout);
        Assert.Contains("accepted -> MaxOrderQuantity", stdout);
        using (var doc = JsonDocument.Parse(File.ReadAllText(report)))
        {
            Assert.True(doc.RootElement.GetProperty("has_differences").GetBoolean());
            Assert.True(doc.RootElement.GetProperty("orders").GetProperty("now_rejected").GetProperty("MaxOrderQuantity").GetInt64() > 0);
        }

        (code, stdout, stderr) = Cli("review", run.Journal, "--config", run.Loose);
        Assert.True(code == 0, stderr);
        Assert.Contains("no differences", stdout);
        Assert.Contains(" records (", stdout);
        Assert.Contains("), complete", stdout);
    }

    [Fact]
    public void Cli_Review_JournalCutAtAFrameBoundaryOrMissingItsEnd_SaysTruncatedExit2()
    {
        using var run = new Run();
        string file = run.Journal + ".000000.cbj";
        var (records, _) = JournalScratch.ReadAll([file]);
        Assert.Equal(JournalRecordType.SessionEnd, records[^1].Type);
        Assert.True(new JournalReader([file]).ReadAll().Count() == records.Count);
        // cut where a crash between two writes would leave it: at a frame boundary, a few records before the end
        foreach (var cutAt in new[] { records[^1].Offset, records[^5].Offset })
        {
            using (var fs = new FileStream(file, FileMode.Open)) fs.SetLength(cutAt);
            var (code, stdout, stderr) = Cli("review", run.Journal, "--config", run.Loose);
            Assert.Equal(2, code);
            Assert.Contains("truncated (MissingSessionEnd", stdout);
            Assert.Contains("error: journal truncated", stderr);
            var r = Review(run.Journal, run.Loose);
            Assert.Equal((TailStatus.Truncated, "truncated"), (r.Tail.Status, r.Completeness));
            Assert.False(r.IsComplete);
        }
    }

    /// <summary>A small journal as a pipeline writes it: the session note (given, or the fixture's), then a few events.</summary>
    private static string SmallJournal(JournalScratch scratch, string name, string? note = null)
    {
        var f = new GateFixture();
        string basePath = scratch.BasePath(name);
        using var writer = new JournalWriter(basePath);
        foreach (string part in note is null ? JournalSessionNote.Write(f.Breaker.Registry, 4096) : [note])
            Assert.True(writer.TryAppendNote(part));
        for (int i = 0; i < 10; i++)
            Assert.True(writer.TryAppend(RiskEvent.Trade(f.Now + i, f.Btc, 64000.0, 1)));
        var order = new OrderRequest(f.Now + 20, f.Btc, f.Mm, 1, Side.Buy, 64000.0, 0.01);
        Assert.True(writer.TryAppend(RiskEvent.OrderDecision(in order, RejectReason.None)));
        return basePath;
    }

    [Theory]
    [InlineData("\"symbol\":\"BTC-PERP\"", "\"symbol\":null", "instruments[0].symbol")]
    [InlineData("\"symbol\":\"BTC-PERP\"", "\"symbol\":\"  \"", "instruments[0].symbol")]
    [InlineData("\"symbol\":\"BTC-PERP\"", "\"symbol\":42", "instruments[0].symbol")]
    [InlineData("\"name\":\"mm-1\"", "\"name\":null", "accounts[0].name")]
    [InlineData("\"name\":\"mm-1\"", "\"name\":\"\"", "accounts[0].name")]
    [InlineData("\"kind\":\"Perpetual\"", "\"kind\":\"77\"", "instruments[0].kind")]
    [InlineData("\"kind\":\"Perpetual\"", "\"kind\":null", "instruments[0].kind")]
    [InlineData("\"tick\":0.1", "\"tick\":-0.1", "instruments[0].tick")]
    [InlineData("\"underlying\":\"BTC\"", "\"underlying\":null", "instruments[0].underlying")]
    [InlineData("\"accounts\":[", "\"accounts\":[7,", "accounts[0]")]
    [InlineData("\"instruments\":[", "\"instruments\":{\"x\":1},\"ignored\":[", "instruments: must be an array")]
    public void Cli_Review_CrcValidSessionNoteWithABadField_ErrorNamingTheFieldExit2(string find, string replace, string path)
    {
        using var scratch = new JournalScratch();
        var f = new GateFixture();
        string note = JournalSessionNote.Write(f.Breaker.Registry, 4096).Single();
        Assert.Contains(find, note);
        string hostile = note.Replace(find, replace, StringComparison.Ordinal);
        string journal = SmallJournal(scratch, "hostile", hostile);

        var (code, stdout, stderr) = Cli("review", journal);

        Assert.Equal(2, code);
        Assert.Contains("session note 0 at ", stderr);
        Assert.Contains("is malformed: " + path, stderr);
        Assert.Contains("journal ", stdout);
        var r = new JournalReview().Run(journal);
        Assert.NotNull(r.Problem);
        Assert.Null(r.Replay);
    }

    public enum Damage { BadMagic, HeaderCrc, NoteCrc, ImpossibleLength, TornHeader, Unreadable }

    [Theory]
    [InlineData(Damage.BadMagic, "corrupt (BadMagic)")]
    [InlineData(Damage.HeaderCrc, "corrupt (HeaderCrcMismatch)")]
    [InlineData(Damage.NoteCrc, "corrupt (CrcMismatch)")]
    [InlineData(Damage.ImpossibleLength, "corrupt (ImpossibleLength)")]
    [InlineData(Damage.TornHeader, "torn (IncompleteHeader)")]
    [InlineData(Damage.Unreadable, "corrupt (FileUnreadable)")]
    public void Cli_Review_FirstFileDamaged_NamesTheDefectNotTheWriter(Damage damage, string expected)
    {
        using var scratch = new JournalScratch();
        string journal = SmallJournal(scratch, "damaged");
        string file = journal + ".000000.cbj";
        byte[] bytes = File.ReadAllBytes(file);
        switch (damage)
        {
            case Damage.BadMagic: bytes[0] ^= 0xFF; break;
            case Damage.HeaderCrc: bytes[12] ^= 0x40; break;
            case Damage.NoteCrc: bytes[JournalFormat.FileHeaderSize + JournalFormat.FrameHeaderSize + 5] ^= 0x01; break;
            case Damage.ImpossibleLength: bytes.AsSpan(JournalFormat.FileHeaderSize, 4).Fill(0xEE); break;
            case Damage.TornHeader: bytes = bytes[..20]; break;
        }
        File.Delete(file);
        if (damage == Damage.Unreadable) File.CreateSymbolicLink(file, Path.Combine(scratch.Directory, "nowhere", "gone.cbj"));
        else File.WriteAllBytes(file, bytes);

        var (code, _, stderr) = Cli("review", journal);

        Assert.Equal(2, code);
        Assert.Contains("error: the journal is damaged before its session note: " + expected, stderr);
        Assert.Contains(file, stderr);
        Assert.DoesNotContain("not written by a RiskPipeline", stderr);
    }

    [Fact]
    public void Cli_Review_FirstFileMissing_SaysSoNotThatTheWriterWasWrong()
    {
        using var scratch = new JournalScratch();
        string journal = scratch.BasePath("rotated");
        var f = new GateFixture();
        using (var writer = new JournalWriter(new JournalWriterOptions { BasePath = journal, MaxFileBytes = 4096 }))
        {
            foreach (string part in JournalSessionNote.Write(f.Breaker.Registry, 4096)) Assert.True(writer.TryAppendNote(part));
            for (int i = 0; i < 200; i++) Assert.True(writer.TryAppend(RiskEvent.Trade(f.Now + i, f.Btc, 64000.0, 1)));
        }
        File.Delete(journal + ".000000.cbj");

        var (code, _, stderr) = Cli("review", journal);

        Assert.Equal(2, code);
        Assert.Contains("first files are missing", stderr);
    }

    [Fact]
    public void Cli_Review_TornTail_ReportedReviewsWhatWasRecoveredExit2()
    {
        using var run = new Run();
        string file = run.Journal + ".000000.cbj";
        using (var fs = new FileStream(file, FileMode.Open)) fs.SetLength(fs.Length - 20);
        var (code, stdout, stderr) = Cli("review", run.Journal, "--config", run.Loose);
        Assert.Equal(2, code);
        Assert.Contains("torn", stderr);
        Assert.Contains("IncompleteFrame", stderr);
        Assert.Contains("orders: ", stdout); // the recovered part was reviewed
        var r = Review(run.Journal, run.Loose);
        Assert.Equal(TailStatus.Torn, r.Tail.Status);
        Assert.False(r.IsComplete);
        Assert.True(r.Records > 0 && r.Records == r.Tail.RecordsRead);
    }

    [Fact]
    public void Cli_Review_NoJournalOrNoSessionNote_Exit2()
    {
        using var scratch = new JournalScratch();
        var (code, _, stderr) = Cli("review", scratch.BasePath("missing"));
        Assert.Equal(2, code);
        Assert.Contains("no journal files", stderr);

        using (var writer = new JournalWriter(scratch.BasePath("bare"))) writer.TryAppend(RiskEvent.Trade(1, new InstrumentId(0), 1, 1));
        (code, _, stderr) = Cli("review", scratch.BasePath("bare"));
        Assert.Equal(2, code);
        Assert.Contains("no session note", stderr);

        (code, _, _) = Cli("review");
        Assert.Equal(2, code);
    }

    [Theory]
    [InlineData("/x/live.000012.cbj", "/x/live")]
    [InlineData("/x/live", "/x/live")]
    [InlineData("/x/live.cbj", "/x/live.cbj")]
    public void BasePathOf_FileOrBase_Base(string path, string expected) => Assert.Equal(expected, JournalReview.BasePathOf(path));

    private static (int Code, string Stdout, string Stderr) Cli(params string[] args) => CliRun.Run(args);
}
