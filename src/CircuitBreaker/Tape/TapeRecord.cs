namespace CircuitBreaker.Tape;

/// <summary>
/// One event-tape record in human units (event-tape spec v1), as read by <see cref="TapeReader"/> or written by
/// <see cref="TapeWriter"/>. One class holds every record type: fields a type does not use, or optional fields that were
/// absent, are <see langword="null"/> (strings, enums, integers) or <see cref="double.NaN"/> (numbers).
/// Prices and quantities are kept exactly as written; converting them to ticks and lots (with rounding) is the
/// replay's job. Value equality compares every property, <see cref="LineNumber"/> included.
/// </summary>
public sealed record TapeRecord
{
    /// <summary>Event time: nanoseconds since the start of the tape (JSON <c>t</c>); never decreasing.</summary>
    public long T { get; init; }
    /// <summary>Record type (JSON <c>type</c>).</summary>
    public TapeRecordType Type { get; init; }
    /// <summary>1-based line the record was read from; 0 for a record built in code. Never written.</summary>
    public long LineNumber { get; init; }

    /// <summary>Instrument symbol (<c>symbol</c>); for <c>oracle</c> and <c>chain</c> it may be an underlying name.</summary>
    public string? Symbol { get; init; }

    // instrument
    /// <summary><c>instrument</c>: product kind (<c>kind</c>: <c>spot</c>, <c>perpetual</c>, <c>future</c>, <c>option</c>, <c>barrier_option</c>, <c>swap</c>).</summary>
    public InstrumentKind? InstrumentKind { get; init; }
    /// <summary><c>instrument</c>: price increment (<c>tick</c>, &gt; 0).</summary>
    public double Tick { get; init; } = double.NaN;
    /// <summary><c>instrument</c>: quantity increment (<c>lot</c>, &gt; 0).</summary>
    public double Lot { get; init; } = double.NaN;
    /// <summary><c>instrument</c>: underlying name (<c>underlying</c>), usable as an <c>oracle</c> symbol.</summary>
    public string? Underlying { get; init; }
    /// <summary><c>instrument</c>: contract multiplier (<c>multiplier</c>). The reader fills in the spec default 1 when absent.</summary>
    public double Multiplier { get; init; } = double.NaN;
    /// <summary><c>instrument</c>: risk group as written (<c>group</c>); see <see cref="RiskGroup"/> for the defaulted value.</summary>
    public string? Group { get; init; }
    /// <summary><c>instrument</c>: barrier level (<c>barrier</c>).</summary>
    public double Barrier { get; init; } = double.NaN;
    /// <summary><c>instrument</c>: barrier kind (<c>barrier_kind</c>: <c>up_and_out</c>, <c>down_and_out</c>, <c>up_and_in</c>, <c>down_and_in</c>).</summary>
    public BarrierKind? BarrierKind { get; init; }
    /// <summary><c>instrument</c>: option strike (<c>strike</c>).</summary>
    public double Strike { get; init; } = double.NaN;
    /// <summary><c>instrument</c>: expiry as tape event time in ns (<c>expiry_t</c>).</summary>
    public long? ExpiryT { get; init; }

    // trade, quote, oracle, order, fill
    /// <summary><c>trade</c>, <c>oracle</c>, <c>order</c>, <c>fill</c>: price in human units (<c>px</c>).</summary>
    public double Px { get; init; } = double.NaN;
    /// <summary><c>trade</c>, <c>order</c>, <c>fill</c>: quantity (<c>qty</c>, ≥ 0); <c>position</c>: signed position.</summary>
    public double Qty { get; init; } = double.NaN;
    /// <summary><c>trade</c>: aggressor side (<c>aggressor</c>).</summary>
    public Side? Aggressor { get; init; }
    /// <summary><c>trade</c>, <c>quote</c>, <c>fill</c>: venue (<c>venue</c>).</summary>
    public string? Venue { get; init; }
    /// <summary><c>quote</c>: best bid (<c>bid</c>).</summary>
    public double Bid { get; init; } = double.NaN;
    /// <summary><c>quote</c>: best ask (<c>ask</c>).</summary>
    public double Ask { get; init; } = double.NaN;
    /// <summary><c>quote</c>: size at the best bid (<c>bid_qty</c>, ≥ 0).</summary>
    public double BidQty { get; init; } = double.NaN;
    /// <summary><c>quote</c>: size at the best ask (<c>ask_qty</c>, ≥ 0).</summary>
    public double AskQty { get; init; } = double.NaN;
    /// <summary><c>oracle</c>: price source (<c>source</c>).</summary>
    public string? Source { get; init; }

