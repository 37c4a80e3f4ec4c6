using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace CircuitBreaker;

/// <summary>
/// One event on the risk pipeline: a 64-byte unmanaged value (one cache line) with a 24-byte header and a
/// 40-byte payload union. The ring holds these by value, so publishing copies 64 bytes and allocates nothing.
/// Prices and quantities are in human units (as on the tape); the evaluator converts them with the instrument's
/// tick and lot. Build one with the static factories (<see cref="Trade"/>, <see cref="Fill"/>, ...).
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
public struct RiskEvent
{
    /// <summary>Size in bytes: one cache line.</summary>
    public const int SizeInBytes = 64;

    /// <summary>What the payload holds.</summary>
    [FieldOffset(0)] public RiskEventKind Kind;
    /// <summary>Side (orders, fills, trade aggressor).</summary>
    [FieldOffset(1)] public Side Side;
    /// <summary>Sub-kind: <see cref="OrderAction"/>, <see cref="ChainEventKind"/>, <see cref="AdminAction"/>, or 1 when a trade has an aggressor.</summary>
    [FieldOffset(2)] public byte SubKind;
    /// <summary>Reason code (orders: the gate's <see cref="RejectReason"/>; admin: the reason given).</summary>
    [FieldOffset(3)] public byte Reason;
    /// <summary>Instrument (or the underlying's instrument for oracle prices); <c>-1</c> when none.</summary>
    [FieldOffset(4)] public int Instrument;
    /// <summary>Event time in nanoseconds. Every window and cool-down runs on it.</summary>
    [FieldOffset(8)] public long TimeNs;
    /// <summary>Account; <c>-1</c> when none.</summary>
    [FieldOffset(16)] public int Account;
    /// <summary>Auxiliary id: venue, oracle source, pool, admin scope target; <c>-1</c> when none.</summary>
    [FieldOffset(20)] public int Aux;

    /// <summary>Payload for <see cref="RiskEventKind.Trade"/>.</summary>
    [FieldOffset(24)] public TradePayload TradeData;
    /// <summary>Payload for <see cref="RiskEventKind.Quote"/>.</summary>
    [FieldOffset(24)] public QuotePayload QuoteData;
    /// <summary>Payload for <see cref="RiskEventKind.Oracle"/>.</summary>
    [FieldOffset(24)] public OraclePayload OracleData;
    /// <summary>Payload for <see cref="RiskEventKind.Order"/>.</summary>
    [FieldOffset(24)] public OrderPayload OrderData;
    /// <summary>Payload for <see cref="RiskEventKind.Fill"/>.</summary>
    [FieldOffset(24)] public FillPayload FillData;
    /// <summary>Payload for <see cref="RiskEventKind.Position"/>.</summary>
    [FieldOffset(24)] public PositionPayload PositionData;
    /// <summary>Payload for <see cref="RiskEventKind.Chain"/>.</summary>
    [FieldOffset(24)] public ChainPayload ChainData;
    /// <summary>Payload for <see cref="RiskEventKind.Admin"/>.</summary>
    [FieldOffset(24)] public AdminPayload AdminData;
    /// <summary>Payload for <see cref="RiskEventKind.Balance"/>.</summary>
    [FieldOffset(24)] public BalancePayload BalanceData;

    /// <summary>A public trade.</summary>
    /// <param name="timeNs">Event time, nanoseconds (any int64 origin; engines use Unix ns).</param>
    /// <param name="instrument">The instrument.</param>
    /// <param name="price">Price in human units.</param>
    /// <param name="quantity">Quantity in human units.</param>
    /// <param name="aggressor">The aggressor side, when known (default unknown).</param>
    /// <param name="venue">A venue id the caller assigns (default -1, none).</param>
    /// <returns>The event (a value; allocates nothing).</returns>
    public static RiskEvent Trade(long timeNs, InstrumentId instrument, double price, double quantity, Side? aggressor = null, int venue = -1)
    {
        var e = Header(RiskEventKind.Trade, timeNs, instrument, AccountId.None, venue);
        e.Side = aggressor ?? Side.Buy;
        e.SubKind = aggressor.HasValue ? (byte)1 : (byte)0;
        e.TradeData = new TradePayload { Price = price, Quantity = quantity };
        return e;
    }

