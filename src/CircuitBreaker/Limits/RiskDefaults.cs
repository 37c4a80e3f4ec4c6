namespace CircuitBreaker.Limits;

/// <summary>
/// The safe defaults a user who configures nothing gets. Each is overridable per instrument or account; the
/// rationale for each is in docs/controls.md.
/// </summary>
public static class RiskDefaults
{
    /// <summary>Collar half-width: 500 bps (5 %) around the reference. Wide enough for a volatile crypto minute,
    /// tight enough to stop a price typed with a wrong digit.</summary>
    public const double CollarBps = 500;
    /// <summary>Options (and barrier options): collar half-width 5,000 bps (50 %) of the premium. A short-dated premium
    /// moves 25–50 % in a minute on a 0.1–0.2 % move of its underlying; a price typed with a wrong digit is still far outside.</summary>
    public const double OptionCollarBps = 5_000;
    /// <summary>Options (and barrier options): the collar never rejects a price within 10 ticks of the reference (a cheap
    /// premium of a few ticks is 50 % away at one tick). Their default reference is the quote mid, not the last trade.</summary>
    public const double OptionCollarMinTicks = 10;
    /// <summary>A reference price older than 30 s of event time is stale.</summary>
    public static readonly TimeSpan ReferenceStaleAfter = TimeSpan.FromSeconds(30);
    /// <summary>Fat-finger guard: 50× the account's typical order size on the instrument (or the market's typical
    /// trade size before the account has history). An order 1,000× the usual size never passes.</summary>
    public const double FatFingerMultiple = 50;
    /// <summary>Accepted orders an account needs on an instrument before its own typical size is trusted.</summary>
    public const int FatFingerWarmupOrders = 10;
    /// <summary>Public trades needed before the market's typical trade size is trusted.</summary>
    public const int MarketWarmupTrades = 1;
    /// <summary>Weight of each new observation in the typical-size averages (EWMA, ≈ the last 20 observations).</summary>
    public const double TypicalSizeAlpha = 0.05;
    /// <summary>Rate window: 1 s of event time.</summary>
    public static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(1);
    /// <summary>New orders per second per instrument: 1,000.</summary>
    public const int InstrumentOrdersPerWindow = 1_000;
    /// <summary>Messages per second per instrument: 5,000.</summary>
    public const int InstrumentMessagesPerWindow = 5_000;
    /// <summary>New orders per second per account: 500 (MiFID II RTS 6 expects a per-algorithm throttle).</summary>
    public const int AccountOrdersPerWindow = 500;
    /// <summary>Messages per second per account: 2,500 (market makers cancel and replace most of what they send).</summary>
    public const int AccountMessagesPerWindow = 2_500;
    /// <summary>Open orders per instrument across accounts: 10,000.</summary>
    public const int MaxOpenOrdersPerInstrument = 10_000;
    /// <summary>Open orders per account on one instrument: 64 (also the self-match book depth: 64 slots per side).</summary>
    public const int MaxOpenOrdersPerAccountInstrument = 64;
    /// <summary>Open orders per account: 2,000.</summary>
    public const int MaxOpenOrdersPerAccount = 2_000;
    /// <summary>Settlement currency of an instrument whose limits name none: <c>USD</c>.</summary>
    public const string SettlementCurrency = "USD";

    /// <summary>Closed order ids remembered gate-wide when the closed-id check is turned on (it is off by default; see
    /// <see cref="CircuitBreakerBuilder.ClosedOrderIds"/>): 16,384 closes, 4.5 MiB preallocated.</summary>
    public const int ClosedOrderIds = 16_384;
    /// <summary>Event time a closed order id is remembered for: 24 hours (a trading session).</summary>
    public static readonly TimeSpan ClosedOrderIdHorizon = TimeSpan.FromHours(24);
    /// <summary>Children an order list or amendment batch may have: 32 (a bracket has 3, an OCO 2; a basket of 32 is already
    /// a program trade, which an engine splits).</summary>
    public const int MaxListOrders = 32;
    /// <summary>The largest <see cref="RiskConfig.MaxListOrders"/> a configuration may set: 256 (a list's bookkeeping lives
    /// on the checking thread's stack, about 100 B per child).</summary>
    public const int MaxListOrdersCeiling = 256;
}
