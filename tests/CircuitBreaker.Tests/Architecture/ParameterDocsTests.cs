using System.Reflection;
using System.Xml.Linq;

namespace CircuitBreaker.Tests.Architecture;

/// <summary>
/// Every parameter of the public methods and constructors of the core library (the embedding surface, the root
/// namespace <c>CircuitBreaker</c>, first), the drills, the hosting package and the NATS package is documented with a <c>&lt;param&gt;</c>
/// (or inherits its docs). Read from the XML documentation the build writes next to each assembly.
/// </summary>
public class ParameterDocsTests
{
    /// <summary>Members of <paramref name="types"/> with parameters whose XML entry lacks a param tag for one of them.</summary>
    internal static List<string> Undocumented(XDocument xml, IEnumerable<Type> types)
    {
        var docs = xml.Descendants("member").ToDictionary(m => (string)m.Attribute("name")!, m => m);
        var missing = new List<string>();
        foreach (var type in types.Where(t => !typeof(Delegate).IsAssignableFrom(t)))
        {
            const BindingFlags Flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var members = type.GetMethods(Flags).Where(m => !m.IsSpecialName || m.Name.StartsWith("op_", StringComparison.Ordinal)).Cast<MethodBase>()
                .Concat(type.GetConstructors(Flags))
                .Where(m => !m.IsDefined(typeof(System.Runtime.CompilerServices.CompilerGeneratedAttribute), false));
            foreach (var m in members)
            {
                var ps = m.GetParameters();
                if (ps.Length == 0) continue;
                string name = m is ConstructorInfo ? "#ctor" : m.Name;
                string id = $"M:{DocName(type)}.{name}{(m.IsGenericMethod ? "``" + m.GetGenericArguments().Length : "")}({string.Join(",", ps.Select(p => DocName(p.ParameterType)))})";
                string shown = $"{type.Name}.{name}({string.Join(", ", ps.Select(p => p.Name))})";
                if (!docs.TryGetValue(id, out var e)) { missing.Add($"{shown}: no documentation ({id})"); continue; }
                if (e.Element("inheritdoc") is not null) continue;
                var documented = e.Elements("param").Select(p => (string?)p.Attribute("name")).ToHashSet();
                var lacking = ps.Where(p => !documented.Contains(p.Name)).Select(p => p.Name).ToList();
                if (lacking.Count > 0) missing.Add($"{shown}: no <param> for {string.Join(", ", lacking)}");
            }
        }
        return missing.Distinct().ToList();
    }

    /// <summary>A type as the C# compiler writes it in documentation ids: <c>System.Nullable{CircuitBreaker.Side}</c>, <c>X@</c> for ref.</summary>
    private static string DocName(Type t)
    {
        if (t.IsByRef) return DocName(t.GetElementType()!) + "@";
        if (t.IsArray) return DocName(t.GetElementType()!) + "[]";
        if (t.IsGenericMethodParameter) return "``" + t.GenericParameterPosition;
        if (t.IsGenericTypeParameter) return "`" + t.GenericParameterPosition;
        string outer = t.IsNested ? DocName(t.DeclaringType!) + "." : (t.Namespace is null ? "" : t.Namespace + ".");
        string name = t.Name;
        if (!t.IsGenericType) return outer + name;
        int tick = name.IndexOf('`');
        if (tick >= 0) name = name[..tick];
        var args = t.GetGenericArguments();
        if (t.IsGenericTypeDefinition) return outer + name + "`" + args.Length;
        return outer + name + "{" + string.Join(",", args.Select(DocName)) + "}";
    }

    private static XDocument Docs(Assembly assembly) => XDocument.Load(Path.ChangeExtension(assembly.Location, ".xml"));

    [Fact]
    public void EmbeddingSurface_EveryParameterDocumented()
    {
        var core = typeof(Breaker).Assembly;
        var types = core.GetExportedTypes().Where(t => t.Namespace == "CircuitBreaker");
        var missing = Undocumented(Docs(core), types);
        Assert.True(missing.Count == 0, $"{missing.Count} members lack parameter docs:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void CoreLibrary_EveryParameterDocumented()
    {
        var core = typeof(Breaker).Assembly;
        var missing = Undocumented(Docs(core), core.GetExportedTypes());
        Assert.True(missing.Count == 0, $"{missing.Count} members lack parameter docs:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Drills_EveryParameterDocumented()
    {
        var drills = typeof(CircuitBreaker.Drills.DrillRunner).Assembly;
        var missing = Undocumented(Docs(drills), drills.GetExportedTypes());
        Assert.True(missing.Count == 0, $"{missing.Count} members lack parameter docs:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void HostingPackage_EveryParameterDocumented()
    {
        var hosting = typeof(CircuitBreaker.Extensions.Hosting.CircuitBreakerSettings).Assembly;
        var missing = Undocumented(Docs(hosting), hosting.GetExportedTypes());
        Assert.True(missing.Count == 0, $"{missing.Count} members lack parameter docs:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void NatsPackage_EveryParameterDocumented()
    {
        var nats = typeof(CircuitBreaker.Nats.FirmLink).Assembly;
        var missing = Undocumented(Docs(nats), nats.GetExportedTypes());
        Assert.True(missing.Count == 0, $"{missing.Count} members lack parameter docs:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Undocumented_FindsAMissingParam_Control()
    {
        var xml = XDocument.Parse("""
            <doc><members>
              <member name="M:CircuitBreaker.Tests.Architecture.ParameterDocsTests.Sample.Two(System.Int32,System.Int32)">
                <summary>x</summary><param name="a">a</param></member>
            </members></doc>
            """);
        Assert.Equal(["Sample.Two(a, b): no <param> for b"], Undocumented(xml, [typeof(Sample)]));
    }

    /// <summary>Control subject.</summary>
    public sealed class Sample
    {
        /// <summary>Control subject.</summary>
        public static int Two(int a, int b) => a + b;
    }
}
