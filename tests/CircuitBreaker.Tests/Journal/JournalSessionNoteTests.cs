using System.Text;

namespace CircuitBreaker.Tests.Journal;

public class JournalSessionNoteTests
{
    private static InstrumentRegistry Registry(int extraInstruments = 0)
    {
        var b = new CircuitBreakerBuilder()
            .Instrument("BTC-PERP", InstrumentKind.Perpetual, 0.1, 0.001, underlying: "BTC", group: "crypto")
            .Instrument("BTC-UO", InstrumentKind.BarrierOption, 0.1, 1, multiplier: 0.1, underlying: "BTC", barrier: 80000,
                barrierKind: BarrierKind.UpAndOut, strike: 70000)
            .Account("mm-1").Account("arb \"quoted\"");
        for (int i = 0; i < extraInstruments; i++) b.Instrument($"ALT{i:D3}-PERP", InstrumentKind.Perpetual, 0.0001, 1, underlying: $"ALT{i:D3}");
        return b.BuildConfig().Registry;
    }

    [Fact]
    public void WriteThenTryParse_RoundTripsIdsNamesAndSpecs()
    {
        var registry = Registry();
        var note = Assert.Single(JournalSessionNote.Write(registry, 4096));
        Assert.True(JournalSessionNote.TryParse(note, out var parsed));
        Assert.Equal((0, 1), (parsed!.Part, parsed.Parts));
        var uo = parsed.Instruments[1];
        Assert.Equal((1, "BTC-UO", InstrumentKind.BarrierOption, 0.1, 1.0, 0.1), (uo.Id, uo.Symbol, uo.Kind, uo.Tick, uo.Lot, uo.Multiplier));
        Assert.Equal((80000.0, BarrierKind.UpAndOut, 70000.0), (uo.Barrier, uo.BarrierKind, uo.Strike));
        Assert.True(double.IsNaN(parsed.Instruments[0].Strike));
        Assert.Equal("crypto", parsed.Instruments[0].Group);
        Assert.Equal(["mm-1", "arb \"quoted\""], parsed.Accounts.Select(a => a.Name));
        Assert.Equal(registry.GroupCount, parsed.Groups.Count);
    }

    [Fact]
    public void Write_ManyDefinitions_SplitIntoPartsUnderTheLimit()
    {
        var registry = Registry(extraInstruments: 200);
        var notes = JournalSessionNote.Write(registry, 2048);
        Assert.True(notes.Count > 1);
        Assert.All(notes, n => Assert.True(Encoding.UTF8.GetByteCount(n) <= 2048));
        var parts = notes.Select(n => { Assert.True(JournalSessionNote.TryParse(n, out var p)); return p!; }).ToList();
        Assert.Equal(Enumerable.Range(0, notes.Count), parts.Select(p => p.Part));
        Assert.All(parts, p => Assert.Equal(notes.Count, p.Parts));
        Assert.Equal(registry.InstrumentCount, parts.Sum(p => p.Instruments.Count));
        Assert.Equal(Enumerable.Range(0, registry.InstrumentCount), parts.SelectMany(p => p.Instruments).Select(i => i.Id));
    }

    [Theory]
    [InlineData("operator: flattening BTC")]
    [InlineData("{\"cb_journal_session\":2,\"instruments\":[]}")]
    [InlineData("{\"cb_journal_session\":1,\"instruments\":[{\"id\":0}]}")]
    [InlineData("{\"cb_journal_session\":1,\"instruments\":[{\"id\":0,\"symbol\":\"X\",\"kind\":\"Nope\",\"tick\":1,\"lot\":1,\"multiplier\":1,\"underlying\":\"X\",\"group\":\"X\"}]}")]
    [InlineData("{\"cb_journal_session\":1, broken")]
    public void TryParse_NotASessionNoteOrMalformed_FalseWithoutThrowing(string text)
    {
        Assert.False(JournalSessionNote.TryParse(text, out var note));
        Assert.Null(note);
    }
}
