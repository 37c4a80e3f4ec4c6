using System.Text.Json;

namespace CircuitBreaker.Tests.Incidents;

public sealed class IncidentRecordTests
{
    [Fact]
    public void BuildRecord_ContainedIncident_JsonCarriesEveryField()
    {
        using var f = new IncidentFixture();
        var quote = RiskEvent.Quote(f.Now - 10, new InstrumentId(f.Perp), 63990, 64010);
        f.Desk.OnEvent(in quote);
        f.Raise(Signature.FlashLoan, Scope.Instrument, f.Perp, firstAnomalous: f.Now - 500);
        long id = f.Desk.LastIncidentId;

        string json = f.Desk.BuildRecord(id)!.ToJson();
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(id, root.GetProperty("id").GetInt64());
        Assert.Equal("instrument", root.GetProperty("scope").GetString());
        Assert.Equal("BTC-PERP", root.GetProperty("target").GetString());
        Assert.Equal("flash_loan", root.GetProperty("signature").GetString());
        Assert.Equal("contained", root.GetProperty("lifecycle").GetString());
        Assert.Equal("cool_down", root.GetProperty("step").GetString()); // the record format keeps its name across the Cooldown rename
        Assert.Equal(7, root.GetProperty("config_version").GetInt64());
        Assert.Equal(500, root.GetProperty("time_to_detect_ns").GetInt64());
        Assert.Equal(0, root.GetProperty("time_to_contain_ns").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("closed_t").ValueKind);
        Assert.Equal(["halt", "cancel_all", "notify_exchange", "alert"], root.GetProperty("actions").EnumerateArray().Select(e => e.GetString()!).ToArray());
        var halt = root.GetProperty("timeline").EnumerateArray().First(e => e.GetProperty("action").GetString() == "halt");
        Assert.Equal("group", halt.GetProperty("scope").GetString());
        Assert.Equal("BTC", halt.GetProperty("target").GetString());
        Assert.Equal("halted", halt.GetProperty("state").GetString());
        Assert.Equal("done", halt.GetProperty("outcome").GetString());
        Assert.Equal(f.Now, halt.GetProperty("t").GetInt64());
        var ev = Assert.Single(root.GetProperty("instrument_events").EnumerateArray());
        Assert.Equal("quote", ev.GetProperty("type").GetString());
        Assert.Equal(63990, ev.GetProperty("bid").GetDouble());
        var note = root.GetProperty("notification");
        Assert.Equal(["BTC-PERP"], note.GetProperty("instruments").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal(["BTC"], note.GetProperty("groups").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal("halted", note.GetProperty("trading_states")[0].GetProperty("state").GetString());
        Assert.Contains("flash_loan", note.GetProperty("what").GetString());
    }

    [Fact]
    public void BuildRecord_ListsFirmChangesOnItsTargets_WithOriginWhoAndReason()
    {
        using var f = new IncidentFixture();
        // the firm plane: another engine's loss-limit halt of this account, an aggregator's reduce-only of another account,
        // and this engine's fail-safe (global)
        Assert.True(f.Board.TrySetFirm(Scope.Account, f.Account[1], TradingState.Halted, f.Now - 20, TripCause.Limit, RejectReason.MaxDailyLoss,
            Severity.Critical, TripOrigin.FirmEngine, TripOriginNames.Intern("eng-b")));
        Assert.True(f.Board.TrySetFirm(Scope.Account, f.Account[2], TradingState.ReduceOnly, f.Now - 15, TripCause.Limit, RejectReason.MaxGrossExposure,
            Severity.Critical, TripOrigin.FirmAggregator, TripOriginNames.Intern("agg-1")));
        Assert.True(f.Board.TrySetFirm(Scope.Global, 0, TradingState.ReduceOnly, f.Now - 10, TripCause.Pipeline, RejectReason.FirmContactLost,
            Severity.Critical, TripOrigin.FirmFailSafe, TripOriginNames.Intern("eng-a")));
        f.Raise(Signature.RunawayAlgorithm, Scope.Account, f.Account[1]);

        using var doc = JsonDocument.Parse(f.Desk.BuildRecord(f.Desk.LastIncidentId)!.ToJson());
        var changes = doc.RootElement.GetProperty("firm_changes").EnumerateArray()
            .Select(e => (e.GetProperty("scope").GetString(), e.GetProperty("target").GetString(), e.GetProperty("state").GetString(),
                e.GetProperty("origin").GetString(), e.GetProperty("by").GetString(), e.GetProperty("reason").GetString())).ToArray();
        Assert.Equal(new (string?, string?, string?, string?, string?, string?)[]
        {
            ("account", "a1", "halted", "firm_engine", "eng-b", "MaxDailyLoss"),
            ("global", "*", "reduce_only", "firm_fail_safe", "eng-a", "FirmContactLost"),
        }, changes); // the aggregator's change of another account is not this incident's
    }

    [Fact]
    public void BuildRecord_ClosedIncident_TimelineShowsRecoverySteps()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.RunawayAlgorithm, Scope.Account, f.Account[1]);
        long id = f.Desk.LastIncidentId;
        f.Pass(61); f.Desk.Acknowledge(id, f.Now); f.Pass(61); f.Pass(61);

        var record = f.Desk.BuildRecord(id)!;
        using var doc = JsonDocument.Parse(record.ToJson());
        var root = doc.RootElement;
        Assert.Equal("closed", root.GetProperty("lifecycle").GetString());
        Assert.Equal(f.Now, root.GetProperty("closed_t").GetInt64());
        Assert.Equal("a1", root.GetProperty("target").GetString());
        var recovery = root.GetProperty("timeline").EnumerateArray().Where(e => e.GetProperty("kind").GetString() == "recovery")
            .Select(e => e.GetProperty("action").GetString()!).ToArray();
        Assert.Equal(["reduce_only", "resume"], recovery);
        Assert.Contains(root.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "acknowledged");
        Assert.Equal(["a1"], record.Notification.Accounts);
        Assert.Equal(IncidentLifecycle.Closed, record.Notification.CurrentState);
    }

    [Fact]
    public void ToReportIncident_CopiesIdTimesTargetReasonsActions()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.VolumeSpike, Scope.Instrument, f.Perp);
        var report = ReportIncident.From(f.Desk.BuildRecord(f.Desk.LastIncidentId)!);
        Assert.Equal($"INC-{f.Desk.LastIncidentId}", report.Id);
        Assert.Equal(f.Now, report.OpenedT);
        Assert.Equal(f.Now, report.ContainedT);
        Assert.Null(report.ClosedT);
        Assert.Equal("BTC-PERP", report.Target);
        Assert.Equal(["volume_spike"], report.Reasons);
        Assert.Equal(["halt", "cancel_all", "alert"], report.Actions);
    }

    [Fact]
    public void NotificationSummary_ToJson_ListsActionsTaken()
    {
        using var f = new IncidentFixture();
        f.Raise(Signature.Drain, Scope.Account, f.Account[0]);
        using var doc = JsonDocument.Parse(f.Desk.BuildRecord(f.Desk.LastIncidentId)!.Notification.ToJson());
        var taken = doc.RootElement.GetProperty("actions_taken").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Contains("halt account a0: done", taken);
        Assert.Contains("notify_regulator account a0: done", taken);
    }

    [Fact]
    public void BuildRecord_UnknownId_ReturnsNull()
    {
        using var f = new IncidentFixture();
        Assert.Null(f.Desk.BuildRecord(1));
        Assert.Empty(f.Desk.BuildRecords());
    }
}