    /// <summary>Top of book.</summary>
    /// <param name="timeNs">Event time, nanoseconds (any int64 origin; engines use Unix ns).</param>
    /// <param name="instrument">The instrument.</param>
    /// <param name="bid">Best bid.</param>
    /// <param name="ask">Best ask.</param>
    /// <param name="bidQuantity">Size at the bid (default NaN, unknown).</param>
    /// <param name="askQuantity">Size at the ask (default NaN, unknown).</param>
    /// <param name="venue">A venue id the caller assigns (default -1, none).</param>
    /// <returns>The event.</returns>
    public static RiskEvent Quote(long timeNs, InstrumentId instrument, double bid, double ask, double bidQuantity = double.NaN, double askQuantity = double.NaN, int venue = -1)
    {
        var e = Header(RiskEventKind.Quote, timeNs, instrument, AccountId.None, venue);
        e.QuoteData = new QuotePayload { Bid = bid, Ask = ask, BidQuantity = bidQuantity, AskQuantity = askQuantity };
        return e;
    }

    /// <summary>An oracle price for an instrument or the instrument standing for an underlying.</summary>
    /// <param name="timeNs">Event time, nanoseconds (any int64 origin; engines use Unix ns).</param>
    /// <param name="instrument">The instrument, or the instrument standing for the underlying.</param>
    /// <param name="price">The oracle price in human units.</param>
    /// <param name="source">A source id the caller assigns (default -1, none).</param>
    /// <returns>The event.</returns>
    public static RiskEvent Oracle(long timeNs, InstrumentId instrument, double price, int source = -1)
    {
        var e = Header(RiskEventKind.Oracle, timeNs, instrument, AccountId.None, source);
        e.OracleData = new OraclePayload { Price = price };
        return e;
    }

    /// <summary>The gate's decision on an order request (published by the breaker after <c>Check</c>).</summary>
    /// <param name="order">The order as checked.</param>
    /// <param name="reason">The gate's verdict (<see cref="RejectReason.None"/> when accepted).</param>
    /// <returns>The event.</returns>
    public static RiskEvent OrderDecision(in OrderRequest order, RejectReason reason)
    {
        var e = Header(RiskEventKind.Order, order.TimeNs, order.Instrument, order.Account, -1);
        e.Side = order.Side;
        e.SubKind = (byte)order.Action;
        e.Reason = (byte)reason;
        e.OrderData = new OrderPayload { OrderId = order.OrderId, Price = order.Price, Quantity = order.Quantity };
        return e;
    }

    /// <summary>An execution of one of the engine's orders.</summary>
    /// <param name="timeNs">Event time, nanoseconds (any int64 origin; engines use Unix ns).</param>
    /// <param name="instrument">The instrument.</param>
    /// <param name="account">The account whose order filled.</param>
    /// <param name="orderId">The order's id (per account).</param>
    /// <param name="side">The order's side.</param>
    /// <param name="price">Execution price in human units.</param>
    /// <param name="quantity">Executed quantity in human units.</param>
    /// <param name="venue">A venue id the caller assigns (default -1, none).</param>
    /// <returns>The event.</returns>
    public static RiskEvent Fill(long timeNs, InstrumentId instrument, AccountId account, long orderId, Side side, double price, double quantity, int venue = -1)
    {
        var e = Header(RiskEventKind.Fill, timeNs, instrument, account, venue);
        e.Side = side;
        e.FillData = new FillPayload { OrderId = orderId, Price = price, Quantity = quantity };
        return e;
    }

    /// <summary>A movement of an account's balance in one settlement currency (a tape extension: <c>balance</c> record).</summary>
    /// <param name="timeNs">Event time, nanoseconds (any int64 origin; engines use Unix ns).</param>
    /// <param name="account">The account.</param>
    /// <param name="currency">The currency's index in <see cref="RiskConfig.Currencies"/> (<see cref="RiskConfig.CurrencyIndex"/>).</param>
    /// <param name="change">What moved the balance.</param>
    /// <param name="amount">The amount (see <see cref="BalanceChange"/> for its sign).</param>
    /// <returns>The event.</returns>
    public static RiskEvent Balance(long timeNs, AccountId account, int currency, BalanceChange change, double amount)
    {
        var e = Header(RiskEventKind.Balance, timeNs, new InstrumentId(-1), account, currency);
        e.SubKind = (byte)change;
        e.BalanceData = new BalancePayload { Amount = amount };
        return e;
    }

