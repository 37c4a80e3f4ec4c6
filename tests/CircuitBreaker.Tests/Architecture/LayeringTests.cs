using System.Reflection;
using CircuitBreaker.Tests.Architecture.Control.High;
using CircuitBreaker.Tests.Support;

namespace CircuitBreaker.Tests.Architecture;

/// <summary>
/// The build's guard against dependency cycles: reads the compiled core assembly's type references and fails on any
/// reference from a layer to a layer above it (<see cref="Layers"/>). The controls prove the reader sees references
/// hidden in method bodies and that a wrong layering fails.
/// </summary>
public class LayeringTests
{
    private static readonly Assembly Core = typeof(Breaker).Assembly;

    private static List<string> Violations(Assembly assembly, (string Name, string[] Namespaces)[] order, Func<Type, bool> include)
    {
        var found = new List<string>();
        foreach (var ((from, to), where) in TypeReferences.Edges(assembly, include))
        {
            int a = Layers.Of(from, order), b = Layers.Of(to, order);
            if (a >= 0 && b > a)
                found.Add($"{from.FullName} ({order[a].Name}) -> {to.FullName} ({order[b].Name}) in {where}");
        }
        found.Sort(StringComparer.Ordinal);
        return found;
    }

    private static bool IsOurs(Type t) => t.Namespace is { } ns && (ns == Layers.Root || ns.StartsWith(Layers.Root + ".", StringComparison.Ordinal));

    [Fact]
    public void Core_HasNoUpwardReference()
    {
        var violations = Violations(Core, Layers.Order, IsOurs);
        Assert.True(violations.Count == 0, "upward references:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void EveryCoreNamespace_IsInALayer()
    {
        var unplaced = Core.GetTypes().Select(TypeReferences.Outermost).Distinct().Where(IsOurs)
            .Where(t => Layers.Of(t, Layers.Order) < 0).Select(t => t.FullName).ToList();
        Assert.True(unplaced.Count == 0, "types outside every layer: " + string.Join(", ", unplaced));
    }

    [Fact]
    public void RootNamespace_HoldsAtMost40PublicTypes()
    {
        var root = Core.GetExportedTypes().Where(t => t.Namespace == Layers.Root && !t.IsNested).Select(t => t.Name).ToList();
        Assert.True(root.Count <= 40, $"{root.Count} public types in the root namespace: {string.Join(", ", root)}");
        foreach (var name in Layers.RootTypes.Keys) Assert.Contains(name, root);
    }

    [Fact]
    public void Control_ABodyOnlyUpwardReference_IsFound()
    {
        // Low.Caller refers to High.Target only inside a method body (no field, no signature).
        (string, string[])[] order =
        [
            ("low", ["CircuitBreaker.Tests.Architecture.Control.Low"]),
            ("high", ["CircuitBreaker.Tests.Architecture.Control.High"]),
        ];
        var violations = Violations(typeof(LayeringTests).Assembly, order,
            t => t.Namespace?.StartsWith("CircuitBreaker.Tests.Architecture.Control", StringComparison.Ordinal) == true);
        Assert.Equal(
            ["CircuitBreaker.Tests.Architecture.Control.Low.Caller (low) -> CircuitBreaker.Tests.Architecture.Control.High.Target (high) in Caller.Call (body)"],
            violations);
        Assert.Equal(3, new Target().Touch()); // keep the control types used
    }

    [Fact]
    public void Control_TheCoreLayersReversed_Fail()
    {
        // The same reader over the real assembly with the order turned upside down must find upward references:
        // the layering test is not passing because it sees nothing.
        var reversed = Layers.Order.Reverse().ToArray();
        var violations = Violations(Core, reversed, IsOurs);
        Assert.Contains(violations, v => v.StartsWith("CircuitBreaker.Gate.", StringComparison.Ordinal) && v.Contains("(vocabulary)", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("CircuitBreaker.Breaker ", StringComparison.Ordinal) && v.Contains("-> CircuitBreaker.PreTradeGate", StringComparison.Ordinal));
    }
}
