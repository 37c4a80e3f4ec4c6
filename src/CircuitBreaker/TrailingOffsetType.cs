namespace CircuitBreaker;

/// <summary>The unit of a trailing stop's offset (<see cref="OrderRequest.TrailingOffset"/>): how far the stop trails the
/// market. The gate checks the offset against the instrument's price collar (<see cref="RejectReason.InvalidTrailingOffset"/>).</summary>
public enum TrailingOffsetType : byte
{
    /// <summary>A price distance in human units, on the instrument's tick grid (the default).</summary>
    Price = 0,
    /// <summary>Basis points of the reference price (1 bp = 0.01 %).</summary>
    BasisPoints = 1,
    /// <summary>A whole number of ticks.</summary>
    Ticks = 2,
}
