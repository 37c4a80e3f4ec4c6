namespace CircuitBreaker.Tests.Architecture;

/// <summary>
/// The core assembly's layers, bottom first (docs/architecture.md draws the same table). A type may refer to types
/// of its own layer and of layers below it, never above. A layer is a set of namespaces; the root namespace
/// <c>CircuitBreaker</c> holds the vocabulary (layer 0) plus a few embedding types that sit at the layer of what
/// they wrap, listed in <see cref="RootTypes"/>.
/// </summary>
public static class Layers
{
    public const string Root = "CircuitBreaker";

    /// <summary>Bottom first.</summary>
    public static readonly (string Name, string[] Namespaces)[] Order =
    [
        ("vocabulary", [Root, "CircuitBreaker.Events"]),
        ("ring", ["CircuitBreaker.Ring"]),
        ("limits", ["CircuitBreaker.Limits"]),
        ("gate and state board", ["CircuitBreaker.State", "CircuitBreaker.Gate"]),
        ("positions", ["CircuitBreaker.Positions"]),
        ("embedding", []),
        ("detectors", ["CircuitBreaker.Detectors"]),
        ("journal", ["CircuitBreaker.Journal"]),
        ("incidents", ["CircuitBreaker.Incidents"]),
        ("pipeline", ["CircuitBreaker.Pipeline"]),
        ("telemetry", ["CircuitBreaker.Telemetry"]),
        ("tape", ["CircuitBreaker.Tape"]),
        ("reports", ["CircuitBreaker.Reports"]),
        ("replay and review", ["CircuitBreaker.Replay"]),
        ("config file", ["CircuitBreaker.Config"]),
    ];

    /// <summary>Root-namespace types that are not vocabulary: each sits at the layer named here.</summary>
    public static readonly Dictionary<string, string> RootTypes = new()
    {
        ["RiskConfig"] = "limits",
        ["RiskConfigException"] = "limits",
        ["StateBoard"] = "gate and state board",
        ["TripHandler"] = "gate and state board",
        ["PreTradeGate"] = "gate and state board",
        ["Breaker"] = "embedding",
        ["CircuitBreakerBuilder"] = "embedding",
    };

    /// <summary>The layer index of an outermost type, or -1 for a type outside every layer.</summary>
    public static int Of(Type t, (string Name, string[] Namespaces)[] order)
    {
        var ns = t.Namespace ?? "";
        if (ns == Root && RootTypes.TryGetValue(t.Name, out var layer))
            return Array.FindIndex(order, l => l.Name == layer);
        return Array.FindIndex(order, l => l.Namespaces.Contains(ns));
    }
}
