using System.Text.Json;

namespace CircuitBreaker.Config;

public static partial class RiskConfigFile
{
    private static readonly string[] s_closedOrderIdKeys = ["count", "horizon_ms"];

    /// <summary>Longest closed-order-id horizon a file may set: 366 days.</summary>
    private const double MaxClosedOrderIdHorizonMs = 366 * 24 * 3600 * 1000.0;

    /// <summary><c>closed_order_ids</c>: <c>count</c> (0 = off .. 1,048,576; default 16,384) and <c>horizon_ms</c>
    /// (&gt; 0, at most 366 days; default 24 h); see <see cref="CircuitBreakerBuilder.ClosedOrderIds"/>.</summary>
    private static void ReadClosedOrderIds(ConfigReader r, JsonElement value, string path, ConfigPlan plan)
    {
        foreach (var (name, v, p) in r.Properties(value, path, s_closedOrderIdKeys))
        {
            if (name == "count") plan.ClosedOrderIds = (int?)r.Integer(v, p, 0, CircuitBreakerBuilder.MaxClosedOrderIds);
            else plan.ClosedOrderIdHorizon = r.Milliseconds(v, p, 0, minExclusive: true, MaxClosedOrderIdHorizonMs);
        }
    }
}