    // order, fill, position
    /// <summary><c>order</c>: the order id (<c>id</c>); <c>fill</c>: the id of the order filled (<c>order_id</c>). Unique per account.</summary>
    public long? OrderId { get; init; }
    /// <summary><c>order</c>, <c>fill</c>, <c>position</c>, <c>chain</c>: account (<c>account</c>), a free string.</summary>
    public string? Account { get; init; }
    /// <summary><c>order</c>, <c>fill</c>: side (<c>side</c>).</summary>
    public Side? Side { get; init; }
    /// <summary><c>order</c>: what the order asks for (<c>action</c>); the reader fills in the default <see cref="OrderAction.New"/>.</summary>
    public OrderAction? OrderAction { get; init; }
    /// <summary><c>order</c>: strategy (<c>strategy</c>), a free string.</summary>
    public string? Strategy { get; init; }
    /// <summary><c>order</c>: time in force (<c>tif</c>), a free string.</summary>
    public string? Tif { get; init; }
    /// <summary><c>order</c>: reduce-only flag (<c>reduce_only</c>, optional; absent means false). See <see cref="OrderRequest.ReduceOnly"/>.</summary>
    public bool? ReduceOnly { get; init; }
    /// <summary><c>order</c>: good-till-date expire time in event-time ns (<c>expire_t</c>, optional; absent means none). See <see cref="OrderRequest.ExpireTimeNs"/>.</summary>
    public long? ExpireT { get; init; }
    /// <summary><c>order</c>: <c>qty</c> is an amount of the quote currency (<c>quote_quantity</c>, optional; absent means false). See <see cref="OrderRequest.QuoteQuantity"/>.</summary>
    public bool? QuoteQuantity { get; init; }
    /// <summary><c>order</c>: stop / trigger price (<c>trigger_px</c>, optional; NaN when absent). See <see cref="OrderRequest.TriggerPrice"/>.</summary>
    public double TriggerPx { get; init; } = double.NaN;
    /// <summary><c>order</c>: trailing stop offset (<c>trailing_offset</c>, optional; NaN when absent), in the unit of
    /// <see cref="TrailingOffsetType"/>. See <see cref="OrderRequest.TrailingOffset"/>.</summary>
    public double TrailingOffset { get; init; } = double.NaN;
    /// <summary><c>order</c>: unit of the trailing offset (<c>trailing_offset_type</c>: <c>price</c>, <c>basis_points</c>,
    /// <c>ticks</c>; optional, absent means <c>price</c>).</summary>
    public TrailingOffsetType? TrailingOffsetType { get; init; }
    /// <summary><c>order</c>: the order list this order belongs to (<c>list_id</c>, optional; an integer per account):
    /// consecutive order records with the same list id are checked as one list (<see cref="Breaker.CheckList"/>) or, when
    /// all are replaces, one amendment batch (<see cref="Breaker.CheckBatch"/>). See docs/tape-format.md.</summary>
    public long? ListId { get; init; }
    /// <summary><c>order</c>: the number of orders in the list (<c>list_size</c>, optional, 1 to 1,024): the list is checked
    /// as soon as that many have been read, without waiting for the next record (live streams).</summary>
    public long? ListSize { get; init; }
    /// <summary><c>position</c>: delta (<c>delta</c>).</summary>
    public double Delta { get; init; } = double.NaN;
    /// <summary><c>position</c>: gamma (<c>gamma</c>).</summary>
    public double Gamma { get; init; } = double.NaN;
    /// <summary><c>position</c>: vega (<c>vega</c>).</summary>
    public double Vega { get; init; } = double.NaN;
    /// <summary><c>position</c>: notional (<c>notional</c>).</summary>
    public double Notional { get; init; } = double.NaN;
    /// <summary><c>position</c>: profit and loss (<c>pnl</c>).</summary>
    public double Pnl { get; init; } = double.NaN;

    // chain
    /// <summary><c>chain</c>: on-chain event kind (<c>kind</c>: <c>borrow</c>, <c>repay</c>, <c>swap</c>, <c>deposit</c>, <c>withdraw</c>, <c>transfer</c>, <c>liquidation</c>).</summary>
    public ChainEventKind? ChainKind { get; init; }
    /// <summary><c>chain</c>: asset (<c>asset</c>).</summary>
    public string? Asset { get; init; }
    /// <summary><c>chain</c>: amount in human units (<c>amount</c>).</summary>
    public double Amount { get; init; } = double.NaN;
    /// <summary><c>chain</c>: block number (<c>block</c>).</summary>
    public long? Block { get; init; }
    /// <summary><c>chain</c>: transaction id (<c>tx</c>).</summary>
    public string? Tx { get; init; }
    /// <summary><c>chain</c>: pool (<c>pool</c>).</summary>
    public string? Pool { get; init; }

    // admin
    /// <summary><c>admin</c>: operator command (<c>action</c>: <c>halt</c>, <c>resume</c>, <c>reduce_only</c>, <c>ack</c>).</summary>
    public AdminAction? AdminAction { get; init; }
    /// <summary><c>balance</c>: the currency, e.g. <c>USDT</c>.</summary>
    public string? Currency { get; init; }
    /// <summary><c>balance</c>: what moved the balance (<c>change</c>).</summary>
    public BalanceChange? BalanceChange { get; init; }
    /// <summary><c>admin</c>: scope (<c>scope</c>: <c>instrument</c>, <c>group</c>, <c>account</c>, <c>global</c>).</summary>
    public Scope? Scope { get; init; }
    /// <summary><c>admin</c>: target (<c>target</c>): a symbol, group, account, or <c>*</c>.</summary>
    public string? Target { get; init; }
    /// <summary><c>admin</c>: reason (<c>reason</c>), free text.</summary>
    public string? Reason { get; init; }

    /// <summary>
    /// <c>instrument</c>: the risk group with the spec default applied: <see cref="Group"/>, else <see cref="Underlying"/>,
    /// else <see cref="Symbol"/>. <see langword="null"/> for other record types.
    /// </summary>
    public string? RiskGroup => Type == TapeRecordType.Instrument ? Group ?? Underlying ?? Symbol : null;
}
