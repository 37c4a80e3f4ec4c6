using System.Runtime.InteropServices;

namespace CircuitBreaker.Events;

/// <summary>A public trade.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public struct TradePayload
{
    /// <summary>Price in human units.</summary>
    public double Price;
    /// <summary>Quantity in human units.</summary>
    public double Quantity;
}

/// <summary>Top of book. Quantities are NaN when not given.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public struct QuotePayload
{
    /// <summary>Best bid.</summary>
    public double Bid;
    /// <summary>Best ask.</summary>
    public double Ask;
    /// <summary>Quantity at the best bid.</summary>
    public double BidQuantity;
    /// <summary>Quantity at the best ask.</summary>
    public double AskQuantity;
}

/// <summary>An oracle price.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public struct OraclePayload
{
    /// <summary>Price in human units.</summary>
    public double Price;
}

/// <summary>An order request and the gate's decision (in the header's <see cref="RiskEvent.Reason"/>).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public struct OrderPayload
{
    /// <summary>Order id, unique per account.</summary>
    public long OrderId;
    /// <summary>Price in human units.</summary>
    public double Price;
    /// <summary>Quantity in human units.</summary>
    public double Quantity;
}

/// <summary>An execution.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public struct FillPayload
{
    /// <summary>The order this fill executes.</summary>
    public long OrderId;
    /// <summary>Price in human units.</summary>
    public double Price;
    /// <summary>Quantity in human units (positive).</summary>
    public double Quantity;
}

/// <summary>The engine's view of a position. Unset values are NaN. Gamma and vega are single precision to fit the line.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public struct PositionPayload
{
    /// <summary>Signed quantity in human units.</summary>
    public double Quantity;
    /// <summary>Delta.</summary>
    public double Delta;
    /// <summary>Notional.</summary>
    public double Notional;
    /// <summary>PnL as the engine sees it.</summary>
    public double Pnl;
    /// <summary>Gamma.</summary>
    public float Gamma;
    /// <summary>Vega.</summary>
    public float Vega;
}

/// <summary>An on-chain event; the kind is in the header's <see cref="RiskEvent.SubKind"/>, the pool in <see cref="RiskEvent.Aux"/>.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public struct ChainPayload
{
    /// <summary>Amount of the asset.</summary>
    public double Amount;
    /// <summary>Block number; -1 when unknown.</summary>
    public long Block;
    /// <summary>Hash of the transaction id; 0 when unknown.</summary>
    public long TxHash;
    /// <summary>Asset id.</summary>
    public int Asset;
}

/// <summary>A balance movement (<see cref="RiskEventKind.Balance"/>).</summary>
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public struct BalancePayload
{
    /// <summary>Amount in the settlement currency (its sign as <see cref="BalanceChange"/> describes).</summary>
    public double Amount;
}

/// <summary>An operator command; the action is in <see cref="RiskEvent.SubKind"/>, the target id in <see cref="RiskEvent.Aux"/>.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 8)]
public struct AdminPayload
{
    /// <summary>Scope of the command.</summary>
    public Scope Scope;
}
