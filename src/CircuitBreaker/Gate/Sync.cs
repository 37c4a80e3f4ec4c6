using System.Runtime.CompilerServices;

namespace CircuitBreaker.Gate;

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
    /// <summary>True for the account-owned policy: account and pair state plain (one thread per account at a time), shared
    /// state (instrument, group, order-table slots) atomic, fills released through keeper-written counters.</summary>
    static abstract bool Owned { get; }
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
    public static bool Owned => false;
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
    public static bool Owned => false;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static long Add(ref long location, long value) { long v = location + value; Volatile.Write(ref location, v); return v; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static int Add(ref int location, int value) { int v = location + value; Volatile.Write(ref location, v); return v; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Cas(ref long location, long value, long comparand) { if (location != comparand) return false; Volatile.Write(ref location, value); return true; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Cas(ref int location, int value, int comparand) { if (location != comparand) return false; Volatile.Write(ref location, value); return true; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Publish(ref int location, int value) => Volatile.Write(ref location, value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Publish(ref long location, long value) => Volatile.Write(ref location, value);
}

/// <summary>
/// <see cref="GateConcurrency.AccountOwned"/>: any number of threads check, each account on one thread at a time. The
/// members below are the shared-state operations (atomics, as <see cref="AtomicSync"/>); the gate routes account and
/// pair state through <see cref="Acct"/> (plain under this policy).
/// </summary>
internal readonly struct OwnedSync : ISync
{
    public static bool SingleWriter => false;
    public static bool Owned => true;
    // Shared state: exactly the multi-threaded policy's atomics.
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static long Add(ref long location, long value) => AtomicSync.Add(ref location, value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static int Add(ref int location, int value) => AtomicSync.Add(ref location, value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Cas(ref long location, long value, long comparand) => AtomicSync.Cas(ref location, value, comparand);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Cas(ref int location, int value, int comparand) => AtomicSync.Cas(ref location, value, comparand);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Publish(ref int location, int value) => AtomicSync.Publish(ref location, value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static void Publish(ref long location, long value) => AtomicSync.Publish(ref location, value);
}

/// <summary>Updates of state that belongs to one account (its counters, its pairs): plain under
/// <see cref="OwnedSync"/>, the policy's own operation otherwise. Folded at JIT time.</summary>
internal static class Acct
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Add<TSync>(ref long location, long value) where TSync : struct, ISync => TSync.Owned ? PlainSync.Add(ref location, value) : TSync.Add(ref location, value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Add<TSync>(ref int location, int value) where TSync : struct, ISync => TSync.Owned ? PlainSync.Add(ref location, value) : TSync.Add(ref location, value);
}
