namespace CircuitBreaker.Replay;

/// <summary>
/// What happened over time in a replay, for a chart that explains why a trip happened: each rejected order (time,
/// account, reason) and each account's daily PnL sampled at its fills and at least once a second of event time while it
/// holds fills, with the accounts' daily-loss limits. Recorded only when <see cref="ReplayOptions.RecordTimeline"/> is
/// set; at most <see cref="MaxPoints"/> rejections and as many samples are kept (later ones are counted in
/// <see cref="Dropped"/>; the report's counts stay exact). Allocates as it records (off the gate: a replay only).
/// </summary>
public sealed class ReplayTimeline
{
    /// <summary>Most rejections, and most PnL samples, kept: 200,000 each.</summary>
    public const int MaxPoints = 200_000;

    private readonly List<ReplayRejection> _rejections = [];
    private readonly List<ReplayPnlSample> _pnl = [];
    private readonly Dictionary<string, double> _limits = new(StringComparer.Ordinal);

    internal ReplayTimeline() { }

    /// <summary>Rejected orders, in tape order.</summary>
    public IReadOnlyList<ReplayRejection> Rejections => _rejections;
    /// <summary>Daily PnL samples, in tape order.</summary>
    public IReadOnlyList<ReplayPnlSample> Pnl => _pnl;
    /// <summary><c>max_daily_loss</c> of each account that has one (a positive amount: the limit is a PnL of minus it).</summary>
    public IReadOnlyDictionary<string, double> DailyLossLimits => _limits;
    /// <summary>Rejections and samples beyond <see cref="MaxPoints"/>, counted only.</summary>
    public long Dropped { get; private set; }

    internal void AddRejection(long timeNs, string account, RejectReason reason)
    {
        if (_rejections.Count < MaxPoints) _rejections.Add(new ReplayRejection(timeNs, account, reason));
        else Dropped++;
    }

    internal void AddPnl(long timeNs, string account, double dailyPnl)
    {
        if (_pnl.Count < MaxPoints) _pnl.Add(new ReplayPnlSample(timeNs, account, dailyPnl));
        else Dropped++;
    }

    internal void SetLimit(string account, double maxDailyLoss) => _limits[account] = maxDailyLoss;
}

/// <summary>An order the replay rejected.</summary>
/// <param name="TimeNs">Event time of the order, ns.</param>
/// <param name="Account">The order's account.</param>
/// <param name="Reason">Why the gate rejected it.</param>
public readonly record struct ReplayRejection(long TimeNs, string Account, RejectReason Reason);

/// <summary>An account's daily PnL at one moment of a replay.</summary>
/// <param name="TimeNs">Event time, ns.</param>
/// <param name="Account">The account.</param>
/// <param name="DailyPnl">Realised plus unrealised PnL since its day started, in quote units.</param>
public readonly record struct ReplayPnlSample(long TimeNs, string Account, double DailyPnl);
