namespace CircuitBreaker.Replay;

/// <summary>
/// What a replay produced: the spec report plus the figures a drill needs beyond it (final PnL per account for
/// "loss avoided", records skipped, position disagreements). Immutable; built once per replay.
/// </summary>
public sealed class ReplayResult
{
    internal ReplayResult(DrillReport report, IReadOnlyList<AccountOutcome> accounts, long skippedRecords, long positionDisagreements,
        long undeclaredInstruments, long instrumentMismatches, long lastEventTimeNs)
    {
        Report = report; Accounts = accounts; SkippedRecords = skippedRecords; PositionDisagreements = positionDisagreements;
        UndeclaredInstruments = undeclaredInstruments; InstrumentMismatches = instrumentMismatches; LastEventTimeNs = lastEventTimeNs;
    }

    /// <summary>The drill report (drill-report spec v1).</summary>
    public DrillReport Report { get; }
    /// <summary>Every account seen, in registry order, with its final PnL and exposure.</summary>
    public IReadOnlyList<AccountOutcome> Accounts { get; }
    /// <summary>Good records not replayed because they name an instrument the configuration does not declare.</summary>
    public long SkippedRecords { get; }
    /// <summary>Engine <c>position</c> records that disagreed with the positions rebuilt from fills.</summary>
    public long PositionDisagreements { get; }
    /// <summary><c>instrument</c> records for symbols the configuration does not declare.</summary>
    public long UndeclaredInstruments { get; }
    /// <summary><c>instrument</c> records whose kind, tick, lot or multiplier differ from the configuration's.</summary>
    public long InstrumentMismatches { get; }
    /// <summary>Event time of the last record replayed (ns).</summary>
    public long LastEventTimeNs { get; }
    /// <summary>The tape's bad records (line and reason), the first <see cref="TapeReader.MaxDiagnostics"/> of them; empty for
    /// a journal review.</summary>
    public IReadOnlyList<TapeDiagnostic> BadRecords { get; init; } = [];
    /// <summary>Rejections and daily PnL over time when <see cref="ReplayOptions.RecordTimeline"/> was set; null otherwise.</summary>
    public ReplayTimeline? Timeline { get; init; }

    /// <summary>The outcome of account <paramref name="name"/>, or null when the tape never named it.</summary>
    /// <param name="name">The account's name on the tape.</param>
    public AccountOutcome? Account(string name) => Accounts.FirstOrDefault(a => a.Name == name);
}

/// <summary>One account at the end of a replay. Numbers are in quote units.</summary>
/// <param name="Name">Account name as on the tape.</param>
/// <param name="Pnl">Realised plus unrealised PnL since the start of the tape (marked at the last price seen).</param>
/// <param name="GrossExposure">Gross marked notional of its positions.</param>
/// <param name="Fills">Fills applied (suppressed fills excluded).</param>
public sealed record AccountOutcome(string Name, double Pnl, double GrossExposure, long Fills);
