namespace CircuitBreaker.Nats;

/// <summary>The link's exposure publisher: what the firm aggregator sums.</summary>
public sealed partial class FirmLink
{
    private readonly Breaker? _breaker;
    private readonly Dictionary<string, (double Gross, double Net, double Pnl, double Position)> _published = new(StringComparer.Ordinal);
    private long _exposurePuts;

    /// <summary>Creates a link for <paramref name="breaker"/>'s board and registry that also publishes the breaker's
    /// per-account and per-group exposure and PnL to the <c>cbfirm-exposure</c> bucket (on change, at most every
    /// <see cref="FirmLinkOptions.ExposureInterval"/>), for the firm aggregator. The positions are sampled on the link's
    /// task (the hot path is untouched). Validates <paramref name="options"/> (every error in one <see cref="ArgumentException"/>).</summary>
    /// <param name="breaker">The breaker whose board this link writes and whose positions it publishes.</param>
    /// <param name="options">Server, identity, timings, policy.</param>
    /// <param name="log">Where the link logs (default: nowhere); called on the link's tasks.</param>
    public FirmLink(Breaker breaker, FirmLinkOptions options, Action<string>? log = null)
        : this(NotNull(breaker).Board, breaker.Registry, options, log) => _breaker = breaker;

    private static Breaker NotNull(Breaker breaker)
    {
        ArgumentNullException.ThrowIfNull(breaker);
        return breaker;
    }

    /// <summary>Exposure keys written to the plane so far (each a changed account or group figure).</summary>
    public long ExposurePuts => Interlocked.Read(ref _exposurePuts);

    private async Task ExposureLoopAsync(CancellationToken ct)
    {
        if (_breaker is null || _options.ExposureInterval == TimeSpan.Zero) return;
        var plane = _plane!;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                foreach (var x in Sample())
                {
                    string key = FirmKeys.ExposureKey(_options.Name, x.Scope == "account" ? Scope.Account : Scope.Group, x.Target);
                    var figures = (x.Gross, x.Net, x.Pnl, x.Position);
                    if (_published.TryGetValue(key, out var last) ? last == figures : figures == default) continue;
                    await plane.Exposure.PutAsync(key, JsonSerializer.SerializeToUtf8Bytes(x, FirmJson.Default.FirmExposure), cancellationToken: ct).ConfigureAwait(false);
                    _published[key] = figures; // only once written: a failed put is retried on the next sample
                    Interlocked.Increment(ref _exposurePuts);
                }
            }
            catch (Exception ex) when (!ct.IsCancellationRequested && ex is NatsException or TimeoutException or OperationCanceledException)
            {
                _log($"firm: exposure not written yet ({ex.GetType().Name}); retrying");
            }
            try { await Task.Delay(_options.ExposureInterval, ct).ConfigureAwait(false); } catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Every account's gross/net exposure and daily PnL, and every group's gross/net exposure and position, now.</summary>
    private List<FirmExposure> Sample()
    {
        var breaker = _breaker!;
        var positions = breaker.Positions;
        long wall = _options.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        int accounts = Math.Min(_registry.AccountCount, breaker.Config.AccountCapacity);
        var list = new List<FirmExposure>(accounts + _registry.GroupCount);
        var groups = new FirmExposure[_registry.GroupCount];
        for (int g = 0; g < groups.Length; g++)
            groups[g] = new FirmExposure { Engine = _options.Name, Scope = "group", Target = _registry.GroupName(new GroupId(g)), WallMs = wall };
        for (int a = 0; a < accounts; a++)
        {
            var id = new AccountId(a);
            list.Add(new FirmExposure
            {
                Engine = _options.Name, Scope = "account", Target = _registry.AccountName(id), WallMs = wall,
                Gross = positions.GrossExposure(id), Net = positions.NetExposure(id), Pnl = positions.DailyPnl(id),
            });
            for (int i = 0; i < _registry.InstrumentCount; i++)
            {
                var spec = _registry.Instruments[i];
                if ((uint)spec.Group.Value >= (uint)groups.Length) continue;
                double e = positions.Exposure(id, new InstrumentId(i));
                var g = groups[spec.Group.Value];
                g.Gross += Math.Abs(e);
                g.Net += e;
                g.Position += positions.Position(id, new InstrumentId(i));
            }
        }
        list.AddRange(groups);
        return list;
    }
}