    /// <summary>The engine's view of a position and its sensitivities.</summary>
    /// <param name="timeNs">Event time, nanoseconds (any int64 origin; engines use Unix ns).</param>
    /// <param name="instrument">The instrument.</param>
    /// <param name="account">The account.</param>
    /// <param name="quantity">Signed position in human units (long &gt; 0).</param>
    /// <param name="delta">Delta (default NaN, unknown).</param>
    /// <param name="gamma">Gamma (default NaN).</param>
    /// <param name="vega">Vega (default NaN).</param>
    /// <param name="notional">Notional (default NaN).</param>
    /// <param name="pnl">PnL the engine reports (default NaN).</param>
    /// <returns>The event.</returns>
    public static RiskEvent Position(long timeNs, InstrumentId instrument, AccountId account, double quantity, double delta = double.NaN, double gamma = double.NaN, double vega = double.NaN, double notional = double.NaN, double pnl = double.NaN)
    {
        var e = Header(RiskEventKind.Position, timeNs, instrument, account, -1);
        e.PositionData = new PositionPayload { Quantity = quantity, Delta = delta, Notional = notional, Pnl = pnl, Gamma = (float)gamma, Vega = (float)vega };
        return e;
    }

    /// <summary>An on-chain event. <paramref name="asset"/> and <paramref name="pool"/> are ids the caller assigns (e.g. from the registry's asset table).</summary>
    /// <param name="timeNs">Event time, nanoseconds (any int64 origin; engines use Unix ns).</param>
    /// <param name="kind">What happened on chain.</param>
    /// <param name="asset">The asset id.</param>
    /// <param name="amount">Amount in human units.</param>
    /// <param name="account">The trading account it concerns, when it is one (default none).</param>
    /// <param name="block">Block number (default -1, unknown).</param>
    /// <param name="txHash">A hash of the transaction id (default 0).</param>
    /// <param name="pool">The pool id (default -1, none).</param>
    /// <param name="instrument">An instrument it concerns (default none).</param>
    /// <returns>The event.</returns>
    public static RiskEvent Chain(long timeNs, ChainEventKind kind, int asset, double amount, AccountId? account = null, long block = -1, long txHash = 0, int pool = -1, InstrumentId? instrument = null)
    {
        var e = Header(RiskEventKind.Chain, timeNs, instrument ?? InstrumentId.None, account ?? AccountId.None, pool);
        e.SubKind = (byte)kind;
        e.ChainData = new ChainPayload { Amount = amount, Block = block, TxHash = txHash, Asset = asset };
        return e;
    }

    /// <summary>An operator command on a scope. <paramref name="target"/> is the dense id of the scope's target (ignored for global).</summary>
    /// <param name="timeNs">Event time, nanoseconds (any int64 origin; engines use Unix ns).</param>
    /// <param name="action">The command.</param>
    /// <param name="scope">The scope it applies to.</param>
    /// <param name="target">The dense id of the scope's target (an <see cref="InstrumentId"/>, <see cref="GroupId"/> or <see cref="AccountId"/> <c>.Value</c>); ignored (-1) for <see cref="Scope.Global"/>.</param>
    /// <param name="reason">The reason recorded with the transition (default <see cref="RejectReason.Manual"/>).</param>
    /// <returns>The event.</returns>
    public static RiskEvent Admin(long timeNs, AdminAction action, Scope scope, int target, RejectReason reason = RejectReason.Manual)
    {
        var e = Header(RiskEventKind.Admin, timeNs, InstrumentId.None, AccountId.None, target);
        e.SubKind = (byte)action;
        e.Reason = (byte)reason;
        e.AdminData = new AdminPayload { Scope = scope };
        return e;
    }

    /// <summary>A start-of-day command for every account: daily-loss limits count from each account's current PnL. Apply
    /// it through the pipeline (<c>Publish</c>), a tape (<c>admin</c>, <c>action: start_day</c>) or <see cref="Breaker.Apply"/>.</summary>
    /// <param name="timeNs">Event time, nanoseconds (any origin).</param>
    public static RiskEvent StartDay(long timeNs) => Admin(timeNs, AdminAction.StartDay, Scope.Global, -1);

    /// <summary>A start-of-day command for one account (see <see cref="StartDay(long)"/>). An id outside the configuration is ignored.</summary>
    /// <param name="timeNs">Event time, nanoseconds (any origin).</param>
    /// <param name="account">The account whose trading day starts.</param>
    public static RiskEvent StartDay(long timeNs, AccountId account) => Admin(timeNs, AdminAction.StartDay, Scope.Account, account.Value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static RiskEvent Header(RiskEventKind kind, long timeNs, InstrumentId instrument, AccountId account, int aux)
    {
        Unsafe.SkipInit(out RiskEvent e);
        e = default;
        e.Kind = kind;
        e.TimeNs = timeNs;
        e.Instrument = instrument.Value;
        e.Account = account.Value;
        e.Aux = aux;
        return e;
    }
}
