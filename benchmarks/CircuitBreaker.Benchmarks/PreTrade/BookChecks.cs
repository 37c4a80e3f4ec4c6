namespace CircuitBreaker.Benchmarks.PreTrade;

/// <summary>The naive gate on the book stream: quotes set its collar reference (under its lock).</summary>
internal readonly struct NaiveBookCheck(NaivePreTradeGate gate) : IBookCheck
{
    public Decision Check(in OrderRequest order) => gate.Check(in order);
    public void Quote(in BookQuote quote) => gate.Quote(in quote);
}

/// <summary>Polly.Core's circuit breaker around the naive gate on the book stream (quotes go to the gate directly).</summary>
internal readonly struct PollyBookCheck(PollyCheck polly, NaivePreTradeGate gate) : IBookCheck
{
    public Decision Check(in OrderRequest order) => polly.Check(in order);
    public void Quote(in BookQuote quote) => gate.Quote(in quote);

    public static PollyBookCheck Create(NaivePreTradeGate gate) => new(PollyCheck.Create(gate), gate);
}

/// <summary>Our breaker on the book stream: orders through <see cref="PreTradeGate.Check"/>, quotes through
/// <see cref="Breaker.Apply"/> (the position keeper's market-data path, which sets the gate's reference mid).</summary>
internal readonly struct OursBookCheck(Breaker breaker) : IBookCheck
{
    private readonly PreTradeGate _gate = breaker.Gate;
    public Decision Check(in OrderRequest order) => _gate.Check(in order);
    public void Quote(in BookQuote quote) => breaker.Apply(RiskEvent.Quote(quote.TimeNs, quote.Instrument, quote.Bid, quote.Ask));
}
