namespace CircuitBreaker.Benchmarks.PreTrade;

/// <summary>
/// The baseline: the pre-trade gate a team writes first. One <c>lock</c>, dictionaries keyed by symbol and account
/// name, <see cref="decimal"/> arithmetic, a <see cref="Queue{T}"/> of timestamps per account for the order-rate
/// window and a <see cref="HashSet{T}"/> of working order ids per account. It performs the same default control set as
/// the full gate, in the same order, and is correct; it is just built from the usual general-purpose parts.
/// Tuple keys and struct entries keep it allocation-free in steady state (it is a baseline, not a strawman).
/// </summary>
internal sealed class NaivePreTradeGate
{
    private sealed class InstrumentLimits
    {
        public required decimal Tick, Lot, Multiplier, MinQuantity, MaxQuantity, MaxNotional, CollarBps, MaxLong, MaxShort;
        public required int MaxOpenOrders;
        public decimal? ReferencePrice;
    }

    private sealed class AccountBook
    {
        public readonly Queue<long> RecentOrderTimes = new();
        public readonly HashSet<long> WorkingIds = new();
        public readonly Dictionary<long, WorkingOrder> Working = new();
    }

    private sealed class PositionBook
    {
        public decimal Position, WorkingBuy, WorkingSell;
        public int OpenOrders;
    }

    private readonly record struct WorkingOrder(string Symbol, Side Side, decimal Price, decimal Quantity);

    private readonly object _lock = new();
    private readonly Dictionary<string, InstrumentLimits> _instruments = new();
    private readonly Dictionary<string, AccountBook> _accounts = new();
    private readonly Dictionary<(string Account, string Symbol), PositionBook> _positions = new();
    private readonly string[] _symbolById;
    private readonly string[] _accountById;
    private readonly int _maxOrdersPerWindow;
    private readonly long _rateWindowNs;
    private readonly int _maxOpenOrdersPerAccount;

    public NaivePreTradeGate(PreTradeScenario scenario)
        : this(scenario.Instruments, scenario.AccountNames, PreTradeScenario.MaxOrdersPerWindow, PreTradeScenario.MaxOpenOrdersPerAccount)
    {
    }

    /// <summary>The same gate over the book stream's instruments and limits.</summary>
    public NaivePreTradeGate(BookScenario scenario)
        : this(scenario.Instruments, scenario.AccountNames, BookScenario.MaxOrdersPerWindow, BookScenario.MaxOpenOrdersPerAccount)
    {
    }

    private NaivePreTradeGate(ScenarioInstrument[] instruments, string[] accountNames, int maxOrdersPerWindow, int maxOpenOrdersPerAccount)
    {
        _symbolById = instruments.Select(i => i.Symbol).ToArray();
        _accountById = accountNames.ToArray();
        _maxOrdersPerWindow = maxOrdersPerWindow;
        _rateWindowNs = PreTradeScenario.RateWindowNs;
        _maxOpenOrdersPerAccount = maxOpenOrdersPerAccount;
        var scenario = (Instruments: instruments, AccountNames: accountNames);
        foreach (var i in scenario.Instruments)
        {
            _instruments.Add(i.Symbol, new InstrumentLimits
            {
                Tick = (decimal)i.Tick, Lot = (decimal)i.Lot, Multiplier = (decimal)i.Multiplier,
                MinQuantity = (decimal)i.MinQuantity, MaxQuantity = (decimal)i.MaxQuantity, MaxNotional = (decimal)i.MaxNotional,
                CollarBps = (decimal)i.CollarBps, MaxLong = (decimal)i.MaxLong, MaxShort = (decimal)i.MaxShort,
                MaxOpenOrders = i.MaxOpenOrders, ReferencePrice = (decimal)i.ReferencePrice,
            });
            foreach (var a in scenario.AccountNames) _positions.Add((a, i.Symbol), new PositionBook());
        }
        foreach (var a in scenario.AccountNames)
        {
            var book = new AccountBook();
            book.RecentOrderTimes.EnsureCapacity(Math.Min(_maxOrdersPerWindow, 1 << 16) + 1);
            book.WorkingIds.EnsureCapacity(_maxOpenOrdersPerAccount + 1);
            book.Working.EnsureCapacity(_maxOpenOrdersPerAccount + 1);
            _accounts.Add(a, book);
        }
    }

    /// <summary>A quote from the book stream: its mid becomes the collar's reference.</summary>
    public void Quote(in BookQuote quote)
    {
        string symbol = _symbolById[quote.Instrument.Value];
        SetReferencePrice(symbol, ((decimal)quote.Bid + (decimal)quote.Ask) / 2);
    }

    /// <summary>Sets the reference price the collar is measured against.</summary>
    public void SetReferencePrice(string symbol, decimal price)
    {
        lock (_lock) _instruments[symbol].ReferencePrice = price;
    }

