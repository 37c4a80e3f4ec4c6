using System.Reflection;
using System.Reflection.Emit;

namespace CircuitBreaker.Tests.Support;

/// <summary>
/// Reads which types of one assembly a type refers to, from its compiled form: base type, interfaces, fields,
/// properties, events, method signatures, local variables, and every type, method or field token in method bodies
/// (so a <c>new X()</c> hidden in a body counts as much as a field of type X). Nested and compiler-generated types
/// (lambdas, iterators, async state machines) are attributed to their outermost declaring type.
/// </summary>
public static class TypeReferences
{
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance |
                                     BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The outermost declaring type (a nested type belongs to the namespace of the type holding it).</summary>
    public static Type Outermost(Type t)
    {
        while (t.DeclaringType is not null) t = t.DeclaringType;
        return t;
    }

    /// <summary>Every (from, to) pair of outermost types of <paramref name="assembly"/> where <c>from</c> refers to
    /// <c>to</c> (from != to), each with one member that shows the reference.</summary>
    public static IReadOnlyDictionary<(Type From, Type To), string> Edges(Assembly assembly, Func<Type, bool>? include = null)
    {
        var edges = new Dictionary<(Type, Type), string>();
        foreach (var type in assembly.GetTypes())
        {
            var from = Outermost(type);
            if (include is not null && !include(from)) continue;
            void Add(Type? t, string where)
            {
                foreach (var r in Expand(t))
                {
                    if (r.Assembly != assembly) continue;
                    var to = Outermost(r);
                    if (to == from || (include is not null && !include(to))) continue;
                    edges.TryAdd((from, to), $"{type.Name}.{where}");
                }
            }

            Add(type.BaseType, "base");
            foreach (var i in type.GetInterfaces()) Add(i, "interface");
            foreach (var f in type.GetFields(All)) Add(f.FieldType, f.Name);
            foreach (var p in type.GetProperties(All)) Add(p.PropertyType, p.Name);
            foreach (var e in type.GetEvents(All)) Add(e.EventHandlerType, e.Name);
            foreach (var m in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
            {
                if (m is MethodInfo mi) Add(mi.ReturnType, m.Name);
                foreach (var p in m.GetParameters()) Add(p.ParameterType, m.Name);
                foreach (var r in BodyReferences(m)) Add(r, m.Name + " (body)");
            }
        }
        return edges;
    }

    /// <summary>The type itself, its element type and its generic arguments, recursively.</summary>
    private static IEnumerable<Type> Expand(Type? t)
    {
        if (t is null) yield break;
        if (t.HasElementType)
        {
            foreach (var e in Expand(t.GetElementType())) yield return e;
            yield break;
        }
        if (t.IsGenericParameter) yield break;
        yield return t.IsGenericType ? t.GetGenericTypeDefinition() : t;
        if (t.IsGenericType)
            foreach (var a in t.GetGenericArguments())
            foreach (var e in Expand(a))
                yield return e;
    }

    /// <summary>Types named by the method body's locals and by its type, field and method tokens.</summary>
    public static IEnumerable<Type> BodyReferences(MethodBase method)
    {
        MethodBody? body;
        try { body = method.GetMethodBody(); }
        catch (Exception) { yield break; }
        if (body is null) yield break;
        foreach (var local in body.LocalVariables) yield return local.LocalType;
        var il = body.GetILAsByteArray();
        if (il is null) yield break;
        var module = method.Module;
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var pos = 0; pos < il.Length;)
        {
            short value = il[pos++];
            if (value == 0xFE) value = unchecked((short)(0xFE00 | il[pos++]));
            if (!OpCodesByValue.TryGetValue(value, out var op))
                throw new InvalidOperationException($"unknown opcode 0x{value:X} in {method.DeclaringType}.{method.Name}");
            switch (op.OperandType)
            {
                case OperandType.InlineType:
                case OperandType.InlineTok:
                case OperandType.InlineMethod:
                case OperandType.InlineField:
                    var token = BitConverter.ToInt32(il, pos);
                    pos += 4;
                    MemberInfo? member = null;
                    try { member = module.ResolveMember(token, typeArgs, methodArgs); }
                    catch (ArgumentException) { }
                    switch (member)
                    {
                        case Type t: yield return t; break;
                        case FieldInfo f:
                            if (f.DeclaringType is not null) yield return f.DeclaringType;
                            yield return f.FieldType;
                            break;
                        case MethodBase mb:
                            if (mb.DeclaringType is not null) yield return mb.DeclaringType;
                            if (mb.IsGenericMethod)
                                foreach (var a in mb.GetGenericArguments()) yield return a;
                            break;
                    }
                    break;
                case OperandType.InlineSwitch:
                    var n = BitConverter.ToInt32(il, pos);
                    pos += 4 + 4 * n;
                    break;
                default:
                    pos += op.OperandType switch
                    {
                        OperandType.InlineNone => 0,
                        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                        OperandType.InlineVar => 2,
                        OperandType.InlineI8 or OperandType.InlineR => 8,
                        _ => 4,
                    };
                    break;
            }
        }
    }
}
