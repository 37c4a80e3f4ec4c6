using System.Runtime.CompilerServices;

namespace CircuitBreaker;

/// <summary>
/// How the gate updates the counters it owns. The gate's hot methods are generic over a struct implementing this,
/// so the JIT compiles one specialised copy per policy: <see cref="AtomicSync"/> (lock-prefixed atomics, any thread
/// may check) and <see cref="PlainSync"/> (plain loads and stores, one checking thread at a time). Same logic, no
/// duplicated code, no per-operation branch.
/// </summary>
internal interface ISync
{
    /// <summary>True for the single-writer policy (the gate drains deferred fill releases itself).</summary>
    static abstract bool SingleWriter { get; }
    /// <summary>Adds and returns the new value.</summary>
    static abstract long Add(ref long location, long value);
    /// <summary>Adds and returns the new value.</summary>
    static abstract int Add(ref int location, int value);
    /// <summary>Stores <paramref name="value"/> when the location holds <paramref name="comparand"/>; true on success.</summary>
    static abstract bool Cas(ref long location, long value, long comparand);
    /// <summary>Stores <paramref name="value"/> when the location holds <paramref name="comparand"/>; true on success.</summary>
    static abstract bool Cas(ref int location, int value, int comparand);
    /// <summary>A store that later loads of this thread may not move before (a full fence under atomics).</summary>
    static abstract void Publish(ref int location, int value);
    /// <summary>A store that later loads of this thread may not move before (a full fence under atomics).</summary>
    static abstract void Publish(ref long location, long value);
}

/// <summary>Lock-prefixed atomics: any number of threads may run the gate at once.</summary>
internal readonly struct AtomicSync : ISync
{
    public static bool SingleWriter => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static long Add(ref long location, long value) => Interlocked.Add(ref location, value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static int Add(ref int location, int value) => Interlocked.Add(ref location, value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Cas(ref long location, long value, long comparand) => Interlocked.CompareExchange(ref location, value, comparand) == comparand;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Cas(ref int location, int value, int comparand) => Interlocked.CompareExchange(ref location, value, comparand) == comparand;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Publish(ref int location, int value) => Interlocked.Exchange(ref location, value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Publish(ref long location, long value) => Interlocked.Exchange(ref location, value);
}

/// <summary>
/// Plain loads and stores: exactly one thread runs the gate at a time (<see cref="GateConcurrency.SingleWriter"/>).
/// Stores are still release stores (<see cref="Volatile"/>, free on x64) so diagnostics read from other threads see
/// whole values.
/// </summary>
internal readonly struct PlainSync : ISync
{
    public static bool SingleWriter => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static long Add(ref long location, long value) { long v = location + value; Volatile.Write(ref location, v); return v; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static int Add(ref int location, int value) { int v = location + value; Volatile.Write(ref location, v); return v; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Cas(ref long location, long value, long comparand) { if (location != comparand) return false; Volatile.Write(ref location, value); return true; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Cas(ref int location, int value, int comparand) { if (location != comparand) return false; Volatile.Write(ref location, value); return true; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Publish(ref int location, int value) => Volatile.Write(ref location, value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Publish(ref long location, long value) => Volatile.Write(ref location, value);
}