    /// <summary>Applies an execution: moves quantity from working to position; a fully filled order stops working.</summary>
    public void ApplyFill(string account, long orderId, decimal quantity)
    {
        lock (_lock)
        {
            var book = _accounts[account];
            if (!book.Working.TryGetValue(orderId, out var order)) return;
            var position = _positions[(account, order.Symbol)];
            decimal filled = Math.Min(quantity, order.Quantity);
            position.Position += order.Side == Side.Buy ? filled : -filled;
            Release(position, order);
            if (filled < order.Quantity)
            {
                var rest = order with { Quantity = order.Quantity - filled };
                book.Working[orderId] = rest;
                if (rest.Side == Side.Buy) position.WorkingBuy += rest.Quantity; else position.WorkingSell += rest.Quantity;
                position.OpenOrders++;
            }
            else
            {
                book.Working.Remove(orderId);
                book.WorkingIds.Remove(orderId);
            }
        }
    }

    /// <summary>Checks an order. The engine's ids are mapped to the names this gate is keyed by.</summary>
    public Decision Check(in OrderRequest order)
    {
        string? symbol = (uint)order.Instrument.Value < (uint)_symbolById.Length ? _symbolById[order.Instrument.Value] : null;
        string? account = (uint)order.Account.Value < (uint)_accountById.Length ? _accountById[order.Account.Value] : null;
        lock (_lock)
        {
            if (symbol is null || !_instruments.TryGetValue(symbol, out var limits)) return Decision.Reject(RejectReason.UnknownInstrument);
            if (account is null || !_accounts.TryGetValue(account, out var book)) return Decision.Reject(RejectReason.UnknownAccount, Scope.Account);
            var position = _positions[(account, symbol)];

            if (order.Action == OrderAction.Cancel)
            {
                if (!book.Working.Remove(order.OrderId, out var cancelled)) return Decision.Accept; // cancels always pass, as in ours
                book.WorkingIds.Remove(order.OrderId);
                Release(position, cancelled);
                return Decision.Accept;
            }

            if (!double.IsFinite(order.Price)) return Decision.Reject(RejectReason.NonFinitePrice);
            if (!double.IsFinite(order.Quantity)) return Decision.Reject(RejectReason.NonFiniteQuantity);
            decimal price, quantity;
            try { price = (decimal)order.Price; quantity = (decimal)order.Quantity; }
            catch (OverflowException) { return Decision.Reject(RejectReason.InvalidPrice); }
            if (price <= 0) return Decision.Reject(RejectReason.InvalidPrice);
            if (quantity <= 0) return Decision.Reject(RejectReason.InvalidQuantity);
            if (price % limits.Tick != 0) return Decision.Reject(RejectReason.OffTick);
            if (quantity % limits.Lot != 0) return Decision.Reject(RejectReason.OffLot);
            if (quantity < limits.MinQuantity) return Decision.Reject(RejectReason.MinOrderQuantity);
            if (quantity > limits.MaxQuantity) return Decision.Reject(RejectReason.MaxOrderQuantity);
            if (price * quantity * limits.Multiplier > limits.MaxNotional) return Decision.Reject(RejectReason.MaxOrderNotional);
            if (limits.ReferencePrice is not decimal reference) return Decision.Reject(RejectReason.StaleReference);
            if (Math.Abs(price - reference) * 10_000m > limits.CollarBps * reference) return Decision.Reject(RejectReason.PriceCollar);

            WorkingOrder previous = default;
            bool isReplace = order.Action == OrderAction.Replace;
            if (isReplace)
            {
                if (!book.Working.TryGetValue(order.OrderId, out previous)) return Decision.Reject(RejectReason.UnknownOrder);
            }
            else if (book.WorkingIds.Contains(order.OrderId)) return Decision.Reject(RejectReason.DuplicateOrderId);

            decimal added = quantity - (isReplace && previous.Side == order.Side ? previous.Quantity : 0);
            if (order.Side == Side.Buy
                ? position.Position + position.WorkingBuy + added > limits.MaxLong
                : position.WorkingSell + added - position.Position > limits.MaxShort)
                return Decision.Reject(RejectReason.MaxPosition);

            if (!isReplace)
            {
                if (position.OpenOrders >= limits.MaxOpenOrders) return Decision.Reject(RejectReason.MaxOpenOrders);
                if (book.Working.Count >= _maxOpenOrdersPerAccount) return Decision.Reject(RejectReason.MaxOpenOrders, Scope.Account);
                var times = book.RecentOrderTimes;
                while (times.Count > 0 && times.Peek() <= order.TimeNs - _rateWindowNs) times.Dequeue();
                if (times.Count >= _maxOrdersPerWindow) return Decision.Reject(RejectReason.OrderRate, Scope.Account);
                times.Enqueue(order.TimeNs);
            }
            else
            {
                Release(position, previous);
            }

            var working = new WorkingOrder(symbol, order.Side, price, quantity);
            book.Working[order.OrderId] = working;
            book.WorkingIds.Add(order.OrderId);
            if (order.Side == Side.Buy) position.WorkingBuy += quantity; else position.WorkingSell += quantity;
            position.OpenOrders++;
            return Decision.Accept;
        }
    }

    private static void Release(PositionBook position, in WorkingOrder order)
    {
        if (order.Side == Side.Buy) position.WorkingBuy -= order.Quantity; else position.WorkingSell -= order.Quantity;
        position.OpenOrders--;
    }
}
