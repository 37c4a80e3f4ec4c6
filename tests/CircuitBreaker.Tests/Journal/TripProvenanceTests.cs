using System.Buffers.Binary;
using CircuitBreaker.Tests.Support;

namespace CircuitBreaker.Tests.Journal;

/// <summary>Where a trip came from (its origin and who) in the state board, the journal's trip record (layout 2; layout 1 still
/// read) and the review.</summary>
public class TripProvenanceTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(-5_000_000_000L)]
    [InlineData(1_800_000_000_000_000_000L)]
    public void TrySetFirm_CarriesOriginWhoReasonAndSignature_LocalOriginRefused(long origin)
    {
        using var board = new StateBoard(4, 2, 4);
        var seen = new List<TripContext>();
        board.Register((in TripContext c) => seen.Add(c));
        int engB = TripOriginNames.Intern("eng-b");
        Assert.Equal(engB, TripOriginNames.Intern("eng-b"));
        Assert.Equal("eng-b", TripOriginNames.Of(engB));
        Assert.Equal("", TripOriginNames.Of(0));
        Assert.Equal("", TripOriginNames.Of(-3));

        Assert.False(board.TrySetFirm(Scope.Account, 1, TradingState.Halted, origin, TripCause.Manual, RejectReason.Manual, origin: TripOrigin.Local));
        Assert.False(board.TrySetFirm(Scope.Account, 1, TradingState.Halted, origin, TripCause.Manual, RejectReason.Manual, origin: (TripOrigin)9));
        Assert.Empty(seen);
        Assert.Equal(TradingState.Active, board.Get(Scope.Account, 1));

        Assert.True(board.TrySetFirm(Scope.Account, 1, TradingState.Halted, origin + 1, TripCause.Signature, RejectReason.Signature,
            Severity.Critical, TripOrigin.FirmEngine, engB, Signature.RunawayAlgorithm));
        var t = Assert.Single(seen);
        Assert.Equal((TripOrigin.FirmEngine, engB, "eng-b", true), (t.Origin, t.By, t.ByName, t.IsFirm));
        Assert.Equal((TripCause.Signature, RejectReason.Signature, Signature.RunawayAlgorithm, "RunawayAlgorithm", origin + 1),
            (t.Cause, t.Reason, t.Signature, t.ReasonName, t.TimeNs));
        Assert.Equal(TradingState.Halted, board.GetFirm(Scope.Account, 1));
        // a local change says Local and nobody
        Assert.True(board.Halt(Scope.Account, 2, origin + 2));
        Assert.Equal((TripOrigin.Local, 0, "", false), (seen[^1].Origin, seen[^1].By, seen[^1].ByName, seen[^1].IsFirm));
    }

    [Fact]
    public void FirmChange_WithOriginAndWho_AllocatesNothing_WithAControlThatAllocates()
    {
        using var board = new StateBoard(4, 2, 4);
        long fired = 0;
        board.Register((in TripContext c) => fired += c.ByName.Length);
        int agg = TripOriginNames.Intern("agg-1");
        for (int k = 0; k < 10; k++)
        {
            board.TrySetFirm(Scope.Account, 1, TradingState.Halted, k, TripCause.Limit, RejectReason.MaxGrossExposure, Severity.Critical, TripOrigin.FirmAggregator, agg);
            board.TrySetFirm(Scope.Account, 1, TradingState.Active, k, TripCause.Limit, RejectReason.MaxGrossExposure, Severity.Info, TripOrigin.FirmAggregator, agg);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int k = 0; k < 1000; k++)
        {
            board.TrySetFirm(Scope.Account, 1, TradingState.Halted, k, TripCause.Limit, RejectReason.MaxGrossExposure, Severity.Critical, TripOrigin.FirmAggregator, agg);
            board.TrySetFirm(Scope.Account, 1, TradingState.Active, k, TripCause.Limit, RejectReason.MaxGrossExposure, Severity.Info, TripOrigin.FirmAggregator, agg);
            _ = TripOriginNames.Intern("agg-1"); // known: no allocation
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(2020 * "agg-1".Length, fired);
        before = GC.GetAllocatedBytesForCurrentThread();
        var boxed = (object)board.TrySetFirm(Scope.Account, 2, TradingState.Halted, 1, TripCause.Manual, RejectReason.Manual);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before > 0, boxed.ToString());
    }

    [Fact]
    public void TripRecordV2_RoundTripsOriginAndWho_LongNamesCutAtACharacterBoundary()
    {
        int by = TripOriginNames.Intern("eng-a");
        var trip = new TripContext(9, 1_800_000_000_000_000_123, Scope.Account, 3, TradingState.Active, TradingState.Halted,
            TripCause.Limit, RejectReason.MaxDailyLoss, default, Severity.Critical, TripOrigin.FirmEngine, by);
        var payload = new byte[TripRecord.Size];
        TripRecord.Write(in trip, payload);
        Assert.Equal((64, (byte)2, (byte)TripOrigin.FirmEngine, (byte)5), (payload.Length, payload[0], payload[9], payload[10]));
        Assert.True(TripRecord.TryRead(payload, out var t));
        Assert.Equal((9L, 1_800_000_000_000_000_123L, Scope.Account, 3, TradingState.Halted, RejectReason.MaxDailyLoss),
            (t.Sequence, t.TimeNs, t.Scope, t.Target, t.State, t.Reason));
        Assert.Equal((TripOrigin.FirmEngine, "eng-a"), (t.Origin, t.ByName));

        string longName = new string('x', 31) + "é-and-more"; // 'é' is 2 UTF-8 bytes at offset 31-32: cut before it
        var longTrip = new TripContext(1, 1, Scope.Global, -1, TradingState.Active, TradingState.Halted, TripCause.Manual, RejectReason.Manual,
            default, Severity.Critical, TripOrigin.FirmOperator, TripOriginNames.Intern(longName));
        TripRecord.Write(in longTrip, payload);
        Assert.Equal(31, payload[10]);
        Assert.True(TripRecord.TryRead(payload, out var lt));
        Assert.Equal((TripOrigin.FirmOperator, new string('x', 31)), (lt.Origin, lt.ByName));

        payload[10] = 33; // a who length over 32 is not a trip record
        Assert.False(TripRecord.TryRead(payload, out _));
    }

    /// <summary>A layout-1 payload (32 bytes, as journals before the origin was recorded): still read, origin Local, nobody.</summary>
    private static byte[] V1Payload(long sequence)
    {
        var p = new byte[TripRecord.SizeV1];
        p[0] = 1; p[1] = (byte)Scope.Instrument; p[2] = (byte)TradingState.Active; p[3] = (byte)TradingState.Halted;
        p[4] = (byte)TripCause.Limit; p[5] = (byte)RejectReason.MaxPosition; p[8] = (byte)Severity.Critical;
        BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(12), 4);
        BinaryPrimitives.WriteInt64LittleEndian(p.AsSpan(16), sequence);
        BinaryPrimitives.WriteInt64LittleEndian(p.AsSpan(24), 1_700_000_000_000_000_000 + sequence);
        return p;
    }

    [Fact]
    public void OldJournal_WithLayout1Trips_StillReads_OriginLocal_AndNewTripsBesideThem()
    {
        using var scratch = new JournalScratch();
        string basePath = scratch.BasePath("mixed");
        var v2 = new TripContext(3, 5, Scope.Account, 1, TradingState.Active, TradingState.ReduceOnly, TripCause.Manual, RejectReason.Manual,
            default, Severity.Warning, TripOrigin.FirmOperator, TripOriginNames.Intern("desk"));
        var v2Payload = new byte[TripRecord.Size];
        TripRecord.Write(in v2, v2Payload);
        using (var writer = new JournalWriter(new JournalWriterOptions { BasePath = basePath }))
        {
            Assert.True(writer.TryAppend(JournalRecordType.Trip, V1Payload(1)));
            Assert.True(writer.TryAppend(JournalRecordType.Trip, V1Payload(2)));
            Assert.True(writer.TryAppend(JournalRecordType.Trip, v2Payload));
        }
        var (records, tail) = JournalScratch.ReadAll(JournalReader.FindFiles(basePath));
        Assert.Equal(TailStatus.Clean, tail.Status);
        var trips = records.Where(r => r.Type == JournalRecordType.Trip).Select(r => { Assert.True(r.TryGetTrip(out var t)); return t; }).ToList();
        Assert.Equal(3, trips.Count);
        Assert.All(trips.Take(2), t => Assert.Equal((TripOrigin.Local, 0, Scope.Instrument, 4, RejectReason.MaxPosition), (t.Origin, t.By, t.Scope, t.Target, t.Reason)));
        Assert.Equal(new[] { 1L, 2L }, trips.Take(2).Select(t => t.Sequence));
        Assert.Equal((TripOrigin.FirmOperator, "desk", TradingState.ReduceOnly), (trips[2].Origin, trips[2].ByName, trips[2].State));
    }

    [Fact]
    public void Review_ListsFirmChangesWithOriginAndWho_NotAsDifferences()
    {
        using var scratch = new JournalScratch();
        string config = Path.Combine(scratch.Directory, "limits.json");
        File.WriteAllText(config, """
        {
          "instruments": [ { "symbol": "BTC-PERP", "kind": "perpetual", "tick": 0.1, "lot": 0.001, "underlying": "BTC" } ],
          "accounts": [ { "name": "mm-1" }, { "name": "mm-2" } ]
        }
        """);
        string journal = scratch.BasePath("live");
        var loaded = RiskConfigFile.Load(config);
        Assert.True(loaded.Succeeded, string.Join("; ", loaded.Errors));
        using (var breaker = new Breaker(loaded.Config))
        {
            breaker.Registry.TryGetInstrument("BTC-PERP", out var btc);
            var mm2 = breaker.Registry.GetOrAddAccount("mm-2");
            using var p = new RiskPipeline(breaker, new RiskPipelineOptions
            {
                Ring = RiskPipelineOptions.DefaultRing with { Capacity = 1024 }, StallThreshold = TimeSpan.Zero,
                Journal = new JournalWriterOptions { BasePath = journal },
            });
            p.Start();
            long t = TimeOrigins.PresentDay;
            Assert.Equal(CircuitBreaker.Ring.PublishResult.Published, p.Publish(RiskEvent.Quote(t, btc, 64_000, 64_000.2, 5, 5)));
            // another engine's loss-limit trip, propagated to this one through the firm plane
            Assert.True(breaker.Board.TrySetFirm(Scope.Account, mm2.Value, TradingState.Halted, t + 1, TripCause.Limit, RejectReason.MaxDailyLoss,
                Severity.Critical, TripOrigin.FirmEngine, TripOriginNames.Intern("eng-b")));
            Assert.Equal(CircuitBreaker.Ring.PublishResult.Published, p.Publish(RiskEvent.Quote(t + 2, btc, 64_000, 64_000.2, 5, 5)));
            Assert.True(SpinWait.SpinUntil(() => p.Evaluator.Processed == 2, TimeSpan.FromSeconds(30)));
            p.Stop();
        }
        var r = new CircuitBreaker.Replay.JournalReview(new CircuitBreaker.Replay.ReplayOptions(), b => { BreakerProfiles.Default(b); loaded.Apply(b); }).Run(journal);
        Assert.Null(r.Problem);
        var firm = Assert.Single(r.FirmThen);
        Assert.Equal((Scope.Account, "mm-2", TradingState.Halted, TripOrigin.FirmEngine, "eng-b", "MaxDailyLoss"),
            (firm.Scope, firm.Target, firm.State, firm.Origin, firm.By, firm.Reason));
        Assert.Contains("firm_engine eng-b", firm.ToString(), StringComparison.Ordinal);
        Assert.Empty(r.TripsOnlyThen);
        Assert.False(r.HasDifferences);
        using var json = new MemoryStream();
        r.WriteJson(json);
        string text = System.Text.RegularExpressions.Regex.Replace(System.Text.Encoding.UTF8.GetString(json.ToArray()), @"\s", "");
        Assert.Contains("\"origin\":\"firm_engine\",\"by\":\"eng-b\"", text, StringComparison.Ordinal);
    }
}
